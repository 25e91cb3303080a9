"""Column lineage of one SQL statement: fixture cases (SQL in, sources out), errors, and doctests."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from loaders.sql_lineage import SqlLineageError, column_lineage, kinds, lineage, statement, statement_lineages

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


def test_a_multi_table_insert_traces_each_table_it_writes():
    sql = """
        WITH c AS (SELECT a.a, b.d FROM t1 a JOIN t2 b ON a.a = b.a)
        FROM c
        INSERT OVERWRITE TABLE x SELECT a * 10, d
        INSERT INTO TABLE y SELECT SUM(a), d GROUP BY d
    """
    results = {
        r.target: r for r in statement_lineages(sql, "hive", SCHEMA, {"x": ["ax", "bx"], "y": ["ay", "by"]})
    }
    assert {t: r.pairs() for t, r in results.items()} == {
        "x": {("ax", "t1", "a"), ("bx", "t2", "d")},
        "y": {("ay", "t1", "a"), ("by", "t2", "d")},
    }
    assert [s.kind for s in results["y"].columns["ay"]] == ["aggregation"]
    assert ("t2", "d", "group_by") in {(s.table, s.column, s.kind) for s in results["y"].indirect}
    assert all(
        ("t1", "a", "join_key") in {(s.table, s.column, s.kind) for s in r.indirect} for r in results.values()
    )
    with pytest.raises(SqlLineageError, match="writes 2 tables, expected one"):
        column_lineage(sql, "hive", SCHEMA)


@pytest.mark.parametrize(
    ("sql", "target", "source"),
    [
        ("LOAD DATA LOCAL INPATH '/data/in' INTO TABLE t9 PARTITION(year=2023)", "t9", "/data/in"),
        ("IMPORT TABLE t9 FROM '/data/in'", "t9", "/data/in"),
        ("EXPORT TABLE t1 TO '/data/out'", "/data/out", "t1"),
    ],
)
def test_data_movement_copies_each_column_by_name(sql: str, target: str, source: str):
    schema = {source: {"a": "int", "b": "string"}}
    (result,) = statement_lineages(sql, "hive", schema)
    assert result.target == target
    assert result.pairs() == {("a", source, "a"), ("b", source, "b")}
    assert {s.kind for ss in result.columns.values() for s in ss} == {"copy"}


def test_exporting_a_partition_filters_on_its_columns():
    (result,) = statement_lineages("EXPORT TABLE t1 PARTITION (b='x') TO '/out'", "hive", SCHEMA)
    assert [(s.table, s.column, s.kind) for s in result.indirect] == [("t1", "b", "filter")]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT a FROM (", "cannot parse SQL as hive"),
        (
            "DROP TABLE t1",
            "not a query, an INSERT, a CTAS, LOAD DATA, IMPORT or EXPORT (Drop): DROP TABLE t1",
        ),
        ("LOAD DATA INPATH '/in' INTO TABLE t9", "cannot tell the columns copied from '/in'"),
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
