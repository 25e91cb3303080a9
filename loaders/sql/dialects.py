"""What the loader needs to know about each SQL dialect, as data: one place, no scattered switches.

Dataset paths, by dialect:

- PostgreSQL: (database, schema, table); the database is the URL's database.
- MySQL/MariaDB: (database, table); a MySQL schema *is* a database, so the schema name is the first part.
- SQLite, DuckDB: (schema, table), e.g. ("main", "album"); the file is not part of the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.engine import URL


@dataclass(frozen=True)
class DialectTraits:
    platform: str  # datagraph platform name in IRIs
    sqlglot: str  # sqlglot dialect that parses its view definitions
    three_level: bool  # dataset path (database, schema, table) rather than (schema, table)
    all_schemas: bool  # load every non-system schema by default, not only the connection's own
    database_is_file: bool = False
    catalog: str = "inspector"  # which CatalogReader reads it (see loaders.sql.source.READERS)


DIALECTS: dict[str, DialectTraits] = {
    "postgresql": DialectTraits("postgres", "postgres", three_level=True, all_schemas=True),
    "mysql": DialectTraits("mysql", "mysql", three_level=False, all_schemas=False),
    "mariadb": DialectTraits("mysql", "mysql", three_level=False, all_schemas=False),
    "sqlite": DialectTraits("sqlite", "sqlite", three_level=False, all_schemas=False, database_is_file=True),
    "duckdb": DialectTraits(
        "duckdb", "duckdb", three_level=False, all_schemas=False, database_is_file=True, catalog="duckdb"
    ),
}

SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}
)


@dataclass(frozen=True)
class Naming:
    """Turns schema and table names of one database into dataset paths."""

    platform: str
    database: str
    traits: DialectTraits
    default_schema: str | None

    def path(self, schema: str, table: str) -> tuple[str, ...]:
        return (self.database, schema, table) if self.traits.three_level else (schema, table)

    def resolve(
        self, catalog: str | None, schema: str | None, table: str, view_schema: str
    ) -> tuple[str, ...]:
        """The path of a table a view in `view_schema` names as [catalog.][schema.]table.

        PostgreSQL prints names on the search path unqualified, so those are in the default schema;
        elsewhere an unqualified name is in the view's own schema.
        """
        if self.traits.three_level:
            return (catalog or self.database, schema or self.default_schema or view_schema, table)
        return (schema or view_schema, table)


def database_name(url: URL, traits: DialectTraits) -> str:
    """The database part of the source graph's name: the URL's database, or a file database's file name."""
    if not url.database or url.database == ":memory:":
        return "memory"
    return PurePath(url.database).name if traits.database_is_file else url.database
