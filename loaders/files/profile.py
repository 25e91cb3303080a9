"""Inference and profiling of one Arrow table: the columns and the figures, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

SAMPLES = 5


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    ordinal: int
    native_type: str
    datatype: str
    nullable: bool
    null_fraction: float | None = None
    distinct_count: int | None = None
    min_value: str | None = None
    max_value: str | None = None
    samples: tuple[str, ...] = ()


def xsd_type(arrow_type: pa.DataType) -> str:
    """The XSD datatype local name for an Arrow type.

    >>> xsd_type(pa.int64()), xsd_type(pa.string()), xsd_type(pa.timestamp("s"))
    ('integer', 'string', 'dateTime')
    """
    checks = (
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "integer"),
        (pa.types.is_floating, "double"),
        (pa.types.is_decimal, "decimal"),
        (pa.types.is_timestamp, "dateTime"),
        (pa.types.is_date, "date"),
        (pa.types.is_time, "time"),
        (pa.types.is_binary, "base64Binary"),
        (pa.types.is_large_binary, "base64Binary"),
    )
    return next((name for check, name in checks if check(arrow_type)), "string")


def profile_columns(table: pa.Table, *, figures: bool, samples: bool) -> list[ColumnProfile]:
    profiles = []
    for i, field in enumerate(table.schema):
        column = table.column(i)
        base = {
            "name": field.name,
            "ordinal": i + 1,
            "native_type": str(field.type),
            "datatype": xsd_type(field.type),
            "nullable": field.nullable and column.null_count > 0 if figures else field.nullable,
        }
        if not figures:
            profiles.append(ColumnProfile(**base))
            continue
        low = high = None
        distinct = 0
        if not pa.types.is_null(field.type):  # an all-empty CSV column has Arrow's null type
            distinct = pc.count_distinct(column, mode="only_valid").as_py()
        if _orderable(field.type) and len(column) > column.null_count:
            bounds = pc.min_max(column)
            low, high = str(bounds["min"].as_py()), str(bounds["max"].as_py())
        picked: tuple[str, ...] = ()
        if samples and distinct:
            picked = tuple(str(x) for x in pc.unique(column.drop_null()).slice(0, SAMPLES).to_pylist())
        profiles.append(
            ColumnProfile(
                **base,
                null_fraction=column.null_count / len(column) if len(column) else None,
                distinct_count=distinct,
                min_value=low,
                max_value=high,
                samples=picked,
            )
        )
    return profiles


def _orderable(t: pa.DataType) -> bool:
    return (
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_temporal(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
    )
