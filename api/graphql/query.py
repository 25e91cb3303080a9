"""The root Query: lookups, lists, lineage and impact, search, and raw queries for admins."""

from __future__ import annotations

import asyncio
import bisect
from enum import Enum
from typing import Annotated

import strawberry
from pyoxigraph import NamedNode
from strawberry.types import Info

from api.auth import Role
from api.graphql.context import Context
from api.graphql.errors import BadInput, NotFound
from api.graphql.limits import MAX_PAGE
from api.graphql.permissions import require
from api.graphql.raw import run_cypher, run_sparql
from api.graphql.reader import DatasetFilter, node_type
from api.graphql.types import (
    TYPES,
    Column,
    Concept,
    Connection,
    Dataset,
    DatasetConnection,
    Edge,
    Node,
    Owner,
    PageInfo,
    decode_cursor,
    encode_cursor,
    make_node,
)
from graph import vocab as v
from graph.lineage import is_column
from graph.records import OWNERSHIP_ROLES
from graph.resolve import AmbiguousName, UnknownEntity
from graph.store import Direction, Level

KIND_NAMES = {iri.value: name for name, iri in v.TRANSFORMATION_KINDS.items()}


@strawberry.enum
class LineageDirection(Enum):
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    BOTH = "both"


@strawberry.enum
class LineageLevel(Enum):
    DATASET = "dataset"
    COLUMN = "column"


@strawberry.enum
class SearchType(Enum):
    DATASET = "Dataset"
    COLUMN = "Column"
    CONCEPT = "Concept"
    JOB = "Job"
    OWNER = "Owner"
    TAG = "Tag"
    POLICY = "Policy"


SEARCH_CLASSES = {
    SearchType.DATASET: [v.DCAT.Dataset],
    SearchType.COLUMN: [v.CSVW.Column],
    SearchType.CONCEPT: [v.SKOS.Concept],
    SearchType.JOB: [v.JOB],
    SearchType.OWNER: [v.PROV.Person, v.TEAM],
    SearchType.TAG: [v.TAG],
    SearchType.POLICY: [v.ODRL.Policy],
}


@strawberry.input(description="Conditions a dataset must all meet. Text matches are case-insensitive.")
class DatasetFilterInput:
    platform: str | None = None
    schema: str | None = strawberry.field(default=None, description="The schema's (or database's) name.")
    name_contains: str | None = None
    owner: str | None = strawberry.field(
        default=None, description="An owner's key (e-mail, login, team) or IRI."
    )
    tag: str | None = None
    concept: str | None = strawberry.field(default=None, description="A concept's IRI or preferred label.")
    has_personal_data: bool | None = None


@strawberry.type(description="A node reached by a lineage traversal.")
class LineageNode:
    node: Node
    distance: int = strawberry.field(description="Hops from the start (0 for the start itself).")
    direction: LineageDirection
    path: list[strawberry.ID] = strawberry.field(description="IRIs from a start node to this one.")


@strawberry.type(description="One derivation: `downstream` was derived from `upstream`.")
class LineageEdge:
    upstream: strawberry.ID
    downstream: strawberry.ID
    kind: str | None = strawberry.field(
        description="copy, expression, aggregation, hash, filter, join_key, ..."
    )


@strawberry.type
class Lineage:
    starts: list[strawberry.ID]
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = strawberry.field(
        description="True when a depth or size limit cut the result: more lineage exists than shown."
    )
    truncated_by: list[str] = strawberry.field(description="Which limits cut it: 'depth', 'size'.")


@strawberry.type(description="A dataset downstream of the changed node.")
class ImpactedDataset:
    dataset: Dataset
    distance: int


@strawberry.type(description="What a change to a dataset or column reaches downstream, and whom to tell.")
class Impact:
    datasets: list[ImpactedDataset]
    columns: list[Column]
    owners: list[Owner] = strawberry.field(description="Owners of the downstream datasets: who to notify.")
    truncated: bool
    truncated_by: list[str]


@strawberry.type
class SearchHit:
    node: Node
    score: float = strawberry.field(
        description="1.0 exact name, 0.8 name prefix, 0.6 in the name, 0.3 in the description."
    )
    matched: str = strawberry.field(description="Where the text matched: name or description.")


@strawberry.type(description="Rows of a raw query, each a JSON object of variable -> value.")
class RawResult:
    columns: list[str]
    rows: list[strawberry.scalars.JSON]
    truncated: bool


def _resolve(info: Info[Context, None], text: str, what: str = "node") -> NamedNode:
    try:
        return info.context.resolve(text)
    except UnknownEntity as e:
        raise NotFound(f"'id': {e}", field="id") from e
    except AmbiguousName as e:
        raise BadInput(f"'id': {e}", field="id") from e


async def _typed(info: Info[Context, None], iri: NamedNode, expected: str) -> Node:
    d = await info.context.describe([iri])
    found = node_type(iri, d)
    if found != expected:
        what = f"a {found}" if found else "nothing the API serves"
        raise BadInput(f"'id': {iri.value} is {what}, not a {expected}", field="id")
    return make_node(expected, iri, d)


def _lineage_limits(info: Info[Context, None], depth: int | None) -> int:
    cap = info.context.settings.max_lineage_depth
    if depth is None:
        return cap
    if depth < 1:
        raise BadInput(f"'depth': {depth} is not a depth; ask for 1 to {cap} hops", field="depth")
    return depth


async def _trace(info: Info[Context, None], iri: NamedNode, direction: Direction, depth: int, level: Level):
    """The traversal to `depth`, and whether more exists beyond it (traced one hop further)."""
    ctx = info.context
    cap = ctx.settings.max_lineage_depth
    starts, result = ctx.reader.trace(
        iri, direction, min(depth, cap) + 1, level, ctx.settings.max_lineage_edges
    )
    shown = min(depth, cap)
    beyond = [n for n in result.nodes if n.distance > shown]
    nodes = [n for n in result.nodes if n.distance <= shown]
    kept = {n.iri for n in nodes}
    edges = [e for e in result.edges if e.upstream in kept and e.downstream in kept]
    reasons = (["depth"] if beyond else []) + (["size"] if result.truncated else [])
    return starts, nodes, edges, reasons


def _iri(id: strawberry.ID) -> NamedNode:
    """An `id` argument as an IRI, or BadInput saying why it is not one."""
    try:
        return NamedNode(str(id).strip("<>"))
    except ValueError as e:
        raise BadInput(f"'id': {str(id)[:200]!r} is not an IRI ({e})", field="id") from None


@strawberry.type
class Query:
    # The lookups below are nullable: an unknown id answers null with a NOT_FOUND error naming close
    # names, and the request's other fields are still answered (a non-null field would null them all).
    @strawberry.field(description="Any node by its IRI; null when there is none.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        iri = _iri(id)
        d = await info.context.describe([iri])
        found = node_type(iri, d)
        return make_node(found, iri, d) if found else None

    @strawberry.field(
        description="A dataset by IRI (`id`) or by name (`name`: qualified or unique plain name)."
    )
    async def dataset(
        self, info: Info[Context, None], id: strawberry.ID | None = None, name: str | None = None
    ) -> Dataset | None:
        if (id is None) == (name is None):
            raise BadInput("give exactly one of 'id' and 'name'", field="id")
        iri = _resolve(info, str(id if id is not None else name))
        return await _typed(info, iri, "Dataset")

    @strawberry.field(description="A column by IRI or qualified name (dataset.column).")
    async def column(self, info: Info[Context, None], id: strawberry.ID) -> Column | None:
        return await _typed(info, _resolve(info, str(id)), "Column")

    @strawberry.field(description="A glossary concept by IRI.")
    async def concept(self, info: Info[Context, None], id: strawberry.ID) -> Concept | None:
        iri = _iri(id)
        if not info.context.store.has(iri, None, None):
            raise NotFound(f"'id': {id} is not in the graph", field="id")
        return await _typed(info, iri, "Concept")

    @strawberry.field(description="Datasets matching every condition of `filter`, by qualified name.")
    async def datasets(
        self,
        info: Info[Context, None],
        filter: DatasetFilterInput | None = None,
        first: Annotated[int, strawberry.argument(description=f"Page size, at most {MAX_PAGE}.")] = 50,
        after: str | None = None,
    ) -> DatasetConnection:
        if not 0 <= first <= MAX_PAGE:
            raise BadInput(f"'first': {first} is out of range; ask for 0 to {MAX_PAGE}", field="first")
        try:
            cursor = decode_cursor(after, 2) if after else None
        except ValueError as e:
            raise BadInput(str(e), field="after") from e
        f = DatasetFilter(**vars(filter)) if filter is not None else DatasetFilter()
        # In a worker thread: a listing reads every dataset (about 0.1 s on 100k columns with a filter).
        found = await asyncio.to_thread(info.context.reader.datasets, f)
        start = bisect.bisect_right(found, cursor, key=lambda row: (row[1], row[0].value)) if cursor else 0
        page = found[start : start + first]
        more = start + first < len(found)
        d = await info.context.describe([iri for iri, _ in page])
        edges = [
            Edge(cursor=encode_cursor(name, iri.value), node=make_node("Dataset", iri, d))
            for iri, name in page
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
            total_count=len(found),
        )

    @strawberry.field(description="Lineage of a dataset or column, traced in one store query.")
    async def lineage(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        direction: LineageDirection = LineageDirection.BOTH,
        depth: Annotated[
            int | None, strawberry.argument(description="Hops; default and maximum: the server's limit.")
        ] = None,
        level: LineageLevel = LineageLevel.DATASET,
    ) -> Lineage | None:
        iri = _resolve(info, str(id))
        hops = _lineage_limits(info, depth)
        starts, nodes, edges, reasons = await _trace(
            info, iri, Direction(direction.value), hops, Level(level.value)
        )
        if depth is not None and depth > info.context.settings.max_lineage_depth:
            reasons = sorted({*reasons, "depth"})
        d = await info.context.describe([n.iri for n in nodes])
        out = []
        for n in nodes:
            found = node_type(n.iri, d)
            if found:
                out.append(
                    LineageNode(
                        node=make_node(found, n.iri, d),
                        distance=n.distance,
                        direction=LineageDirection(n.direction.value),
                        path=[strawberry.ID(p.value) for p in n.path],
                    )
                )
        return Lineage(
            starts=[strawberry.ID(s.value) for s in starts],
            nodes=out,
            edges=[
                LineageEdge(
                    upstream=strawberry.ID(e.upstream.value),
                    downstream=strawberry.ID(e.downstream.value),
                    kind=KIND_NAMES.get(e.kind.value) if e.kind is not None else None,
                )
                for e in edges
            ],
            truncated=bool(reasons),
            truncated_by=reasons,
        )

    @strawberry.field(description="What lies downstream of a dataset or column, and the owners to notify.")
    async def impact(
        self, info: Info[Context, None], id: strawberry.ID, depth: int | None = None
    ) -> Impact | None:
        iri = _resolve(info, str(id))
        hops = _lineage_limits(info, depth)
        ctx = info.context
        _, dataset_nodes, _, reasons = await _trace(info, iri, Direction.DOWNSTREAM, hops, Level.DATASET)
        _, column_nodes, _, column_reasons = await _trace(info, iri, Direction.DOWNSTREAM, hops, Level.COLUMN)
        datasets = [n for n in dataset_nodes if n.distance > 0]
        columns = [n.iri for n in column_nodes if n.distance > 0]
        d = await ctx.describe([n.iri for n in datasets] + columns)
        owner_iris = sorted(
            {o for n in datasets for p in (v.OWNER, *OWNERSHIP_ROLES.values()) for o in d.objects(n.iri, p)},
            key=str,
        )
        od = await ctx.describe(owner_iris)
        if is_column(ctx.store, iri):
            columns = [c for c in columns if c != iri]
        reasons = sorted({*reasons, *column_reasons})
        return Impact(
            datasets=[
                ImpactedDataset(dataset=make_node("Dataset", n.iri, d), distance=n.distance) for n in datasets
            ],
            columns=[make_node("Column", c, d) for c in columns],
            owners=[make_node("Owner", o, od) for o in owner_iris],
            truncated=bool(reasons),
            truncated_by=reasons,
        )

    @strawberry.field(description="Nodes whose name or description contains `query`, best matches first.")
    async def search(
        self,
        info: Info[Context, None],
        query: str,
        types: list[SearchType] | None = None,
        first: int = 20,
    ) -> list[SearchHit]:
        if not query.strip():
            raise BadInput("'query': give some text to search for", field="query")
        if not 0 < first <= MAX_PAGE:
            raise BadInput(f"'first': {first} is out of range; ask for 1 to {MAX_PAGE}", field="first")
        classes = [c for t in (types or list(SearchType)) for c in SEARCH_CLASSES[t]]
        # In a worker thread: a search that reads the store (the index's first build, or every search
        # without a kept index) must not hold up the server's other requests.
        hits = await asyncio.to_thread(info.context.reader.search, query.strip(), classes, first)
        d = await info.context.describe([iri for iri, _, _ in hits])
        out = []
        for iri, score, matched in hits:
            found = node_type(iri, d)
            if found in TYPES:
                out.append(SearchHit(node=make_node(found, iri, d), score=score, matched=matched))
        return out

    @strawberry.field(description="Admins: a read-only SPARQL query (Oxigraph store), time-limited.")
    async def sparql(self, info: Info[Context, None], query: str, limit: int = 1000) -> RawResult:
        require(info, Role.ADMIN, "run SPARQL")
        columns, rows, truncated = await run_sparql(
            info.context.store, query, limit, info.context.settings.sparql_timeout_s
        )
        return RawResult(columns=columns, rows=rows, truncated=truncated)

    @strawberry.field(description="Admins: a read-only Cypher query (Neo4j store).")
    async def cypher(self, info: Info[Context, None], query: str, limit: int = 1000) -> RawResult:
        require(info, Role.ADMIN, "run Cypher")
        columns, rows, truncated = await run_cypher(info.context.store, query, limit)
        return RawResult(columns=columns, rows=rows, truncated=truncated)
