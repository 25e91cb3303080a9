"""What the OpenLineage loader is told to load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class OpenLineageLoaderConfig(BaseModel):
    path: Path = Field(
        description=(
            "A file of events (.json: one event or a list of them; .ndjson/.jsonl: one event a line), "
            "or a folder whose .json/.ndjson/.jsonl files are all loaded."
        )
    )
    schema_dir: Path | None = Field(
        default=None,
        description=(
            "A folder holding the OpenLineage JSON Schema (OpenLineage.json, facet schemas under facets/) "
            "to validate every event and its facets against; by default only the core fields are checked."
        ),
    )
    partial_events: bool = Field(
        default=False,
        description=(
            "Accept events that lack core fields other than the job's namespace and name (eventTime, "
            "run.runId, producer, schemaURL), as integration tests' expected events do: each gap is a "
            "warning and the rest of the event loads. A run without a UUID runId is then not written, "
            "and the JSON Schema (schema_dir) is not applied."
        ),
    )
