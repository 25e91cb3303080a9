"""TableInfo and TableProfile records -> triples: Dataset records plus keys, defaults, view SQL, lineage, profiles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from pyoxigraph import Literal

from graph import vocab as v
from graph.iris import IriMinter
from graph.records import Column, Dataset, DatasetLineage, Triple
from loaders.sql.model import TableInfo, TableProfile


def dataset_record(platform: str, table: TableInfo) -> Dataset:
    return Dataset(
        platform=platform,
        path=table.path,
        kind=table.kind,
        description=table.comment,
        columns=tuple(
            Column(
                name=c.name,
                datatype=c.datatype,
                native_type=c.native_type,
                nullable=c.nullable,
                ordinal=c.ordinal,
                description=c.comment,
            )
            for c in table.columns
        ),
    )


def table_triples(
    platform: str, table: TableInfo, iris: IriMinter, profile: TableProfile | None = None
) -> Iterator[Triple]:
    """Everything the graph says about one table or view."""
    record = dataset_record(platform, table)
    s = record.iri(iris)
    yield from record.to_triples(iris)
    for c in table.columns:
        if c.default is not None:
            yield (record.column_iri(iris, c.name), v.DEFAULT_VALUE, Literal(c.default))
    for name in table.primary_key:
        yield (record.column_iri(iris, name), v.PRIMARY_KEY, Literal(True))
    for fk in table.foreign_keys:
        target = iris.dataset(platform, *fk.target)
        for column, target_column in zip(fk.columns, fk.target_columns, strict=True):
            yield (record.column_iri(iris, column), v.REFERENCES, iris.column(target, target_column))
    if table.definition:
        yield (s, v.SQL_TEXT, Literal(table.definition))
    for upstream in table.reads:
        yield from DatasetLineage(downstream=s, upstream=iris.dataset(platform, *upstream)).to_triples(iris)
    if profile is not None:
        yield from profile_triples(record, profile, iris)


def profile_triples(record: Dataset, profile: TableProfile, iris: IriMinter) -> Iterator[Triple]:
    s = record.iri(iris)
    yield (s, v.ROW_COUNT, Literal(profile.row_count))
    for name, p in profile.columns.items():
        c = record.column_iri(iris, name)
        if p.null_fraction is not None:
            yield (c, v.NULL_FRACTION, Literal(float(p.null_fraction)))
        if p.distinct_count is not None:
            yield (c, v.DISTINCT_COUNT, Literal(p.distinct_count))
        for predicate, value in ((v.MIN_VALUE, p.min_value), (v.MAX_VALUE, p.max_value)):
            if value is not None:
                yield (c, predicate, value_literal(value))
        for value in p.samples:
            yield (c, v.SAMPLE_VALUE, value_literal(value))


def value_literal(value: Any) -> Literal:
    """A typed literal for a value a database driver returned.

    >>> value_literal(Decimal("0.99")).datatype.value.rsplit("#", 1)[1]
    'decimal'
    """
    if isinstance(value, bool | int | float):
        return Literal(value)
    if isinstance(value, Decimal):
        return Literal(str(value), datatype=v.XSD.decimal)
    for kind, name in ((datetime, "dateTime"), (date, "date"), (time, "time")):
        if isinstance(value, kind):
            return Literal(value.isoformat(), datatype=v.XSD[name])
    return Literal(str(value))


def catalog_triples(
    platform: str, tables: Iterable[TableInfo], profiles: dict[tuple[str, ...], TableProfile], iris: IriMinter
) -> Iterator[Triple]:
    for table in tables:
        yield from table_triples(platform, table, iris, profiles.get(table.path))
