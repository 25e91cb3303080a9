"""OpenLineage event JSON turned into plain dataclasses: only the parts datagraph maps, nothing else.

Parsing assumes a validated event (see `validation`): it reads what is there and
skips facets whose shape it does not recognise, without raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINAL_STATES = ("COMPLETE", "FAIL", "ABORT")
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")


@dataclass(frozen=True)
class SchemaField:
    name: str
    type: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Transformation:
    """One transformation of a column-lineage input: `type` DIRECT/INDIRECT, `subtype` IDENTITY, ..."""

    type: str | None = None
    subtype: str | None = None
    masking: bool = False
    description: str | None = None


@dataclass(frozen=True)
class InputField:
    namespace: str
    name: str
    field: str
    transformations: tuple[Transformation, ...] = ()


@dataclass(frozen=True)
class FieldLineage:
    """Output column `field` and the input columns it came from."""

    field: str
    inputs: tuple[InputField, ...]


@dataclass(frozen=True)
class OwnerRef:
    name: str
    type: str | None = None


@dataclass(frozen=True)
class DatasetRef:
    namespace: str
    name: str
    fields: tuple[SchemaField, ...] = ()
    description: str | None = None
    owners: tuple[OwnerRef, ...] = ()
    datasource_uri: str | None = None
    column_lineage: tuple[FieldLineage, ...] = ()
    dataset_lineage: tuple[InputField, ...] = ()  # columnLineage.dataset: inputs that affect every column


@dataclass(frozen=True)
class JobRef:
    namespace: str
    name: str
    description: str | None = None
    sql: str | None = None
    source_code: str | None = None
    source_language: str | None = None
    owners: tuple[OwnerRef, ...] = ()


@dataclass(frozen=True)
class RunEvent:
    """A RunEvent; a JobEvent (no run, no eventType) when `run_id` and `event_type` are None; a
    DatasetEvent (one dataset, in `datasets`) or a partial event naming no job when `job` is None."""

    job: JobRef | None
    event_type: str | None = None
    event_time: str | None = None
    run_id: str | None = None
    producer: str | None = None
    inputs: tuple[DatasetRef, ...] = ()
    outputs: tuple[DatasetRef, ...] = ()
    datasets: tuple[DatasetRef, ...] = ()  # described on their own, neither read nor written by a job
    run_facets: dict[str, Any] = field(default_factory=dict)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _facet(container: dict, name: str) -> dict:
    facets = container.get("facets")
    found = facets.get(name) if isinstance(facets, dict) else None
    return found if isinstance(found, dict) else {}


def parse_owners(facet: dict) -> tuple[OwnerRef, ...]:
    return tuple(
        OwnerRef(o["name"], _text(o.get("type"))) for o in _dicts(facet.get("owners")) if _text(o.get("name"))
    )


def parse_transformations(raw: dict) -> tuple[Transformation, ...]:
    """The `transformations` list, or the older single `transformationType`/`transformationDescription`."""
    found = tuple(
        Transformation(
            type=_text(t.get("type")),
            subtype=_text(t.get("subtype")),
            masking=t.get("masking") is True,
            description=_text(t.get("description")),
        )
        for t in _dicts(raw.get("transformations"))
    )
    if found:
        return found
    legacy = raw.get("transformationType")
    if isinstance(legacy, str) and legacy:
        return (Transformation(subtype=legacy, description=_text(raw.get("transformationDescription"))),)
    return ()


def parse_input_fields(raw: Any, inherited: tuple[Transformation, ...] = ()) -> tuple[InputField, ...]:
    return tuple(
        InputField(f["namespace"], f["name"], f["field"], parse_transformations(f) or inherited)
        for f in _dicts(raw)
        if all(isinstance(f.get(k), str) and f[k] for k in ("namespace", "name", "field"))
    )


def parse_column_lineage(facet: dict) -> tuple[tuple[FieldLineage, ...], tuple[InputField, ...]]:
    fields = facet.get("fields")
    per_field = tuple(
        FieldLineage(name, parse_input_fields(raw.get("inputFields"), parse_transformations(raw)))
        for name, raw in (fields.items() if isinstance(fields, dict) else ())
        if isinstance(raw, dict)
    )
    return per_field, parse_input_fields(facet.get("dataset"))


def _named(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(_text(raw.get("namespace")) and _text(raw.get("name")))


def parse_dataset(raw: dict) -> DatasetRef:
    schema = _facet(raw, "schema")
    fields = tuple(
        SchemaField(f["name"], _text(f.get("type")), _text(f.get("description")))
        for f in _dicts(schema.get("fields"))
        if _text(f.get("name"))
    )
    column_lineage, dataset_lineage = parse_column_lineage(_facet(raw, "columnLineage"))
    return DatasetRef(
        namespace=raw["namespace"],
        name=raw["name"],
        fields=fields,
        description=_text(_facet(raw, "documentation").get("description")),
        owners=parse_owners(_facet(raw, "ownership")),
        datasource_uri=_text(_facet(raw, "dataSource").get("uri")),
        column_lineage=column_lineage,
        dataset_lineage=dataset_lineage,
    )


def parse_job(raw: dict) -> JobRef:
    source = _facet(raw, "sourceCode")
    return JobRef(
        namespace=raw["namespace"],
        name=raw["name"],
        description=_text(_facet(raw, "documentation").get("description")),
        sql=_text(_facet(raw, "sql").get("query")),
        source_code=_text(source.get("sourceCode")),
        source_language=_text(source.get("language")),
        owners=parse_owners(_facet(raw, "ownership")),
    )


def parse_event(raw: dict) -> RunEvent:
    """A validated event's dict as a RunEvent; what names no dataset or job (a partial event) is left out."""
    run = raw.get("run") if isinstance(raw.get("run"), dict) else {}
    facets = run.get("facets")
    return RunEvent(
        job=parse_job(raw["job"]) if _named(raw.get("job")) else None,
        event_type=_text(raw.get("eventType")),
        event_time=_text(raw.get("eventTime")),
        run_id=_text(run.get("runId")),
        producer=_text(raw.get("producer")),
        inputs=tuple(parse_dataset(d) for d in _dicts(raw.get("inputs")) if _named(d)),
        outputs=tuple(parse_dataset(d) for d in _dicts(raw.get("outputs")) if _named(d)),
        datasets=(parse_dataset(raw["dataset"]),) if _named(raw.get("dataset")) else (),
        run_facets=dict(facets) if isinstance(facets, dict) else {},
    )
