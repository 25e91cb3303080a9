"""SQLAlchemy column types -> XSD datatypes, and which of them may be profiled how."""

from __future__ import annotations

from sqlalchemy.sql import sqltypes as sa

# Order matters: Float is a Numeric, Enum is a String, DateTime before Date on dialects that mix them.
_XSD: tuple[tuple[type, str], ...] = (
    (sa.Boolean, "boolean"),
    (sa.Integer, "integer"),
    (sa.Float, "double"),
    (sa.Numeric, "decimal"),
    (sa.DateTime, "dateTime"),
    (sa.Date, "date"),
    (sa.Time, "time"),
    (sa.Interval, "duration"),
    (sa._Binary, "base64Binary"),
    (sa.Uuid, "string"),
    (sa.String, "string"),
)

ORDERABLE = frozenset({"integer", "double", "decimal", "dateTime", "date", "time"})
"""Datatypes whose min and max are stored: numbers and times, not text (text extremes can be personal data)."""

COMPARABLE = ORDERABLE | frozenset({"boolean", "string"})
"""Datatypes whose distinct values are counted and sampled (not binary, JSON, arrays, geometry)."""


def xsd_datatype(column_type: sa.TypeEngine) -> str | None:
    """The XSD local name for a reflected column type, or None when none fits.

    >>> xsd_datatype(sa.BigInteger()), xsd_datatype(sa.Numeric(10, 2)), xsd_datatype(sa.Text())
    ('integer', 'decimal', 'string')
    """
    for cls, name in _XSD:
        if isinstance(column_type, cls):
            return name
    return None
