"""The HTTP server: /graphql (the API, with GraphiQL), /healthz, /metrics (Prometheus), /stats (JSON graph
statistics), a statistics page at /, and POST /api/v1/lineage (OpenLineage) when it may write.

`create_app` builds the app around a store it is given; nothing is global, so
tests and the CLI each serve the store they opened.
"""

from __future__ import annotations

import gc
import html
import logging
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from pyoxigraph import NamedNode

from api.access import ROUTE_ROLES
from api.access_log import log_config
from api.auth import ApiKeyStore
from api.graphql.http import mount_graphql
from api.http_auth import requiring
from api.metrics import install_metrics
from api.request_limits import RequestLimits
from api.settings import Settings
from api.stats import GraphStats, graph_stats
from api.wiring import read_cache_for, text_index_for
from graph import vocab as v
from graph.store import GraphStore
from graph.text_index import TextIndex
from graph.write import GraphWriter

log = logging.getLogger("uvicorn.error")  # the server's log: its lines show as uvicorn's own do

_PROBE = NamedNode("urn:datagraph:healthz")
# Bounds the work of choosing the page's lineage example on a large graph.
_EXAMPLE_SCAN = 2_000


class Health(BaseModel):
    status: str = Field(description="'ok' when the store answers.")
    store: str = Field(description="The store backend, e.g. 'oxigraph' or 'neo4j'.")


def create_app(
    store: GraphStore,
    writer: GraphWriter | None = None,
    settings: Settings | None = None,
    keys: ApiKeyStore | None = None,
) -> FastAPI:
    """The app serving `store`; `writer` is kept for the endpoints that write (absent: read-only).

    `settings` (default: from the environment) set the API's limits and who may call it; `keys`
    are the API keys it accepts (default: the settings' key file)."""
    settings = settings or Settings()
    keys = keys or ApiKeyStore(settings.api_keys_path())
    # The bundled Swagger and ReDoc pages load their scripts from a CDN, which offline users cannot reach;
    # the OpenAPI document itself stays at /openapi.json.
    app = FastAPI(
        title="datagraph",
        description="The knowledge graph of your data catalog: datasets, lineage, owners, glossary, policies.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the same check as every other route
        lifespan=_background_work,
    )

    def guard(method: str, path: str) -> list:
        """The dependencies that let through only whom api.access.ROUTE_ROLES allows."""
        role = ROUTE_ROLES[(method, path)]
        return [] if role is None else [Depends(requiring(role, keys, settings))]

    app.state.store = store
    app.state.writer = writer
    if writer is not None:
        from loaders.openlineage.http import lineage_router

        # POST /api/v1/lineage, for OpenLineage emitters: it writes, so only stewards and admins may
        # (an emitter sends its key as `Authorization: Bearer`, as OpenLineage's api_key auth does).
        app.include_router(lineage_router(writer), dependencies=guard("POST", "/api/v1/lineage"))
    cache = read_cache_for(store, settings)
    app.state.text_index = text_index_for(store, settings)
    # Every route's body is checked here first; the metrics middleware, added after it and so around
    # it, still counts what it refuses.
    app.add_middleware(RequestLimits, max_bytes=settings.max_request_bytes, max_depth=settings.max_json_depth)
    metrics = install_metrics(app, store.count, cache, dependencies=guard("GET", "/metrics"))
    mount_graphql(
        app,
        store,
        writer,
        settings,
        keys,
        observe=metrics.observe_graphql,
        cache=cache,
        text_index=app.state.text_index,
    )

    @app.get("/healthz")
    def healthz() -> Health:
        # One index lookup, whatever the store's size: probes call this every few seconds, and it says
        # nothing about the graph to a caller without credentials.
        store.has(_PROBE, None, None)
        return Health(status="ok", store=store.capabilities.name)

    @app.get("/stats", dependencies=guard("GET", "/stats"))
    def stats() -> GraphStats:
        return graph_stats(store)

    @app.get("/", response_class=HTMLResponse, dependencies=guard("GET", "/"))
    def index() -> str:
        return render_index(graph_stats(store), _lineage_example(store))

    @app.get("/openapi.json", include_in_schema=False, dependencies=guard("GET", "/openapi.json"))
    def openapi() -> dict:
        return app.openapi()

    return app


@asynccontextmanager
async def _background_work(app: FastAPI) -> AsyncIterator[None]:
    """While serving: the search index is built in a thread, so the first search does not wait for it."""
    if app.state.text_index is not None:
        threading.Thread(
            target=_build_search_index, args=(app.state.text_index,), name="search-index", daemon=True
        ).start()
    yield


def _build_search_index(index: TextIndex) -> None:
    started = time.perf_counter()
    try:
        entries = index.build()
    except Exception as e:  # the store closed under it, ...: the first search builds it instead
        log.warning("the search index was not built in the background (%s); the first search builds it", e)
        return
    log.info("search index ready: %s named nodes in %.1f s", f"{entries:,}", time.perf_counter() - started)


def serve(app: FastAPI, host: str, port: int, *, access_log: bool = True, log_level: str = "info") -> None:
    """Serve `app` until interrupted."""
    tune_gc()
    uvicorn.run(
        app, host=host, port=port, access_log=access_log, log_level=log_level, log_config=log_config()
    )


def tune_gc() -> None:
    """Collect less often, and never again walk what startup built (modules, the schema, the app).

    A request leaves thousands of short-lived objects, so the default thresholds run a collection
    every few requests, and each full one walked every object of the process: with 16 clients that
    doubled the API's p95 latency (bench/api.py). Startup's objects go to the permanent generation
    (`gc.freeze`); the first generation is collected every 50,000 allocations instead of 700.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _lineage_example(store: GraphStore) -> str | None:
    """The derived dataset with the most inputs (then the most columns): the most telling lineage to trace."""
    inputs: Counter = Counter()
    for i, node in enumerate(store.quads(None, v.RDF.type, v.DATASET_LINEAGE)):
        if i >= _EXAMPLE_SCAN:
            break
        for q in store.quads(None, v.PROV.qualifiedDerivation, node.subject):
            inputs[q.subject] += 1
    if not inputs:
        return None
    best = max(
        inputs,
        key=lambda d: (inputs[d], sum(1 for _ in store.quads(d, v.HAS_COLUMN, None)), d.value),
    )
    name = next(store.quads(best, v.DCTERMS.identifier, None), None)
    return name.object.value if name is not None else best.value


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330;
       background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0; font-size: 1.5rem; }
header p { margin: .3rem 0 0; color: #b8c0cf; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .8rem; }
.card { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: .8rem 1rem; }
.card .n { font-size: 1.6rem; font-weight: 600; }
.card .label { color: #5a6378; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #dde1e8; }
th, td { text-align: left; padding: .45rem .8rem; border-bottom: 1px solid #eceef2; font-size: .9rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: .7rem 1rem; margin: .3rem 0 0;
      overflow-x: auto; }
li { margin-bottom: .9rem; }
a { color: #2455c3; }
"""

_ENTITY_LABELS = {
    "datasets": "datasets",
    "columns": "columns",
    "dataset_lineage_edges": "dataset lineage edges",
    "column_lineage_edges": "column lineage edges",
    "owners": "owners",
    "concepts": "glossary concepts",
    "policies": "policies",
    "changes": "committed changes",
}


def _try_next(example: str | None) -> list[tuple[str, str]]:
    dataset = example or "db.schema.table"
    return [
        (
            "Trace where a dataset's data comes from, hop by hop",
            f"datagraph lineage {dataset} --direction upstream",
        ),
        (
            "The same at column level, with the transformation of each edge",
            f"datagraph lineage {dataset} --direction upstream --level column --json",
        ),
        (
            "Find every column classified as personal data",
            "datagraph sparql 'SELECT ?column ?category WHERE { ?column dpv:hasPersonalData ?category }'",
        ),
        ("Export the whole graph as Turtle", "datagraph export --format turtle -o catalog.ttl"),
        ("Entity and named-graph counts on the command line", "datagraph stats"),
    ]


def render_index(stats: GraphStats, lineage_example: str | None = None) -> str:
    """The statistics page: self-contained HTML, no scripts, styles or fonts from elsewhere."""
    e = html.escape
    cards = "".join(
        f'<div class="card"><div class="n">{getattr(stats.entities, key):,}</div>'
        f'<div class="label">{e(label)}</div></div>'
        for key, label in _ENTITY_LABELS.items()
    )
    graph_rows = (
        "".join(
            f'<tr><td><code>{e(graph)}</code></td><td class="n">{n:,}</td></tr>'
            for graph, n in sorted(stats.graphs.items())
        )
        or '<tr><td colspan="2">The store is empty: run <code>datagraph demo</code> or import a file.</td></tr>'
    )
    steps = "".join(
        f"<li>{e(why)}<pre>{e(command)}</pre></li>" for why, command in _try_next(lineage_example)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagraph</title>
<style>{_PAGE_CSS}</style>
</head>
<body>
<header>
<h1>datagraph</h1>
<p>{e(stats.store)} store &middot; {stats.triples:,} triples in {len(stats.graphs):,} named graphs</p>
</header>
<main>
<h2>What the graph holds</h2>
<div class="cards">{cards}</div>
<h2>Named graphs</h2>
<table><thead><tr><th>graph</th><th>triples</th></tr></thead><tbody>{graph_rows}</tbody></table>
<h2>What to try next</h2>
<ul>{steps}</ul>
<p>The GraphQL API, with GraphiQL: <a href="/graphql">/graphql</a>. The same numbers as JSON: <a href="/stats">/stats</a>; liveness: <a href="/healthz">/healthz</a>; Prometheus: <a href="/metrics">/metrics</a>.</p>
</main>
</body>
</html>
"""
