"""Every SPARQL text the Oxigraph store runs, named, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import NamedNode

from graph import sparql_terms
from graph import vocab as v
from graph.store import Direction

DERIVED = sparql_terms.term(v.PROV.wasDerivedFrom)
# prov:wasDerivedFrom and its kind-specific sub-properties (dg:hashedFrom, ...).
EDGE_PREDICATES = ", ".join(map(sparql_terms.term, (v.PROV.wasDerivedFrom, *v.KIND_PREDICATES.values())))

# Up to this depth a traversal unrolls the hops (exact work per level, nearest
# levels first); beyond it, or without a depth, it takes the transitive closure.
MAX_UNROLLED_DEPTH = 6


def _hop(near: str, far: str, upstream: bool) -> str:
    """The edge near->far, once per predicate stating it: ?edge is prov:wasDerivedFrom or a kind's
    sub-property. A required join on an index, where an OPTIONAL kind lookup per edge costs ~40 us."""
    down, up = (near, far) if upstream else (far, near)
    return f"{down} ?edge {up} . FILTER(?edge IN ({EDGE_PREDICATES}))"


def _branches(values: str, upstream: bool, depth: int | None, tag: str) -> list[str]:
    # The start values sit inside every branch: the optimizer evaluates union
    # branches on their own, and a branch without its start would walk everything.
    step = ("" if upstream else "^") + DERIVED
    hop = _hop("?near", "?far", upstream)
    if depth is None or depth > MAX_UNROLLED_DEPTH:
        return [f"{{ VALUES ?start {{ {values} }} ?start {step}* ?near . {hop} BIND({tag} AS ?dir) }}"]
    branches = [f"{{ VALUES ?near {{ {values} }} {hop} BIND({tag} AS ?dir) BIND(1 AS ?lvl) }}"]
    for k in range(1, depth):
        path = "/".join([step] * k)
        branches.append(
            f"{{ VALUES ?start {{ {values} }} ?start {path} ?near . {hop} BIND({tag} AS ?dir) BIND({k + 1} AS ?lvl) }}"
        )
    return branches


def lineage(starts: Sequence[NamedNode], direction: Direction, depth: int | None, limit: int) -> str:
    """Lineage edges reachable from `starts`: ?near ?far ?edge ?dir ("u"/"d") ?lvl (bound when unrolled)."""
    values = sparql_terms.terms(starts)
    branches = []
    if direction in (Direction.UPSTREAM, Direction.BOTH):
        branches += _branches(values, True, depth, '"u"')
    if direction in (Direction.DOWNSTREAM, Direction.BOTH):
        branches += _branches(values, False, depth, '"d"')
    return f"SELECT ?near ?far ?edge ?dir ?lvl WHERE {{ {' UNION '.join(branches)} }} LIMIT {2 * limit + 2}"  # up to two rows an edge


CLASS_COUNTS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def count_graph(graph: NamedNode) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_terms.term(graph)} {{ ?s ?p ?o }} }}"
