"""What the API reads from the graph, in batches: every call is one store query, and each is counted.

The GraphQL layer never asks the store per entity. It describes many subjects in
one query (`describe`), lists and counts datasets in one (`datasets`), searches
names and descriptions (`search`, in memory when the server keeps an index). `queries` counts
the store round trips of a request, which the API reports and a test pins.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from graph import sparql_terms
from graph import vocab as v
from graph.lineage import LineageResult, starts_at_level, trace
from graph.read_cache import MISSING, ReadCache
from graph.records import Description
from graph.store import Direction, GraphStore, Level
from graph.text_index import DESCRIPTION_SCORE, TextIndex

# The types a node can have, most specific first: a node's GraphQL type is the first it has.
NODE_TYPES: tuple[tuple[NamedNode, str], ...] = (
    (v.DCAT.Dataset, "Dataset"),
    (v.CSVW.Column, "Column"),
    (v.RUN, "Run"),
    (v.JOB, "Job"),
    (v.PROV.Person, "Owner"),
    (v.TEAM, "Owner"),
    (v.TAG, "Tag"),
    (v.SKOS.Concept, "Concept"),
    (v.ODRL.Policy, "Policy"),
    (v.SSSOM.Mapping, "Mapping"),
    (v.SH.ValidationResult, "ValidationResult"),
)
SEARCHABLE = tuple(cls for cls, _ in NODE_TYPES)

# A traversal kept in the read cache weighs one unit (a packed description's ~1 KB: 1.06 KB for a
# column of the synthetic catalog, 1.4 KB on average in the demo's) for each this many nodes and edges
# (~440 bytes each, measured on the synthetic catalog).
TRACE_ITEMS_A_UNIT = 2


# Lineage is read by traversals and a dataset's columns by `columns_of`, never from a node's description:
# leaving them out keeps descriptions small (5 triples for a dataset of 20 columns, against 25).
_NOT_DESCRIBED = ", ".join(
    str(p)
    for p in (v.PROV.wasDerivedFrom, v.PROV.qualifiedDerivation, *v.KIND_PREDICATES.values(), v.HAS_COLUMN)
)


@dataclass(frozen=True)
class DatasetFilter:
    platform: str | None = None
    schema: str | None = None
    name_contains: str | None = None
    owner: str | None = None  # an owner's key (e-mail, login, team name) or IRI
    tag: str | None = None
    concept: str | None = None  # a concept's IRI or preferred label
    has_personal_data: bool | None = None


def _filter_patterns(f: DatasetFilter) -> list[str]:
    patterns = []
    if f.platform:
        patterns.append(
            f"?d dg:platform/rdfs:label ?platform . FILTER(LCASE(?platform) = LCASE({sparql_terms.text(f.platform)}))"
        )
    if f.schema:
        patterns.append(
            f"?schema dcat:dataset ?d ; rdfs:label ?schemaName . FILTER(?schemaName = {sparql_terms.text(f.schema)})"
        )
    if f.name_contains:
        patterns.append(f"FILTER(CONTAINS(LCASE(?name), LCASE({sparql_terms.text(f.name_contains)})))")
    if f.owner:
        owner = sparql_terms.iri_or_none(f.owner)
        if owner is not None:
            patterns.append(f"?d dg:owner {sparql_terms.term(owner)} .")
        else:
            patterns.append(f"?d dg:owner/dcterms:identifier {sparql_terms.text(f.owner)} .")
    if f.tag:
        patterns.append(f"?d dg:tag/rdfs:label {sparql_terms.text(f.tag)} .")
    if f.concept:
        iri = sparql_terms.iri_or_none(f.concept)
        concept = sparql_terms.term(iri) if iri is not None else "?concept"
        bind = "" if iri is not None else f" ?concept skos:prefLabel {sparql_terms.text(f.concept)} ."
        patterns.append(
            f"{{ ?d dg:concept {concept} }} UNION {{ ?d dg:hasColumn/dg:concept {concept} }}{bind}"
        )
    if f.has_personal_data is not None:
        exists = "EXISTS" if f.has_personal_data else "NOT EXISTS"
        patterns.append(f"FILTER({exists} {{ ?d dg:hasColumn/dpv:hasPersonalData ?category }})")
    return patterns


class CatalogReader:
    """Batched reads of one request. Not shared between requests (it counts their queries).

    With a `cache` (shared by the requests of one server), descriptions and column lists read before
    are answered from it; only the rest are asked of the store, still in one query.
    """

    def __init__(
        self,
        store: GraphStore,
        user_edits: NamedNode,
        cache: ReadCache | None = None,
        text_index: TextIndex | None = None,
    ) -> None:
        self.store = store
        # What people set through the API wins over what a source states, even after the source is
        # loaded again: for a predicate with one value per subject (a description, a column's type),
        # a value in the user edits' graph hides the sources' values.
        curated = ", ".join(map(sparql_terms.term, v.SINGLE_VALUED))
        user = sparql_terms.term(user_edits)
        self._curated_wins = (
            f"FILTER(?p NOT IN ({curated}) || EXISTS {{ GRAPH {user} {{ ?s ?p ?o }} }} "
            f"|| NOT EXISTS {{ GRAPH {user} {{ ?s ?p ?any }} }})"
        )
        self.cache = cache
        self.text_index = text_index
        self.queries = 0

    def _select(self, sparql: str) -> list:
        self.queries += 1
        return list(self.store.query(sparql))

    def _cached(
        self, kind: str, keys: Iterable[NamedNode]
    ) -> tuple[dict[NamedNode, Any], list[NamedNode], int]:
        """What the cache holds for `keys`, the keys it does not hold, and the token to `_keep` them with."""
        if self.cache is None:
            return {}, list(keys), 0
        token = self.cache.token()
        found, missing = {}, []
        for k in keys:
            value = self.cache.get((kind, k.value))
            if value is MISSING:
                missing.append(k)
            else:
                found[k] = value
        return found, missing, token

    def _keep(self, kind: str, key: str, value: Any, subjects: Iterable[str], token: int) -> None:
        """Keep `value`, read from the triples of `subjects`. The IRIs are interned: the same column's
        IRI is in its description's key and in its dataset's column list, and is kept once."""
        if self.cache is not None:
            self.cache.put((kind, sys.intern(key)), value, [sys.intern(s) for s in subjects], token)

    def describe(self, subjects: Sequence[NamedNode]) -> Description:
        """Every outgoing triple of `subjects`, in one query (none when the cache holds them all)."""
        if not subjects:
            return Description()
        found, missing, token = self._cached("describe", set(subjects))
        if not missing:
            return Description.unpacked({s.value: packed for s, packed in found.items()})
        rows = self._select(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {sparql_terms.terms(missing)} }} ?s ?p ?o "
            f"FILTER(?p NOT IN ({_NOT_DESCRIBED})) {self._curated_wins} }}"
        )
        read = Description(rows)  # a row unpacks as (s, p, o): 20% cheaper than reading it by name
        for s in missing:
            iri = s.value
            self._keep("describe", iri, read.packed(iri), [iri], token)
        if not found:
            return read
        return Description.merged([read, Description.unpacked({s.value: p for s, p in found.items()})])

    def datasets(self, f: DatasetFilter) -> list[tuple[NamedNode, str]]:
        """Every dataset matching `f` with its qualified name, ordered by name then IRI, in one query.

        Sorted here: the store's ORDER BY costs about 5x the query itself (437 against 86 ms for
        5,000 datasets), and the same rows give the total count.
        """
        body = "\n".join(_filter_patterns(f))
        rows = self._select(
            f"SELECT DISTINCT ?d ?name WHERE {{ ?d a dcat:Dataset ; dcterms:identifier ?name .\n{body} }}"
        )
        return sorted(((r["d"], r["name"].value) for r in rows), key=lambda row: (row[1], row[0].value))

    def columns_of(self, datasets: Sequence[NamedNode]) -> dict[NamedNode, list[NamedNode]]:
        """Each dataset's columns, ordered by position then name, in one query (none when cached)."""
        if not datasets:
            return {}
        found, missing, token = self._cached("columns", set(datasets))
        ordered = {d: [NamedNode(c) for c in columns] for d, columns in found.items()}
        if not missing:
            return ordered
        # One OPTIONAL over both predicates: two OPTIONALs and a DISTINCT cost Oxigraph 1.45 against 0.79 ms
        # for a dataset of 20 columns.
        rows = self._select(
            f"SELECT ?d ?c ?p ?o WHERE {{ VALUES ?d {{ {sparql_terms.terms(missing)} }} ?d dg:hasColumn ?c . "
            "OPTIONAL { VALUES ?p { dg:ordinalPosition rdfs:label } ?c ?p ?o } }"
        )
        found: dict[NamedNode, dict[NamedNode, dict[str, str]]] = {d: {} for d in missing}
        for d, c, p, o in rows:
            stated = found.setdefault(d, {}).setdefault(c, {})
            if p is not None:  # a column stated by two sources: its least position and name
                kind = "pos" if p == v.ORDINAL else "name"
                value = o.value
                stated[kind] = min(value, stated.get(kind, value), key=int if kind == "pos" else str)
        for d, cs in found.items():
            keys = {c: _column_order(stated) for c, stated in cs.items()}
            ordered[d] = sorted(keys, key=lambda c, keys=keys: (keys[c], c.value))
            columns = tuple(sys.intern(c.value) for c in ordered[d])  # the order depends on their triples too
            self._keep("columns", d.value, columns, [d.value, *columns], token)
        return ordered

    def trace(
        self, iri: NamedNode, direction: Direction, depth: int, level: Level, limit: int
    ) -> tuple[list[NamedNode], LineageResult]:
        """The lineage of `iri` at `level`: its start nodes, and the traversal from them in one query
        (none when cached). Kept with every node it reached, so that a write to a triple starting or
        ending at one of them (a new edge, a removed one) forgets it (see `GraphStore.watch`)."""
        key = ("lineage", iri.value, direction.value, depth, level.value, limit)
        token = self.cache.token() if self.cache is not None else 0
        if self.cache is not None and (found := self.cache.get(key)) is not MISSING:
            return found
        self.queries += 1
        starts = starts_at_level(self.store, iri, level)
        result = trace(self.store, starts, direction, depth, level, limit)
        if self.cache is not None:
            nodes = {iri.value, *(s.value for s in starts), *(n.iri.value for n in result.nodes)}
            weight = 1 + (len(result.nodes) + len(result.edges)) // TRACE_ITEMS_A_UNIT
            self.cache.put(key, (starts, result), nodes, token, weight)
        return starts, result

    def search(
        self, text: str, classes: Sequence[NamedNode], first: int
    ) -> list[tuple[NamedNode, float, str]]:
        """Nodes of `classes` whose name, identifier or description contains `text`, best first.

        Score: 1.0 exact name, 0.8 name prefix, 0.6 name contains, 0.3 description contains. Through
        the server's kept index when there is one, else through one read afresh.
        """
        index = self.text_index or TextIndex(self.store, SEARCHABLE, kept=False)
        reads = index.reads
        hits = index.search(text, classes, first)
        self.queries += index.reads - reads  # none when a kept index is up to date
        return [(s, score, _matched(score)) for s, score in hits]

    def subjects_with(
        self, predicate: NamedNode, objects: Sequence[NamedNode]
    ) -> dict[NamedNode, list[NamedNode]]:
        """For each of `objects`, the subjects pointing at it by `predicate` (runs of jobs, ...), in one query."""
        if not objects:
            return {}
        rows = self._select(
            f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {sparql_terms.terms(set(objects))} }} ?s {sparql_terms.term(predicate)} ?o }}"
        )
        found: dict[NamedNode, list[NamedNode]] = {o: [] for o in objects}
        for r in rows:
            found.setdefault(r["o"], []).append(r["s"])
        return {o: sorted(ss, key=lambda n: n.value) for o, ss in found.items()}


def _column_order(stated: dict[str, str]) -> tuple[bool, int, str]:
    """Columns by position (those without one last), then name."""
    pos = stated.get("pos")
    return pos is None, int(pos) if pos is not None else 0, stated.get("name", "")


def _matched(score: float) -> str:
    return "description" if score <= DESCRIPTION_SCORE else "name"


def node_type(iri: NamedNode, d: Description) -> str | None:
    """The GraphQL type of a described node, or None when it is nothing the API serves."""
    types = set(d.objects(iri, v.RDF.type))
    return next((name for cls, name in NODE_TYPES if cls in types), None)
