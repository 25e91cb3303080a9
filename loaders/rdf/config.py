"""What the RDF loader is told to load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class RdfLoaderConfig(BaseModel):
    path: Path = Field(description="An RDF file, or a folder whose RDF files are all loaded.")
    graph: str | None = Field(
        default=None,
        description="Load everything into this named graph; by default each file gets its own source graph.",
    )
    format: str | None = Field(
        default=None, description="The files' format when their extensions do not say (turtle, jsonld, ...)."
    )
