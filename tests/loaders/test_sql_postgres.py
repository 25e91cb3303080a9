"""The SQL loader on real PostgreSQL schemas (chinook, northwind, pagila, OMOP CDM, MIMIC-III) in scratch databases."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.source import SqlSource
from tests.conftest import POSTGRES_PORT, POSTGRES_SERVER, shared_data

pytestmark = pytest.mark.postgres
SERVER = POSTGRES_SERVER


def _admin() -> sa.Engine:
    engine = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except sa.exc.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable at {SERVER} (start it with `make services`): {e.orig}")
    return engine


def _psql(database: str, sql: str, stop_on_error: bool = True) -> None:
    flags = ["-v", "ON_ERROR_STOP=1"] if stop_on_error else []
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "postgres", "-d", database, *flags],
        input=sql,
        text=True,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def scratch() -> Iterator[str]:
    """A fresh database with a unique name, dropped afterwards."""
    admin = _admin()
    name = f"dg_sql_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield name
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _chinook_sql() -> str:
    """The chinook script without its own DROP/CREATE DATABASE and \\c, so it runs in the scratch database."""
    text = shared_data("schemas/chinook/Chinook_PostgreSql.sql").read_text()
    return re.sub(r"^(DROP DATABASE|CREATE DATABASE|\\c).*$", "", text, flags=re.M)


def _query(database: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(f"{SERVER}/{database}")
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(sa.text(sql))]
    engine.dispose()
    return rows


def _load(database: str, store: OxigraphStore, **options) -> tuple:
    writer = GraphWriter(store, IriMinter())
    seen: list[str] = []
    report = SqlSource(SqlLoaderConfig(url=f"{SERVER}/{database}", **options)).load(
        writer, progress=seen.append
    )
    return report, seen


def _datasets(store: OxigraphStore, kind=v.TABLE) -> set[str]:
    return {q.subject.value for q in store.quads(None, v.RDF.type, kind)}


def _count(store: OxigraphStore, predicate) -> int:
    return sum(1 for _ in store.quads(None, predicate, None))


def test_chinook_catalog_keys_reload_and_drop(scratch: str, tmp_path: Path):
    _psql(scratch, _chinook_sql())
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, seen = _load(scratch, store)
        assert report.ok and report.warnings == []
        (tables,) = _query(
            scratch, "select count(*) from information_schema.tables where table_schema='public'"
        )[0]
        (columns,) = _query(
            scratch, "select count(*) from information_schema.columns where table_schema='public'"
        )[0]
        assert tables == 11 and report.read == 11 and len(seen) == 11
        assert len(_datasets(store)) == tables
        assert _count(store, v.HAS_COLUMN) == columns
        assert report.graphs == [iris.source_graph(f"sql:postgres/{scratch}").value]

        invoice = iris.dataset("postgres", scratch, "public", "invoice")
        customer = iris.dataset("postgres", scratch, "public", "customer")
        fk = (iris.column(invoice, "customer_id"), v.REFERENCES, iris.column(customer, "customer_id"))
        assert store.has(*fk)
        (fks,) = _query(
            scratch,
            "select count(*) from information_schema.key_column_usage k join "
            "information_schema.table_constraints c using (constraint_name, table_schema) "
            "where c.constraint_type = 'FOREIGN KEY' and c.table_schema = 'public'",
        )[0]
        assert _count(store, v.REFERENCES) == fks == 11
        pk = iris.column(iris.dataset("postgres", scratch, "public", "playlist_track"), "track_id")
        assert {q.object.value for q in store.quads(pk, v.PRIMARY_KEY, None)} == {"true"}
        title = iris.column(iris.dataset("postgres", scratch, "public", "album"), "title")
        assert next(store.quads(title, v.NATIVE_TYPE, None)).object.value == "VARCHAR(160)"
        assert next(store.quads(title, v.CSVW.datatype, None)).object == v.XSD.string
        assert not store.has(None, v.ROW_COUNT, None)

        again, _ = _load(scratch, store)
        assert (again.triples_added, again.triples_removed) == (0, 0)

        _psql(scratch, "DROP TABLE playlist_track;")
        dropped, _ = _load(scratch, store)
        gone = iris.dataset("postgres", scratch, "public", "playlist_track")
        assert dropped.read == 10 and dropped.triples_added == 0 and dropped.triples_removed > 0
        assert not store.has(gone, None, None) and not store.has(None, None, gone)


def test_profiles_count_rows_and_samples_only_when_enabled(scratch: str, tmp_path: Path):
    _psql(scratch, _chinook_sql())
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store, profile=True)
        assert report.ok and report.warnings == []
        for table in ("album", "invoice", "track", "playlist_track"):
            ((expected,),) = _query(scratch, f"select count(*) from {table}")
            row_count = next(
                store.quads(iris.dataset("postgres", scratch, "public", table), v.ROW_COUNT, None)
            )
            assert int(row_count.object.value) == expected > 0
        assert not store.has(None, v.SAMPLE_VALUE, None)
        total = iris.column(iris.dataset("postgres", scratch, "public", "invoice"), "total")
        ((lo, hi, distinct),) = _query(
            scratch, "select min(total), max(total), count(distinct total) from invoice"
        )
        assert next(store.quads(total, v.MIN_VALUE, None)).object.value == str(lo)
        assert next(store.quads(total, v.MAX_VALUE, None)).object.value == str(hi)
        assert int(next(store.quads(total, v.DISTINCT_COUNT, None)).object.value) == distinct
        state = iris.column(iris.dataset("postgres", scratch, "public", "invoice"), "billing_state")
        ((nulls,),) = _query(scratch, "select avg((billing_state is null)::int) from invoice")
        assert float(next(store.quads(state, v.NULL_FRACTION, None)).object.value) == pytest.approx(
            float(nulls)
        )
        assert not store.has(state, v.MIN_VALUE, None)  # text extremes are not stored

        sampled, _ = _load(scratch, store, profile=True, sample_values=True)
        assert sampled.ok
        genres = {
            q.object.value
            for q in store.quads(
                iris.column(iris.dataset("postgres", scratch, "public", "genre"), "name"),
                v.SAMPLE_VALUE,
                None,
            )
        }
        assert genres == {
            r[0] for r in _query(scratch, "select distinct name from genre order by name limit 5")
        }


def test_pagila_views_have_sql_and_the_lineage_postgres_reports(scratch: str, tmp_path: Path):
    ddl = shared_data("schemas/pagila_sakila/pagila-schema.sql").read_text()
    _psql(scratch, ddl, stop_on_error=False)  # OWNER TO and the like may fail on this server: tables stay
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store)
        assert report.ok and report.warnings == []
        usage = _query(
            scratch,
            "select view_name, table_name from information_schema.view_table_usage where view_schema='public'",
        )
        assert len({view for view, _ in usage}) == 7
        expected = {
            (
                iris.dataset("postgres", scratch, "public", view).value,
                iris.dataset("postgres", scratch, "public", table).value,
            )
            for view, table in usage
        }
        lineage = {(q.subject.value, q.object.value) for q in store.quads(None, v.PROV.wasDerivedFrom, None)}
        assert lineage == expected
        (tables,) = _query(
            scratch,
            "select count(*) from information_schema.tables where table_schema='public' and table_type='BASE TABLE'",
        )[0]
        assert len(_datasets(store)) == tables and len(_datasets(store, v.VIEW)) == 7
        actor_info = iris.dataset("postgres", scratch, "public", "actor_info")
        assert "group_concat" in next(store.quads(actor_info, v.SQL_TEXT, None)).object.value


def test_a_view_sqlglot_cannot_parse_is_a_warning_naming_it(scratch: str, tmp_path: Path):
    _psql(
        scratch,
        "CREATE TABLE doc (id int primary key, body xml); COMMENT ON TABLE doc IS 'documents';"
        "COMMENT ON COLUMN doc.body IS 'the XML';"
        "CREATE VIEW doc_text AS SELECT id, xmlserialize(content body as text) AS body FROM doc;",
    )
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store)
        view = IriMinter().dataset("postgres", scratch, "public", "doc_text")
        assert store.has(view, v.SQL_TEXT, None) and not store.has(view, v.PROV.wasDerivedFrom, None)
        doc = IriMinter().dataset("postgres", scratch, "public", "doc")
        assert next(store.quads(doc, v.DCTERMS.description, None)).object.value == "documents"
        body = IriMinter().column(doc, "body")
        assert next(store.quads(body, v.DCTERMS.description, None)).object.value == "the XML"
        assert not store.has(body, v.NATIVE_TYPE, None) and not store.has(body, v.CSVW.datatype, None)
    assert report.ok and report.read == 2
    assert report.warnings[0] == f"table {scratch}.public.doc: Did not recognize type 'xml' of column 'body'"
    assert report.warnings[-1].startswith(f"view {scratch}.public.doc_text: SQL not parsed, so no lineage: ")


def test_northwind_full_schema(scratch: str, tmp_path: Path):
    _psql(scratch, shared_data("schemas/northwind/northwind.sql").read_text())
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store, profile=True)
        assert report.ok and report.warnings == []
        ((tables, columns),) = _query(
            scratch,
            "select count(distinct table_name), count(*) from information_schema.columns where table_schema='public'",
        )
        assert len(_datasets(store)) == tables == 14 and _count(store, v.HAS_COLUMN) == columns
        orders = iris.dataset("postgres", scratch, "public", "orders")
        customers = iris.dataset("postgres", scratch, "public", "customers")
        assert store.has(
            iris.column(orders, "customer_id"), v.REFERENCES, iris.column(customers, "customer_id")
        )
        ((orders_count,),) = _query(scratch, "select count(*) from orders")
        assert int(next(store.quads(orders, v.ROW_COUNT, None)).object.value) == orders_count == 830


def test_a_table_that_cannot_be_read_is_a_warning_and_the_run_goes_on(scratch: str, tmp_path: Path):
    _psql(
        scratch,
        "CREATE TABLE open_t (id int primary key); INSERT INTO open_t VALUES (1), (2);"
        "CREATE TABLE secret_t (id int primary key, pin text);",
    )
    role = f"dg_reader_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
    try:
        _psql(scratch, f"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON open_t TO {role};")
        # trust auth ignores the password
        url = f"postgresql+psycopg://{role}:s3cret@127.0.0.1:{POSTGRES_PORT}/{scratch}"
        with OxigraphStore(tmp_path / "s") as store:
            report = SqlSource(SqlLoaderConfig(url=url, profile=True)).load(GraphWriter(store, IriMinter()))
            assert report.read == 2 and report.ok
            assert len(report.warnings) == 1 and report.warnings[0].startswith(
                f"table {scratch}.public.secret_t: not profiled: "
            )
            assert "permission denied" in report.warnings[0]
            assert _count(store, v.ROW_COUNT) == 1
            assert "s3cret" not in report.summary() and all("s3cret" not in str(q) for q in store.quads())
    finally:
        _psql(
            scratch,
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}; REVOKE ALL ON SCHEMA public FROM {role};",
        )
        with admin.connect() as c:
            c.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()


def test_unreachable_server_or_bad_credentials_fail_clearly_and_write_nothing(tmp_path: Path):
    with OxigraphStore(tmp_path / "s") as store:
        writer = GraphWriter(store, IriMinter())
        down = SqlSource(SqlLoaderConfig(url="postgresql+psycopg://alice:s3cret@127.0.0.1:1/shop")).load(
            writer
        )
        assert not down.ok and down.failures[0].startswith(
            "cannot connect to postgresql+psycopg://alice:***@127.0.0.1:1/shop: "
        )
        nobody = SqlSource(
            SqlLoaderConfig(url=f"postgresql+psycopg://dg_nobody:s3cret@127.0.0.1:{POSTGRES_PORT}/x")
        ).load(writer)
        assert not nobody.ok and 'role "dg_nobody" does not exist' in nobody.failures[0]
        assert all("s3cret" not in f for f in down.failures + nobody.failures)
        assert store.count() == 0


OMOP = "schemas/omop_cdm_5.4/ddl/5.4/postgresql/OMOPCDM_postgresql_5.4_{}.sql"


def test_omop_cdm_tables_columns_and_foreign_keys(scratch: str, tmp_path: Path):
    script = "CREATE SCHEMA cdm;\n" + "\n".join(
        shared_data(OMOP.format(part)).read_text() for part in ("ddl", "primary_keys", "constraints")
    )
    _psql(scratch, script.replace("@cdmDatabaseSchema", "cdm"))
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store, schemas=["cdm"])
        assert report.ok, report.failures
        ((tables, columns),) = _query(
            scratch,
            "select count(distinct table_name), count(*) from information_schema.columns where table_schema='cdm'",
        )
        ((foreign_keys,),) = _query(
            scratch,
            "select count(*) from information_schema.key_column_usage k join information_schema.table_constraints t"
            " using (constraint_schema, constraint_name) where t.constraint_type = 'FOREIGN KEY'"
            " and t.table_schema = 'cdm'",
        )
        assert len(_datasets(store)) == tables == 39 and _count(store, v.HAS_COLUMN) == columns
        assert _count(store, v.REFERENCES) == foreign_keys > 100
        person = iris.dataset("postgres", scratch, "cdm", "person")
        concept = iris.dataset("postgres", scratch, "cdm", "concept")
        assert store.has(
            iris.column(person, "gender_concept_id"), v.REFERENCES, iris.column(concept, "concept_id")
        )


def test_mimic_iii_column_comments_become_descriptions(scratch: str, tmp_path: Path):
    folder = "schemas/mimic/mimic-iii/buildmimic/postgres/"
    _psql(scratch, shared_data(folder + "postgres_create_tables.sql").read_text())
    _psql(scratch, shared_data(folder + "postgres_add_comments.sql").read_text())
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(scratch, store, schemas=["public"])
        assert report.ok, report.failures
        ((tables, columns, described),) = _query(
            scratch,
            "select count(distinct c.table_name), count(*), count(col_description("
            "(quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass, c.ordinal_position))"
            " from information_schema.columns c where c.table_schema = 'public'",
        )
        assert len(_datasets(store)) == tables >= 26 and _count(store, v.HAS_COLUMN) == columns
        column_iris = {q.object for q in store.quads(None, v.HAS_COLUMN, None)}
        assert sum(1 for c in column_iris if store.has(c, v.DCTERMS.description, None)) == described > 100
        admissions = iris.dataset("postgres", scratch, "public", "admissions")
        assert store.has(admissions, v.DCTERMS.description, None)
