"""Every route refuses a body over the size limit (413) or nested past the depth limit (400), over HTTP,
and the server goes on answering."""

from collections.abc import Iterator

import httpx
import pytest

from api.request_limits import json_depth
from graph.stores.oxigraph.store import OxigraphStore
from tests.security.conftest import serving

ROUTES = ["/graphql", "/api/v1/lineage"]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str], OxigraphStore]]:
    limits = {"max_request_bytes": 1024 * 1024, "max_json_depth": 64}
    with serving(tmp_path_factory.mktemp("limits"), roles=("steward",), **limits) as served:
        yield served.url, served.headers["steward"], served.store


@pytest.mark.parametrize("route", ROUTES)
def test_a_body_over_the_limit_is_refused_with_413(served, route):
    url, steward, store = served
    before = store.count()
    big = b'{"query": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = httpx.post(
        f"{url}{route}", content=big, headers={**steward, "Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 413 and "MAX_REQUEST_BYTES" in response.json()["detail"]
    assert store.count() == before
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_a_body_that_hides_its_size_is_cut_off_too(served):
    url, steward, _ = served

    def chunks():
        for _ in range(64):
            yield b"x" * 65536  # 4 MiB sent without a Content-Length

    response = httpx.post(f"{url}/api/v1/lineage", content=chunks(), headers=steward, timeout=30)
    assert response.status_code == 413


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_deep_json_is_refused_with_400_not_a_500(served, route, levels):
    url, steward, store = served
    before = store.count()
    deep = "[" * levels + "]" * levels
    body = '{"query": "{ __typename }", "variables": {"x": ' + deep + "}}"
    response = httpx.post(
        f"{url}{route}", content=body, headers={**steward, "Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400 and "MAX_JSON_DEPTH" in response.json()["detail"]
    assert store.count() == before


def test_depth_counts_brackets_outside_strings_only():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}], "c": "\\"]"}') == 3
    assert json_depth(b"42") == 0
