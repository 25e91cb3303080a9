"""An admin's raw query reads this store only: SPARQL's SERVICE and Cypher's LOAD CSV reach nothing."""

from collections.abc import Iterator

import httpx
import pytest

from graph.sparql_guard import refuse_service
from tests.security.conftest import serving
from tests.security.test_query_injection import Listener


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(tmp_path_factory.mktemp("raw"), roles=("admin",)) as served:
        yield served.url, served.headers["admin"]


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }}",
        "select * where {{ service silent <{url}> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{?a?b?c.FILTER(?a<3)SERVICE<{url}>{{?x?y?z}}}}",
    ],
)
def test_sparql_service_is_refused_and_nothing_is_fetched(served, listener, template):
    url, admin = served
    query = template.format(url=listener.url)
    body = httpx.post(
        f"{url}/graphql",
        json={"query": "query($q: String!) { sparql(query: $q) { columns } }", "variables": {"q": query}},
        headers=admin,
        timeout=30,
    ).json()
    message = body["errors"][0]["message"]
    assert "SERVICE is refused" in message
    assert "Traceback" not in message and ".py" not in message
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }",
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/>" } # SERVICE <http://example.org/>',
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
        'SELECT * WHERE { ?s ?p """a long SERVICE\nstring""" }',
    ],
)
def test_the_word_in_names_strings_iris_and_comments_is_no_service(query):
    refuse_service(query)  # does not raise


@pytest.mark.neo4j
def test_cypher_load_csv_is_refused_and_nothing_is_fetched(listener):
    from tests.conftest import neo4j_store

    store = neo4j_store()
    try:
        with pytest.raises(ValueError, match="LOAD CSV is refused"):
            store.cypher(f"LOAD CSV FROM '{listener.url}x.csv' AS row RETURN row LIMIT 1")
        assert listener.connections == 0
    finally:
        store.close()
