"""Column lineage of one SQL statement: fixture cases (SQL in, sources out), errors, and doctests."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from loaders.sql_lineage import SqlLineageError, column_lineage, kinds, lineage, statement

CASES = Path(__file__).parent / "fixtures" / "sql_lineage_cases.txt"
SCHEMA = {"t1": {"a": "int", "b": "int", "c": "int"}, "t2": {"a": "int", "d": "int"}}
DB_SCHEMA = {"db.orders": {"id": "int", "amount": "int", "customer_id": "int", "created_at": "timestamp"}}


def _cases() -> list:
    lines = [line for line in CASES.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return [
        pytest.param(*(part.strip() for part in line.split("|")), id=f"line{i}")
        for i, line in enumerate(lines)
    ]


def _expected(text: str) -> dict[str, set[tuple[str, str, str]]]:
    expected: dict[str, set[tuple[str, str, str]]] = {}
    for item in text.split(";"):
        column, _, sources = item.partition("<-")
        found = set()
        for source in sources.split():
            name, kind = source.rsplit(":", 1)
            table, col = name.rsplit(".", 1)
            found.add((table, col, kind))
        expected[column.strip()] = found
    return expected


@pytest.mark.parametrize(("dialect", "sql", "expected"), _cases())
def test_column_sources(dialect: str, sql: str, expected: str):
    result = column_lineage(sql, dialect, DB_SCHEMA if "orders" in sql.lower() else SCHEMA)
    got = {
        out.lower(): {(s.table.lower(), s.column.lower(), s.kind) for s in ss}
        for out, ss in result.columns.items()
    }
    got["*"] = {(s.table.lower(), s.column.lower(), s.kind) for s in result.indirect}
    want = _expected(expected)
    want.setdefault("*", set())
    assert got == want


def test_the_target_of_ctas_and_insert_is_named():
    assert column_lineage("CREATE TABLE db.x AS SELECT a FROM t1", "hive").target == "db.x"
    assert column_lineage("INSERT INTO x SELECT a FROM t1", "hive", output_columns=["z"]).columns == {
        "z": column_lineage("SELECT a AS z FROM t1", "hive").columns["z"]
    }


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT a FROM (", "cannot parse SQL as hive"),
        ("DROP TABLE t1", "not a SELECT, CTAS or INSERT ... SELECT (Drop): DROP TABLE t1"),
        ("SELECT 1; SELECT 2", "expected one SQL statement, found 2"),
        ("SELECT * FROM unknown_table", "cannot expand * without the upstream tables' columns"),
    ],
)
def test_what_cannot_be_traced_raises_an_error_naming_the_sql(sql: str, message: str):
    with pytest.raises(
        SqlLineageError, match=message.replace("*", r"\*").replace("(", r"\(").replace(")", r"\)")
    ):
        column_lineage(sql, "hive", SCHEMA)


def test_a_schema_mixing_name_depths_is_refused():
    with pytest.raises(SqlLineageError, match="different numbers of parts"):
        column_lineage("SELECT a FROM t1", "hive", {**SCHEMA, **DB_SCHEMA})


@pytest.mark.parametrize("module", [kinds, lineage, statement])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
