"""Plain dataclasses of what a SQL catalog holds, independent of SQLAlchemy and of RDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    native_type: str | None
    datatype: str | None  # an XSD local name, or None when no XSD type fits (arrays, JSON, ...)
    nullable: bool | None
    ordinal: int
    default: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ForeignKeyInfo:
    """Columns of this table referencing columns of `target` (a table path in the same catalog)."""

    columns: tuple[str, ...]
    target: tuple[str, ...]
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableInfo:
    """A table or view; `path` is its dataset path (see loaders.sql.source for the convention)."""

    path: tuple[str, ...]
    kind: str  # "table" or "view"
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKeyInfo, ...] = ()
    comment: str | None = None
    definition: str | None = None  # a view's SQL
    reads: tuple[tuple[str, ...], ...] = ()  # paths of the tables a view's SQL reads

    @property
    def qualified_name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class ColumnProfile:
    null_fraction: float | None = None
    distinct_count: int | None = None
    min_value: Any = None
    max_value: Any = None
    samples: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TableProfile:
    row_count: int
    columns: dict[str, ColumnProfile] = field(default_factory=dict)
