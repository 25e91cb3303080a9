"""One request cannot freeze the server: its cost is counted as it really is (aliases, fragments,
variables) in linear time, and a large write runs off the event loop. Over real HTTP."""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from api.graphql.limits import MAX_INPUT_ITEMS
from tests.security.conftest import serving


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    with serving(tmp_path_factory.mktemp("costly"), demo=True) as served:
        yield served.url, served.headers["viewer"], served.headers["steward"]


def post(url: str, headers: dict, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=timeout,
    )
    assert response.status_code == 200, response.text
    return response.json()


def refused_for_cost(body: dict) -> bool:
    return any(e.get("extensions", {}).get("limit") == "max_query_complexity" for e in body.get("errors", []))


def test_fragments_that_double_at_each_level_are_measured_once_each(served):
    url, viewer, _ = served
    fragments = ["fragment F0 on Dataset { name description }"] + [
        f"fragment F{i} on Dataset {{ ...F{i - 1} ... on Dataset {{ ...F{i - 1} }} }}" for i in range(1, 40)
    ]
    query = "{ datasets(first: 1) { edges { node { ...F39 } } } }\n" + "\n".join(fragments)
    started = time.perf_counter()
    body = post(url, viewer, query, timeout=10)
    assert refused_for_cost(body), body
    assert time.perf_counter() - started < 2


def test_a_thousand_aliased_listings_are_costed_as_a_thousand_listings(served):
    url, viewer, _ = served
    aliases = " ".join(
        f'a{i}: datasets(filter: {{nameContains: "order"}}, first: 1) {{ totalCount }}' for i in range(1000)
    )
    started = time.perf_counter()
    body = post(url, viewer, f"{{ {aliases} }}", timeout=10)
    assert refused_for_cost(body), body
    assert time.perf_counter() - started < 2


NESTED = """query($n: Int!) { datasets(first: $n) {
    edges { node { columns(first: $n) { edges { node { name } } } } } } }"""


def test_first_as_a_variable_is_costed_at_the_value_sent(served):
    url, viewer, _ = served
    assert refused_for_cost(post(url, viewer, NESTED, {"n": 500}))
    small = post(url, viewer, NESTED, {"n": 2})
    assert not small.get("errors") and len(small["data"]["datasets"]["edges"]) == 2


UPSERT = """mutation($input: UpsertDatasetInput!) { upsertDataset(input: $input) {
    __typename ... on InputError { field message } } }"""


def test_an_input_list_over_the_limit_is_refused_before_it_is_read(served):
    url, _, steward = served
    columns = [{"name": f"c{i:05d}", "datatype": "string"} for i in range(MAX_INPUT_ITEMS + 1)]
    variables = {"input": {"platform": "postgres", "path": ["too", "public", "wide"], "columns": columns}}
    body = post(url, steward, UPSERT, variables)
    assert body["errors"][0]["extensions"]["limit"] == "max_input_items"
    inline = ", ".join(f'{{name: "c{i}"}}' for i in range(MAX_INPUT_ITEMS + 1))
    literal = f'mutation {{ upsertDataset(input: {{platform: "pg", path: ["a", "b", "c"], columns: [{inline}]}}) {{ __typename }} }}'
    assert post(url, steward, literal)["errors"][0]["extensions"]["limit"] == "max_input_items"


def test_a_large_write_does_not_hold_up_other_requests(served):
    url, _, steward = served
    columns = [{"name": f"c{i:05d}", "datatype": "string"} for i in range(MAX_INPUT_ITEMS)]
    variables = {"input": {"platform": "postgres", "path": ["wide", "public", "wide"], "columns": columns}}
    result: dict = {}
    writing = threading.Thread(
        target=lambda: result.update(post(url, steward, UPSERT, variables, timeout=300))
    )
    writing.start()
    waits = []
    while writing.is_alive():
        started = time.perf_counter()
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    writing.join()
    assert result["data"]["upsertDataset"]["__typename"] == "UpsertDatasetPayload", result
    assert waits and max(waits) < 1.0, f"/healthz waited up to {max(waits):.2f} s during the write"
