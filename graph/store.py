"""The store protocol every backend implements, and the errors it raises.

Code outside graph/stores/ talks to a `GraphStore` only; what a backend can do
beyond the protocol is declared as data in its `capabilities`, never tested
with `if backend == ...`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

Node = NamedNode
Object = NamedNode | Literal


class StoreError(RuntimeError):
    """A store could not be opened or could not do what was asked; the message says why."""


class StoreLocked(StoreError):
    """The store's directory is held by another process."""


class StoreUnavailable(StoreError):
    """A store server could not be reached."""


class Unsupported(StoreError):
    """The backend cannot do this (see its capabilities)."""


class Direction(StrEnum):
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    BOTH = "both"


class Level(StrEnum):
    DATASET = "dataset"
    COLUMN = "column"


@dataclass(frozen=True)
class Hop:
    """One lineage edge as a traversal meets it: from `near` (closer to the start) to `far`."""

    near: NamedNode
    far: NamedNode
    direction: Direction  # UPSTREAM: `far` is a source of `near`; DOWNSTREAM: `far` derives from `near`
    kind: NamedNode | None  # the dg:TransformationKind, when known
    level: int | None = None  # the hop's distance bound, when the engine knows it (near is < level hops out)


@dataclass(frozen=True)
class Capabilities:
    name: str
    sparql: bool = False
    cypher: bool = False
    persistent: bool = True
    exclusive: bool = True  # only this process changes the data: what it read stays true until it writes
    snapshots: bool = False  # `snapshot` copies the store as it is, for another process to read


class GraphStore(ABC):
    """A quad store holding the knowledge graph. All data lives in named graphs."""

    capabilities: Capabilities

    @abstractmethod
    def apply(self, adds: Sequence[Quad], removes: Sequence[Quad]) -> None:
        """Remove then add, atomically: afterwards all of it is in the store or none of it is.

        An implementation calls `changed(adds, removes)` once it is done, succeeded or not."""

    def watch(self, on_change: Callable[[set[Node]], None]) -> None:
        """Have `on_change` told the nodes of every later `apply`, once it is over (a read cache
        forgets what it read from them): each changed triple's subject, and its object when that is
        an IRI, so that what was read by following a link backwards (a downstream traversal, a
        column's dataset) is told too. It runs in the thread that applied the change; it must be
        quick and not raise."""
        self.__dict__.setdefault("_watchers", []).append(on_change)

    def changed(self, adds: Sequence[Quad], removes: Sequence[Quad]) -> None:
        watchers = self.__dict__.get("_watchers")
        if watchers:
            nodes: set[Node] = set()
            for changes in (adds, removes):
                for q in changes:
                    nodes.add(q.subject)
                    if isinstance(q.object, NamedNode):
                        nodes.add(q.object)
            for on_change in watchers:
                on_change(nodes)

    @abstractmethod
    def quads(
        self,
        subject: Node | None = None,
        predicate: NamedNode | None = None,
        object: Object | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern (None matches anything) in the named graphs."""

    def canonical(self, quads: list[Quad]) -> list[Quad]:
        """The quads as this store will give them back (a store that keeps values, not lexical forms,
        canonicalizes literals). The writer compares changes against the store in this form."""
        return quads

    def has(self, subject: Node | None, predicate: NamedNode | None, object: Object | None) -> bool:
        """Whether any named graph holds a triple matching the pattern."""
        return next(self.quads(subject, predicate, object), None) is not None

    def contains(self, quad: Quad) -> bool:
        return next(self.quads(quad.subject, quad.predicate, quad.object, quad.graph_name), None) is not None

    def existing(self, quads: Iterable[Quad]) -> set[Quad]:
        """Those of `quads` the store holds. A remote store overrides this to ask in one round trip."""
        return {q for q in quads if self.contains(q)}

    @abstractmethod
    def named_graphs(self) -> list[NamedNode]:
        """The named graphs that hold at least one quad."""

    @abstractmethod
    def count(self, graph: NamedNode | None = None) -> int:
        """The number of quads, in one graph or in all of them."""

    @abstractmethod
    def lineage_hops(
        self, starts: Sequence[NamedNode], direction: Direction, depth: int | None, limit: int
    ) -> tuple[list[Hop], bool]:
        """Every lineage edge reachable from `starts` within `depth` hops (all, when None), in one query.

        Returns the hops and whether `limit` cut them short.
        """

    @abstractmethod
    def class_counts(self) -> dict[str, int]:
        """How many distinct resources have each rdf:type (one query)."""

    def query(self, sparql: str) -> Iterable:
        """A read-only SPARQL query over the union of all named graphs."""
        raise Unsupported(f"the {self.capabilities.name} store does not answer SPARQL")

    def cypher(self, cypher: str) -> list[dict]:
        """A read-only Cypher query."""
        raise Unsupported(f"the {self.capabilities.name} store does not answer Cypher")

    def snapshot(self) -> AbstractContextManager[Path]:
        """A copy of the store as it is now, for another process to open read-only (as the same backend)
        while this one goes on writing; removed on leaving the context (`capabilities.snapshots`)."""
        raise Unsupported(f"the {self.capabilities.name} store takes no snapshots")

    def close(self) -> None:  # noqa: B027 - a store without resources has nothing to release
        """Release the store (files, connections)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
