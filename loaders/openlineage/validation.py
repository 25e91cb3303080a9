"""Checks an OpenLineage event before it is mapped: core fields in code, the full JSON Schema when given.

The core check needs nothing outside this package. The JSON Schema check reads
OpenLineage.json and the facet schemas from a folder (as published with the
spec) and validates each facet container against the facet schemas of its kind.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from loaders.openlineage.events import EVENT_TYPES

PLACEHOLDER_PREFIX = "${json-unit."  # values in integration tests' expected events


class InvalidEvent(ValueError):
    """An event that cannot be loaded; `problems` lists each as 'field.path: what is wrong'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid OpenLineage event: " + "; ".join(problems))


class EmptyEvent(InvalidEvent):
    """A partial event that names no job and no dataset: nothing in it can be written."""


@dataclass
class CheckedEvent:
    """The outcome of validating one event: what blocks it, and what only limits what is written."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise InvalidEvent(self.problems)


def is_event(raw: Any) -> bool:
    """Whether a JSON value looks like an OpenLineage event at all (a facet fragment does not)."""
    return isinstance(raw, dict) and any(
        k in raw for k in ("eventType", "eventTime", "run", "job", "dataset")
    )


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def is_datetime(value: Any) -> bool:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _name_problems(raw: Any, path: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{path}: required, an object with namespace and name"]
    return [
        f"{path}.{k}: required, a non-empty string"
        for k in ("namespace", "name")
        if not _nonempty(raw.get(k))
    ]


def _nonempty(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def placeholders(raw: Any, path: str = "") -> list[str]:
    """Paths of json-unit placeholder values (`${json-unit.any-string}`, ...) in an event."""
    if isinstance(raw, str):
        return [path or "(event)"] if raw.startswith(PLACEHOLDER_PREFIX) else []
    if isinstance(raw, dict):
        return [p for k, v in raw.items() for p in placeholders(v, f"{path}.{k}" if path else k)]
    if isinstance(raw, list):
        return [p for i, v in enumerate(raw) for p in placeholders(v, f"{path}[{i}]")]
    return []


def event_kind(raw: dict) -> str:
    """RunEvent, JobEvent (a job, no run) or DatasetEvent (one dataset, no job), as the spec tells them."""
    if "run" in raw or "eventType" in raw:
        return "RunEvent"
    if "job" not in raw and "dataset" in raw:
        return "DatasetEvent"
    return "JobEvent"


def check_core(raw: Any, *, partial: bool = False) -> CheckedEvent:
    """The core fields every event needs, checked in code. With `partial`, gaps are warnings and
    what they leave unnamed is not written: a job without a name, a dataset without one."""
    checked = CheckedEvent()
    if not isinstance(raw, dict):
        checked.problems.append(f"(event): must be a JSON object, not {type(raw).__name__}")
        return checked
    optional: list[str] = []
    kind = event_kind(raw)
    if kind == "DatasetEvent":
        checked.problems += _name_problems(raw.get("dataset"), "dataset")
    elif partial:
        checked.warnings += [
            f"{p}: the job and its run are not written (partial event)"
            for p in _name_problems(raw.get("job"), "job")
        ]
    else:
        checked.problems += _name_problems(raw.get("job"), "job")
    if kind == "RunEvent":
        run = raw.get("run")
        if not isinstance(run, dict) or "runId" not in run:
            optional.append("run.runId: required, a UUID")
        elif not is_uuid(run["runId"]):
            optional.append(f"run.runId: {run['runId']!r} is not a UUID")
    if "eventType" in raw and raw["eventType"] not in EVENT_TYPES:
        checked.problems.append(f"eventType: {raw['eventType']!r} is not one of {', '.join(EVENT_TYPES)}")
    for key, what in (("eventTime", "an ISO 8601 date-time"), ("producer", "a URI"), ("schemaURL", "a URI")):
        if not _nonempty(raw.get(key)):
            optional.append(f"{key}: required, {what}")
    if _nonempty(raw.get("eventTime")) and not is_datetime(raw["eventTime"]):
        checked.warnings.append(
            f"eventTime: {raw['eventTime']!r} is not an ISO 8601 date-time; run times not written"
        )
    for side in ("inputs", "outputs"):
        datasets = raw.get(side, [])
        if not isinstance(datasets, list):
            checked.problems.append(f"{side}: must be a list of datasets")
            continue
        for i, dataset in enumerate(datasets):
            unnamed = _name_problems(dataset, f"{side}[{i}]")
            if partial:
                checked.warnings += [f"{p}: that dataset is not written (partial event)" for p in unnamed]
            else:
                checked.problems += unnamed
    if partial:
        checked.warnings += [f"{p} (loaded as a partial event)" for p in optional]
    else:
        checked.problems = optional + checked.problems
    found = placeholders(raw)
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        checked.warnings.append(f"test placeholder values taken as plain values at {shown}")
    return checked


FACET_KINDS = ("InputDatasetFacet", "OutputDatasetFacet", "DatasetFacet", "RunFacet", "JobFacet")


class SchemaValidator:
    """Validates events against OpenLineage.json and the facet schemas in `folder`/facets."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        if not (folder / "OpenLineage.json").is_file():
            raise FileNotFoundError(
                f"{folder}: no OpenLineage.json here; point schema_dir at the spec's folder"
            )

    @cached_property
    def _validators(self) -> tuple[dict[str, Any], dict[tuple[str, str], list[Any]]]:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource

        core = json.loads((self.folder / "OpenLineage.json").read_text())
        facet_schemas = [json.loads(p.read_text()) for p in sorted((self.folder / "facets").glob("*.json"))]
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in [core, *facet_schemas] if "$id" in s
        )

        def validator(schema: dict) -> Any:
            return Draft202012Validator(schema, registry=registry)

        events = {
            kind: validator({"$ref": f"{core['$id']}#/$defs/{kind}"})
            for kind in ("RunEvent", "JobEvent", "DatasetEvent")
        }
        # Each facet file describes one or more facet keys under `properties`; a facet is checked
        # against its key's schema alone (a file's top-level `required` is not about other facets).
        facets: dict[tuple[str, str], list[Any]] = {}
        for schema in facet_schemas:
            text = json.dumps(schema)
            kind = next((k for k in FACET_KINDS if f'/$defs/{k}"' in text), None)
            if kind is None or "$id" not in schema:
                continue
            for key in schema.get("properties", {}):
                ref = {"$ref": f"{schema['$id']}#/properties/{key}"}
                facets.setdefault((kind, key), []).append(validator(ref))
        return events, facets

    def problems(self, raw: dict) -> list[str]:
        events, facets = self._validators
        found = [_message(e) for e in events[event_kind(raw)].iter_errors(raw)]
        for path, container, facet_kind in _facet_containers(raw):
            if not isinstance(container, dict):
                continue  # the event schema already says what is wrong with it
            for key, facet in container.items():
                for v in facets.get((facet_kind, key), ()):
                    found += [_message(e, f"{path}.{key}") for e in v.iter_errors(facet)]
        return sorted(dict.fromkeys(found))


def _facet_containers(raw: dict) -> list[tuple[str, Any, str]]:
    found = []
    for path, owner, kind in (("run", raw.get("run"), "RunFacet"), ("job", raw.get("job"), "JobFacet")):
        if isinstance(owner, dict) and "facets" in owner:
            found.append((f"{path}.facets", owner["facets"], kind))
    dataset = raw.get("dataset")  # a DatasetEvent's
    if isinstance(dataset, dict) and "facets" in dataset:
        found.append(("dataset.facets", dataset["facets"], "DatasetFacet"))
    for side, own in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for i, dataset in enumerate(raw.get(side) or []):
            if not isinstance(dataset, dict):
                continue
            if "facets" in dataset:
                found.append((f"{side}[{i}].facets", dataset["facets"], "DatasetFacet"))
            if own in dataset:
                found.append(
                    (f"{side}[{i}].{own}", dataset[own], own[0].upper() + own[1:-6] + "DatasetFacet")
                )
    return found


def _message(error: Any, prefix: str = "") -> str:
    path = prefix
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return f"{path or '(event)'}: {error.message}"
