"""RunEvent dataclasses to datagraph records: Job, Run, Dataset (with columns), dataset and column lineage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pyoxigraph import NamedNode

from graph import vocab as v
from graph.iris import IriMinter
from graph.records import Column, ColumnLineage, Dataset, DatasetLineage, Job, Owner, Ownership, Run, Triple
from loaders.openlineage.events import TERMINAL_STATES, DatasetRef, OwnerRef, RunEvent, Transformation
from loaders.openlineage.validation import is_datetime, is_uuid

# OpenLineage transformation subtypes -> vocab.TRANSFORMATION_KINDS keys. Masking wins over the
# subtype: a masked value (sha1(a), a hashed aggregate) no longer reveals its input.
SUBTYPE_KINDS: dict[str, str] = {
    "IDENTITY": "copy",
    "TRANSFORMATION": "expression",
    "AGGREGATION": "aggregation",
    "JOIN": "join_key",
    "FILTER": "filter",
    "GROUP_BY": "group_by",
    "SORT": "sort",
    "WINDOW": "window",
    "CONDITIONAL": "conditional",
    "MASKED": "hash",  # the older transformationType form
}

# Namespace schemes whose dataset names are paths, not dotted table names.
FILE_SCHEMES = frozenset({"file", "s3", "s3a", "s3n", "gs", "gcs", "hdfs", "abfs", "abfss", "wasbs", "dbfs"})


def transformation_kind(t: Transformation) -> str | None:
    """The datagraph kind of one OpenLineage transformation, None when the subtype is unknown."""
    if t.masking:
        return "hash"
    return SUBTYPE_KINDS.get((t.subtype or "").upper())


def dataset_identity(namespace: str, name: str) -> tuple[str, tuple[str, ...], str]:
    """(platform, path, kind) of an OpenLineage dataset.

    The platform is the namespace's scheme (postgres://host:5432 -> postgres), or the whole
    namespace when it has none (food_delivery). A table name splits on '.'; a file-like name
    (a file-system scheme, or a name with '/') is one path part, prefixed by the bucket or host.
    """
    split = urlsplit(namespace) if "://" in namespace else None
    platform = split.scheme if split is not None else namespace
    if (split is not None and split.scheme in FILE_SCHEMES) or "/" in name or namespace == "file":
        location = name if split is None or not split.netloc else f"{split.netloc}/{name.lstrip('/')}"
        return platform, (location,), "file"
    parts = tuple(p for p in name.split(".") if p)
    return platform, parts or (name,), "table"


def owner_of(ref: OwnerRef) -> Owner:
    """'team:data-eng' is a team; 'user:jdoe', 'jdoe@x.org' or 'jdoe' a person."""
    prefix, _, rest = ref.name.partition(":")
    if rest and prefix.lower() == "team":
        return Owner(key=rest, kind="team")
    key = rest if rest and prefix.lower() in ("user", "person") else ref.name
    return Owner(key=key, kind="person", email=key if "@" in key else None)


@dataclass
class _DatasetDraft:
    """A dataset as this event describes it, assembled from inputs, outputs and column lineage."""

    platform: str
    path: tuple[str, ...]
    kind: str
    description: str | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    owners: dict[str, Ownership] = field(default_factory=dict)

    def add_column(self, name: str, column: Column | None = None) -> None:
        if name not in self.columns or (column is not None and self.columns[name].ordinal is None):
            self.columns[name] = column or Column(name=name)

    def record(self) -> Dataset:
        return Dataset(
            platform=self.platform,
            path=self.path,
            kind=self.kind,
            description=self.description,
            columns=tuple(self.columns.values()),
            owners=tuple(self.owners.values()),
        )


@dataclass
class EventRecords:
    """The records one event maps to, plus what could not be mapped."""

    job: Job | None  # None for a DatasetEvent, or a partial event naming no job
    job_owners: tuple[Owner, ...]
    run: Run | None
    datasets: list[Dataset]
    dataset_lineage: list[DatasetLineage]
    column_lineage: list[ColumnLineage]
    warnings: list[str] = field(default_factory=list)

    def triples(self, iris: IriMinter) -> Iterator[Triple]:
        if self.job is not None:
            yield from self.job.to_triples(iris)
            job = self.job.iri(iris)
            for owner in self.job_owners:
                yield (job, v.OWNER, owner.iri(iris))
                yield from owner.to_triples(iris)
        if self.run is not None:
            yield from self.run.to_triples(iris)
        for record in (*self.datasets, *self.dataset_lineage, *self.column_lineage):
            yield from record.to_triples(iris)


def map_event(event: RunEvent, iris: IriMinter) -> EventRecords:
    warnings: list[str] = []
    drafts: dict[tuple[str, str], _DatasetDraft] = {}

    def draft(namespace: str, name: str) -> _DatasetDraft:
        if (namespace, name) not in drafts:
            drafts[(namespace, name)] = _DatasetDraft(*dataset_identity(namespace, name))
        return drafts[(namespace, name)]

    def column_iri(namespace: str, name: str, column: str) -> NamedNode:
        d = draft(namespace, name)
        d.add_column(column)
        return iris.column(iris.dataset(d.platform, *d.path), column)

    for ref in (*event.inputs, *event.outputs, *event.datasets):
        d = draft(ref.namespace, ref.name)
        d.description = d.description or ref.description
        for ordinal, f in enumerate(ref.fields, start=1):
            d.add_column(
                f.name, Column(name=f.name, native_type=f.type, ordinal=ordinal, description=f.description)
            )
        for o in ref.owners:
            owner = owner_of(o)
            d.owners.setdefault(owner.key, Ownership(owner))

    job = _job(event)
    job_iri = job.iri(iris) if job is not None else None

    def iri_of(ref: DatasetRef) -> NamedNode:
        d = draft(ref.namespace, ref.name)
        return iris.dataset(d.platform, *d.path)

    inputs = tuple(dict.fromkeys(iri_of(r) for r in event.inputs))
    outputs = tuple(dict.fromkeys(iri_of(r) for r in event.outputs))
    dataset_lineage = [DatasetLineage(o, i, job_iri) for o in outputs for i in inputs if o != i]

    column_lineage: dict[tuple[str, str, str | None], ColumnLineage] = {}
    for out in event.outputs:
        every_column = [f.field for f in out.column_lineage] or [f.name for f in out.fields]
        pairs = [(f.field, i) for f in out.column_lineage for i in f.inputs]
        pairs += [(c, i) for c in every_column for i in out.dataset_lineage]
        for column, source in pairs:
            down = column_iri(out.namespace, out.name, column)
            up = column_iri(source.namespace, source.name, source.field)
            kinds = [transformation_kind(t) for t in source.transformations] or [None]
            for t, kind in zip(source.transformations or (None,), kinds, strict=True):
                if t is not None and kind is None:
                    warnings.append(
                        f"column lineage {column} <- {source.field}: unknown subtype {t.subtype!r}"
                    )
                key = (down.value, up.value, kind)
                column_lineage.setdefault(key, ColumnLineage(down, up, kind=kind, job=job_iri))

    return EventRecords(
        job=job,
        job_owners=tuple({o.key: o for o in map(owner_of, event.job.owners if event.job else ())}.values()),
        run=_run(event, job_iri, inputs, outputs, warnings) if job_iri is not None else None,
        datasets=[d.record() for d in drafts.values()],
        dataset_lineage=dataset_lineage,
        column_lineage=list(column_lineage.values()),
        warnings=warnings,
    )


def _job(event: RunEvent) -> Job | None:
    ref = event.job
    if ref is None:
        return None
    sql = ref.sql
    if sql is None and ref.source_code and (ref.source_language or "").lower() == "sql":
        sql = ref.source_code
    return Job(ref.namespace, ref.name, description=ref.description, sql=sql)


def _run(
    event: RunEvent,
    job: NamedNode,
    inputs: tuple[NamedNode, ...],
    outputs: tuple[NamedNode, ...],
    warnings: list[str],
) -> Run | None:
    """The run, with the event time as its start (START) or end (COMPLETE, FAIL, ABORT)."""
    if event.run_id is None or event.event_type is None:
        return None  # a JobEvent, or a partial event without a run
    if not is_uuid(event.run_id):
        warnings.append(f"run {event.run_id!r} not written: its runId is not a UUID")
        return None
    time = event.event_time if is_datetime(event.event_time) else None
    state = None if event.event_type == "OTHER" else event.event_type
    return Run(
        run_id=event.run_id,
        job=job,
        state=state,
        started=time if event.event_type == "START" else None,
        ended=time if event.event_type in TERMINAL_STATES else None,
        inputs=inputs,
        outputs=outputs,
    )
