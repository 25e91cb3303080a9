"""Reads tables, views, columns and keys into plain TableInfo records: the CatalogReader protocol and
its SQLAlchemy-inspector implementation (PostgreSQL, MySQL/MariaDB, SQLite)."""

from __future__ import annotations

from contextlib import suppress
from typing import Protocol

from sqlalchemy.engine import Dialect, Inspector
from sqlalchemy.exc import CompileError
from sqlalchemy.types import NullType, TypeEngine

from loaders.sql.dialects import SYSTEM_SCHEMAS, Naming
from loaders.sql.model import ColumnInfo, ForeignKeyInfo, TableInfo
from loaders.sql.types import xsd_datatype


class CatalogReader(Protocol):
    """Lists and reads the relations of one database; every method may raise SQLAlchemyError."""

    def schemas(self, wanted: list[str] | None) -> list[str]: ...

    def relations(self, schema: str) -> list[tuple[str, str]]: ...

    def read(self, schema: str, name: str, kind: str) -> TableInfo: ...


class InspectorReader:
    """A CatalogReader over SQLAlchemy's inspector."""

    def __init__(self, inspector: Inspector, naming: Naming) -> None:
        self.inspector = inspector
        self.naming = naming

    def schemas(self, wanted: list[str] | None) -> list[str]:
        return schemas_to_load(self.inspector, self.naming, wanted)

    def relations(self, schema: str) -> list[tuple[str, str]]:
        return relations(self.inspector, schema)

    def read(self, schema: str, name: str, kind: str) -> TableInfo:
        return read_relation(self.inspector, self.naming, schema, name, kind)


def schemas_to_load(inspector: Inspector, naming: Naming, wanted: list[str] | None) -> list[str]:
    """The schemas named in the config, or the dialect's default choice (see SqlLoaderConfig.schemas)."""
    if wanted:
        return list(wanted)
    if naming.traits.all_schemas:
        return sorted(s for s in inspector.get_schema_names() if s not in SYSTEM_SCHEMAS)
    return [inspector.default_schema_name or "main"]


def relations(inspector: Inspector, schema: str) -> list[tuple[str, str]]:
    """(name, kind) of every table and view in `schema`, kind being "table" or "view"."""
    found = [(name, "table") for name in inspector.get_table_names(schema=schema)]
    found += [(name, "view") for name in inspector.get_view_names(schema=schema)]
    with suppress(NotImplementedError):  # the dialect has no materialized views
        found += [(name, "view") for name in inspector.get_materialized_view_names(schema=schema)]
    return sorted(set(found))


def read_relation(inspector: Inspector, naming: Naming, schema: str, name: str, kind: str) -> TableInfo:
    """One table or view with its columns, keys and (for a view) its SQL; raises SQLAlchemyError."""
    dialect = inspector.dialect
    columns = tuple(
        ColumnInfo(
            name=c["name"],
            native_type=native_type(c["type"], dialect),
            datatype=xsd_datatype(c["type"]),
            nullable=c.get("nullable"),
            ordinal=i,
            default=None if c.get("default") is None else str(c["default"]),
            comment=c.get("comment") or None,
        )
        for i, c in enumerate(inspector.get_columns(name, schema=schema), start=1)
    )
    comment = inspector.get_table_comment(name, schema=schema)["text"] if dialect.supports_comments else None
    if kind == "view":
        return TableInfo(
            path=naming.path(schema, name),
            kind=kind,
            columns=columns,
            comment=comment or None,
            definition=inspector.get_view_definition(name, schema=schema),
        )
    foreign_keys = tuple(
        ForeignKeyInfo(
            columns=tuple(fk["constrained_columns"]),
            target=naming.path(fk.get("referred_schema") or schema, fk["referred_table"]),
            target_columns=tuple(fk["referred_columns"]),
        )
        for fk in inspector.get_foreign_keys(name, schema=schema)
    )
    return TableInfo(
        path=naming.path(schema, name),
        kind=kind,
        columns=columns,
        primary_key=tuple(inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or ()),
        foreign_keys=foreign_keys,
        comment=comment or None,
    )


def native_type(column_type: TypeEngine, dialect: Dialect) -> str | None:
    """The type as the database spells it, e.g. VARCHAR(160); the type's class name if it cannot be compiled.

    None for a type SQLAlchemy did not recognize (it warns, and only "NULL" would be printed).
    """
    if isinstance(column_type, NullType):
        return None
    try:
        return column_type.compile(dialect=dialect)
    except CompileError:
        return type(column_type).__name__
