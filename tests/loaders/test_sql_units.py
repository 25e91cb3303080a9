"""The SQL loader's pure parts: type mapping, dataset naming per dialect, view SQL, literals, secrets."""

from __future__ import annotations

import doctest
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.sql import sqltypes

from graph import vocab as v
from loaders.sql import duckdb_catalog, emit, types, viewsql
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.dialects import DIALECTS, Naming, database_name
from loaders.sql.emit import value_literal
from loaders.sql.types import xsd_datatype
from loaders.sql.viewsql import ViewSqlError, tables_read


@pytest.mark.parametrize("module", [types, viewsql, emit, duckdb_catalog])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("column_type", "expected"),
    [
        (postgresql.INTEGER(), "integer"),
        (mysql.TINYINT(1), "integer"),
        (postgresql.DOUBLE_PRECISION(), "double"),
        (sqltypes.Numeric(10, 2), "decimal"),
        (postgresql.TIMESTAMP(timezone=True), "dateTime"),
        (sqltypes.Date(), "date"),
        (postgresql.TIME(), "time"),
        (postgresql.BYTEA(), "base64Binary"),
        (postgresql.ENUM("G", "PG", name="rating"), "string"),
        (postgresql.UUID(), "string"),
        (postgresql.BOOLEAN(), "boolean"),
        (postgresql.JSONB(), None),
        (postgresql.ARRAY(sqltypes.Integer()), None),
    ],
)
def test_sqlalchemy_types_map_to_xsd(column_type, expected):
    assert xsd_datatype(column_type) == expected


def test_dataset_paths_per_dialect():
    pg = Naming("postgres", "shop", DIALECTS["postgresql"], default_schema="public")
    assert pg.path("sales", "orders") == ("shop", "sales", "orders")
    assert pg.resolve(None, None, "orders", view_schema="sales") == ("shop", "public", "orders")
    my = Naming("mysql", "shop", DIALECTS["mariadb"], default_schema="shop")
    assert my.path("shop", "orders") == ("shop", "orders")
    assert my.resolve(None, "other", "t", view_schema="shop") == ("other", "t")
    lite = Naming("sqlite", "chinook.sqlite", DIALECTS["sqlite"], default_schema="main")
    assert lite.resolve(None, None, "Album", view_schema="main") == ("main", "Album")
    assert database_name(make_url("sqlite:////data/chinook.sqlite"), DIALECTS["sqlite"]) == "chinook.sqlite"
    assert database_name(make_url("duckdb:///:memory:"), DIALECTS["duckdb"]) == "memory"
    assert database_name(make_url("postgresql+psycopg://h/shop"), DIALECTS["postgresql"]) == "shop"


def test_view_sql_that_is_no_query_is_an_error():
    with pytest.raises(ViewSqlError):
        tables_read("SELEC * FRM x", "postgres")
    with pytest.raises(ViewSqlError):
        tables_read("select * from (", "postgres")
    assert tables_read("select * from s.a join b using (id)", "postgres") == [
        (None, None, "b"),
        (None, "s", "a"),
    ]


def test_values_become_typed_literals():
    assert value_literal(True).datatype == v.XSD.boolean
    assert value_literal(3).datatype == v.XSD.integer
    assert value_literal(Decimal("0.99")).value == "0.99"
    assert value_literal(date(2020, 1, 2)).datatype == v.XSD.date
    assert value_literal(datetime(2020, 1, 2, 3, 4)).value == "2020-01-02T03:04:00"
    assert value_literal("Rock").datatype == v.XSD.string


def test_the_password_never_shows():
    config = SqlLoaderConfig(url="postgresql+psycopg://alice:s3cret@db.example/shop")
    assert "s3cret" not in repr(config) and "s3cret" not in str(config)
    assert config.display_url() == "postgresql+psycopg://alice:***@db.example/shop"
