"""The mutations as a client meets them: over real HTTP, each one's effect read back by a query."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pyoxigraph import Literal, NamedNode

from api.app import create_app
from api.auth import ApiKeyStore
from api.demo import load_demo
from api.settings import Settings
from graph import vocab as v
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.conftest import running

ORDERS = ["warehouse", "public", "orders"]
DAILY = ["warehouse", "public", "daily_orders"]


@dataclass
class Server:
    url: str
    store: OxigraphStore
    iris: IriMinter
    steward: dict[str, str]
    viewer: dict[str, str]

    def post(self, query: str, variables: dict | None = None, headers: dict | None = None) -> httpx.Response:
        body = {"query": query, "variables": variables or {}}
        return httpx.post(
            f"{self.url}/graphql", json=body, headers=self.steward if headers is None else headers
        )

    def gql(self, query: str, variables: dict | None = None) -> dict:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def mutate(self, name: str, input: dict, fields: str = "") -> dict:
        """Run mutation `name` with `input`; its result (`__typename`, InputError's fields, `fields`)."""
        selection = f"__typename ... on InputError {{ field message }} {fields}"
        found = self.gql(
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ {selection} }} }}",
            {"input": input},
        )
        return found[name]

    def audit(self) -> int:
        return self.store.count(self.iris.audit_graph())


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("mutations")
    iris = IriMinter()
    store = OxigraphStore(tmp / "store")
    writer = GraphWriter(store, iris)
    load_demo(writer)
    keys = ApiKeyStore(tmp / "apikeys.json")
    steward, _ = keys.create("steward", "test steward")
    viewer, _ = keys.create("viewer", "test viewer")
    try:
        with running(create_app(store, writer, Settings(_env_file=None, store=str(tmp)), keys)) as url:
            yield Server(
                url,
                store,
                iris,
                {"Authorization": f"Bearer {steward}"},
                {"Authorization": f"Bearer {viewer}"},
            )
    finally:
        store.close()


@pytest.fixture(scope="module")
def datasets(server: Server) -> tuple[str, str]:
    """Two datasets made by upsertDataset: (orders, daily_orders), their IRIs."""
    made = []
    for path in (ORDERS, DAILY):
        columns = [
            {"name": "id", "datatype": "integer", "nullable": False, "ordinal": 0},
            {"name": "email", "datatype": "string", "personalData": ["EmailAddress"], "ordinal": 1},
        ]
        found = server.mutate(
            "upsertDataset",
            {"platform": "postgres", "path": path, "description": "made by a test", "columns": columns},
            "... on UpsertDatasetPayload { dataset { id } }",
        )
        made.append(found["dataset"]["id"])
    return made[0], made[1]


def dataset(server: Server, name: str, fields: str) -> dict:
    return server.gql(f"query($n: String!) {{ dataset(name: $n) {{ {fields} }} }}", {"n": name})["dataset"]


def test_upsert_dataset_creates_then_updates(server: Server, datasets):
    before = server.audit()
    found = server.mutate(
        "upsertDataset",
        {"platform": "postgres", "path": ORDERS, "kind": "view", "description": "orders, as a view"},
        "... on UpsertDatasetPayload { dataset { kind } change { triplesAdded triplesRemoved } }",
    )
    assert found["__typename"] == "UpsertDatasetPayload"
    assert found["change"]["triplesRemoved"] == 2  # the old kind and the old description
    d = dataset(server, "warehouse.public.orders", "kind description columns { totalCount } hasPersonalData")
    assert d == {
        "kind": "view",
        "description": "orders, as a view",
        "columns": {"totalCount": 2},
        "hasPersonalData": True,
    }
    assert server.audit() > before


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"platform": "postgres", "path": ["a", "", "c"]}, "input.path[1]"),
        ({"platform": "postgres", "path": []}, "input.path"),
        ({"platform": " ", "path": ["x"]}, "input.platform"),
        ({"platform": "postgres", "path": ["x"], "kind": "cube"}, "input.kind"),
        (
            {"platform": "postgres", "path": ["x"], "columns": [{"name": "a"}, {"name": "a"}]},
            "input.columns[1].name",
        ),
        (
            {"platform": "postgres", "path": ["x"], "columns": [{"name": "a", "datatype": "no such"}]},
            "input.columns[0].datatype",
        ),
    ],
)
def test_upsert_dataset_names_the_wrong_field(server: Server, input, field):
    before = server.store.count()
    found = server.mutate("upsertDataset", input)
    assert found["__typename"] == "InputError" and found["field"] == field, found
    assert server.store.count() == before


def test_columns_come_by_position_then_name(server: Server):
    """Numeric order of positions (10 after 9), then the columns without one, by name."""
    columns = [
        {"name": "ten", "ordinal": 10},
        {"name": "b_unplaced"},
        {"name": "two", "ordinal": 2},
        {"name": "a_unplaced"},
        {"name": "nine", "ordinal": 9},
    ]
    server.mutate(
        "upsertDataset",
        {"platform": "postgres", "path": ["warehouse", "public", "ordering"], "columns": columns},
    )
    found = dataset(server, "warehouse.public.ordering", "columns { edges { node { name ordinal } } }")
    assert [(e["node"]["name"], e["node"]["ordinal"]) for e in found["columns"]["edges"]] == [
        ("two", 2),
        ("nine", 9),
        ("ten", 10),
        ("a_unplaced", None),
        ("b_unplaced", None),
    ]


def test_upsert_columns(server: Server, datasets):
    before = server.audit()
    found = server.mutate(
        "upsertColumns",
        {
            "dataset": "warehouse.public.daily_orders",
            "columns": [
                {"name": "total", "datatype": "decimal", "nativeType": "numeric(10,2)", "ordinal": 2}
            ],
        },
        "... on UpsertColumnsPayload { columns { qualifiedName datatype nativeType } }",
    )
    assert found["columns"] == [
        {
            "qualifiedName": "warehouse.public.daily_orders.total",
            "datatype": "decimal",
            "nativeType": "numeric(10,2)",
        }
    ]
    column = server.gql('{ column(id: "warehouse.public.daily_orders.total") { ordinal dataset { name } } }')[
        "column"
    ]
    assert column == {"ordinal": 2, "dataset": {"name": "daily_orders"}}
    assert server.audit() > before
    wrong = server.mutate(
        "upsertColumns", {"dataset": "no_such_dataset_anywhere", "columns": [{"name": "x"}]}
    )
    assert wrong["field"] == "input.dataset" and "no dataset or column" in wrong["message"]
    wrong = server.mutate("upsertColumns", {"dataset": datasets[1], "columns": [{"name": " "}]})
    assert wrong["field"] == "input.columns[0].name"


LINEAGE = "query($id: ID!, $level: LineageLevel!) { lineage(id: $id, direction: UPSTREAM, level: $level) { edges { upstream downstream kind } } }"


def edges(server: Server, iri: str, level: str = "DATASET") -> list[dict]:
    return server.gql(LINEAGE, {"id": iri, "level": level})["lineage"]["edges"]


def test_add_and_remove_dataset_lineage(server: Server, datasets):
    orders, daily = datasets
    before = server.audit()
    found = server.mutate(
        "addLineage",
        {"upstream": orders, "downstream": "warehouse.public.daily_orders"},
        "... on AddLineagePayload { upstream { id } change { triplesAdded } }",
    )
    assert found["__typename"] == "AddLineagePayload" and found["upstream"]["id"] == orders
    assert {"upstream": orders, "downstream": daily, "kind": None} in edges(server, daily)
    assert server.audit() > before
    found = server.mutate(
        "removeLineage",
        {"upstream": orders, "downstream": daily},
        "... on RemoveLineagePayload { change { triplesRemoved } }",
    )
    assert found["change"]["triplesRemoved"] >= 4
    assert not [e for e in edges(server, daily) if e["upstream"] == orders]
    again = server.mutate("removeLineage", {"upstream": orders, "downstream": daily})
    assert again["field"] == "input.downstream" and "no edge" in again["message"]


def test_add_and_remove_column_lineage(server: Server, datasets):
    up, down = "warehouse.public.orders.email", "warehouse.public.daily_orders.email"
    found = server.mutate(
        "addLineage",
        {"upstream": up, "downstream": down, "kind": "hash"},
        "... on AddLineagePayload { downstream { id } }",
    )
    down_iri = found["downstream"]["id"]
    assert [e["kind"] for e in edges(server, down_iri, "COLUMN")] == ["hash"]
    server.mutate("removeLineage", {"upstream": up, "downstream": down})
    assert edges(server, down_iri, "COLUMN") == []


@pytest.mark.parametrize(
    ("input", "field"),
    [
        (
            {
                "upstream": "warehouse.public.orders.email",
                "downstream": "warehouse.public.daily_orders.email",
                "kind": "magic",
            },
            "input.kind",
        ),
        (
            {
                "upstream": "warehouse.public.orders",
                "downstream": "warehouse.public.daily_orders",
                "kind": "copy",
            },
            "input.kind",
        ),
        (
            {"upstream": "warehouse.public.orders", "downstream": "warehouse.public.daily_orders.email"},
            "input.downstream",
        ),
        ({"upstream": "no_such_thing_at_all", "downstream": "warehouse.public.orders"}, "input.upstream"),
        (
            {
                "upstream": "warehouse.public.orders",
                "downstream": "warehouse.public.daily_orders",
                "job": "warehouse.public.orders",
            },
            "input.job",
        ),
    ],
)
def test_add_lineage_names_the_wrong_field(server: Server, datasets, input, field):
    before = server.store.count()
    found = server.mutate("addLineage", input)
    assert found["__typename"] == "InputError" and found["field"] == field, found
    assert server.store.count() == before


def test_set_owner(server: Server, datasets):
    before = server.audit()
    found = server.mutate(
        "setOwner",
        {"id": "warehouse.public.orders", "owner": "ana@example.org", "role": "business", "name": "Ana"},
        "... on SetOwnerPayload { owner { key name email kind } role }",
    )
    assert found["owner"] == {
        "key": "ana@example.org",
        "name": "Ana",
        "email": "ana@example.org",
        "kind": "PERSON",
    }
    server.mutate("setOwner", {"id": "warehouse.public.orders", "owner": "payments", "kind": "team"})
    owners = dataset(server, "warehouse.public.orders", "owners { role owner { key kind } }")["owners"]
    assert {"role": "business", "owner": {"key": "ana@example.org", "kind": "PERSON"}} in owners
    assert {"role": "technical", "owner": {"key": "payments", "kind": "TEAM"}} in owners
    assert server.audit() > before
    for input, field in (
        ({"role": "boss"}, "input.role"),
        ({"kind": "robot"}, "input.kind"),
        ({"owner": ""}, "input.owner"),
        ({"id": "nowhere_to_be_found"}, "input.id"),
    ):
        found = server.mutate("setOwner", {"id": "warehouse.public.orders", "owner": "bo", **input})
        assert found["field"] == field, found


def test_add_and_remove_tag(server: Server, datasets):
    before = server.audit()
    found = server.mutate(
        "addTag", {"id": "warehouse.public.orders", "tag": "gold"}, "... on AddTagPayload { tag { name } }"
    )
    assert found["tag"] == {"name": "gold"}
    assert {"name": "gold"} in dataset(server, "warehouse.public.orders", "tags { name }")["tags"]
    assert server.audit() > before
    server.mutate("removeTag", {"id": "warehouse.public.orders", "tag": "gold"})
    assert {"name": "gold"} not in dataset(server, "warehouse.public.orders", "tags { name }")["tags"]
    assert (
        server.mutate("removeTag", {"id": "warehouse.public.orders", "tag": "gold"})["field"] == "input.tag"
    )
    assert server.mutate("addTag", {"id": "warehouse.public.orders", "tag": "  "})["field"] == "input.tag"
    assert server.mutate("addTag", {"id": "no_such_dataset_x", "tag": "gold"})["field"] == "input.id"


def test_attach_policy(server: Server, datasets):
    orders, daily = datasets
    before = server.audit()
    fields = "... on AttachPolicyPayload { policy { id name rules { kind action target assignee } } }"
    found = server.mutate(
        "attachPolicy", {"policy": "test-policy", "target": orders, "assignee": "analyst"}, fields
    )
    assert found["policy"]["name"] == "test-policy"
    assert found["policy"]["rules"] == [
        {"kind": "permission", "action": "read", "target": orders, "assignee": "analyst"}
    ]
    found = server.mutate(
        "attachPolicy",
        {"policy": "test-policy", "target": daily, "kind": "prohibition", "action": "distribute"},
        fields,
    )
    assert len(found["policy"]["rules"]) == 2
    assert found["policy"]["id"] in dataset(server, "warehouse.public.daily_orders", "policies")["policies"]
    assert server.audit() > before
    for input, field in (
        ({"kind": "wish"}, "input.kind"),
        ({"action": "read it"}, "input.action"),
        ({"target": "nothing_here_x"}, "input.target"),
        ({"policy": ""}, "input.policy"),
    ):
        found = server.mutate("attachPolicy", {"policy": "test-policy", "target": orders, **input})
        assert found["field"] == field, found


def event(job: str) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2024-05-01T10:00:00Z",
        "run": {"runId": str(uuid.uuid4())},
        "job": {"namespace": "graphql-test", "name": job},
        "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}],
        "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.daily"}],
        "producer": "https://example.org/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


def test_ingest_open_lineage(server: Server):
    before = server.audit()
    found = server.mutate(
        "ingestOpenLineage",
        {"event": event("nightly")},
        "... on IngestOpenLineagePayload { job { id } run { state } graph change { triplesAdded } }",
    )
    assert found["run"] == {"state": "COMPLETE"} and found["change"]["triplesAdded"] > 0
    job = found["job"]["id"]
    assert job == server.iris.job("graphql-test", "nightly").value
    assert server.gql("query($id: ID!) { node(id: $id) { ... on Job { name } } }", {"id": job})["node"] == {
        "name": "nightly"
    }
    assert server.audit() > before
    bad = event("broken")
    del bad["job"]["name"]
    found = server.mutate("ingestOpenLineage", {"event": bad})
    assert found["field"] == "input.event.job.name" and "job.name" in found["message"]


MUTATIONS = [
    ("upsertDataset", {"platform": "postgres", "path": ["viewer", "made"]}),
    ("upsertColumns", {"dataset": "warehouse.public.orders", "columns": [{"name": "viewer"}]}),
    ("addLineage", {"upstream": "warehouse.public.orders", "downstream": "warehouse.public.daily_orders"}),
    ("removeLineage", {"upstream": "warehouse.public.orders", "downstream": "warehouse.public.daily_orders"}),
    ("setOwner", {"id": "warehouse.public.orders", "owner": "viewer"}),
    ("addTag", {"id": "warehouse.public.orders", "tag": "viewer"}),
    ("removeTag", {"id": "warehouse.public.orders", "tag": "viewer"}),
    ("attachPolicy", {"policy": "viewer", "target": "warehouse.public.orders"}),
    ("ingestOpenLineage", {"event": event("viewer")}),
    ("setDescription", {"id": "warehouse.public.orders", "description": "viewer"}),
]


@pytest.mark.parametrize(("name", "input"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_viewer_may_not_write_and_no_one_anonymous(server: Server, datasets, name, input):
    query = (
        f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ __typename }} }}"
    )
    before = server.store.count()
    response = server.post(query, {"input": input}, server.viewer)
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN", errors
    assert server.store.count() == before
    assert server.post(query, {"input": input}, {}).status_code == 401
    assert server.store.count() == before


def test_saving_the_description_a_dataset_already_has_keeps_it(server: Server, datasets):
    name = "warehouse.public.orders"
    server.mutate("setDescription", {"id": name, "description": "kept when saved twice"})
    for _ in range(2):  # a retried save, or a form saved without a change
        assert server.mutate("setDescription", {"id": name, "description": "kept when saved twice"}) == {
            "__typename": "SetDescriptionPayload"
        }
        assert dataset(server, name, "description")["description"] == "kept when saved twice"


def test_reads_are_cached_until_a_write_changes_them(server: Server, datasets):
    query = """query($n: String!) { dataset(name: $n) {
        description columns(first: 10) { totalCount edges { node { name } } } } }"""
    name = {"n": "warehouse.public.daily_orders"}

    def read() -> tuple[dict, int]:
        body = server.post(query, name).json()
        assert not body.get("errors"), body["errors"]
        return body["data"]["dataset"], body["extensions"]["cost"]["storeQueries"]

    first, _ = read()
    again, queries = read()
    assert again == first and queries == 0  # answered from the cache

    server.mutate("setDescription", {"id": "warehouse.public.daily_orders", "description": "changed"})
    changed, queries = read()
    assert changed["description"] == "changed" and queries > 0

    # A write that is not a mutation (a loader in the serving process) is seen as soon as it lands.
    daily = NamedNode(datasets[1])
    column = server.iris.column(daily, "loaded_later")
    triples = [
        (daily, v.HAS_COLUMN, column),
        (column, v.RDF.type, v.CSVW.Column),
        (column, v.RDFS.label, Literal("loaded_later")),
        (column, v.ORDINAL, Literal(9)),
    ]
    GraphWriter(server.store, server.iris).commit(
        ChangeSet("test", "a loader adds a column").add(triples, server.iris.source_graph("test"))
    )
    loaded, _ = read()
    assert loaded["columns"]["totalCount"] == changed["columns"]["totalCount"] + 1
    assert loaded["columns"]["edges"][-1]["node"]["name"] == "loaded_later"

    metrics = httpx.get(f"{server.url}/metrics", headers=server.viewer).text
    hits = next(
        line for line in metrics.splitlines() if line.startswith("datagraph_read_cache_lookups_total")
    )
    assert 'result="hit"' in hits and float(hits.split()[-1]) > 0


def test_lineage_is_cached_until_an_edge_at_one_of_its_nodes_changes(server: Server):
    a, b, c = (f"warehouse.public.lineage_{n}" for n in "abc")
    iris = {}
    for name in (a, b, c):
        made = server.mutate(
            "upsertDataset",
            {"platform": "postgres", "path": name.split(".")},
            "... on UpsertDatasetPayload { dataset { id } }",
        )
        iris[name] = made["dataset"]["id"]
    query = """query($id: ID!, $direction: LineageDirection!) {
        lineage(id: $id, direction: $direction, level: DATASET) { nodes { distance node { id } } } }"""

    def reached(name: str, direction: str) -> tuple[dict[str, int], int]:
        body = server.post(query, {"id": name, "direction": direction}).json()
        assert not body.get("errors"), body["errors"]
        nodes = body["data"]["lineage"]["nodes"]
        return {n["node"]["id"]: n["distance"] for n in nodes if n["distance"]}, body["extensions"]["cost"][
            "storeQueries"
        ]

    server.mutate("addLineage", {"upstream": a, "downstream": b})
    assert reached(a, "DOWNSTREAM")[0] == {iris[b]: 1}
    assert reached(a, "DOWNSTREAM") == ({iris[b]: 1}, 0)  # answered from the cache
    # the new edge is stated on c, which the cached traversal never reached: b, its other end, was
    server.mutate("addLineage", {"upstream": b, "downstream": c})
    assert reached(a, "DOWNSTREAM")[0] == {iris[b]: 1, iris[c]: 2}
    assert reached(c, "UPSTREAM")[0] == {iris[b]: 1, iris[a]: 2}
    server.mutate("removeLineage", {"upstream": a, "downstream": b})
    assert reached(c, "UPSTREAM")[0] == {iris[b]: 1}
    assert reached(a, "DOWNSTREAM")[0] == {}
