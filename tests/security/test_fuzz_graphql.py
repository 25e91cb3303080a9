"""Every query and mutation of the schema, called with generated arguments as a viewer and as a steward,
over real HTTP: never a 500, never a traceback in the server's log, and /healthz answers in under 1 s.

The arguments are drawn from the schema itself (introspection), so a field added later is fuzzed too.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import serving

TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"
INTROSPECTION = f"""{{ __schema {{
  queryType {{ name }} mutationType {{ name }}
  types {{ name kind enumValues {{ name }} inputFields {{ name type {{ {TYPE_REF} }} }}
          fields {{ name args {{ name type {{ {TYPE_REF} }} }} type {{ {TYPE_REF} }} }} }} }} }}"""
# Names the demo holds, so that generated calls reach past "not found" into the resolvers' work.
KNOWN = ["marts.fct_orders", "staging.stg_customers", "marts.fct_orders.order_id", "customer", "orders"]
TEXT = st.one_of(
    st.sampled_from(KNOWN),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("<>{}\"'\\#?:/ .*%$\x00\n"), max_size=20),
)


@dataclass
class Field:
    operation: str  # "query" or "mutation"
    name: str
    args: list[tuple[str, dict]]  # name, type ref
    returns: dict


class Served:
    def __init__(self, url: str, headers: dict[str, dict[str, str]], schema: dict) -> None:
        self.url = url
        self.headers = headers
        self.types = {t["name"]: t for t in schema["types"]}
        self.fields = [
            Field(operation, f["name"], [(a["name"], a["type"]) for a in f["args"]], f["type"])
            for operation, root in (("query", schema["queryType"]), ("mutation", schema["mutationType"]))
            for f in self.types[root["name"]]["fields"]
        ]

    def type_text(self, ref: dict) -> str:
        if ref["kind"] == "NON_NULL":
            return self.type_text(ref["ofType"]) + "!"
        if ref["kind"] == "LIST":
            return f"[{self.type_text(ref['ofType'])}]"
        return ref["name"]

    def values(self, ref: dict, depth: int = 0) -> st.SearchStrategy:
        """Values of a GraphQL input type, null included where the type allows it."""
        if ref["kind"] == "NON_NULL":
            return self._non_null(ref["ofType"], depth)
        return st.none() | self._non_null(ref, depth)

    def _non_null(self, ref: dict, depth: int) -> st.SearchStrategy:
        if ref["kind"] == "LIST":
            return st.lists(self.values(ref["ofType"], depth + 1), max_size=3)
        named = self.types[ref["name"]]
        if named["kind"] == "ENUM":
            return st.sampled_from([e["name"] for e in named["enumValues"]])
        if named["kind"] == "INPUT_OBJECT":
            if depth > 3:
                return st.nothing()
            required = {
                f["name"]: self.values(f["type"], depth + 1)
                for f in named["inputFields"]
                if f["type"]["kind"] == "NON_NULL"
            }
            optional = {
                f["name"]: self.values(f["type"], depth + 1)
                for f in named["inputFields"]
                if f["type"]["kind"] != "NON_NULL"
            }
            return st.fixed_dictionaries(required, optional=optional)
        return {
            "Int": st.integers(min_value=-(2**31), max_value=2**31 - 1),
            "Float": st.floats(allow_nan=False, allow_infinity=False),
            "Boolean": st.booleans(),
        }.get(named["name"], TEXT)

    def selection(self, ref: dict) -> str:
        while ref["kind"] in ("NON_NULL", "LIST"):
            ref = ref["ofType"]
        return "" if self.types[ref["name"]]["kind"] in ("SCALAR", "ENUM") else "{ __typename }"

    def call(self, field: Field, arguments: dict, role: str) -> httpx.Response:
        declared = ", ".join(f"${n}: {self.type_text(t)}" for n, t in field.args)
        passed = ", ".join(f"{n}: ${n}" for n, _ in field.args)
        text = (
            f"{field.operation}{f'({declared})' if declared else ''} "
            f"{{ {field.name}{f'({passed})' if passed else ''} {self.selection(field.returns)} }}"
        )
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": text, "variables": arguments},
            headers=self.headers[role],
            timeout=30,
        )


class Failures(logging.Handler):
    """Every record at ERROR or above that the server logs while the fuzz runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    failures = Failures()
    logging.getLogger().addHandler(failures)
    try:
        with serving(tmp_path_factory.mktemp("fuzz"), roles=("viewer", "steward"), demo=True) as app:
            schema = httpx.post(
                f"{app.url}/graphql", json={"query": INTROSPECTION}, headers=app.headers["viewer"]
            )
            yield Served(app.url, app.headers, schema.json()["data"]["__schema"])
    finally:
        logging.getLogger().removeHandler(failures)
    logged = sorted({f"{r.name}: {r.getMessage().splitlines()[0]}" for r in failures.records})
    assert not logged, "the server logged errors:\n" + "\n".join(logged[:20])


FIELDS = [
    "node", "dataset", "column", "concept", "datasets", "lineage", "impact", "search",
    "setDescription", "upsertDataset", "upsertColumns", "addLineage", "removeLineage", "setOwner",
    "addTag", "removeTag", "attachPolicy", "ingestOpenLineage",
]  # fmt: skip


def test_every_field_of_the_schema_is_fuzzed(served):
    assert sorted(f.name for f in served.fields if f.name not in ("sparql", "cypher")) == sorted(FIELDS)


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize("role", ["viewer", "steward"])
def test_generated_calls_never_break_the_server(served, name, role):
    field = next(f for f in served.fields if f.name == name)
    arguments = st.fixed_dictionaries(
        {n: served.values(t) for n, t in field.args if t["kind"] == "NON_NULL"},
        optional={n: served.values(t) for n, t in field.args if t["kind"] != "NON_NULL"},
    )

    @settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(arguments)
    def call(values: dict) -> None:
        response = served.call(field, values, role)
        assert response.status_code == 200, (values, response.status_code, response.text[:300])
        assert "Traceback" not in response.text
        started = time.perf_counter()
        assert httpx.get(f"{served.url}/healthz", timeout=5).status_code == 200
        assert time.perf_counter() - started < 1.0

    call()
