"""The demo loads the sample warehouse through the loaders: SQLite, dbt and OpenLineage, connected."""

import json
import sqlite3

import pytest

from api.demo import EMAIL_COLUMN, HASHED_EMAIL_COLUMN, UPSTREAM_EXAMPLE, load_demo
from api.sample import retail
from api.sample.warehouse import PLATFORM, REPORT_FILE, build_artifacts, compiled_sql, dataset_path
from graph import vocab as v
from graph.lineage import trace
from graph.resolve import resolve
from graph.store import Direction, Level
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.dbt.artifacts import parse_catalog, parse_manifest, parse_run_results
from loaders.dbt.records import dataset as dbt_dataset
from loaders.openlineage.mapping import dataset_identity


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from graph.iris import IriMinter

    iris = IriMinter()
    store = OxigraphStore(tmp_path_factory.mktemp("demo") / "store")
    reports = load_demo(GraphWriter(store, iris))
    try:
        yield store, iris, reports
    finally:
        store.close()


def test_the_artifacts_are_the_same_bytes_every_time(tmp_path):
    first, second = build_artifacts(tmp_path / "a"), build_artifacts(tmp_path / "b")
    for name in ("manifest", "catalog", "run_results", "events"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes(), name
    with sqlite3.connect(first.sqlite) as a, sqlite3.connect(second.sqlite) as b:
        dump = list(a.iterdump())
        assert dump == list(b.iterdump())
    raw = [d for d in retail._DATASETS if d.schema == "raw"]
    assert sum(1 for line in dump if line.startswith("CREATE TABLE")) == len(raw)
    assert all(sum(1 for line in dump if line.startswith(f'INSERT INTO "{d.name}"')) >= 3 for d in raw)
    assert any("FOREIGN KEY (customer_id) REFERENCES customers" in line for line in dump)


def test_dbt_sources_name_the_sqlite_tables_and_events_name_the_dbt_marts(tmp_path, iris):
    artifacts = build_artifacts(tmp_path)
    manifest = parse_manifest(artifacts.manifest)
    catalog = parse_catalog(artifacts.catalog)
    sources = {n.name: n for n in manifest.nodes.values() if n.resource_type == "source"}
    assert set(sources) == {d.name for d in retail._DATASETS if d.schema == "raw"}
    for name, node in sources.items():
        # the SQL loader names a SQLite table ("main", table) on platform "sqlite"
        assert dbt_dataset(node, PLATFORM, catalog.get(node.unique_id)).iri(iris) == iris.dataset(
            "sqlite", "main", name
        )
    assert set(parse_run_results(artifacts.run_results).values()) == {"pass"}
    assert {t.test_type for t in manifest.tests} == {"unique", "not_null"}
    events = json.loads(artifacts.events.read_text())
    assert 2 <= len(events) <= 4
    (source,) = {(i["namespace"], i["name"]) for e in events for i in e["inputs"]}
    platform, path, _kind = dataset_identity(*source)
    assert (platform, path) == (PLATFORM, dataset_path("marts", "fct_daily_sales"))


def test_compiled_sql_joins_filters_and_groups_as_the_sample_says():
    sql = compiled_sql(next(d for d in retail._DATASETS if d.name == "fct_orders"))
    assert "FROM staging.stg_orders AS stg_orders" in sql
    assert (
        "LEFT JOIN staging.stg_payments AS stg_payments ON stg_payments.order_id = stg_orders.order_id" in sql
    )
    assert "WHERE order_status <> 'cancelled'" in sql and "GROUP BY" in sql


def test_every_loader_succeeds_and_names_resolve(loaded):
    store, _iris, reports = loaded
    assert len(reports) == 4
    for report in reports:
        assert report.ok and not report.warnings, report.summary()
        assert report.triples_added > 0, report.summary()  # a run's COMPLETE replaces its START state
    for name in (UPSTREAM_EXAMPLE, EMAIL_COLUMN, HASHED_EMAIL_COLUMN):
        resolve(store, name)


def test_the_demo_holds_the_whole_sample(loaded):
    store, _iris, _reports = loaded
    classes = store.class_counts()
    sample = retail.retail_catalog(_iris)
    assert classes[v.DCAT.Dataset.value] >= len(sample.datasets) >= 12
    assert classes[v.CSVW.Column.value] >= sum(len(d.columns) for d in sample.datasets) >= 100
    assert classes[v.COLUMN_LINEAGE.value] >= 0.9 * len(sample.column_lineage)
    personal = {q.object.value for q in store.quads(None, v.DPV.hasPersonalData, None)}
    assert {v.PD[c].value for c in ("EmailAddress", "TelephoneNumber", "IPAddress")} <= personal


def test_lineage_crosses_systems_from_the_report_to_the_sqlite_table(loaded):
    store, iris, _reports = loaded
    report = iris.dataset("file", REPORT_FILE)
    mart = iris.dataset(PLATFORM, *dataset_path("marts", "fct_daily_sales"))
    fct = iris.dataset(PLATFORM, *dataset_path("marts", "fct_orders"))
    staging = iris.dataset(PLATFORM, *dataset_path("staging", "stg_orders"))
    raw = iris.dataset(PLATFORM, *dataset_path("raw", "orders"))
    result = trace(store, [report], Direction.UPSTREAM, None, Level.DATASET)
    node = result.node(raw)
    assert node is not None, sorted(n.iri.value for n in result.nodes)
    assert node.path == (report, mart, fct, staging, raw)
    graphs = {q.graph_name.value for q in store.quads(None, None, None) if q.subject == report}
    assert any(g.startswith(iris.source_graph("openlineage:").value) for g in graphs), graphs


def test_a_report_column_traces_back_to_a_sqlite_column(loaded):
    store, iris, _reports = loaded
    start = iris.column(iris.dataset("file", REPORT_FILE), "net_revenue")
    raw = iris.column(iris.dataset(PLATFORM, *dataset_path("raw", "order_items")), "unit_price_cents")
    result = trace(store, [start], Direction.UPSTREAM, None, Level.COLUMN)
    node = result.node(raw)
    assert node is not None and node.distance == 4
    kinds = {e.kind for e in result.edges}
    assert {v.COPY, v.AGGREGATION, v.EXPRESSION_KIND} <= kinds


def test_the_hashed_email_traces_back_to_the_sqlite_email(loaded):
    store, iris, _reports = loaded
    start, raw = resolve(store, HASHED_EMAIL_COLUMN), resolve(store, EMAIL_COLUMN)
    result = trace(store, [start], Direction.UPSTREAM, None, Level.COLUMN)
    node = result.node(raw)
    assert node is not None and node.distance == 3
    dim = iris.column(iris.dataset(PLATFORM, *dataset_path("marts", "dim_customers")), "email_hash")
    stg = iris.column(iris.dataset(PLATFORM, *dataset_path("staging", "stg_customers")), "email")
    kinds: dict[tuple, set] = {}
    for e in result.edges:  # a grouped column also steers every output column: a group_by edge besides
        kinds.setdefault((e.upstream, e.downstream), set()).add(e.kind)
    assert v.COPY in kinds[(dim, start)]
    assert v.HASH in kinds[(stg, dim)]
    assert v.EXPRESSION_KIND in kinds[(raw, stg)]


def test_loading_again_adds_and_removes_nothing(loaded):
    store, iris, _reports = loaded
    before = store.count()
    again = load_demo(GraphWriter(store, iris))
    assert [(r.triples_added, r.triples_removed) for r in again] == [(0, 0)] * len(again)
    assert store.count() == before


def test_postgres_sha256_is_a_hash():
    # sqlglot parses PostgreSQL's sha256(x) as SHA2Digest: still a hash, so the hashed e-mail is not an e-mail
    from loaders.sql_lineage import column_lineage

    result = column_lineage("select encode(sha256(email::bytea), 'hex') as h from t", "postgres", None)
    assert [s.kind for s in result.columns["h"]] == ["hash"]
