"""Parse one SQL statement and find the query whose rows it produces, and the table it writes."""

from __future__ import annotations

from sqlglot import exp, parse
from sqlglot.errors import ParseError, TokenError


class SqlLineageError(ValueError):
    """The SQL could not be parsed or analysed; the message says which statement and why."""


def excerpt(sql: str, width: int = 80) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def parse_statement(sql: str, dialect: str | None) -> tuple[str | None, exp.Query]:
    """The table a statement writes (None for a bare SELECT) and the query producing its rows.

    >>> target, query = parse_statement("INSERT INTO db.t SELECT a FROM s", "hive")
    >>> target, query.sql()
    ('db.t', 'SELECT a FROM s')
    >>> try:
    ...     parse_statement("DROP TABLE t", None)
    ... except SqlLineageError as e:
    ...     print(e)
    not a SELECT, CTAS or INSERT ... SELECT (Drop): DROP TABLE t
    """
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
        return None, statement
    if isinstance(statement, (exp.Create, exp.Insert)) and isinstance(statement.expression, exp.Query):
        table = statement.this
        if isinstance(table, exp.Schema):  # INSERT INTO t (a, b) SELECT ...
            table = table.this
        name = ".".join(p.name for p in table.parts) if isinstance(table, exp.Table) else None
        query = statement.expression
        if statement.args.get("with_") and not query.args.get("with_"):
            query = query.copy()
            query.set("with_", statement.args["with_"].copy())
        return name, query
    raise SqlLineageError(
        f"not a SELECT, CTAS or INSERT ... SELECT ({type(statement).__name__}): {excerpt(sql)}"
    )
