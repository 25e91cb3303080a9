"""The datagraph core ontology (ontology/core.ttl, shipped as package data) and its reasoner check."""

from __future__ import annotations

from pathlib import Path

__all__ = ["core_ontology_path"]


def core_ontology_path() -> Path:
    """Return the path of the core vocabulary, `core.ttl`, inside this package."""
    return Path(__file__).resolve().parent / "core.ttl"
