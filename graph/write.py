"""The one write path: ChangeSet -> delta -> governance gate -> atomic commit (+ audit) -> hooks.

No writer talks to a store directly; everything goes through `GraphWriter.commit`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.changeset import ChangeSet, Delta, InvalidChange
from graph.iris import IriMinter
from graph.store import GraphStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateReport:
    """What the governance gate found in a delta. Violations of enforced shapes reject it."""

    conforms: bool
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Gate = Callable[[GraphStore, Delta, ChangeSet], GateReport]


def pass_through(store: GraphStore, delta: Delta, changeset: ChangeSet) -> GateReport:
    """The gate until SHACL governance plugs in: everything conforms."""
    return GateReport(conforms=True)


class ChangeRejected(Exception):
    """The gate rejected a ChangeSet; nothing of it was written."""

    def __init__(self, changeset: ChangeSet, report: GateReport) -> None:
        self.report = report
        shown = "; ".join(report.violations[:5]) + (" ..." if len(report.violations) > 5 else "")
        super().__init__(f"change by {changeset.actor} ({changeset.reason}) rejected: {shown}")


@dataclass(frozen=True)
class CommitResult:
    change: NamedNode | None  # the audit record's IRI; None when the ChangeSet changed nothing
    delta: Delta
    report: GateReport
    seconds: float
    hook_errors: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.delta.adds)

    @property
    def removed(self) -> int:
        return len(self.delta.removes)


Hook = Callable[[ChangeSet, CommitResult], None]


class GraphWriter:
    """Commits ChangeSets to one store, one at a time."""

    def __init__(
        self,
        store: GraphStore,
        iris: IriMinter,
        *,
        gate: Gate = pass_through,
        hooks: Sequence[Hook] = (),
    ) -> None:
        self.store = store
        self.iris = iris
        self.gate = gate
        self.hooks = list(hooks)
        self._lock = threading.Lock()

    def commit(self, changeset: ChangeSet) -> CommitResult:
        started = time.perf_counter()
        self._check_reserved(changeset)
        with self._lock:  # the delta is computed against the state it will be applied to
            delta = self.delta(changeset)
            report = self.gate(self.store, delta, changeset)
            if not report.conforms:
                raise ChangeRejected(changeset, report)
            change = None
            if delta:
                change = self.iris.change(uuid.uuid4().hex)
                self.store.apply([*delta.adds, *self._audit(change, changeset, delta)], delta.removes)
        result = CommitResult(change, delta, report, time.perf_counter() - started)
        for hook in self.hooks:
            try:
                hook(changeset, result)
            except Exception as e:  # the commit stands; the failure is reported, not hidden
                log.exception("post-commit hook %s failed", getattr(hook, "__name__", hook))
                result.hook_errors.append(f"{getattr(hook, '__name__', hook)}: {e}")
        return result

    def _check_reserved(self, changeset: ChangeSet) -> None:
        """InvalidChange when the ChangeSet touches a reserved graph its writer does not own."""
        touched = {q.graph_name for q in changeset.adds} | {q.graph_name for q in changeset.removes}
        for graph in sorted(touched | changeset.replaced_graphs, key=str):
            held = self.iris.reserved_graph(graph)
            if held is not None and graph not in changeset.reserved:
                raise InvalidChange(
                    f"{graph.value} holds {held}, and only its own writer may change it; "
                    f"{changeset.actor} ({changeset.reason}) may not: nothing was written"
                )
        audit = self.iris.audit_graph()
        if audit in changeset.replaced_graphs or any(q.graph_name == audit for q in changeset.removes):
            raise InvalidChange(f"{audit.value} only grows: no change may remove an audit record")

    def delta(self, changeset: ChangeSet) -> Delta:
        """Exactly the quads the ChangeSet adds and removes against the store as it is now."""
        adds: dict[Quad, None] = {}
        removes: dict[Quad, None] = {}
        replaced = changeset.replaced_graphs
        new_content: dict[NamedNode, dict[Quad, None]] = {g: {} for g in replaced}
        plain_adds = []
        for q in self.store.canonical(changeset.adds):
            if q.graph_name in replaced:
                new_content[q.graph_name][q] = None
            else:
                plain_adds.append(q)
        removals = self.store.canonical(changeset.removes)
        present = self.store.existing([*plain_adds, *removals])
        adds.update(dict.fromkeys(q for q in plain_adds if q not in present))
        # Removals come first, then additions: a quad both removed and added stays (a save of the value
        # a field already has changes nothing).
        kept = set(plain_adds)
        removes.update(dict.fromkeys(q for q in removals if q in present and q not in kept))
        for graph, content in new_content.items():
            current = set(self.store.quads(graph=graph))
            removes.update(dict.fromkeys(sorted(current - content.keys(), key=str)))
            adds.update(dict.fromkeys(q for q in content if q not in current))
        return Delta(adds=list(adds), removes=list(removes))

    def _audit(self, change: NamedNode, changeset: ChangeSet, delta: Delta) -> list[Quad]:
        g = self.iris.audit_graph()
        now = Literal(datetime.now(UTC).isoformat(), datatype=v.XSD.dateTime)
        quads = [
            Quad(change, v.RDF.type, v.CHANGE, g),
            Quad(change, v.ACTOR, Literal(changeset.actor), g),
            Quad(change, v.REASON, Literal(changeset.reason), g),
            Quad(change, v.ADDED, Literal(len(delta.adds)), g),
            Quad(change, v.REMOVED, Literal(len(delta.removes)), g),
            Quad(change, v.PROV.endedAtTime, now, g),
        ]
        touched = {q.graph_name for q in delta.adds} | {q.graph_name for q in delta.removes}
        quads += [Quad(change, v.AFFECTS_GRAPH, graph, g) for graph in sorted(touched, key=str)]
        return quads
