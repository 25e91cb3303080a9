"""Parse one SQL statement into the writes it makes: which table, from which query or which source.

Most statements write one table from one query (SELECT, CTAS, INSERT ... SELECT). Hive's
multi-table insert (`FROM src INSERT ... SELECT ... INSERT ... SELECT ...`) writes several, each
from its own query over the shared source. Data-movement statements (LOAD DATA, IMPORT, EXPORT)
copy a table or a file as it is: every column to the column of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp, parse
from sqlglot.errors import ParseError, TokenError


class SqlLineageError(ValueError):
    """The SQL could not be parsed or analysed; the message says which statement and why."""


@dataclass(frozen=True)
class Write:
    """One table (or file) a statement writes, and what it is written from.

    Exactly one of `query` (the rows come from a query) and `copied_from` (a table or file
    path copied column by column) is set. `target` is None for a bare SELECT.
    """

    target: str | None
    query: exp.Query | None = None
    copied_from: str | None = None
    by_position: bool = False  # an INSERT: the query's columns fill the target's in order
    filtered_by: tuple[str, ...] = ()  # columns of `copied_from` choosing what is copied (a PARTITION spec)


def excerpt(sql: str, width: int = 80) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


_NAME = r"(?P<table>[\w.`\"]+)"
_PATH = r"'(?P<path>[^']*)'"
_PARTITION = r"(?:\s+PARTITION\s*\((?P<partition>[^)]*)\))?"
# Hive's EXPORT and IMPORT, which sqlglot does not parse.
_EXPORT = re.compile(rf"^\s*EXPORT\s+TABLE\s+{_NAME}{_PARTITION}\s+TO\s+{_PATH}", re.I | re.S)
_IMPORT = re.compile(
    rf"^\s*IMPORT\s+(?:EXTERNAL\s+)?TABLE\s+{_NAME}{_PARTITION}\s+FROM\s+{_PATH}", re.I | re.S
)


def _unquote(name: str) -> str:
    return name.replace("`", "").replace('"', "")


def _partition_columns(spec: str | None) -> tuple[str, ...]:
    """The columns of a PARTITION (year=2023, month) spec."""
    return tuple(_unquote(part.split("=")[0].strip()) for part in (spec or "").split(",") if part.strip())


def _name(table: exp.Expression) -> str | None:
    if isinstance(table, exp.Schema):  # INSERT INTO t (a, b) SELECT ...
        table = table.this
    return ".".join(p.name for p in table.parts) if isinstance(table, exp.Table) else None


def _with_ctes(query: exp.Query, statement: exp.Expression) -> exp.Query:
    """`query` carrying the WITH clause its statement put in front of it."""
    if statement.args.get("with_") and not query.args.get("with_"):
        query = query.copy()
        query.set("with_", statement.args["with_"].copy())
    return query


def parse_writes(sql: str, dialect: str | None) -> list[Write]:
    """Every write a statement makes.

    >>> [(w.target, w.query.sql()) for w in parse_writes("INSERT INTO db.t SELECT a FROM s", "hive")]
    [('db.t', 'SELECT a FROM s')]
    >>> [(w.target, w.copied_from) for w in parse_writes("EXPORT TABLE t TO '/tmp/x'", "hive")]
    [('/tmp/x', 't')]
    >>> try:
    ...     parse_writes("DROP TABLE t", None)
    ... except SqlLineageError as e:
    ...     print(e)
    not a query, an INSERT, a CTAS, LOAD DATA, IMPORT or EXPORT (Drop): DROP TABLE t
    """
    if match := _EXPORT.match(sql):
        source, partition = _unquote(match["table"]), _partition_columns(match["partition"])
        return [Write(match["path"], copied_from=source, filtered_by=partition)]
    if match := _IMPORT.match(sql):
        return [Write(_unquote(match["table"]), copied_from=match["path"])]
    try:
        statements = [s for s in parse(sql, read=dialect) if s is not None]
    except (ParseError, TokenError) as e:
        first = str(e).splitlines()[0]
        raise SqlLineageError(
            f"cannot parse SQL as {dialect or 'generic SQL'}: {first}: {excerpt(sql)}"
        ) from e
    if len(statements) != 1:
        raise SqlLineageError(f"expected one SQL statement, found {len(statements)}: {excerpt(sql)}")
    statement = statements[0]
    if isinstance(statement, exp.Query):
        return [Write(None, statement)]
    if isinstance(statement, (exp.Create, exp.Insert)) and isinstance(statement.expression, exp.Query):
        query = _with_ctes(statement.expression, statement)
        return [Write(_name(statement.this), query, by_position=isinstance(statement, exp.Insert))]
    if isinstance(statement, exp.MultitableInserts) and isinstance(statement.args.get("source"), exp.Table):
        writes = []
        for insert in statement.expressions:
            query = insert.expression.copy()
            if not query.args.get("from_"):
                query.set("from_", exp.From(this=statement.args["source"].copy()))
            writes.append(Write(_name(insert.this), _with_ctes(query, statement), by_position=True))
        return writes
    if isinstance(statement, exp.LoadData) and isinstance(statement.args.get("inpath"), exp.Literal):
        return [Write(_name(statement.this), copied_from=statement.args["inpath"].name)]
    raise SqlLineageError(
        "not a query, an INSERT, a CTAS, LOAD DATA, IMPORT or EXPORT "
        f"({type(statement).__name__}): {excerpt(sql)}"
    )
