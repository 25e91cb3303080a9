"""The GraphQL API's queries over real HTTP: a uvicorn server over the demo catalog in an on-disk store."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from api.auth import ApiKeyStore, Role
from api.demo import load_demo
from api.graphql.context import Context
from api.graphql.schema import SDL_PATH, sdl
from api.settings import Settings
from graph.iris import IriMinter
from graph.records import Description
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.conftest import running

CUSTOMER_CONCEPT = "http://datagraph.localhost/id/concept/retail/Customer"


@dataclass
class Api:
    url: str
    viewer: str
    admin: str
    store: OxigraphStore

    def post(self, query: str, key: str | None = "viewer", **variables: object) -> httpx.Response:
        token = {"viewer": self.viewer, "admin": self.admin}.get(key or "", key)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
        )

    def data(self, query: str, key: str | None = "viewer", **variables: object) -> dict:
        body = self.post(query, key, **variables).json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def error(self, query: str, key: str | None = "viewer", **variables: object) -> dict:
        body = self.post(query, key, **variables).json()
        assert body.get("errors"), body
        return body["errors"][0]


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[Api]:
    root = tmp_path_factory.mktemp("graphql")
    store = OxigraphStore(root / "store")
    writer = GraphWriter(store, IriMinter())
    load_demo(writer)
    keys = ApiKeyStore(root / "keys.json")
    viewer, _ = keys.create(Role.VIEWER, "tests")
    admin, _ = keys.create(Role.ADMIN, "tests")
    settings = Settings(store=str(root / "store"), max_query_depth=8, max_query_complexity=20_000)
    try:
        with running(create_app(store, writer, settings, keys)) as url:
            yield Api(url, viewer, admin, store)
    finally:
        store.close()


def test_the_committed_sdl_matches_the_schema():
    assert SDL_PATH.read_text() == sdl(), (
        "api/graphql/schema.graphql is stale: run python -m api.graphql.schema"
    )


DATASETS = """query($filter: DatasetFilterInput, $first: Int, $after: String) {
  datasets(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id type name qualifiedName platform schema kind
      owners { role owner { key } } tags { name } columns(first: 3) { totalCount edges { node { name } } } } }
  }
}"""


def test_datasets_page_through_every_dataset_once(api):
    seen, after = [], None
    while True:
        page = api.data(DATASETS, first=5, after=after)["datasets"]
        seen += [e["node"]["qualifiedName"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] >= 20
    assert seen == sorted(seen)
    assert "marts.fct_orders" in seen


@pytest.mark.parametrize(
    ("filter", "check"),
    [
        ({"platform": "sqlite"}, lambda n: n["platform"] == "sqlite"),
        ({"schema": "marts"}, lambda n: n["qualifiedName"].startswith("marts.")),
        ({"nameContains": "ORDER"}, lambda n: "order" in n["name"].lower()),
        ({"tag": "pii"}, lambda n: "pii" in [t["name"] for t in n["tags"]]),
        (
            {"owner": "maya.chen@retail.example"},
            lambda n: "maya.chen@retail.example" in [o["owner"]["key"] for o in n["owners"]],
        ),
    ],
)
def test_dataset_filters_keep_only_what_matches(api, filter, check):
    every = api.data(DATASETS, first=100)["datasets"]
    page = api.data(DATASETS, filter=filter, first=100)["datasets"]
    nodes = [e["node"] for e in page["edges"]]
    assert 0 < page["totalCount"] == len(nodes) < every["totalCount"]
    assert all(check(n) for n in nodes)
    assert sum(check(e["node"]) for e in every["edges"]) == len(nodes)


def test_personal_data_filter_splits_the_catalog(api):
    total = api.data(DATASETS, first=0)["datasets"]["totalCount"]
    yes = api.data(DATASETS, filter={"hasPersonalData": True}, first=100)["datasets"]
    no = api.data(DATASETS, filter={"hasPersonalData": False}, first=0)["datasets"]["totalCount"]
    assert yes["totalCount"] + no == total and yes["totalCount"] > 0
    names = [e["node"]["qualifiedName"] for e in yes["edges"]]
    assert "main.customers" in names
    concept = api.data(DATASETS, filter={"concept": CUSTOMER_CONCEPT}, first=100)["datasets"]["totalCount"]
    assert concept >= 0  # the filter runs; which datasets carry the concept depends on the sample


def test_a_dataset_by_name_with_its_columns_in_order(api):
    found = api.data(
        """{ dataset(name: "main.customers") { id type name hasPersonalData
             columns(first: 100) { totalCount edges { node { name ordinal datatype personalData dataset { name } } } } } }"""
    )["dataset"]
    assert found["type"] == "Dataset" and found["hasPersonalData"] is True
    columns = [e["node"] for e in found["columns"]["edges"]]
    assert len(columns) == found["columns"]["totalCount"] == len({c["name"] for c in columns})
    assert [c["ordinal"] for c in columns] == sorted(c["ordinal"] for c in columns)
    email = next(c for c in columns if c["name"] == "email")
    assert email["personalData"] == ["EmailAddress"] and email["dataset"]["name"] == "customers"
    second = api.data(
        """query($id: ID!, $after: String) { dataset(id: $id) { columns(first: 2, after: $after) {
             edges { node { name } } } } }""",
        id=found["id"],
        after=None,
    )["dataset"]["columns"]["edges"]
    assert [e["node"]["name"] for e in second] == [c["name"] for c in columns[:2]]


def test_unknown_names_and_ids_say_so(api):
    error = api.error('{ dataset(name: "main.custmers") { name } }')
    assert error["extensions"]["code"] == "NOT_FOUND" and "main.customers" in error["message"]
    # the rest of the request is still answered
    body = api.post(
        '{ a: dataset(name: "main.customers") { name } b: column(id: "main.nope.x") { name } }'
    ).json()
    assert body["data"] == {"a": {"name": "customers"}, "b": None}
    assert [e["path"] for e in body["errors"]] == [["b"]]
    assert api.data('{ node(id: "http://example.com/nothing") { id } }')["node"] is None
    error = api.error('{ column(id: "main.customers") { name } }')
    assert "is a Dataset, not a Column" in error["message"]
    error = api.error('{ datasets(after: "not-a-cursor") { totalCount } }')
    assert error["extensions"]["field"] == "after"


def test_node_column_and_concept_lookups(api):
    column = api.data('{ column(id: "main.customers.email") { id type name } }')["column"]
    assert column["type"] == "Column"
    node = api.data("query($id: ID!) { node(id: $id) { id type ... on Column { name } } }", id=column["id"])
    assert node["node"] == {"id": column["id"], "type": "Column", "name": "email"}
    concept = api.data("query($id: ID!) { concept(id: $id) { label type } }", id=CUSTOMER_CONCEPT)["concept"]
    assert concept == {"label": "Customer", "type": "Concept"}


LINEAGE = """query($id: ID!, $depth: Int, $level: LineageLevel!, $direction: LineageDirection!) {
  lineage(id: $id, direction: $direction, depth: $depth, level: $level) {
    truncated truncatedBy starts
    nodes { distance direction path node { id type } }
    edges { upstream downstream kind }
  }
}"""


def test_column_lineage_reaches_the_raw_layer_with_kinds(api):
    result = api.data(LINEAGE, id="marts.fct_orders", level="COLUMN", direction="UPSTREAM")["lineage"]
    assert not result["truncated"]
    ids = {n["node"]["id"] for n in result["nodes"]}
    assert any("/main/orders/" in i for i in ids)
    assert {e["kind"] for e in result["edges"]} >= {"copy"}
    for n in result["nodes"]:
        assert len(n["path"]) == n["distance"] + 1 and n["path"][-1] == n["node"]["id"]


def test_a_depth_cut_says_it_is_truncated(api):
    cut = api.data(LINEAGE, id="marts.fct_orders", level="DATASET", direction="UPSTREAM", depth=1)["lineage"]
    assert cut["truncated"] and cut["truncatedBy"] == ["depth"]
    assert max(n["distance"] for n in cut["nodes"]) == 1
    error = api.error(LINEAGE, id="marts.fct_orders", level="DATASET", direction="UPSTREAM", depth=0)
    assert error["extensions"]["field"] == "depth"


def test_impact_lists_downstream_datasets_columns_and_owners(api):
    impact = api.data(
        """{ impact(id: "staging.stg_customers") { truncated datasets { distance dataset { qualifiedName } }
             columns { qualifiedName } owners { key } } }"""
    )["impact"]
    names = [d["dataset"]["qualifiedName"] for d in impact["datasets"]]
    assert "marts.dim_customers" in names and all(d["distance"] >= 1 for d in impact["datasets"])
    assert impact["columns"] and impact["owners"]
    assert "staging.stg_customers" not in names


def test_search_ranks_names_before_descriptions_and_filters_types(api):
    hits = api.data('{ search(query: "customer", first: 30) { score matched node { id type } } }')["search"]
    assert hits and hits == sorted(hits, key=lambda h: -h["score"])
    assert {h["node"]["type"] for h in hits} >= {"Column"}
    only = api.data(
        '{ search(query: "customer", types: [DATASET]) { node { type ... on Dataset { name } } } }'
    )
    assert only["search"] and {h["node"]["type"] for h in only["search"]} == {"Dataset"}
    assert api.error('{ search(query: "  ") { score } }')["extensions"]["field"] == "query"


def test_sparql_is_for_admins_and_read_only(api):
    rows = api.data(
        '{ sparql(query: "SELECT (COUNT(*) AS ?n) WHERE { ?s a dcat:Dataset }") { columns rows } }', "admin"
    )
    assert rows["sparql"]["columns"] == ["n"] and int(rows["sparql"]["rows"][0]["n"]) >= 20
    assert (
        api.error('{ sparql(query: "SELECT * WHERE { ?s ?p ?o } LIMIT 1") { rows } }')["extensions"]["code"]
        == "FORBIDDEN"
    )
    update = api.error('{ sparql(query: "DELETE WHERE { ?s ?p ?o }") { rows } }', "admin")
    assert "read-only" in update["message"]
    cypher = api.error('{ cypher(query: "MATCH (n) RETURN n LIMIT 1") { rows } }', "admin")
    assert "Cypher is not available" in cypher["message"]


def test_sparql_reads_what_was_just_written(api):
    # A query runs over a snapshot taken when it is asked: a write just answered is in it.
    wrote = api.data(
        'mutation { setDescription(input: {id: "main.orders", description: "Orders, one row each"}) '
        "{ __typename } }",
        "admin",
    )
    assert wrote["setDescription"]["__typename"] != "InputError"
    query = 'SELECT DISTINCT ?text WHERE { ?d dcterms:identifier "main.orders" ; dcterms:description ?text }'
    rows = api.data("query($q: String!) { sparql(query: $q) { rows } }", "admin", q=query)["sparql"]["rows"]
    assert rows == [{"text": "Orders, one row each"}]


# Every four triples of the demo catalog together: more rows than could be counted in hours.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_sparql_query_past_its_time_is_stopped_and_others_are_answered_meanwhile(api, tmp_path):
    keys = ApiKeyStore(tmp_path / "keys.json")
    admin, _ = keys.create(Role.ADMIN, "tests")
    settings = Settings(_env_file=None, store=str(tmp_path), anonymous_role="viewer", sparql_timeout_s=2)
    sparql = {"query": "query($q: String!) { sparql(query: $q) { rows } }", "variables": {"q": ENDLESS}}
    with running(create_app(api.store, None, settings, keys)) as url, ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        endless = pool.submit(
            httpx.post,
            f"{url}/graphql",
            json=sparql,
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        )
        time.sleep(0.5)
        asked = time.monotonic()
        other = httpx.post(f"{url}/graphql", json={"query": '{ dataset(name: "main.customers") { name } }'})
        assert other.json()["data"]["dataset"]["name"] == "customers"
        assert time.monotonic() - asked < 1.0 and not endless.done()
        error = endless.result().json()["errors"][0]
        elapsed = time.monotonic() - started
    assert error["extensions"]["limit"] == "sparql_timeout_s" and "stopped" in error["message"]
    assert 2.0 <= elapsed < 5.0
    cpu = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - cpu < 0.5  # nothing goes on counting in this process once it answered


def test_a_request_is_freed_when_answered_not_left_to_the_garbage_collector(api):
    # Held by a reference cycle, every request's objects (its context, DataLoaders, descriptions and
    # their terms: ~400) waited for the cyclic collector, whose pauses stalled every request in flight.
    query = '{ dataset(name: "main.customers") { name owners { role } columns(first: 5) { totalCount } } }'
    api.data(query)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage instead of freed
    try:
        for _ in range(5):
            api.data(query)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, (Context, Description))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_a_page_of_datasets_costs_the_same_store_queries_whatever_its_size(api, tmp_path):
    query = """query($first: Int) { datasets(first: $first) { edges { node { name
        owners { owner { key name } } columns(first: 50) { edges { node { name datatype } } } } } } }"""
    # Without the read cache, so that every page is read from the store.
    settings = Settings(_env_file=None, store=str(tmp_path), anonymous_role="viewer", read_cache_entries=0)
    costs = {}
    with running(create_app(api.store, None, settings, ApiKeyStore(tmp_path / "keys.json"))) as url:
        for first in (2, 20):
            body = httpx.post(f"{url}/graphql", json={"query": query, "variables": {"first": first}}).json()
            assert "errors" not in body and len(body["data"]["datasets"]["edges"]) == first
            costs[first] = body["extensions"]["cost"]["storeQueries"]
    assert costs[2] == costs[20] <= 8


def test_over_deep_and_over_costly_queries_are_refused_naming_the_limit(api):
    deep = '{ dataset(name: "main.customers") { columns { edges { node { dataset { columns { edges { node { dataset { name } } } } } } } } } }'
    error = api.error(deep)
    assert (
        error["extensions"]["limit"] == "max_query_depth" and "DATAGRAPH_MAX_QUERY_DEPTH" in error["message"]
    )
    costly = "{ datasets(first: 500) { edges { node { columns(first: 500) { edges { node { name } } } } } } }"
    error = api.error(costly)
    assert error["extensions"]["limit"] == "max_query_complexity"


def test_wrong_types_and_unknown_fields_are_named(api):
    error = api.error('{ datasets(first: "ten") { totalCount } }')
    assert "Int" in error["message"]
    error = api.error("{ datasets(filter: {colour: 1}) { totalCount } }")
    assert "colour" in error["message"]


def test_requests_need_credentials_unless_anonymous_access_is_on(api, tmp_path):
    response = httpx.post(f"{api.url}/graphql", json={"query": "{ datasets { totalCount } }"})
    assert response.status_code == 401 and "datagraph apikey create" in response.text
    response = api.post("{ datasets { totalCount } }", key="dg_00000000_" + "x" * 43)
    assert response.status_code == 401 and "unknown or revoked" in response.text
    page = httpx.get(f"{api.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower() and "unpkg.com" not in page.text
    anonymous = create_app(api.store, None, Settings(store=str(tmp_path), anonymous_role="viewer"))
    with running(anonymous) as url:
        body = httpx.post(f"{url}/graphql", json={"query": "{ datasets { totalCount } }"}).json()
        assert body["data"]["datasets"]["totalCount"] > 0
        write = httpx.post(
            f"{url}/graphql",
            json={
                "query": 'mutation { setDescription(input: {id: "main.customers", description: "x"}) { __typename } }'
            },
        ).json()
        assert write["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_introspection_can_be_switched_off(api, tmp_path):
    settings = Settings(store=str(tmp_path), anonymous_role="viewer", introspection=False)
    with running(create_app(api.store, None, settings)) as url:
        body = httpx.post(f"{url}/graphql", json={"query": "{ __schema { types { name } } }"}).json()
        assert body.get("errors") and "introspection" in body["errors"][0]["message"].lower()


def test_metrics_count_graphql_operations(api):
    api.data("query Probe { datasets(first: 1) { totalCount } }")
    text = httpx.get(f"{api.url}/metrics", headers={"Authorization": f"Bearer {api.viewer}"}).text
    assert "datagraph_graphql_operations_total" in text and "Probe" in text
    assert "datagraph_store_triples" in text


def test_a_callers_mistakes_are_answered_not_logged_the_servers_faults_are(api, caplog, monkeypatch):
    with caplog.at_level(logging.ERROR, logger="strawberry"):
        assert (
            api.error('{ dataset(name: "main.no_such_table") { name } }')["extensions"]["code"] == "NOT_FOUND"
        )
        assert "noSuchField" in api.error('{ dataset(name: "main.customers") { noSuchField } }')["message"]
        assert api.error("{ dataset(name: ") is not None  # not GraphQL at all
        assert not caplog.records

        def broken(self, text):
            raise RuntimeError("the disk is on fire")

        monkeypatch.setattr(Context, "resolve", broken)
        assert "the disk is on fire" in api.error('{ dataset(name: "main.customers") { name } }')["message"]
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "the disk is on fire" in caplog.text
