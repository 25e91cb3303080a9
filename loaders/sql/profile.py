"""Profiles one table with aggregate queries: row count, null fraction, distinct count, min/max, samples."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from loaders.sql.model import ColumnProfile, TableInfo, TableProfile
from loaders.sql.types import COMPARABLE, ORDERABLE

SAMPLE_SIZE = 5


def profile_table(conn: Connection, schema: str, table: TableInfo, samples: bool) -> TableProfile:
    """Profile `table` (in `schema`) in one aggregate query, plus one query per sampled column.

    Samples are the first distinct non-null values in sort order, so that a re-run on unchanged
    data stores the same ones. Raises SQLAlchemyError (e.g. permission denied).
    """
    columns = {c.name: sa.column(c.name) for c in table.columns}
    relation = sa.table(table.path[-1], *columns.values(), schema=schema)
    aggregates = [sa.func.count().label("rows")]
    for c in table.columns:
        col = columns[c.name]
        aggregates.append(sa.func.count(col).label(f"n{c.ordinal}"))
        if c.datatype in COMPARABLE:
            aggregates.append(sa.func.count(sa.distinct(col)).label(f"d{c.ordinal}"))
        if c.datatype in ORDERABLE:
            aggregates += [sa.func.min(col).label(f"lo{c.ordinal}"), sa.func.max(col).label(f"hi{c.ordinal}")]
    row = conn.execute(sa.select(*aggregates).select_from(relation)).mappings().one()
    rows = int(row["rows"])
    profiles = {}
    for c in table.columns:
        sampled: tuple = ()
        if samples and c.datatype in COMPARABLE:
            col = columns[c.name]
            query = sa.select(col).select_from(relation).where(col.is_not(None)).distinct()
            sampled = tuple(conn.execute(query.order_by(col).limit(SAMPLE_SIZE)).scalars())
        profiles[c.name] = ColumnProfile(
            null_fraction=(rows - int(row[f"n{c.ordinal}"])) / rows if rows else None,
            distinct_count=int(row[f"d{c.ordinal}"]) if f"d{c.ordinal}" in row else None,
            min_value=row.get(f"lo{c.ordinal}"),
            max_value=row.get(f"hi{c.ordinal}"),
            samples=sampled,
        )
    return TableProfile(row_count=rows, columns=profiles)
