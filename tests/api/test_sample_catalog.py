"""The bundled sample retail catalog: big enough to demo, internally consistent, idempotent to load."""

from collections import Counter

import pyoxigraph as ox
import pytest

from api.demo import EMAIL_COLUMN, HASHED_EMAIL_COLUMN, UPSTREAM_EXAMPLE, load_demo, next_steps
from api.sample.retail import SOURCE, SampleCatalog, retail_catalog, sample_changeset
from api.sample.warehouse import PLATFORM, dataset_path, governance_changeset
from graph import vocab as v
from graph.lineage import trace
from graph.store import Direction, Level
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.conftest import shared_data


@pytest.fixture
def catalog(iris) -> SampleCatalog:
    return retail_catalog(iris)


def _columns(catalog: SampleCatalog, iris) -> dict:
    """Every column IRI of the catalog -> (dataset, column)."""
    return {d.column_iri(iris, c.name): (d, c) for d in catalog.datasets for c in d.columns}


def test_a_small_warehouse_in_three_layers(catalog):
    assert len(catalog.datasets) >= 12
    assert sum(len(d.columns) for d in catalog.datasets) >= 100
    layers = Counter(d.path[1] for d in catalog.datasets)
    assert set(layers) == {"raw", "staging", "marts"} and min(layers.values()) >= 4
    assert {d.platform for d in catalog.datasets} == {"postgres"}
    assert {d.path[0] for d in catalog.datasets} == {"retail"}
    assert all(d.kind == "table" for d in catalog.datasets if d.path[1] == "raw")
    assert all(d.kind == "dbt_model" for d in catalog.datasets if d.path[1] != "raw")
    assert "retail.marts.fct_orders" in {d.qualified_name for d in catalog.datasets}


def test_datasets_and_columns_are_described_typed_and_owned(catalog):
    for dataset in catalog.datasets:
        assert dataset.description, dataset.qualified_name
        assert dataset.owners, dataset.qualified_name
        assert dataset.tags, dataset.qualified_name
        assert [c.ordinal for c in dataset.columns] == list(range(1, len(dataset.columns) + 1))
        for column in dataset.columns:
            assert column.datatype and column.native_type and column.nullable is not None, column.name
    columns = [c for d in catalog.datasets for c in d.columns]
    assert sum(1 for c in columns if c.description) >= 0.9 * len(columns)
    owners = {o.owner for d in catalog.datasets for o in d.owners}
    assert {o.kind for o in owners} == {"person", "team"}
    assert all(o.email for o in owners)
    roles = {o.role for d in catalog.datasets for o in d.owners}
    assert roles == {"technical", "business", "steward"}


def test_personal_data_is_classified_with_dpv_categories_that_exist(catalog):
    used = {pd for d in catalog.datasets for c in d.columns for pd in c.personal_data}
    used |= {c.personal_data for c in catalog.concepts if c.personal_data}
    assert {"EmailAddress", "TelephoneNumber", "PostalCode", "BirthDate", "Name", "IPAddress"} <= used
    pd_ttl = shared_data("ontologies/dpv/pd/pd.ttl")
    declared = {
        q.subject.value.removeprefix(v.PD.iri)
        for q in ox.parse(path=str(pd_ttl), format=ox.RdfFormat.TURTLE)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(v.PD.iri)
    }
    assert used <= declared, sorted(used - declared)
    for dataset in catalog.datasets:
        for column in dataset.columns:
            assert ("pii" in column.tags) == bool(column.personal_data), column.name


def test_every_lineage_endpoint_exists(catalog, iris):
    columns = _columns(catalog, iris)
    datasets = {d.iri(iris) for d in catalog.datasets}
    dataset_edges = {(e.downstream, e.upstream) for e in catalog.dataset_lineage}
    for edge in catalog.column_lineage:
        assert edge.downstream in columns, edge.downstream.value
        assert edge.upstream in columns, edge.upstream.value
        # column lineage between two datasets implies dataset lineage between them
        down, up = iris.dataset_of_column(edge.downstream), iris.dataset_of_column(edge.upstream)
        assert (down, up) in dataset_edges
        assert edge.job == iris.job("dbt", iris.key_of(down)[-1])
    for down, up in dataset_edges:
        assert down in datasets and up in datasets
    assert len(dataset_edges) == len(catalog.dataset_lineage)
    assert len({(e.downstream, e.upstream) for e in catalog.column_lineage}) == len(catalog.column_lineage)


def test_every_derived_column_has_a_source_that_carries_its_value(catalog, iris):
    direct = {"copy", "expression", "aggregation", "hash", "window", "conditional"}
    fed = {e.downstream for e in catalog.column_lineage if e.kind in direct}
    for dataset in catalog.datasets:
        if dataset.path[1] == "raw":
            assert not any(e.downstream == dataset.iri(iris) for e in catalog.dataset_lineage)
            continue
        for column in dataset.columns:
            assert dataset.column_iri(iris, column.name) in fed, f"{dataset.qualified_name}.{column.name}"


def test_transformation_kinds_are_the_right_ones(catalog, iris):
    kinds = Counter(e.kind for e in catalog.column_lineage)
    assert {"copy", "expression", "aggregation", "hash", "filter", "join_key"} <= set(kinds)
    columns = _columns(catalog, iris)
    for edge in catalog.column_lineage:
        if edge.kind != "copy":
            assert edge.expression, edge.downstream.value
        if edge.kind == "hash":  # a hashed value is no longer the personal data it came from
            assert columns[edge.upstream][1].personal_data
            assert not columns[edge.downstream][1].personal_data
    email_hash = next(
        iri for iri, (d, c) in columns.items() if d.name == "dim_customers" and c.name == "email_hash"
    )
    (edge,) = [e for e in catalog.column_lineage if e.downstream == email_hash]
    assert edge.kind == "hash" and "sha256" in edge.expression
    assert columns[edge.upstream][1].personal_data == ("EmailAddress",)


def test_glossary_and_policy(catalog, iris):
    names = {c.name for c in catalog.concepts}
    assert {"Customer", "Order", "Revenue", "Email Address"} <= names
    assert all(c.definition for c in catalog.concepts)
    assert all(set(c.broader) <= names for c in catalog.concepts)
    email = next(c for c in catalog.concepts if c.name == "Email Address")
    assert email.personal_data == "EmailAddress"
    (policy,) = catalog.policies
    prohibitions = [r for r in policy.rules if r.kind == "prohibition"]
    assert [(r.action, r.assignee, r.target) for r in prohibitions] == [
        ("read", "analyst", v.DPV.PersonalData)
    ]


def test_the_changeset_replaces_one_named_graph(iris):
    changeset = sample_changeset(iris)
    assert changeset.actor == "datagraph demo"
    assert changeset.graphs == changeset.replaced_graphs == {iris.source_graph(SOURCE)}


def test_loading_twice_changes_nothing(tmp_path, iris):
    store = OxigraphStore(tmp_path / "s")
    try:
        writer = GraphWriter(store, iris)
        first = load_demo(writer)
        assert all(r.ok and r.triples_added > 0 for r in first), [r.summary() for r in first]
        graph = iris.source_graph(SOURCE)  # the glossary, policy and classification: the sample's own graph
        assert first[-1].triples_added == store.count(graph) == len(set(governance_changeset(iris).adds))
        total = store.count()
        again = load_demo(writer)
        assert [(r.triples_added, r.triples_removed) for r in again] == [(0, 0)] * len(again)
        assert store.count() == total
        classes = store.class_counts()
        catalog = retail_catalog(iris)
        # the sample's datasets and columns, and the orchestrator's report file with its columns
        assert classes[v.DCAT.Dataset.value] == len(catalog.datasets) + 1 >= 12
        report_columns = len(next(d for d in catalog.datasets if d.name == "fct_daily_sales").columns)
        columns = sum(len(d.columns) for d in catalog.datasets)
        assert classes[v.CSVW.Column.value] == columns + report_columns >= 100
        # the SQL tracer finds the sample's lineage and the rows each filter, join and grouping steers
        assert classes[v.COLUMN_LINEAGE.value] >= len(catalog.column_lineage)
        personal = {q.object for q in store.quads(None, v.DPV.hasPersonalData, None)}
        assert v.PD.EmailAddress in personal and v.PD.IPAddress in personal
    finally:
        store.close()


def _loaded(iris, schema: str, table: str, column: str):
    return iris.column(iris.dataset(PLATFORM, *dataset_path(schema, table)), column)


def test_a_mart_column_traces_back_to_the_raw_email(tmp_path, iris):
    store = OxigraphStore(tmp_path / "s")
    try:
        load_demo(GraphWriter(store, iris))
        start = _loaded(iris, "marts", "customer_lifetime_value", "email_hash")
        dim = _loaded(iris, "marts", "dim_customers", "email_hash")
        stg = _loaded(iris, "staging", "stg_customers", "email")
        raw = _loaded(iris, "raw", "customers", "email")
        result = trace(store, [start], Direction.UPSTREAM, None, Level.COLUMN)
        node = result.node(raw)
        assert node is not None and node.direction is Direction.UPSTREAM
        assert node.distance == 3
        kinds: dict[tuple, set] = {}
        for e in result.edges:
            kinds.setdefault((e.upstream, e.downstream), set()).add(e.kind)
        assert v.COPY in kinds[(dim, start)]
        assert v.HASH in kinds[(stg, dim)]
        assert v.EXPRESSION_KIND in kinds[(raw, stg)]
        assert not result.truncated
    finally:
        store.close()


def test_next_steps_name_real_entities_of_the_sample(catalog):
    loaded = {d: ".".join(dataset_path(d.path[1], d.path[2])) for d in catalog.datasets}
    names = set(loaded.values())
    names |= {f"{loaded[d]}.{c.name}" for d in catalog.datasets for c in d.columns}
    assert {UPSTREAM_EXAMPLE, EMAIL_COLUMN, HASHED_EMAIL_COLUMN} <= names
    text = next_steps("http://127.0.0.1:8123/")
    for expected in ("http://127.0.0.1:8123/healthz", "http://127.0.0.1:8123/stats", UPSTREAM_EXAMPLE):
        assert expected in text
    commands = [line.strip() for line in text.splitlines() if line.strip().startswith("datagraph ")]
    assert len(commands) >= 4
