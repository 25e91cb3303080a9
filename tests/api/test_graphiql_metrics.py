"""Offline GraphiQL (api.graphiql) and Prometheus metrics (api.metrics), over a real uvicorn server."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import strawberry
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from strawberry.http.ides import get_graphql_ide_html

import api.graphiql
from api.graphiql import (
    ASSETS_DIR,
    ASSETS_URL,
    VENDORED,
    OfflineGraphQLRouter,
    graphiql_html,
    mount_graphiql_assets,
)
from api.metrics import Metrics, install_metrics
from tests.conftest import running

TRIPLES = 1234


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


class CountingStore:
    def __init__(self, triples: int) -> None:
        self.triples = triples
        self.calls = 0

    def count(self) -> int:
        self.calls += 1
        return self.triples


def build_app(mounting: str, store: CountingStore) -> FastAPI:
    app = FastAPI()
    schema = strawberry.Schema(Query)
    if mounting == "prefix":  # GraphQLRouter's own path is "", the prefix gives /graphql
        app.include_router(OfflineGraphQLRouter(schema), prefix="/graphql")
    else:
        app.include_router(OfflineGraphQLRouter(schema, path="/graphql"))

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    mount_graphiql_assets(app)
    install_metrics(app, store.count)
    return app


@pytest.fixture(scope="module", params=["prefix", "path"])
def served(request) -> Iterator[tuple[str, FastAPI, CountingStore]]:
    store = CountingStore(TRIPLES)
    app = build_app(request.param, store)
    with running(app) as base:
        yield base, app, store


class _Resources(HTMLParser):
    """The URLs a page's <script src> and <link href> load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append(value.strip())


def resources(page: str) -> list[str]:
    parser = _Resources()
    parser.feed(page)
    parser.close()
    return parser.urls


def scrape(base: str) -> tuple[httpx.Response, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    """GET /metrics; its samples as {(name, sorted labels): value}."""
    response = httpx.get(f"{base}/metrics")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    return response, samples


def sample(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


# --- GraphiQL -------------------------------------------------------------------------------------------


def test_graphiql_page_loads_nothing_from_the_network(served):
    base, _, _ = served
    response = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "GraphiQL.createFetcher" in page
    urls = resources(page)
    external = [url for url in urls if re.match(r"(?i)(https?:)?//", url)]
    assert external == []
    assert not re.search(r"unpkg\.com|integrity=|crossorigin", page)
    local = {url for url in urls if url.startswith(f"{ASSETS_URL}/")}
    assert local == {f"{ASSETS_URL}/{name}" for name in VENDORED.values()}


def test_every_asset_the_page_loads_is_served(served):
    base, _, _ = served
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).text
    urls = [url for url in resources(page) if url.startswith("/")]
    assert len(urls) == len(VENDORED)
    for url in urls:
        response = httpx.get(f"{base}{url}")
        assert response.status_code == 200, url
        content_type = response.headers["content-type"]
        if url.endswith(".js"):
            assert "javascript" in content_type, (url, content_type)
        else:
            assert url.endswith(".css") and content_type.startswith("text/css"), (url, content_type)
        assert len(response.content) > 500, url
        assert response.content == (ASSETS_DIR / Path(url).name).read_bytes()


def test_vendored_files_are_the_bytes_strawberry_pins():
    """Each file matches the SHA-384 `integrity` hash strawberry's template gives its unpkg URL."""
    template = get_graphql_ide_html(graphql_ide="graphiql")
    pinned = dict(
        re.findall(r"""(?:src|href)="(https://unpkg\.com/[^"]+)"\s+integrity="sha384-([^"]+)\"""", template)
    )
    assert set(pinned) == set(VENDORED)
    for url, name in VENDORED.items():
        digest = base64.b64encode(hashlib.sha384((ASSETS_DIR / name).read_bytes()).digest()).decode()
        assert digest == pinned[url], name
    for package in ("react", "react-dom", "js-cookie", "graphiql", "graphiql-plugin-explorer"):
        assert "MIT License" in (ASSETS_DIR / f"LICENSE.{package}.txt").read_text()


@pytest.fixture
def template(monkeypatch):
    """Replace strawberry's template: `template(html)` makes graphiql_html() render `html`."""
    original = get_graphql_ide_html(graphql_ide="graphiql")

    def use(edit):
        monkeypatch.setattr(
            api.graphiql, "get_graphql_ide_html", lambda graphql_ide="graphiql": edit(original)
        )
        api.graphiql._render.cache_clear()

    yield use
    api.graphiql._render.cache_clear()


@pytest.mark.parametrize(
    ("extra", "url"),
    [
        (
            '<script src="https://cdn.jsdelivr.net/npm/x@1/x.js"></script>',
            "https://cdn.jsdelivr.net/npm/x@1/x.js",
        ),
        ('<link rel="stylesheet" href="//unpkg.com/y@2/y.css" />', "//unpkg.com/y@2/y.css"),
        (
            '<script type="importmap">{"imports": {"react": "https://esm.sh/react@19"}}</script>',
            "https://esm.sh/react@19",
        ),
    ],
)
def test_an_unvendored_url_in_the_template_fails_loudly(template, extra, url):
    template(lambda html: html.replace("</head>", f"{extra}\n</head>"))
    with pytest.raises(RuntimeError, match=re.escape(url)):
        graphiql_html()


def test_a_changed_unpkg_version_fails_loudly(template):
    template(lambda html: html.replace("graphiql@3.8.3/graphiql.min.js", "graphiql@4.0.0/graphiql.min.js"))
    with pytest.raises(RuntimeError, match=re.escape("https://unpkg.com/graphiql@4.0.0/graphiql.min.js")):
        graphiql_html()


def test_an_unfilled_placeholder_fails_loudly(template):
    template(
        lambda html: html.replace("</body>", "<script>const x = {{ SUBSCRIPTION_URL }};</script></body>")
    )
    with pytest.raises(RuntimeError, match="SUBSCRIPTION_URL"):
        graphiql_html()


def test_the_assets_url_can_be_prefixed():
    page = graphiql_html(assets_url="/proxy/graphql-assets/")
    assert f"/proxy{ASSETS_URL}/graphiql.min.js" in page
    assert f'"{ASSETS_URL}/' not in page


# --- GraphQL and metrics --------------------------------------------------------------------------------


def test_graphql_queries_work(served):
    base, _, _ = served
    response = httpx.post(f"{base}/graphql", json={"query": '{ hello(name: "metrics") }'})
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "hello metrics"}}


def test_metrics_count_requests_by_route_template(served):
    base, _, _ = served
    httpx.post(f"{base}/graphql", json={"query": "{ hello }"}).raise_for_status()
    httpx.get(f"{base}/items/7").raise_for_status()
    httpx.get(f"{base}/items/8").raise_for_status()
    httpx.get(f"{base}{ASSETS_URL}/js.cookie.min.js").raise_for_status()
    assert httpx.get(f"{base}/no/such/page").status_code == 404

    response, samples = scrape(base)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE datagraph_http_requests_total counter" in response.text
    assert (
        sample(samples, "datagraph_http_requests_total", method="POST", route="/graphql", status="200") or 0
    ) >= 1
    assert (
        sample(samples, "datagraph_http_requests_total", method="GET", route="/items/{item_id}", status="200")
        == 2
    )
    assets = sample(
        samples, "datagraph_http_requests_total", method="GET", route=f"{ASSETS_URL}/{{path}}", status="200"
    )
    assert (assets or 0) >= 1
    assert (
        sample(samples, "datagraph_http_requests_total", method="GET", route="unmatched", status="404") or 0
    ) >= 1
    routes = {
        dict(labels).get("route") for (name, labels) in samples if name == "datagraph_http_requests_total"
    }
    assert not any(route and ("/items/7" in route or "/no/such" in route) for route in routes), routes
    assert (
        sample(
            samples, "datagraph_http_request_duration_seconds_count", method="GET", route="/items/{item_id}"
        )
        == 2
    )
    # /metrics counts itself (from the second scrape on: a request is counted once it is answered)
    _, samples = scrape(base)
    assert (
        sample(samples, "datagraph_http_requests_total", method="GET", route="/metrics", status="200") or 0
    ) >= 1


def test_metrics_report_the_store_size(served):
    base, _, store = served
    _, samples = scrape(base)
    assert sample(samples, "datagraph_store_triples") == TRIPLES
    calls = store.calls
    assert calls >= 1
    scrape(base)
    assert store.calls == calls  # cached: the second scrape within 5 s does not count again


def test_observed_graphql_operations_are_exported(served):
    base, app, _ = served
    metrics: Metrics = app.state.metrics
    metrics.observe_graphql("ListDatasets", "query", 0.02, ok=True)
    metrics.observe_graphql("ListDatasets", "query", 0.03, ok=True)
    metrics.observe_graphql(None, "mutation", 0.5, ok=False)
    _, samples = scrape(base)
    ops = "datagraph_graphql_operations_total"
    assert sample(samples, ops, operation="ListDatasets", type="query", outcome="ok") == 2
    assert sample(samples, ops, operation="anonymous", type="mutation", outcome="error") == 1
    assert sample(samples, "datagraph_graphql_operation_duration_seconds_count", type="query") == 2
    assert sample(samples, "datagraph_graphql_operation_duration_seconds_sum", type="query") == pytest.approx(
        0.05
    )


# --- Metrics without a server ---------------------------------------------------------------------------


def _parsed(metrics: Metrics):
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for s in family.samples
    }


def test_each_metrics_has_its_own_registry():
    first, second = Metrics(lambda: 1), Metrics(lambda: 2)  # the global registry would refuse the second
    first.observe_graphql("A", "query", 0.1, ok=True)
    assert sample(
        _parsed(first), "datagraph_graphql_operations_total", operation="A", type="query", outcome="ok"
    )
    assert (
        sample(
            _parsed(second), "datagraph_graphql_operations_total", operation="A", type="query", outcome="ok"
        )
        is None
    )
    assert sample(_parsed(second), "datagraph_store_triples") == 2


def test_the_store_count_is_cached_for_five_seconds():
    now = [100.0]
    store = CountingStore(10)
    metrics = Metrics(store.count, clock=lambda: now[0])
    assert sample(_parsed(metrics), "datagraph_store_triples") == 10
    store.triples = 20
    now[0] += 4.9
    assert sample(_parsed(metrics), "datagraph_store_triples") == 10
    now[0] += 0.2
    assert sample(_parsed(metrics), "datagraph_store_triples") == 20
    assert store.calls == 2


def test_a_failing_store_count_leaves_the_gauge_out_but_the_scrape_works():
    def broken() -> int:
        raise ConnectionError("store down")

    metrics = Metrics(broken)
    metrics.observe_graphql("A", "query", 0.1, ok=True)
    samples = _parsed(metrics)
    assert sample(samples, "datagraph_store_triples") is None
    assert (
        sample(samples, "datagraph_graphql_operations_total", operation="A", type="query", outcome="ok") == 1
    )


def test_operation_names_are_bounded():
    metrics = Metrics(lambda: 0, max_operation_names=2)
    for name in ("A", "B", "C", "D", "A"):
        metrics.observe_graphql(name, "query", 0.01, ok=True)
    names = {
        dict(labels)["operation"]
        for (name, labels) in _parsed(metrics)
        if name == "datagraph_graphql_operations_total"
    }
    assert names == {"A", "B", "other"}
