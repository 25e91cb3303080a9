"""What a steward curated wins over what a source states, even after the source is loaded again."""

from collections.abc import Iterator

import httpx
import pytest

from api.demo import load_demo
from graph.write import GraphWriter
from tests.security.conftest import serving

NAME = "marts.fct_orders"


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, dict[str, str], GraphWriter]]:
    with serving(tmp_path, roles=("steward",), demo=True) as served:
        yield served.url, served.headers["steward"], served.writer


def gql(url: str, headers: dict, query: str, variables: dict) -> dict:
    body = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers).json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def description(url: str, headers: dict) -> str | None:
    query = "query($n: String!) { dataset(name: $n) { description } }"
    return gql(url, headers, query, {"n": NAME})["dataset"]["description"]


def set_description(url: str, headers: dict, text: str) -> None:
    mutation = """mutation($i: SetDescriptionInput!) { setDescription(input: $i) {
        __typename ... on InputError { message } } }"""
    found = gql(url, headers, mutation, {"i": {"id": NAME, "description": text}})["setDescription"]
    assert found["__typename"] == "SetDescriptionPayload", found


def test_a_stewards_description_survives_the_source_being_loaded_again(served):
    url, steward, writer = served
    from_source = description(url, steward)
    assert from_source  # the demo's dbt project describes the model
    curated = "zz Orders as the finance team counts them"  # sorts after the source's text
    set_description(url, steward, curated)
    load_demo(writer)  # every source of the demo loaded again, its description among them
    assert description(url, steward) == curated
    set_description(url, steward, "")  # the steward gives the field back to the source
    load_demo(writer)
    assert description(url, steward) == from_source
