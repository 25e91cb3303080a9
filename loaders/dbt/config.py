"""What the dbt loader is told to load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator


class DbtLoaderConfig(BaseModel):
    manifest: Path | None = Field(
        default=None,
        description="The project's target/manifest.json (schema v1 to v12). Without it, the catalog alone "
        "gives datasets and typed columns, but no lineage, descriptions or tests.",
    )
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

    @model_validator(mode="after")
    def _needs_an_artifact(self) -> DbtLoaderConfig:
        if self.manifest is None and self.catalog is None:
            raise ValueError("give a manifest.json, a catalog.json, or both")
        return self

    @property
    def source(self) -> Path:
        """The artifact that names this load in reports."""
        return self.manifest or self.catalog  # type: ignore[return-value]
