"""The dbt loader on real manifests: every schema version loads, a large project keeps its lineage, bad input fails."""

from __future__ import annotations

import doctest
import json
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from pyoxigraph import Literal, NamedNode

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.dbt import artifacts
from loaders.dbt.config import DbtLoaderConfig
from loaders.dbt.source import DbtSource
from tests.conftest import SHARED_DATA, shared_data

FIXTURES = Path(__file__).parent / "fixtures"
OPENLINEAGE_DBT = SHARED_DATA / "dbt" / "openlineage_dbt_tests"
MANIFESTS = sorted(OPENLINEAGE_DBT.rglob("manifest.json")) if OPENLINEAGE_DBT.exists() else []


def _config(manifest: Path, **overrides) -> DbtLoaderConfig:
    """A config naming the catalog and run results that dbt wrote next to the manifest, if any."""
    found = {name: manifest.parent / f"{name}.json" for name in ("catalog", "run_results")}
    return DbtLoaderConfig(manifest=manifest, **{k: p for k, p in found.items() if p.exists()}, **overrides)


def _objects(store: OxigraphStore, s: NamedNode, p: NamedNode) -> set:
    return {q.object for q in store.quads(subject=s, predicate=p)}


def _models_with_column_lineage(store: OxigraphStore, iris: IriMinter) -> set[NamedNode]:
    return {
        iris.dataset_of_column(q.subject)
        for q in store.quads(predicate=v.PROV.qualifiedDerivation)
        if q.subject.value.startswith(iris.base + "column/")
    }


def test_the_openlineage_dbt_manifests_are_all_here():
    shared_data("dbt/openlineage_dbt_tests")
    assert len(MANIFESTS) == 28


@pytest.mark.parametrize(
    "manifest", MANIFESTS, ids=lambda p: p.relative_to(OPENLINEAGE_DBT).parent.as_posix()
)
def test_every_manifest_version_loads_without_failures(manifest: Path, tmp_path: Path):
    with OxigraphStore(tmp_path / "s") as store:
        report = DbtSource(_config(manifest)).load(GraphWriter(store, IriMinter()))
        assert report.ok, report.summary()
        assert report.read > 0 and store.count(NamedNode(report.graphs[0])) == report.triples_added


def test_hubspot_loads_every_model_with_its_lineage_and_reloading_changes_nothing(tmp_path: Path):
    folder = shared_data("dbt/fivetran_dbt_hubspot")
    config = DbtLoaderConfig(manifest=folder / "manifest.json", catalog=folder / "catalog.json")
    raw = json.loads((folder / "manifest.json").read_text())
    models = {uid: n for uid, n in raw["nodes"].items() if n["resource_type"] == "model"}
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        writer = GraphWriter(store, iris)
        started = time.perf_counter()
        report = DbtSource(config).load(writer)
        seconds = time.perf_counter() - started
        assert report.ok, report.summary()
        loaded = {q.subject for q in store.quads(predicate=v.RDF.type, object=v.DBT_MODEL)}
        assert len(loaded) == len(models) == 154
        jobs = {q.object for q in store.quads(predicate=v.PROV.hadActivity)}
        for uid, node in models.items():
            job = iris.job("dbt", uid)
            expected = {
                d for d in node["depends_on"]["nodes"] if d.split(".")[0] in ("model", "seed", "source")
            }
            if expected:
                assert job in jobs, uid
        lineage_edges = sum(1 for _ in store.quads(predicate=v.RDF.type, object=v.DATASET_LINEAGE))
        expected_edges = sum(
            1
            for n in models.values()
            for d in n["depends_on"]["nodes"]
            if d.split(".")[0] in ("model", "seed", "source")
        )
        assert lineage_edges == expected_edges
        with_columns = _models_with_column_lineage(store, iris) & loaded
        print(
            f"\nhubspot: {len(loaded)} models, {lineage_edges} model lineage edges, loaded in {seconds:.2f}s;"
            f" {len(with_columns)} of {len(loaded)} models ({len(with_columns) / len(loaded):.0%}) have column lineage;"
            f" {len(report.warnings)} warnings"
        )
        assert len(with_columns) / len(loaded) >= 0.9
        again = DbtSource(config).load(writer)
        assert again.ok and (again.triples_added, again.triples_removed) == (0, 0)


def test_a_small_project_keeps_owners_meta_tests_and_column_lineage(tmp_path: Path):
    config = DbtLoaderConfig(
        manifest=FIXTURES / "dbt_small_manifest.json",
        catalog=FIXTURES / "dbt_small_catalog.json",
        run_results=FIXTURES / "dbt_small_run_results.json",
    )
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report = DbtSource(config).load(GraphWriter(store, iris))
        assert report.ok and report.graphs == [iris.source_graph("dbt:shop").value]
        orders = iris.dataset("postgres", "db", "mart", "orders")
        raw = iris.dataset("postgres", "db", "raw", "raw_orders")
        assert _objects(store, orders, v.OWNER) == {iris.person("ana@example.com")}
        assert _objects(store, orders, v.META) == {Literal('{"owner": "ana@example.com", "tier": 1}')}
        assert _objects(store, orders, v.HAS_TAG) == {iris.tag("finance")}
        assert _objects(store, orders, v.PROV.wasDerivedFrom) == {raw}
        total, customer = iris.column(orders, "total"), iris.column(orders, "customer_id")
        assert _objects(store, total, v.KIND_PREDICATES["aggregation"]) == {iris.column(raw, "amount")}
        assert _objects(store, total, v.KIND_PREDICATES["filter"]) == {iris.column(raw, "status")}
        assert _objects(store, customer, v.KIND_PREDICATES["copy"]) == {iris.column(raw, "customer_id")}
        assert _objects(store, customer, v.NATIVE_TYPE) == {Literal("integer")}
        check = next(q.subject for q in store.quads(predicate=v.RDF.type, object=v.QUALITY_CHECK))
        assert _objects(store, check, v.CHECKS) == {customer}
        assert _objects(store, check, v.CHECK_TYPE) == {Literal("not_null")}
        assert _objects(store, check, v.CHECK_STATUS) == {Literal("fail")}
    assert len(report.warnings) == 1 and report.warnings[0].startswith(
        "model.shop.broken: no column lineage: cannot parse SQL as postgres"
    )


def test_a_truncated_manifest_fails_naming_the_file_and_writes_nothing(tmp_path: Path):
    real = (shared_data("dbt/fivetran_dbt_hubspot") / "manifest.json").read_text()
    truncated = tmp_path / "manifest.json"
    truncated.write_text(real[: len(real) // 2])
    with OxigraphStore(tmp_path / "s") as store:
        report = DbtSource(DbtLoaderConfig(manifest=truncated)).load(GraphWriter(store, IriMinter()))
        assert store.count() == 0
    assert not report.ok and report.failures[0].startswith(f"{truncated}: not valid JSON")


def test_an_unknown_manifest_version_fails_and_writes_nothing(tmp_path: Path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v99.json"}})
    )
    with OxigraphStore(tmp_path / "s") as store:
        report = DbtSource(DbtLoaderConfig(manifest=manifest)).load(GraphWriter(store, IriMinter()))
        assert store.count() == 0
    assert report.failures == [
        f"{manifest}: unsupported manifest schema https://schemas.getdbt.com/dbt/manifest/v99.json;"
        " this loader reads manifest v1 to v12"
    ]


def test_doctests():
    assert doctest.testmod(artifacts).failed == 0


def test_the_shopify_catalog_loads_alone(tmp_path: Path):
    catalog = shared_data("dbt/fivetran_dbt_shopify_catalog_only") / "catalog.json"
    raw = json.loads(catalog.read_text())
    entries = {**raw["nodes"], **raw["sources"]}
    with OxigraphStore(tmp_path / "s") as store:
        writer = GraphWriter(store, IriMinter())
        unnamed = DbtSource(DbtLoaderConfig(catalog=catalog)).load(writer)
        assert not unnamed.ok and "--platform" in unnamed.failures[0] and store.count() == 0
        report = DbtSource(DbtLoaderConfig(catalog=catalog, platform="postgres")).load(writer)
        assert report.ok, report.failures
        classes = store.class_counts()
        # a source and the seed it reads are one physical table, so one dataset (one IRI)
        tables = {
            (e["metadata"]["database"], e["metadata"]["schema"], e["metadata"]["name"]): e
            for e in entries.values()
        }
        assert classes[v.DCAT.Dataset.value] == len(tables)
        columns = {(t, c) for t, e in tables.items() for c in e["columns"]}
        assert classes[v.CSVW.Column.value] == len(columns)
        # each dataset's columns are at positions 1..n, as dbt's catalog `index` (and the other loaders) count
        for dataset in {q.subject for q in store.quads(None, v.RDF.type, v.DCAT.Dataset)}:
            columns = _objects(store, dataset, v.HAS_COLUMN)
            positions = [o for c in columns for o in _objects(store, c, v.ORDINAL)]
            assert sorted(int(p.value) for p in positions) == list(range(1, len(columns) + 1))
        emails = [q.subject for q in store.quads(None, v.RDFS.label, Literal("email"))]
        assert emails and all(store.has(c, v.NATIVE_TYPE, None) for c in emails)
        again = DbtSource(DbtLoaderConfig(catalog=catalog, platform="postgres")).load(writer)
        assert (again.triples_added, again.triples_removed) == (0, 0)


def test_a_config_needs_a_manifest_or_a_catalog():
    with pytest.raises(ValidationError, match="or both"):
        DbtLoaderConfig()
