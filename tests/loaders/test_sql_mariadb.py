"""The SQL loader on MariaDB: the real kanboard schema (a mysqldump) in a scratch database."""

from __future__ import annotations

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
from tests.conftest import MARIADB_PORT, MARIADB_SERVER, shared_data

pytestmark = pytest.mark.mariadb
SERVER = MARIADB_SERVER


def _mariadb(database: str, sql: str) -> None:
    subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", str(MARIADB_PORT), "-u", "root", database],
        input=sql,
        text=True,
        check=True,
        capture_output=True,
    )


def _query(database: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(f"{SERVER}/{database}")
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(sa.text(sql))]
    engine.dispose()
    return rows


@pytest.fixture
def kanboard() -> Iterator[str]:
    """A scratch database with a unique name holding kanboard's schema; dropped afterwards."""
    admin = sa.create_engine(f"{SERVER}/", isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except sa.exc.OperationalError as e:
        pytest.skip(f"MariaDB not reachable at {SERVER} (start it with `make services`): {e.orig}")
    name = f"dg_sql_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE `{name}`"))
    try:
        _mariadb(name, shared_data("schemas/kanboard/mysql.sql").read_text())
        yield name
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def _load(database: str, store: OxigraphStore, **options):
    writer = GraphWriter(store, IriMinter())
    seen: list[str] = []
    report = SqlSource(SqlLoaderConfig(url=f"{SERVER}/{database}", **options)).load(
        writer, progress=seen.append
    )
    return report, seen


def test_kanboard_catalog_keys_view_lineage_reload_and_drop(kanboard: str, tmp_path: Path):
    _mariadb(
        kanboard,
        "CREATE VIEW open_tasks AS SELECT t.id, t.title, p.name AS project "
        "FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.is_active = 1;",
    )
    iris = IriMinter()
    ds = lambda table: iris.dataset("mysql", kanboard, table)  # noqa: E731
    with OxigraphStore(tmp_path / "s") as store:
        report, seen = _load(kanboard, store)
        assert report.ok and report.warnings == []
        ((tables,),) = _query(
            kanboard,
            f"select count(*) from information_schema.tables where table_schema='{kanboard}' and table_type='BASE TABLE'",
        )
        ((columns,),) = _query(
            kanboard, f"select count(*) from information_schema.columns where table_schema='{kanboard}'"
        )
        ((fks,),) = _query(
            kanboard,
            f"select count(*) from information_schema.key_column_usage where table_schema='{kanboard}' "
            "and referenced_table_name is not null",
        )
        assert tables == 48 and report.read == len(seen) == 49
        assert len({q.subject for q in store.quads(None, v.RDF.type, v.TABLE)}) == tables
        assert sum(1 for _ in store.quads(None, v.HAS_COLUMN, None)) == columns
        assert sum(1 for _ in store.quads(None, v.REFERENCES, None)) == fks > 0
        assert store.has(
            iris.column(ds("action_has_params"), "action_id"), v.REFERENCES, iris.column(ds("actions"), "id")
        )
        assert store.has(iris.column(ds("tasks"), "id"), v.PRIMARY_KEY, None)
        assert {q.object for q in store.quads(ds("open_tasks"), v.PROV.wasDerivedFrom, None)} == {
            ds("tasks"),
            ds("projects"),
        }
        assert report.graphs == [iris.source_graph(f"sql:mysql/{kanboard}").value]

        again, _ = _load(kanboard, store)
        assert (again.triples_added, again.triples_removed) == (0, 0)

        _mariadb(kanboard, "SET FOREIGN_KEY_CHECKS=0; DROP TABLE action_has_params;")
        dropped, _ = _load(kanboard, store)
        assert dropped.read == 48 and dropped.triples_removed > 0 and dropped.triples_added == 0
        assert not store.has(ds("action_has_params"), None, None)


def test_kanboard_profiles(kanboard: str, tmp_path: Path):
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report, _ = _load(kanboard, store, profile=True)
        assert report.ok and report.warnings == []
        for table in ("settings", "links", "users", "tasks"):
            ((expected,),) = _query(kanboard, f"select count(*) from `{table}`")
            found = next(store.quads(iris.dataset("mysql", kanboard, table), v.ROW_COUNT, None))
            assert int(found.object.value) == expected
        assert not store.has(None, v.SAMPLE_VALUE, None)
        links = iris.dataset("mysql", kanboard, "links")
        assert next(store.quads(iris.column(links, "id"), v.MAX_VALUE, None)).object.value == "11"

        sampled, _ = _load(kanboard, store, profile=True, sample_values=True)
        labels = {q.object.value for q in store.quads(iris.column(links, "label"), v.SAMPLE_VALUE, None)}
        assert sampled.ok and len(labels) == 5
        assert labels == {
            r[0] for r in _query(kanboard, "select distinct label from links order by label limit 5")
        }


def test_bad_credentials_fail_clearly(tmp_path: Path):
    url = f"mariadb+pymysql://dg_nobody:s3cret@127.0.0.1:{MARIADB_PORT}/none"
    with OxigraphStore(tmp_path / "s") as store:
        report = SqlSource(SqlLoaderConfig(url=url)).load(GraphWriter(store, IriMinter()))
        assert store.count() == 0
    assert not report.ok
    assert report.failures[0].startswith(
        f"cannot connect to mariadb+pymysql://dg_nobody:***@127.0.0.1:{MARIADB_PORT}/none: "
    )
    assert "Access denied" in report.failures[0] and "s3cret" not in report.failures[0]
