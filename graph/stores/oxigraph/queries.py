"""Every SPARQL text the Oxigraph store runs, named, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import NamedNode

from graph import vocab as v

DERIVED = f"<{v.PROV.wasDerivedFrom.value}>"
QUALIFIED = f"<{v.PROV.qualifiedDerivation.value}>"
ENTITY = f"<{v.PROV.entity.value}>"
KIND = f"<{v.TRANSFORMATION.value}>"

# Up to this depth a traversal unrolls the hops (exact work per level, nearest
# levels first); beyond it, or without a depth, it takes the transitive closure.
MAX_UNROLLED_DEPTH = 6


def _hop(near: str, far: str, upstream: bool) -> str:
    """The edge near->far with its transformation kind: upstream follows prov:wasDerivedFrom."""
    down, up = (near, far) if upstream else (far, near)
    # LATERAL makes the engine look the kind up per edge; a plain OPTIONAL is
    # evaluated on its own first, scanning every qualified derivation in the store.
    return (
        f"{near} {'' if upstream else '^'}{DERIVED} {far} . "
        f"LATERAL {{ OPTIONAL {{ {down} {QUALIFIED} ?q . ?q {ENTITY} {up} ; {KIND} ?kind }} }}"
    )


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


def lineage(
    starts: Sequence[NamedNode], upstream: bool, downstream: bool, depth: int | None, limit: int
) -> str:
    """All lineage edges reachable from `starts`: ?near ?far ?kind ?dir ("u"/"d") ?lvl (bound when unrolled)."""
    values = " ".join(str(s) for s in starts)
    branches = []
    if upstream:
        branches += _branches(values, True, depth, '"u"')
    if downstream:
        branches += _branches(values, False, depth, '"d"')
    return f"SELECT ?near ?far ?kind ?dir ?lvl WHERE {{ {' UNION '.join(branches)} }} LIMIT {limit + 1}"


CLASS_COUNTS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def count_graph(graph: NamedNode) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
