"""Prometheus metrics for the HTTP API: ``GET /metrics`` in the Prometheus text format.

Everything lives in a `Metrics` object that owns its own `CollectorRegistry` (never prometheus_client's
global one), so several apps built in one process (tests, say) never collide::

    metrics = install_metrics(app, store_count=store.count)  # middleware + GET /metrics
    metrics.observe_graphql("Datasets", "query", 0.012, ok=True)  # from the GraphQL layer

Series:

- ``datagraph_http_requests_total{method,route,status}`` and
  ``datagraph_http_request_duration_seconds{method,route}``: every HTTP request, /metrics included.
  ``route`` is the path template the request matched (``/graphql``, ``/api/v1/datasets/{id}``, a mount
  as ``/graphql-assets/{path}``), never the raw URL, so the label stays bounded; ``unmatched`` otherwise.
- ``datagraph_graphql_operations_total{operation,type,outcome}`` (outcome ``ok``/``error``) and
  ``datagraph_graphql_operation_duration_seconds{type}``, fed by `Metrics.observe_graphql`.
- ``datagraph_store_triples``: a gauge computed at scrape time by the ``count`` function, cached for
  5 s so frequent scrapes do not hammer the store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.responses import Response

from graph.read_cache import ReadCache

try:  # prometheus_client >= 0.22, whose CONTENT_TYPE_LATEST is the 1.0.0 text format
    from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE
except ImportError:  # older: CONTENT_TYPE_LATEST is the 0.0.4 text format
    from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE

__all__ = [
    "CONTENT_TYPE",
    "METRICS_PATH",
    "UNMATCHED_ROUTE",
    "HttpMetricsMiddleware",
    "Metrics",
    "install_metrics",
]

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "unmatched"
ANONYMOUS_OPERATION = "anonymous"
OTHER_OPERATION = "other"  # once max_operation_names distinct names have been seen

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _CachedGauge(Collector):
    """A gauge whose value a function computes at scrape time, remembered for `ttl_s` seconds.

    A failing function yields no sample (absent, rather than a misleading 0) and is logged; the
    failure is remembered for `ttl_s` too, so a broken store is not retried on every scrape.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        function: Callable[[], int],
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._name, self._documentation = name, documentation
        self._function, self._ttl_s, self._clock = function, ttl_s, clock
        self._lock = threading.Lock()
        self._value: float | None = None
        self._at: float | None = None

    def describe(self) -> Iterable[Metric]:
        # lets the registry check names at registration without calling the function
        return [GaugeMetricFamily(self._name, self._documentation)]

    def value(self) -> float | None:
        with self._lock:
            now = self._clock()
            if self._at is None or now - self._at >= self._ttl_s:
                try:
                    self._value = float(self._function())
                except Exception:
                    log.exception("%s: the count function failed", self._name)
                    self._value = None
                self._at = now
            return self._value

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(self._name, self._documentation)
        value = self.value()
        if value is not None:
            family.add_metric([], value)
        yield family


class _ReadCacheCollector(Collector):
    """The read cache's figures at scrape time: its size, hits, misses and what it dropped."""

    def __init__(self, cache: ReadCache) -> None:
        self._cache = cache

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        s = self._cache.stats()
        entries = GaugeMetricFamily("datagraph_read_cache_entries", "Answers the API's read cache holds.")
        entries.add_metric([], s.entries)
        yield entries
        size = GaugeMetricFamily(
            "datagraph_read_cache_size",
            "The read cache's entries weighed in units of about 1 KB (a description weighs 1, a lineage "
            "traversal more); it drops the least recently used beyond DATAGRAPH_READ_CACHE_ENTRIES.",
        )
        size.add_metric([], s.size)
        yield size
        lookups = CounterMetricFamily(
            "datagraph_read_cache_lookups", "Read cache lookups, by result (hit/miss).", labels=["result"]
        )
        lookups.add_metric(["hit"], s.hits)
        lookups.add_metric(["miss"], s.misses)
        yield lookups
        dropped = CounterMetricFamily(
            "datagraph_read_cache_dropped",
            "Answers the read cache dropped, by reason: full (least recently used) or written (a write "
            "changed what they say).",
            labels=["reason"],
        )
        dropped.add_metric(["full"], s.evictions)
        dropped.add_metric(["written"], s.invalidations)
        yield dropped


class Metrics:
    """The API's metrics, in a registry of their own (`self.registry`)."""

    def __init__(
        self,
        store_count: Callable[[], int] | None = None,
        cache: ReadCache | None = None,
        *,
        store_count_ttl_s: float = 5.0,
        max_operation_names: int = 200,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "datagraph_http_requests_total",
            "HTTP requests handled, by method, matched route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_request_duration = Histogram(
            "datagraph_http_request_duration_seconds",
            "Time to handle an HTTP request (until the whole response was sent), by method and route.",
            ["method", "route"],
            registry=self.registry,
        )
        self.graphql_operations = Counter(
            "datagraph_graphql_operations_total",
            "GraphQL operations executed, by operation name, type and outcome (ok/error).",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self.graphql_operation_duration = Histogram(
            "datagraph_graphql_operation_duration_seconds",
            "Time to execute a GraphQL operation, by operation type.",
            ["type"],
            registry=self.registry,
        )
        self.store_triples: _CachedGauge | None = None
        if store_count is not None:
            self.store_triples = _CachedGauge(
                "datagraph_store_triples",
                "Triples in the graph store (computed at scrape time, cached).",
                store_count,
                ttl_s=store_count_ttl_s,
                clock=clock,
            )
            self.registry.register(self.store_triples)
        if cache is not None:
            self.registry.register(_ReadCacheCollector(cache))
        # operation names come from clients: bound the label's values
        self._max_operation_names = max_operation_names
        self._operation_names: set[str] = set()
        self._names_lock = threading.Lock()

    def observe_http(self, method: str, route: str, status: int, duration_s: float) -> None:
        self.http_requests.labels(method=method, route=route, status=str(status)).inc()
        self.http_request_duration.labels(method=method, route=route).observe(duration_s)

    def observe_graphql(self, operation: str | None, type: str, duration_s: float, ok: bool) -> None:
        """Count one GraphQL operation: its name (None: anonymous), type (query, mutation, subscription),
        how long it took and whether it succeeded."""
        name = self._operation_label(operation)
        self.graphql_operations.labels(operation=name, type=type, outcome="ok" if ok else "error").inc()
        self.graphql_operation_duration.labels(type=type).observe(duration_s)

    def _operation_label(self, operation: str | None) -> str:
        if not operation:
            return ANONYMOUS_OPERATION
        name = operation[:100]
        with self._names_lock:
            if name in self._operation_names:
                return name
            if len(self._operation_names) < self._max_operation_names:
                self._operation_names.add(name)
                return name
        return OTHER_OPERATION

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format 0.0.4 (`CONTENT_TYPE`).

        That is what `generate_latest` writes (with its default, legacy-name escaping) and the content type
        prometheus_client's own handlers send unless a scraper asks for another format; its
        CONTENT_TYPE_LATEST (0.22 on) names the 1.0.0 format instead, which older Prometheus servers
        and other scrapers do not all accept."""
        return generate_latest(self.registry)


def _route_template(scope: Scope, root_path_before: str) -> str:
    """The path template the router matched for `scope` (which the routing has updated), or "unmatched"."""
    # a mount (StaticFiles, a sub-application) moves its prefix from the path into root_path
    root_path = scope.get("root_path", "")
    mount_prefix = ""
    if (
        isinstance(root_path, str)
        and len(root_path) > len(root_path_before)
        and root_path.startswith(root_path_before)
    ):
        mount_prefix = root_path[len(root_path_before) :]

    template: str | None = None
    # FastAPI keeps included routers unflattened: the route object of a router included with a prefix
    # knows only its own path (GraphQLRouter's is ""); FastAPI's effective route context knows the whole
    # template. That is a private structure: every access is guarded, and the tests pin the result.
    fastapi_scope = scope.get("fastapi")
    effective = fastapi_scope.get("effective_route_context") if isinstance(fastapi_scope, dict) else None
    if effective is not None:
        for candidate in (getattr(effective, "starlette_route", None), effective):
            path_format = getattr(candidate, "path_format", None)
            if isinstance(path_format, str) and path_format:
                template = path_format
                break
    if template is None:
        route = scope.get("route")
        path_format = getattr(route, "path_format", None) or getattr(route, "path", None)
        if isinstance(path_format, str) and path_format:
            template = path_format
    if template is not None:
        if template.endswith("/{path}"):  # the Mount itself: its path is already the whole prefix
            return template
        return mount_prefix + template
    if mount_prefix:  # a mounted app with no routes of its own (StaticFiles)
        return mount_prefix + "/{path}"
    return UNMATCHED_ROUTE


class HttpMetricsMiddleware:
    """Pure ASGI middleware: counts and times every HTTP request (websockets and lifespan pass through)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        root_path_before = scope.get("root_path", "")
        status = 500  # if the app fails before starting a response, the server error handler sends 500

        async def send_and_record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record_status)
        finally:
            self.metrics.observe_http(
                scope.get("method", "GET"),
                _route_template(scope, root_path_before),
                status,
                time.perf_counter() - start,
            )


def install_metrics(
    app: FastAPI,
    store_count: Callable[[], int],
    cache: ReadCache | None = None,
    dependencies: Sequence[Any] = (),
) -> Metrics:
    """Add request metrics middleware and ``GET /metrics`` to `app`; returns the `Metrics` (also
    ``app.state.metrics``) for other layers to feed (`Metrics.observe_graphql`). `dependencies` guard
    the route (who may read it)."""
    metrics = Metrics(store_count, cache)
    app.add_middleware(HttpMetricsMiddleware, metrics=metrics)

    # a plain def: FastAPI runs it in its thread pool, so a slow store count never blocks the event loop
    def prometheus_metrics() -> Response:
        return Response(content=metrics.exposition(), media_type=CONTENT_TYPE)

    app.add_api_route(
        METRICS_PATH,
        prometheus_metrics,
        methods=["GET"],
        include_in_schema=False,
        dependencies=list(dependencies),
    )
    app.state.metrics = metrics
    return metrics
