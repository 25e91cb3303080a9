"""ChangeSet: the one unit of writing to the graph.

Every writer (loaders, mutations, the mapper, the GNN, the agent) builds a
ChangeSet: triples to add and remove, each in a named graph, plus who made the
change and why, and hands it to `graph.write.GraphWriter.commit`.

A ChangeSet may also *replace* named graphs: the triples it adds to such a
graph become that graph's whole content. This is how a source is re-ingested:
idempotently, and without touching any other source's graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode, Quad

from graph.records import Triple


class InvalidChange(ValueError):
    """A ChangeSet that no store could apply as it stands (says what to change)."""


@dataclass
class ChangeSet:
    """Triples to add and remove, each in a named graph, with the actor and the reason."""

    actor: str
    reason: str
    adds: list[Quad] = field(default_factory=list)
    removes: list[Quad] = field(default_factory=list)
    replaced_graphs: set[NamedNode] = field(default_factory=set)
    # The reserved graphs (IriMinter.reserved_graph) this ChangeSet's writer owns and may change: the
    # API's mutations own the user edits, a model its suggestions, the restore of a dump what it holds
    # (the audit graph only grows, whoever owns it).
    reserved: frozenset[NamedNode] = frozenset()

    def __post_init__(self) -> None:
        if not self.actor:
            raise InvalidChange("a ChangeSet needs an actor (who makes the change)")
        if not self.reason:
            raise InvalidChange("a ChangeSet needs a reason (why the change is made)")

    def add(self, triples: Iterable[Triple], graph: NamedNode) -> ChangeSet:
        """Add `triples` to `graph`; returns self so calls chain."""
        self.adds.extend(self._quads(triples, graph))
        return self

    def remove(self, triples: Iterable[Triple], graph: NamedNode) -> ChangeSet:
        """Remove `triples` from `graph` (triples that are not there are ignored)."""
        if graph in self.replaced_graphs:
            raise InvalidChange(
                f"{graph.value} is replaced by this ChangeSet; removing from it means nothing"
            )
        self.removes.extend(self._quads(triples, graph))
        return self

    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple]) -> ChangeSet:
        """Make `triples` the whole content of `graph`: what it held before and is not among them goes."""
        if any(q.graph_name == graph for q in self.removes):
            raise InvalidChange(f"{graph.value} already has removals in this ChangeSet; replace it instead")
        self.replaced_graphs.add(graph)
        self.adds.extend(self._quads(triples, graph))
        return self

    @staticmethod
    def _quads(triples: Iterable[Triple], graph: NamedNode) -> list[Quad]:
        if not isinstance(graph, NamedNode):
            raise InvalidChange(f"changes go into a named graph (a NamedNode), not {graph!r}")
        quads = []
        for s, p, o in triples:
            if isinstance(s, BlankNode) or isinstance(o, BlankNode):
                raise InvalidChange(
                    f"blank node in ({s} {p} {o}): the graph stores only ground triples; "
                    "skolemize the input first (graph.skolem.skolemize)"
                )
            quads.append(Quad(s, p, o, graph))
        return quads

    @property
    def graphs(self) -> set[NamedNode]:
        """Every named graph this ChangeSet touches."""
        return {q.graph_name for q in self.adds} | {q.graph_name for q in self.removes} | self.replaced_graphs

    def __len__(self) -> int:
        return len(self.adds) + len(self.removes)


@dataclass(frozen=True)
class Delta:
    """The effect a ChangeSet will have on a store: exactly the quads that appear and disappear."""

    adds: list[Quad]
    removes: list[Quad]

    def __bool__(self) -> bool:
        return bool(self.adds or self.removes)

    def subjects(self) -> set:
        """The subjects of all changed triples (the governance gate's first focus nodes)."""
        return {q.subject for q in self.adds} | {q.subject for q in self.removes}
