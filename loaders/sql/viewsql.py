"""The tables a view's SQL reads, found with sqlglot in the database's own dialect."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError


class ViewSqlError(ValueError):
    """A view definition sqlglot cannot parse."""


def tables_read(sql: str, dialect: str) -> list[tuple[str | None, str | None, str]]:
    """(catalog, schema, table) of every table `sql` reads, CTE names left out, sorted.

    `sql` may be a bare query or a whole CREATE VIEW statement (MySQL returns the latter); the
    view's own name is not among the tables read.

    >>> tables_read("with c as (select * from a.b) select * from c join d on true", "postgres")
    [(None, None, 'd'), (None, 'a', 'b')]
    >>> tables_read("CREATE VIEW v AS SELECT * FROM `shop`.`orders`", "mysql")
    [(None, 'shop', 'orders')]
    """
    try:
        statements = sqlglot.parse(sql, read=dialect)
    except SqlglotError as e:
        raise ViewSqlError(str(e).splitlines()[0]) from e
    found: dict[tuple[str | None, str | None, str], None] = {}
    for statement in statements:
        if statement is None:
            continue
        query = statement.expression if isinstance(statement, exp.Create) else statement
        if not isinstance(query, exp.Query | exp.Values):
            raise ViewSqlError(f"not understood as a query: {sql[:80]!r}")
        ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
        for table in query.find_all(exp.Table):
            if not table.name or (not table.db and table.name in ctes):
                continue
            found[(table.catalog or None, table.db or None, table.name)] = None
    if not statements or all(s is None for s in statements):
        raise ViewSqlError("no SQL statement found")
    return sorted(found, key=lambda t: tuple(part or "" for part in t))
