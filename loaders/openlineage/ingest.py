"""One OpenLineage event into the graph: validate, parse, map, and commit one ChangeSet.

Each event's triples are *added* to its job's source graph,
`source_graph("openlineage:{job namespace}/{job name}")` (a DatasetEvent's to its dataset's,
`openlineage:dataset:{namespace}/{name}`), never replace it:
an event describes one run, so replacing the graph per event would erase the
job's earlier runs. The one thing an event supersedes is its run's state
(RUNNING -> COMPLETE), which is removed from the graph before the new one is
added; a late START or RUNNING does not overwrite a final state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal

from graph import vocab as v
from graph.changeset import ChangeSet
from graph.write import GraphWriter
from loaders.openlineage.events import TERMINAL_STATES, RunEvent, parse_event
from loaders.openlineage.mapping import map_event
from loaders.openlineage.validation import CheckedEvent, EmptyEvent, SchemaValidator, check_core

ACTOR = "loader openlineage"


@dataclass
class EventResult:
    """What one event wrote, and what it could not."""

    job: str | None  # None for an event about datasets alone
    run: str | None
    graph: str
    triples_added: int
    triples_removed: int
    warnings: list[str] = field(default_factory=list)


def check_event(raw: Any, validator: SchemaValidator | None = None, *, partial: bool = False) -> CheckedEvent:
    """The core check, then the JSON Schema's (when given) on events the core check passes."""
    checked = check_core(raw, partial=partial)
    if validator is not None and not checked.problems and not partial:
        checked.problems += validator.problems(raw)
    return checked


def _subject(event: RunEvent) -> str:
    """`namespace/name` of what an event is about: its job, else its (first) dataset."""
    if event.job is not None:
        return f"{event.job.namespace}/{event.job.name}"
    first = (*event.datasets, *event.outputs, *event.inputs)
    if not first:
        raise EmptyEvent(["(event): names no job and no dataset, so nothing in it can be written"])
    return f"dataset:{first[0].namespace}/{first[0].name}"


def ingest_event(
    raw: Any,
    writer: GraphWriter,
    validator: SchemaValidator | None = None,
    *,
    partial: bool = False,
    actor: str = ACTOR,
) -> EventResult:
    """Write one event; raises InvalidEvent (nothing written) when it cannot be loaded.

    `actor` is who the audit records as writing it (the API passes its caller)."""
    checked = check_event(raw, validator, partial=partial)
    checked.raise_if_invalid()
    event = parse_event(raw)
    iris = writer.iris
    records = map_event(event, iris)
    subject = _subject(event)
    graph = iris.source_graph(f"openlineage:{subject}")
    kind = event.event_type or ("job" if event.job is not None else "dataset")
    changeset = ChangeSet(actor=actor, reason=f"OpenLineage {kind} event of {subject}")
    triples = list(records.triples(iris))
    run = records.run
    if run is not None:
        run_iri = run.iri(iris)
        current = [q.object.value for q in writer.store.quads(run_iri, v.RUN_STATE, None, graph)]
        final = [s for s in current if s in TERMINAL_STATES]
        if run.state is not None and final and run.state not in TERMINAL_STATES:
            triples = [t for t in triples if not (t[0] == run_iri and t[1] == v.RUN_STATE)]
        elif run.state is not None:
            stale = [s for s in current if s != run.state]
            changeset.remove([(run_iri, v.RUN_STATE, Literal(s)) for s in stale], graph)
    changeset.add(triples, graph)
    result = writer.commit(changeset)
    return EventResult(
        job=records.job.iri(iris).value if records.job is not None else None,
        run=run.iri(iris).value if run is not None else None,
        graph=graph.value,
        triples_added=result.added,
        triples_removed=result.removed,
        warnings=checked.warnings + records.warnings,
    )
