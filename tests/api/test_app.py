"""The HTTP server as a client meets it: a real uvicorn server on a free local port, over a real store."""

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from api.demo import load_demo
from api.sample.retail import SOURCE, retail_catalog, sample_changeset
from api.sample.warehouse import governance_changeset
from api.settings import Settings
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.conftest import running

# As the demo serves: anonymous callers read.
VIEWERS = Settings(_env_file=None, anonymous_role="viewer")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[str, OxigraphStore]]:
    iris = IriMinter()
    store = OxigraphStore(tmp_path_factory.mktemp("app") / "store")
    writer = GraphWriter(store, iris)
    load_demo(writer)
    try:
        with running(create_app(store, writer, VIEWERS)) as url:
            yield url, store
    finally:
        store.close()


def _columns(catalog) -> int:
    """The sample's columns, and those of the report file the orchestrator exports fct_daily_sales to."""
    report = next(d for d in catalog.datasets if d.name == "fct_daily_sales")
    return sum(len(d.columns) for d in catalog.datasets) + len(report.columns)


def test_healthz(demo):
    url, _store = demo
    response = httpx.get(f"{url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "store": "oxigraph"}


def test_stats_count_what_the_sample_holds(demo):
    url, _store = demo
    iris = IriMinter()
    catalog = retail_catalog(iris)
    stats = httpx.get(f"{url}/stats").json()
    entities = stats["entities"]
    # the loaders find the sample's datasets, columns and lineage, plus the orchestrator's report file
    assert entities["datasets"] == len(catalog.datasets) + 1
    assert entities["columns"] == _columns(catalog)
    assert entities["dataset_lineage_edges"] == len(catalog.dataset_lineage) + 1
    assert entities["column_lineage_edges"] >= len(catalog.column_lineage)
    assert entities["concepts"] == len(catalog.concepts)
    assert entities["policies"] == len(catalog.policies) == 1
    assert entities["owners"] >= 3  # dbt's meta.owner of each model and source
    assert entities["changes"] >= 4  # one commit per loader run at least, and the glossary's
    graphs = stats["graphs"]
    assert graphs[iris.source_graph(SOURCE).value] == len(set(governance_changeset(iris).adds))
    assert graphs[iris.audit_graph().value] > 0
    assert stats["triples"] == sum(graphs.values())
    assert stats["store"] == "oxigraph"


def test_index_page_shows_the_statistics_and_what_to_try(demo):
    url, store = demo
    response = httpx.get(f"{url}/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    columns = _columns(retail_catalog(IriMinter()))
    assert f'<div class="n">{columns:,}</div>' in page
    assert f"{store.count():,} triples" in page
    assert "datagraph lineage marts.fct_orders --direction upstream" in page
    assert "datagraph export" in page and "datagraph sparql" in page
    assert 'href="/stats"' in page and 'href="/healthz"' in page


def test_index_page_is_self_contained(demo):
    url, _store = demo
    page = httpx.get(f"{url}/").text
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(", page, re.IGNORECASE)


def test_the_cdn_backed_api_docs_are_not_served(demo):
    url, _store = demo
    assert httpx.get(f"{url}/docs").status_code == 404
    assert httpx.get(f"{url}/openapi.json").json()["paths"].keys() >= {"/healthz", "/stats", "/"}


def test_an_empty_store_is_served_too():
    store = OxigraphStore()
    with running(create_app(store, settings=VIEWERS)) as url:
        assert httpx.get(f"{url}/healthz").json()["status"] == "ok"
        stats = httpx.get(f"{url}/stats").json()
        assert stats["graphs"] == {} and stats["entities"]["datasets"] == 0
        page = httpx.get(f"{url}/").text
        assert "The store is empty" in page
        assert "datagraph lineage db.schema.table" in page


def test_the_search_index_is_built_while_the_server_starts(tmp_path):
    """The first search finds the index ready: it reads only its hits' descriptions, not every name."""
    store = OxigraphStore(tmp_path / "store")
    writer = GraphWriter(store, IriMinter())
    writer.commit(sample_changeset(writer.iris))
    app = create_app(store, writer, Settings(store=str(tmp_path / "store"), anonymous_role="viewer"))
    index = app.state.text_index
    try:
        assert not index.ready  # creating the app reads nothing
        with running(app) as url:
            deadline = time.monotonic() + 30
            while not index.ready:
                assert time.monotonic() < deadline, "the search index was not built within 30 s of the start"
                time.sleep(0.02)
            reads = index.reads
            body = httpx.post(f"{url}/graphql", json={"query": '{ search(query: "email") { score } }'}).json()
            assert body["data"]["search"][0]["score"] == 1.0
            assert body["extensions"]["cost"]["storeQueries"] == 1  # the hits' descriptions, in one query
            assert index.reads == reads
    finally:
        store.close()
