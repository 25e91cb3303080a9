"""OpenLineageSource: every event in a file or folder becomes one ChangeSet added to its job's graph."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from graph.changeset import InvalidChange
from graph.write import ChangeRejected, GraphWriter
from loaders.openlineage.config import OpenLineageLoaderConfig
from loaders.openlineage.ingest import ingest_event
from loaders.openlineage.validation import EmptyEvent, InvalidEvent, SchemaValidator, is_event
from loaders.report import LoadReport

Progress = Callable[[str], None]

EXTENSIONS = (".json", ".ndjson", ".jsonl")


class EventFileError(ValueError):
    """A file that is not JSON (or not JSON lines): none of its events can be read."""


def read_events(path: Path) -> Iterator[tuple[int, Any]]:
    """(index, JSON value) of each event in a file: a .json file's list items, or its one object;
    a .ndjson/.jsonl file's non-blank lines."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield number - 1, json.loads(line)
                except json.JSONDecodeError as e:
                    raise EventFileError(f"{path}: line {number} is not JSON: {e.msg}") from e
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise EventFileError(f"{path}: not JSON ({e.msg} at line {e.lineno}, column {e.colno})") from e
    yield from enumerate(data) if isinstance(data, list) else [(0, data)]


class OpenLineageSource:
    def __init__(self, config: OpenLineageLoaderConfig) -> None:
        self.config = config

    def files(self) -> list[Path]:
        path = self.config.path
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        return [path]

    def load(self, writer: GraphWriter, progress: Progress | None = None) -> LoadReport:
        """Load every event; an invalid one is a failure naming its file and index, and the run goes on.

        `report.read` counts the events loaded. JSON that is not an event at all (a facet fragment,
        a mapper fixture) is a warning.
        """
        report = LoadReport(source=str(self.config.path))
        if not self.config.path.exists():
            report.fail(f"{self.config.path}: no such file or folder")
            return report
        try:
            validator = (
                SchemaValidator(self.config.schema_dir) if self.config.schema_dir is not None else None
            )
        except FileNotFoundError as e:
            report.fail(str(e))
            return report
        for path in self.files():
            if progress is not None:
                progress(str(path))
            try:
                events = list(read_events(path))
            except (EventFileError, UnicodeDecodeError) as e:
                report.fail(str(e))
                continue
            for index, raw in events:
                where = f"{path}[{index}]"
                if not is_event(raw):
                    report.warn(
                        f"{where}: not an OpenLineage event (no eventType, eventTime, run or job); skipped"
                    )
                    continue
                try:
                    result = ingest_event(raw, writer, validator, partial=self.config.partial_events)
                except EmptyEvent as e:
                    report.warn(f"{where}: {e}; skipped")
                    continue
                except (InvalidEvent, InvalidChange, ChangeRejected, ValueError) as e:
                    report.fail(f"{where}: {e}")
                    continue
                report.read += 1
                report.triples_added += result.triples_added
                report.triples_removed += result.triples_removed
                if result.graph not in report.graphs:
                    report.graphs.append(result.graph)
                for warning in result.warnings:
                    report.warn(f"{where}: {warning}")
        return report
