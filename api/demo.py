"""The demo: load the sample retail warehouse through the loaders, and tell the user what to try on it.

`api.sample.warehouse` writes the artifacts the warehouse's systems would leave behind (a SQLite
database, a dbt project's artifacts, an orchestrator's OpenLineage events); the demo loads them with
SqlSource, DbtSource and OpenLineageSource, then commits what no loader knows (the glossary, the policy
and the personal-data classification) into the sample's own named graph.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from api.sample.warehouse import PLATFORM, REPORT_FILE, build_artifacts, governance_changeset
from graph.write import GraphWriter
from loaders.dbt.config import DbtLoaderConfig
from loaders.dbt.source import DbtSource
from loaders.openlineage.config import OpenLineageLoaderConfig
from loaders.openlineage.source import OpenLineageSource
from loaders.report import LoadReport
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.source import SqlSource

# Real names in the loaded demo (tests check that each one is in it).
UPSTREAM_EXAMPLE = "marts.fct_orders"
EMAIL_COLUMN = "main.customers.email"
HASHED_EMAIL_COLUMN = "marts.customer_lifetime_value.email_hash"


def load_demo(writer: GraphWriter, folder: Path | None = None) -> list[LoadReport]:
    """Build the sample's artifacts (in `folder`, or a temporary one) and load them; one report per step.

    Loading again adds and removes nothing.
    """
    if folder is not None:
        return _load(writer, folder)
    with tempfile.TemporaryDirectory(prefix="datagraph-demo-") as tmp:
        return _load(writer, Path(tmp))


def _load(writer: GraphWriter, folder: Path) -> list[LoadReport]:
    artifacts = build_artifacts(folder)
    reports = [
        SqlSource(SqlLoaderConfig(url=artifacts.sqlite_url)).load(writer),
        DbtSource(
            DbtLoaderConfig(
                manifest=artifacts.manifest,
                catalog=artifacts.catalog,
                run_results=artifacts.run_results,
                platform=PLATFORM,
            )
        ).load(writer),
        OpenLineageSource(OpenLineageLoaderConfig(path=artifacts.events)).load(writer),
    ]
    changeset = governance_changeset(writer.iris)
    result = writer.commit(changeset)
    governance = LoadReport(
        source="sample glossary, policy and personal-data classification",
        read=1,
        triples_added=result.added,
        triples_removed=result.removed,
        graphs=[g.value for g in sorted(changeset.graphs, key=lambda g: g.value)],
    )
    return [*reports, governance]


def next_steps(base_url: str) -> str:
    """What to try once the demo is loaded: the server's pages and a few commands on the sample catalog."""
    base = base_url.rstrip("/")
    return f"""
The sample retail warehouse is in the graph, loaded the way a real one is: the raw tables from a SQLite
database (main.*), the dbt project's staging and marts models from its artifacts, and an Airflow DAG's
OpenLineage events exporting marts.fct_daily_sales to {REPORT_FILE}.

Open {base}/graphql for the GraphQL API in GraphiQL (it works offline). The demo lets anonymous callers
read; try:

  {{ dataset(name: "{UPSTREAM_EXAMPLE}") {{ description owners {{ owner {{ key }} }} columns {{ totalCount }} }} }}
  {{ lineage(id: "{EMAIL_COLUMN}", direction: DOWNSTREAM, level: COLUMN) {{ edges {{ upstream downstream kind }} }} }}
  {{ impact(id: "staging.stg_customers") {{ datasets {{ dataset {{ qualifiedName }} }} owners {{ key }} }} }}

To change the graph through the API, create a key and send it as `Authorization: Bearer <key>`:

  datagraph apikey create --role steward

Open {base}/ for the graph's statistics; {base}/healthz, {base}/stats and {base}/metrics (Prometheus)
answer too.

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
