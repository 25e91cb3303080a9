"""Trace each output column of a statement back to the columns of the tables it reads.

The statement is qualified first (sqlglot's `qualify`, with the upstream schema
when given, so that `*` expands and every column names its source); then each
projection is walked, and each column it mentions is followed through CTEs,
derived tables and UNION branches down to a real table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope

from loaders.sql_lineage.kinds import compose, kind_of
from loaders.sql_lineage.statement import SqlLineageError, Write, excerpt, parse_writes

Schema = Mapping[str, Mapping[str, str]]  # "db.table" (or "table") -> {column: type}

INDIRECT_CLAUSES = (("where", "filter"), ("having", "filter"), ("group", "group_by"), ("order", "sort"))


@dataclass(frozen=True, order=True)
class ColumnSource:
    """One upstream column that influences an output column, and how."""

    table: str  # the table's name parts joined by '.', as the SQL names it (normalized by the dialect)
    column: str
    kind: str  # a key of graph.vocab.TRANSFORMATION_KINDS


@dataclass
class StatementLineage:
    """What one statement writes, and where each of its output columns comes from."""

    target: str | None  # the table written (CTAS, INSERT); None for a bare SELECT
    columns: dict[str, list[ColumnSource]] = field(default_factory=dict)  # output column -> direct sources
    indirect: list[ColumnSource] = field(default_factory=list)  # filter/join/group/sort: every output column

    def pairs(self) -> set[tuple[str, str, str]]:
        """(output column, upstream table, upstream column) of every direct edge."""
        return {(out, s.table, s.column) for out, sources in self.columns.items() for s in sources}


def _nested(schema: Schema) -> dict:
    """{"db.t": cols} -> {"db": {"t": cols}}, the shape sqlglot's MappingSchema reads."""
    depths = {name.count(".") for name in schema}
    if len(depths) > 1:
        raise SqlLineageError(
            f"the schema names tables with different numbers of parts ({sorted(schema)}); "
            "name them all as table, db.table or catalog.db.table"
        )
    nested: dict = {}
    for name, columns in schema.items():
        *outer, table = name.split(".")
        level = nested
        for part in outer:
            level = level.setdefault(part, {})
        level[table] = dict(columns)
    return nested


def _table_name(table: exp.Table) -> str:
    return ".".join(p.name for p in table.parts)


class _Tracer:
    """Follows columns of one qualified query down to the tables it reads."""

    def __init__(self, root: Scope) -> None:
        self.root = root

    def column(self, column: exp.Column, scope: Scope, kind: str) -> Iterator[ColumnSource]:
        if not column.table:  # qualify leaves bare only output aliases (ORDER BY total) and unknowns
            projection = self._alias(scope, column.name)
            if projection is not None and not self._in_select_list(column, scope):
                yield from self.projection(projection, scope, kind)
                return
        source = scope.sources.get(column.table) if column.table else None
        if source is None and not column.table and len(scope.sources) == 1:
            source = next(iter(scope.sources.values()))
        if source is None:
            return
        if isinstance(source, exp.Table):
            yield ColumnSource(_table_name(source), column.name, kind)
        elif isinstance(source, Scope):
            yield from self.named(source, column.name, kind)

    def named(self, scope: Scope, name: str, kind: str) -> Iterator[ColumnSource]:
        """The sources of the column `name` that `scope` (a CTE, derived table or union) outputs."""
        if scope.set_operation_scopes:  # UNION branches name their columns by position
            names = scope.expression.named_selects
            if name in names:
                yield from self.positional(scope, names.index(name), kind)
            return
        projection = self._alias(scope, name)
        if projection is not None:
            yield from self.projection(projection, scope, kind)

    def positional(self, scope: Scope, index: int, kind: str) -> Iterator[ColumnSource]:
        if scope.set_operation_scopes:
            for branch in scope.set_operation_scopes:
                yield from self.positional(branch, index, kind)
            return
        selects = scope.expression.selects
        if index < len(selects):
            yield from self.projection(selects[index], scope, kind)

    def projection(self, projection: exp.Expression, scope: Scope, kind: str) -> Iterator[ColumnSource]:
        for column in projection.find_all(exp.Column):
            if self._belongs_to(column, scope):
                yield from self.column(column, scope, compose(kind, kind_of(column, projection)))

    def indirect(self) -> Iterator[ColumnSource]:
        """Columns that decide which rows survive, in any query of the statement."""
        for scope in self.root.traverse():
            select = scope.expression
            if not isinstance(select, exp.Select):
                continue
            for join in select.args.get("joins") or ():
                yield from self._clause(join.args.get("on"), scope, "join_key")
            for arg, kind in INDIRECT_CLAUSES:
                yield from self._clause(select.args.get(arg), scope, kind)

    def _clause(self, clause: exp.Expression | None, scope: Scope, kind: str) -> Iterator[ColumnSource]:
        if clause is None:
            return
        for column in clause.find_all(exp.Column):
            if self._belongs_to(column, scope):
                yield from (ColumnSource(s.table, s.column, kind) for s in self.column(column, scope, "copy"))

    @staticmethod
    def _alias(scope: Scope, name: str) -> exp.Expression | None:
        return next((s for s in scope.expression.selects if s.alias_or_name == name), None)

    @staticmethod
    def _in_select_list(column: exp.Column, scope: Scope) -> bool:
        selects = {id(s) for s in scope.expression.selects}
        node: exp.Expression | None = column
        while node is not None and node is not scope.expression:
            if id(node) in selects:
                return True
            node = node.parent
        return False

    @staticmethod
    def _belongs_to(column: exp.Column, scope: Scope) -> bool:
        """Whether a column is the scope's own, not one of a subquery nested in an expression."""
        node = column.parent
        while node is not None and node is not scope.expression:
            if isinstance(node, exp.Query):
                return False
            node = node.parent
        return True


def statement_lineages(
    sql: str,
    dialect: str | None = None,
    schema: Schema | None = None,
    target_columns: Mapping[str, list[str]] | None = None,
) -> list[StatementLineage]:
    """Where each column of every table that `sql` writes comes from, one result per table written.

    `schema` gives the columns of the tables (and files) the statement reads; `target_columns`
    those of the tables it writes, by name: needed where an INSERT's SELECT list does not name
    them, or a copy (LOAD DATA, IMPORT, EXPORT) reads something whose columns are not in `schema`.

    >>> [(r.target, r.pairs()) for r in statement_lineages("EXPORT TABLE t TO '/x'", "hive", {"t": {"a": "int"}})]
    [('/x', {('a', 't', 'a')})]
    """
    writes = parse_writes(sql, dialect)
    nested = _nested(schema) if schema and any(w.query is not None for w in writes) else None
    results = []
    for write in writes:
        known = (target_columns or {}).get(write.target or "")
        if write.copied_from is not None:
            results.append(_copy(write, sql, (schema or {}).get(write.copied_from), known))
        else:
            results.append(_query(write, sql, dialect, nested, known if write.by_position else None))
    return results


def column_lineage(
    sql: str,
    dialect: str | None = None,
    schema: Schema | None = None,
    output_columns: list[str] | None = None,
) -> StatementLineage:
    """Where each output column of `sql`, a statement writing one table (or a bare query), comes from.

    `output_columns` names the written table's columns in order, for an INSERT
    whose SELECT list does not name them.

    >>> lin = column_lineage("SELECT id, SUM(amount) AS total FROM sales WHERE ok GROUP BY id")
    >>> lin.columns
    {'id': [ColumnSource(table='sales', column='id', kind='copy')], 'total': [ColumnSource(table='sales', column='amount', kind='aggregation')]}
    >>> lin.indirect
    [ColumnSource(table='sales', column='id', kind='group_by'), ColumnSource(table='sales', column='ok', kind='filter')]
    """
    writes = parse_writes(sql, dialect)
    if len(writes) != 1:
        raise SqlLineageError(f"the statement writes {len(writes)} tables, expected one: {excerpt(sql)}")
    write = writes[0]
    if write.copied_from is not None:
        return _copy(write, sql, (schema or {}).get(write.copied_from), output_columns)
    return _query(write, sql, dialect, _nested(schema) if schema else None, output_columns)


def _copy(
    write: Write, sql: str, source_columns: Mapping[str, str] | None, target_columns: list[str] | None
) -> StatementLineage:
    """A table or file copied as it is: each column from the column of the same name."""
    names = list(source_columns or target_columns or ())
    if not names:
        raise SqlLineageError(
            f"cannot tell the columns copied from {write.copied_from!r} without its schema: {excerpt(sql)}"
        )
    source = write.copied_from or ""
    return StatementLineage(
        write.target,
        {n: [ColumnSource(source, n, "copy")] for n in names},
        [ColumnSource(source, n, "filter") for n in write.filtered_by],
    )


def _query(
    write: Write, sql: str, dialect: str | None, nested: dict | None, output_columns: list[str] | None
) -> StatementLineage:
    assert write.query is not None
    try:
        qualified = qualify(
            write.query.copy(),
            dialect=dialect,
            schema=nested,
            validate_qualify_columns=False,
            quote_identifiers=False,
            identify=False,
        )
        root = build_scope(qualified)
    except (OptimizeError, SqlglotError, ValueError) as e:
        raise SqlLineageError(f"cannot resolve the columns of {excerpt(sql)}: {e}") from e
    if root is None:
        raise SqlLineageError(f"no query to trace in {excerpt(sql)}")
    tracer = _Tracer(root)
    result = StatementLineage(target=write.target)
    names = [s.alias_or_name for s in qualified.selects]
    if output_columns is not None:
        if len(output_columns) != len(names):
            raise SqlLineageError(
                f"the query yields {len(names)} columns but {len(output_columns)} output columns were given: "
                f"{excerpt(sql)}"
            )
        names = list(output_columns)
    for index, name in enumerate(names):
        if name == "*":
            raise SqlLineageError(f"cannot expand * without the upstream tables' columns: {excerpt(sql)}")
        result.columns[name] = _strongest(tracer.positional(root, index, "copy"))
    result.indirect = sorted(set(tracer.indirect()))
    return result


def _strongest(sources: Iterator[ColumnSource]) -> list[ColumnSource]:
    """One source per upstream column: the strongest kind it reaches the output by."""
    best: dict[tuple[str, str], str] = {}
    for s in sources:
        key = (s.table, s.column)
        best[key] = compose(best[key], s.kind) if key in best else s.kind
    return [ColumnSource(t, c, k) for (t, c), k in sorted(best.items())]
