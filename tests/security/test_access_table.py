"""README's "Who may do what" table, checked against the running server: every route, every mutation.

Each row of the table names routes or GraphQL fields and says, per role, whether the role may use them.
The test reads the table, calls what each row names as each role over real HTTP, and checks that the
server lets through exactly whom the table says. Every route the app serves must be in the table, and
every mutation is called (with inputs made up from the schema), so a new one cannot go unchecked.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.access import ROUTE_ROLES
from api.app import create_app
from api.settings import Settings
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.security.conftest import serving

README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("anonymous", "viewer", "steward", "admin")
ROUTE = re.compile(r"`(GET|POST) (/[^`]*)`")
DENIED = {"FORBIDDEN", "UNAUTHENTICATED"}


def table() -> dict[str, dict[str, bool]]:
    """The README table's rows: their first cell -> role -> allowed."""
    text = README.read_text()
    start = text.index("| route or field | anonymous | viewer | steward | admin |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5:
            break
        rows[cells[0]] = {role: cell == "yes" for role, cell in zip(ROLES, cells[1:], strict=True)}
    return rows


@dataclass
class Served:
    url: str
    headers: dict[str, dict[str, str]]  # role -> headers
    mutations: list[tuple[str, dict]]  # name, a made-up input

    def graphql(self, role: str, query: str, variables: dict | None = None) -> set[str]:
        """The codes the answer's errors carry, "HTTP <status>" when refused before GraphQL."""
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers[role],
            timeout=30,
        )
        if response.status_code in (401, 403):
            return {f"HTTP {response.status_code}"}
        assert response.status_code == 200, response.text
        return {e.get("extensions", {}).get("code", "") for e in response.json().get("errors", [])}


def made_up(type_ref: dict, types: dict[str, dict]) -> object:
    """A value of a GraphQL input type, for calling a field: enough to reach its permission check."""
    while type_ref["kind"] in ("NON_NULL",):
        type_ref = type_ref["ofType"]
    if type_ref["kind"] == "LIST":
        return []
    named = types[type_ref["name"]]
    if named["kind"] == "ENUM":
        return named["enumValues"][0]["name"]
    if named["kind"] == "INPUT_OBJECT":
        return {
            f["name"]: made_up(f["type"], types)
            for f in named["inputFields"]
            if f["type"]["kind"] == "NON_NULL"
        }
    return {"Int": 1, "Float": 1.0, "Boolean": False}.get(named["name"], "warehouse.public.orders")


INTROSPECTION = """{ __schema { types { name kind enumValues { name }
  inputFields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
  mutationType { fields { name args { name type { kind name ofType { kind name } } } } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("access")) as app:
        headers = {"anonymous": {}, **app.headers}
        schema = httpx.post(
            f"{app.url}/graphql", json={"query": INTROSPECTION}, headers=headers["viewer"]
        ).json()["data"]["__schema"]
        types = {t["name"]: t for t in schema["types"]}
        mutations = [
            (f["name"], {a["name"]: made_up(a["type"], types) for a in f["args"]})
            for f in schema["mutationType"]["fields"]
        ]
        yield Served(app.url, headers, mutations)


def test_every_route_the_app_serves_is_in_the_table_and_the_code_agrees():
    rows = table()
    named = {(m, p): row for row in rows for m, p in ROUTE.findall(row)}
    app = create_app(OxigraphStore(), GraphWriter(OxigraphStore(), IriMinter()), Settings(_env_file=None))
    served = {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", None) or ()
        if method in ("GET", "POST") and not route.path.startswith("/graphql")
    }
    assert served <= named.keys(), f"routes the README's table does not name: {served - named.keys()}"
    for (method, path), role in ROUTE_ROLES.items():
        row = rows[named[(method, path)]]
        expected = (
            {r: ROLES.index(r) >= ROLES.index(role) for r in ROLES} if role else dict.fromkeys(ROLES, True)
        )
        assert row == expected, (method, path)


@pytest.mark.parametrize("role", ROLES)
def test_each_route_lets_through_exactly_whom_the_table_says(served, role):
    for row, allowed in table().items():
        for method, path in ROUTE.findall(row):
            headers = {**served.headers[role], "Accept": "text/html"}
            body = {"eventType": "COMPLETE"} if method == "POST" else None
            response = httpx.request(method, f"{served.url}{path}", headers=headers, json=body, timeout=30)
            refused = response.status_code in (401, 403)
            assert refused != allowed[role], (method, path, role, response.status_code, response.text[:200])


@pytest.mark.parametrize("role", ROLES)
def test_queries_mutations_and_raw_queries_as_the_table_says(served, role):
    rows = {row.split("(")[0].strip(): allowed for row, allowed in table().items()}
    query = served.graphql(role, "{ datasets(first: 1) { totalCount } }")
    assert bool(query & (DENIED | {"HTTP 401", "HTTP 403"})) != rows["GraphQL queries"][role], query
    for name, args in served.mutations:
        found = served.graphql(
            role,
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ __typename }} }}",
            {"input": args["input"]},
        )
        refused = bool(found & (DENIED | {"HTTP 401", "HTTP 403"}))
        assert refused != rows["GraphQL mutations"][role], (name, role, found)
    for raw, text in (("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), ("cypher", "RETURN 1")):
        found = served.graphql(role, f"query($q: String!) {{ {raw}(query: $q) {{ columns }} }}", {"q": text})
        refused = bool(found & (DENIED | {"HTTP 401", "HTTP 403"}))
        assert refused != rows["GraphQL `sparql` and `cypher`"][role], (raw, role, found)
