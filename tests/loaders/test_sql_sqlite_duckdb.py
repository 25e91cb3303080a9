"""The SQL loader on file databases: the real chinook SQLite file (read-only copy) and a small DuckDB file."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.source import SqlSource
from tests.conftest import shared_data


@pytest.fixture
def chinook(tmp_path: Path) -> Path:
    copy = tmp_path / "chinook.sqlite"
    shutil.copyfile(shared_data("schemas/chinook/Chinook_Sqlite.sqlite"), copy)
    copy.chmod(0o444)
    return copy


def _load(url: str, store: OxigraphStore, **options):
    return SqlSource(SqlLoaderConfig(url=url, **options)).load(GraphWriter(store, IriMinter()))


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_chinook_sqlite_catalog_and_profile(chinook: Path, tmp_path: Path):
    db = sqlite3.connect(f"file:{chinook}?mode=ro", uri=True)
    tables = [
        r[0]
        for r in db.execute("select name from sqlite_master where type='table' and name not like 'sqlite_%'")
    ]
    columns = sum(len(db.execute(f'pragma table_info("{t}")').fetchall()) for t in tables)
    counts = {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    db.close()
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report = _load(_sqlite_url(chinook), store, profile=True)
        assert report.ok and report.warnings == [] and report.read == len(tables) == 11
        assert report.graphs == [iris.source_graph("sql:sqlite/chinook.sqlite").value]
        assert sum(1 for _ in store.quads(None, v.HAS_COLUMN, None)) == columns
        invoice, customer = (
            iris.dataset("sqlite", "main", "Invoice"),
            iris.dataset("sqlite", "main", "Customer"),
        )
        assert store.has(
            iris.column(invoice, "CustomerId"), v.REFERENCES, iris.column(customer, "CustomerId")
        )
        assert store.has(iris.column(invoice, "InvoiceId"), v.PRIMARY_KEY, None)
        for table, expected in counts.items():
            found = next(store.quads(iris.dataset("sqlite", "main", table), v.ROW_COUNT, None))
            assert int(found.object.value) == expected
        assert not store.has(None, v.SAMPLE_VALUE, None)
        sampled = _load(_sqlite_url(chinook), store, profile=True, sample_values=True)
        genre = iris.column(iris.dataset("sqlite", "main", "Genre"), "Name")
        assert sampled.ok and len(list(store.quads(genre, v.SAMPLE_VALUE, None))) == 5


def test_duckdb_catalog_view_lineage_reload_and_drop(tmp_path: Path):
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(
            "create table customer (id integer primary key, name varchar not null, since date);"
            "comment on table customer is 'people who buy'; comment on column customer.name is 'full name';"
            "create table orders (id integer primary key, customer_id integer references customer(id),"
            " total decimal(10,2) default 0, placed timestamp);"
            "create view big_orders as select o.id, c.name from orders o join customer c on c.id = o.customer_id"
            " where o.total > 100;"
            "insert into customer values (1, 'Ada', date '2020-01-01'), (2, 'Bo', null);"
            "insert into orders values (1, 1, 150.00, timestamp '2024-05-01 10:00:00'), (2, 1, 20, null),"
            " (3, 2, 300, null);"
        )
    iris = IriMinter()
    ds = lambda table: iris.dataset("duckdb", "main", table)  # noqa: E731
    url = f"duckdb:///{path}"
    with OxigraphStore(tmp_path / "s") as store:
        report = _load(url, store, profile=True)
        assert report.ok and report.warnings == [] and report.read == 3
        assert store.has(
            iris.column(ds("orders"), "customer_id"), v.REFERENCES, iris.column(ds("customer"), "id")
        )
        assert {q.object for q in store.quads(ds("big_orders"), v.PROV.wasDerivedFrom, None)} == {
            ds("orders"),
            ds("customer"),
        }
        assert int(next(store.quads(ds("orders"), v.ROW_COUNT, None)).object.value) == 3
        total = iris.column(ds("orders"), "total")
        assert next(store.quads(total, v.CSVW.datatype, None)).object == v.XSD.decimal
        assert Decimal(next(store.quads(total, v.MAX_VALUE, None)).object.value) == Decimal("300.00")
        assert next(store.quads(total, v.DEFAULT_VALUE, None)).object.value == "0"
        assert next(store.quads(ds("customer"), v.DCTERMS.description, None)).object.value == "people who buy"
        name = iris.column(ds("customer"), "name")
        assert next(store.quads(name, v.DCTERMS.description, None)).object.value == "full name"
        assert next(store.quads(name, v.CSVW.required, None)).object.value == "true"
        since = iris.column(ds("customer"), "since")
        assert float(next(store.quads(since, v.NULL_FRACTION, None)).object.value) == 0.5

        again = _load(url, store)  # without profile: the profile triples go, nothing else changes
        assert again.triples_added == 0 and again.triples_removed > 0
        assert (_load(url, store).triples_added, _load(url, store).triples_removed) == (0, 0)
        with duckdb.connect(str(path)) as db:
            db.execute("drop view big_orders")
        dropped = _load(url, store)
        assert dropped.read == 2 and not store.has(ds("big_orders"), None, None)


def test_a_view_the_database_cannot_read_is_a_failure_naming_it_and_the_rest_loads(tmp_path: Path):
    path = tmp_path / "odd.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "create table t (a int); create view broken as select a from t where a glob '1*' escape 'x';"
    )
    db.close()
    with OxigraphStore(tmp_path / "s") as store:
        report = _load(f"sqlite:///{path}", store)
        assert store.has(IriMinter().dataset("sqlite", "main", "t"), None, None)
    assert report.read == 1 and report.failures == [
        "view main.broken: cannot be read: wrong number of arguments to function glob()"
    ]
