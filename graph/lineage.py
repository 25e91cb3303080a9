"""Lineage traversal: upstream, downstream or both, to a depth, at dataset or column level.

The store finds every reachable edge in one query; this module turns those
edges into what a user asks for: each reached node with its distance and one
shortest path from the start, and the edges with their transformation kind.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph import vocab as v
from graph.store import Direction, GraphStore, Hop, Level

DEFAULT_LIMIT = 50_000


@dataclass(frozen=True)
class LineageNode:
    iri: NamedNode
    distance: int
    direction: Direction  # UPSTREAM or DOWNSTREAM of the start (the start itself: BOTH)
    path: tuple[NamedNode, ...]  # from a start to this node, both included


@dataclass(frozen=True)
class LineageEdge:
    upstream: NamedNode
    downstream: NamedNode
    kind: NamedNode | None


@dataclass(frozen=True)
class LineageResult:
    starts: tuple[NamedNode, ...]
    direction: Direction
    depth: int | None
    level: Level
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool  # the edge limit cut the traversal short: more lineage exists than shown

    def node(self, iri: NamedNode) -> LineageNode | None:
        return next((n for n in self.nodes if n.iri == iri), None)


def is_column(store: GraphStore, iri: NamedNode) -> bool:
    return store.has(iri, v.RDF.type, v.CSVW.Column)


def starts_at_level(store: GraphStore, iri: NamedNode, level: Level) -> list[NamedNode]:
    """The traversal's start nodes: a dataset's columns at column level, a column's dataset at dataset level."""
    column = is_column(store, iri)
    if level is Level.COLUMN and not column:
        return sorted({q.object for q in store.quads(iri, v.HAS_COLUMN, None)}, key=str)
    if level is Level.DATASET and column:
        return sorted({q.subject for q in store.quads(None, v.HAS_COLUMN, iri)}, key=str)
    return [iri]


def trace(
    store: GraphStore,
    starts: list[NamedNode],
    direction: Direction = Direction.BOTH,
    depth: int | None = None,
    level: Level = Level.DATASET,
    limit: int = DEFAULT_LIMIT,
) -> LineageResult:
    """Lineage from `starts` (already at `level`) to `depth` hops, or all of it when depth is None."""
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be at least 1 (or None for all lineage), not {depth}")
    hops, truncated = store.lineage_hops(starts, direction, depth, limit)
    nodes = [LineageNode(s, 0, Direction.BOTH, (s,)) for s in starts]
    edges: dict[tuple[str, str], LineageEdge] = {}
    for way in (Direction.UPSTREAM, Direction.DOWNSTREAM):
        if direction in (way, Direction.BOTH):
            reached, used = _bfs(starts, [h for h in hops if h.direction is way], depth)
            nodes += [
                LineageNode(iri, len(path) - 1, way, path) for iri, path in reached.items() if len(path) > 1
            ]
            for hop in used:
                up, down = (hop.far, hop.near) if way is Direction.UPSTREAM else (hop.near, hop.far)
                edges.setdefault((up.value, down.value), LineageEdge(up, down, hop.kind))
    nodes.sort(key=lambda n: (n.distance, n.direction.value, n.iri.value))
    return LineageResult(
        starts=tuple(starts),
        direction=direction,
        depth=depth,
        level=level,
        nodes=nodes,
        edges=sorted(edges.values(), key=lambda e: (e.upstream.value, e.downstream.value)),
        truncated=truncated,
    )


def _bfs(
    starts: list[NamedNode], hops: list[Hop], depth: int | None
) -> tuple[dict[NamedNode, tuple[NamedNode, ...]], list[Hop]]:
    out: dict[NamedNode, list[Hop]] = {}
    for hop in hops:
        out.setdefault(hop.near, []).append(hop)
    paths: dict[NamedNode, tuple[NamedNode, ...]] = {s: (s,) for s in starts}
    used: list[Hop] = []
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        path = paths[node]
        if depth is not None and len(path) > depth:
            continue
        for hop in out.get(node, ()):
            used.append(hop)
            if hop.far not in paths:
                paths[hop.far] = (*path, hop.far)
                queue.append(hop.far)
    return paths, used
