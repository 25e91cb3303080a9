"""What the dbt loader is told to load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class DbtLoaderConfig(BaseModel):
    manifest: Path = Field(description="The project's target/manifest.json (schema v1 to v12).")
    catalog: Path | None = Field(
        default=None,
        description="target/catalog.json from `dbt docs generate`: column types and missing columns.",
    )
    run_results: Path | None = Field(
        default=None,
        description="target/run_results.json: the last status of each test becomes its check status.",
    )
    platform: str | None = Field(
        default=None,
        description="The platform datasets are named under; by default the manifest's adapter_type (postgres, ...).",
    )
    column_lineage: bool = Field(
        default=True, description="Trace column lineage through each model's compiled SQL."
    )
