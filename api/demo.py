"""The demo: load the bundled sample retail catalog, and tell the user what to try on it."""

from __future__ import annotations

from api.sample.retail import sample_changeset
from graph.write import CommitResult, GraphWriter

# Real names from the sample catalog (tests check that each one is in it).
UPSTREAM_EXAMPLE = "retail.marts.fct_orders"
EMAIL_COLUMN = "retail.raw.customers.email"
HASHED_EMAIL_COLUMN = "retail.marts.customer_lifetime_value.email_hash"


def load_demo(writer: GraphWriter) -> CommitResult:
    """Commit the sample catalog into its own named graph; loading it again adds and removes nothing."""
    return writer.commit(sample_changeset(writer.iris))


def next_steps(base_url: str) -> str:
    """What to try once the demo is loaded: the server's pages and a few commands on the sample catalog."""
    base = base_url.rstrip("/")
    return f"""
The sample retail warehouse is in the graph: raw -> staging -> marts on postgres database "retail".

Open {base}/ for the graph's statistics;
     {base}/healthz and {base}/stats answer in JSON.

Then, in another terminal (the server holds the store; these commands read it alongside;
`source .venv/bin/activate` first, or call .venv/bin/datagraph):

  # where the orders fact table comes from, hop by hop
  datagraph lineage {UPSTREAM_EXAMPLE} --direction upstream

  # where the customers' e-mail addresses end up, and what each step did to them
  datagraph lineage {EMAIL_COLUMN} --direction downstream --level column

  # a hashed e-mail is no longer an e-mail: trace this column back to its source
  datagraph lineage {HASHED_EMAIL_COLUMN} --direction upstream

  # every column classified as personal data, with its DPV category
  datagraph sparql 'SELECT ?column ?category WHERE {{ ?column dpv:hasPersonalData ?category }} ORDER BY ?column'

  # the whole graph as Turtle
  datagraph export --format turtle -o retail.ttl
"""
