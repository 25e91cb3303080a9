"""A caller's text never becomes query text: filters that once pasted values between < and > now bind them."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import serving

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("ontology", "graph", "governance", "semantic", "gnn", "agents", "loaders", "api")


class Listener:
    """A loopback TCP listener that counts the connections made to it: a query must make none."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo catalog served as `datagraph serve` serves it, and a viewer's credentials."""
    with serving(tmp_path_factory.mktemp("injection"), roles=("viewer",), demo=True) as served:
        yield served.url, served.headers["viewer"]


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def datasets(url: str, headers: dict[str, str], field: str, value: str) -> httpx.Response:
    query = "query($f: DatasetFilterInput) { datasets(filter: $f, first: 5) { totalCount edges { node { name } } } }"
    return httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": {"f": {field: value}}},
        headers=headers,
        timeout=30,
    )


@pytest.mark.parametrize("field", ["owner", "concept"])
def test_a_filter_value_cannot_call_another_server(served, listener, field):
    url, viewer = served
    injected = f"http://x> }} SERVICE <{listener.url}> {{ ?a ?b ?c }} #"
    started = time.perf_counter()
    response = datasets(url, viewer, field, injected)
    assert response.status_code == 200 and not response.json().get("errors"), response.text
    assert response.json()["data"]["datasets"]["totalCount"] == 0
    assert time.perf_counter() - started < 5
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize("field", ["owner", "concept"])
def test_a_filter_value_cannot_add_a_cartesian_product(served, field):
    url, viewer = served
    # Valid SPARQL once pasted after `dg:owner <` or `dg:concept <`: three unbound triple patterns.
    injected = f"http://x> . ?a ?b ?c . ?e ?f ?g . ?h ?i ?j . ?d dg:{field} <http://x"
    started = time.perf_counter()
    response = datasets(url, viewer, field, injected)
    assert response.status_code == 200 and response.json()["data"]["datasets"]["totalCount"] == 0
    assert time.perf_counter() - started < 5


def test_a_real_owner_and_concept_still_filter(served):
    url, viewer = served
    owners = httpx.post(
        f"{url}/graphql",
        json={"query": "{ datasets(first: 50) { edges { node { owners { owner { id key } } } } } }"},
        headers=viewer,
    ).json()["data"]["datasets"]["edges"]
    owner = next(o["owner"] for e in owners for o in e["node"]["owners"])
    by_key = datasets(url, viewer, "owner", owner["key"]).json()["data"]["datasets"]["totalCount"]
    by_iri = datasets(url, viewer, "owner", owner["id"]).json()["data"]["datasets"]["totalCount"]
    assert by_key == by_iri > 0


# A value put between < and > in an f-string is how the injection got in; query texts bind values or
# pass them through graph.sparql_terms, and names through the Neo4j store's quote().
PASTED = re.compile(r"""\bf(["'])(?:(?!\1).)*<\{""")


def test_no_query_text_pastes_a_value_between_angle_brackets():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PASTED.search(line)
    ]
    assert offenders == []
