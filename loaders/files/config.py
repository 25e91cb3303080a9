"""What the files loader is told to load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class FilesLoaderConfig(BaseModel):
    path: Path = Field(
        description="A CSV or Parquet file, or a folder whose CSV and Parquet files are all loaded."
    )
    profile: bool = Field(
        default=True, description="Count rows, nulls and distinct values; find min and max."
    )
    sample_values: bool = Field(
        default=False,
        description="Also store up to 5 sample values per column. Samples can be personal data: off by default.",
    )
