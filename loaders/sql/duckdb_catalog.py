"""A CatalogReader for DuckDB from its duckdb_* catalog functions (duckdb-engine's reflection needs
PostgreSQL catalog types DuckDB does not have)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from loaders.sql.dialects import Naming
from loaders.sql.model import ColumnInfo, ForeignKeyInfo, TableInfo

# DuckDB type name prefix -> XSD local name; the first matching prefix wins.
_XSD_PREFIXES: tuple[tuple[str, str], ...] = (
    ("BOOL", "boolean"),
    ("DECIMAL", "decimal"),
    ("NUMERIC", "decimal"),
    ("FLOAT", "double"),
    ("DOUBLE", "double"),
    ("REAL", "double"),
    ("TIMESTAMP", "dateTime"),
    ("DATE", "date"),
    ("TIME", "time"),
    ("INTERVAL", "duration"),
    ("BLOB", "base64Binary"),
    ("VARCHAR", "string"),
    ("UUID", "string"),
    ("ENUM", "string"),
)
_INTEGERS = frozenset(
    {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    }
)

_RELATIONS = sa.text(
    "select table_name, 'table' from duckdb_tables() where database_name = current_database() and schema_name = :s "
    "union all select view_name, 'view' from duckdb_views() "
    "where database_name = current_database() and schema_name = :s and not internal"
)
_COLUMNS = sa.text(
    "select column_name, data_type, is_nullable, column_index, column_default, comment from duckdb_columns() "
    "where database_name = current_database() and schema_name = :s and table_name = :t order by column_index"
)
_TABLE = sa.text(
    "select comment from duckdb_tables() "
    "where database_name = current_database() and schema_name = :s and table_name = :t"
)
_VIEW = sa.text(
    "select comment, sql from duckdb_views() "
    "where database_name = current_database() and schema_name = :s and view_name = :t"
)
_CONSTRAINTS = sa.text(
    "select constraint_type, constraint_column_names, referenced_table, referenced_column_names "
    "from duckdb_constraints() where database_name = current_database() and schema_name = :s "
    "and table_name = :t and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY') order by constraint_index"
)


def duckdb_datatype(type_name: str) -> str | None:
    """The XSD local name for a DuckDB type name, or None (lists, structs, maps, JSON, ...).

    >>> duckdb_datatype("DECIMAL(10,2)"), duckdb_datatype("TIMESTAMP WITH TIME ZONE"), duckdb_datatype("INTEGER[]")
    ('decimal', 'dateTime', None)
    """
    upper = type_name.upper()
    if upper.endswith("]") or upper.startswith(("STRUCT", "MAP", "UNION", "LIST")):
        return None
    if upper in _INTEGERS:
        return "integer"
    return next((xsd for prefix, xsd in _XSD_PREFIXES if upper.startswith(prefix)), None)


class DuckDbReader:
    """A CatalogReader over one DuckDB connection's current database."""

    def __init__(self, conn: Connection, naming: Naming) -> None:
        self.conn = conn
        self.naming = naming

    def schemas(self, wanted: list[str] | None) -> list[str]:
        if wanted:
            return list(wanted)
        return [self.naming.default_schema or "main"]

    def relations(self, schema: str) -> list[tuple[str, str]]:
        return sorted((name, kind) for name, kind in self.conn.execute(_RELATIONS, {"s": schema}))

    def read(self, schema: str, name: str, kind: str) -> TableInfo:
        key = {"s": schema, "t": name}
        columns = tuple(
            ColumnInfo(
                name=column,
                native_type=type_name,
                datatype=duckdb_datatype(type_name),
                nullable=bool(nullable),
                ordinal=int(ordinal),
                default=default,
                comment=comment or None,
            )
            for column, type_name, nullable, ordinal, default, comment in self.conn.execute(_COLUMNS, key)
        )
        path = self.naming.path(schema, name)
        if kind == "view":
            comment, sql = self.conn.execute(_VIEW, key).one()
            return TableInfo(path=path, kind=kind, columns=columns, comment=comment or None, definition=sql)
        primary_key: tuple[str, ...] = ()
        foreign_keys = []
        for constraint, names, target, target_names in self.conn.execute(_CONSTRAINTS, key):
            if constraint == "PRIMARY KEY":
                primary_key = tuple(names)
            else:
                foreign_keys.append(
                    ForeignKeyInfo(tuple(names), self.naming.path(schema, target), tuple(target_names))
                )
        return TableInfo(
            path=path,
            kind=kind,
            columns=columns,
            primary_key=primary_key,
            foreign_keys=tuple(foreign_keys),
            comment=self.conn.execute(_TABLE, key).scalar() or None,
        )
