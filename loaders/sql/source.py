"""SqlSource: one database's catalog -> one ChangeSet replacing its source graph `sql:{platform}/{database}`.

Steps: connect; read every table and view into TableInfo records (extract); resolve the tables each
view reads (viewsql); optionally profile each table (profile); turn it all into triples (emit); commit
once. Dataset paths follow loaders.sql.dialects. A table that cannot be read or profiled is a report
entry and the run goes on; a database that cannot be reached is a failure and nothing is written.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SAWarning, SQLAlchemyError

from graph.changeset import ChangeSet, InvalidChange
from graph.write import ChangeRejected, GraphWriter
from loaders.report import LoadReport
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.dialects import DIALECTS, Naming, database_name
from loaders.sql.duckdb_catalog import DuckDbReader
from loaders.sql.emit import catalog_triples
from loaders.sql.extract import CatalogReader, InspectorReader
from loaders.sql.model import TableInfo, TableProfile
from loaders.sql.profile import profile_table
from loaders.sql.viewsql import ViewSqlError, tables_read

Progress = Callable[[str], None]

ACTOR = "loader sql"

# DialectTraits.catalog -> how that dialect's catalog is read.
READERS: dict[str, Callable[[sa.Connection, Naming], CatalogReader]] = {
    "inspector": lambda conn, naming: InspectorReader(sa.inspect(conn), naming),
    "duckdb": DuckDbReader,
}


class SqlSource:
    def __init__(self, config: SqlLoaderConfig) -> None:
        self.config = config

    def load(self, writer: GraphWriter, progress: Progress | None = None) -> LoadReport:
        """Load the catalog (and, if configured, profiles) of the database at the configured URL."""
        shown = self.config.display_url()
        report = LoadReport(source=shown)
        try:
            url = self.config.sqlalchemy_url()
            engine = sa.create_engine(url)
        except (ArgumentError, NoSuchModuleError, ImportError) as e:
            report.fail(f"{shown}: not a usable SQLAlchemy URL: {e}")
            return report
        traits = DIALECTS.get(engine.dialect.name)
        if traits is None:
            report.fail(
                f"{shown}: dialect {engine.dialect.name!r} is not supported (one of {sorted(DIALECTS)})"
            )
            return report
        if not url.database and not traits.database_is_file:
            report.fail(f"{shown}: the URL names no database; add one, e.g. {url.drivername}://host/mydb")
            return report
        try:
            conn = engine.connect()
        except SQLAlchemyError as e:
            report.fail(f"cannot connect to {shown}: {self._reason(e)}")
            engine.dispose()
            return report
        try:
            with conn:
                naming = Naming(
                    platform=self.config.platform or traits.platform,
                    database=database_name(url, traits),
                    traits=traits,
                    default_schema=conn.dialect.default_schema_name,
                )
                reader = READERS[traits.catalog](conn, naming)
                tables = self._read(reader, naming, report, progress)
                profiles = self._profile(conn, tables, report) if self.config.profile else {}
        except SQLAlchemyError as e:  # listing the schemas or tables failed: nothing is known
            report.fail(f"{shown}: cannot read the catalog: {self._reason(e)}")
            return report
        finally:
            engine.dispose()
        graph = writer.iris.source_graph(f"sql:{naming.platform}/{naming.database}")
        changeset = ChangeSet(actor=ACTOR, reason=f"load the catalog of {shown}")
        try:
            changeset.replace_graph(graph, catalog_triples(naming.platform, tables, profiles, writer.iris))
            result = writer.commit(changeset)
        except (InvalidChange, ChangeRejected) as e:
            report.fail(str(e))
            return report
        report.triples_added = result.added
        report.triples_removed = result.removed
        report.graphs.append(graph.value)
        return report

    def _read(
        self, reader: CatalogReader, naming: Naming, report: LoadReport, progress: Progress | None
    ) -> list[TableInfo]:
        tables = []
        for schema in reader.schemas(self.config.schemas):
            for name, kind in reader.relations(schema):
                qualified = ".".join(naming.path(schema, name))
                if progress is not None:
                    progress(qualified)
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", SAWarning)
                        table = reader.read(schema, name, kind)
                except SQLAlchemyError as e:
                    report.fail(f"{kind} {qualified}: cannot be read: {self._reason(e)}")
                    continue
                for warning in caught:  # e.g. a column type SQLAlchemy does not know: no datatype
                    report.warn(f"{kind} {qualified}: {warning.message}")
                if kind == "view":
                    table = self._with_lineage(table, schema, naming, report)
                tables.append(table)
                report.read += 1
        return tables

    def _with_lineage(self, view: TableInfo, schema: str, naming: Naming, report: LoadReport) -> TableInfo:
        if not view.definition:
            report.warn(f"view {view.qualified_name}: no definition readable, so no lineage")
            return view
        try:
            read = tables_read(view.definition, naming.traits.sqlglot)
        except ViewSqlError as e:
            report.warn(f"view {view.qualified_name}: SQL not parsed, so no lineage: {e}")
            return view
        paths = tuple(naming.resolve(c, s, t, schema) for c, s, t in read)
        return TableInfo(**{**view.__dict__, "reads": tuple(p for p in paths if p != view.path)})

    def _profile(
        self, conn: sa.Connection, tables: list[TableInfo], report: LoadReport
    ) -> dict[tuple[str, ...], TableProfile]:
        profiles = {}
        for table in tables:
            if table.kind != "table":
                continue
            try:
                profiles[table.path] = profile_table(conn, table.path[-2], table, self.config.sample_values)
            except SQLAlchemyError as e:
                conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
                report.warn(f"table {table.qualified_name}: not profiled: {self._reason(e)}")
        return profiles

    def _reason(self, error: SQLAlchemyError) -> str:
        """The driver's first message line, never the password."""
        lines = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        password = self.config.sqlalchemy_url().password
        return reason.replace(password, "***") if password else reason
