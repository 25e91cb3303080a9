"""IRIs are minted from natural keys: stable, percent-encoded, and never shared by two keys."""

import pytest
from pyoxigraph import NamedNode

from graph.iris import IriMinter


def test_same_key_same_iri_across_minters():
    a, b = IriMinter(), IriMinter()
    assert a.dataset("postgres", "shop", "public", "orders") == b.dataset(
        "postgres", "shop", "public", "orders"
    )
    assert a.column(a.dataset("postgres", "shop", "public", "orders"), "id").value.endswith("/orders/id")


def test_parts_are_percent_encoded_so_no_part_can_split_the_path():
    iris = IriMinter("https://example.org/cat")
    weird = iris.dataset("Postgres", "my db", "sales/eu", "Orders#2024?x=1")
    assert weird.value == "https://example.org/cat/dataset/postgres/my%20db/sales%2Feu/Orders%232024%3Fx%3D1"
    assert iris.dataset("postgres", "sales", "eu") != iris.dataset("postgres", "sales/eu")
    assert iris.key_of(weird) == ("dataset", "postgres", "my db", "sales/eu", "Orders#2024?x=1")


def test_unicode_and_case_are_kept():
    iris = IriMinter()
    assert iris.dataset("pg", "db", "Kunden", "Straße") != iris.dataset("pg", "db", "kunden", "straße")
    _kind, *parts = iris.key_of(iris.dataset("pg", "db", "Kunden", "Straße"))
    assert parts == ["pg", "db", "Kunden", "Straße"]


def test_column_and_its_dataset():
    iris = IriMinter()
    ds = iris.dataset("duckdb", "main", "t")
    col = iris.column(ds, "a b")
    assert iris.dataset_of_column(col) == ds
    with pytest.raises(ValueError, match="not a dataset IRI"):
        iris.column(NamedNode("http://elsewhere/x"), "a")


def test_empty_part_and_bad_base_are_refused():
    with pytest.raises(ValueError, match="empty"):
        IriMinter().dataset("pg", "")
    with pytest.raises(ValueError):
        IriMinter("not an iri with spaces")


def test_lineage_node_depends_on_both_ends_in_order():
    iris = IriMinter()
    a, b = iris.dataset("pg", "a"), iris.dataset("pg", "b")
    assert iris.lineage(a, b) == iris.lineage(a, b)
    assert iris.lineage(a, b) != iris.lineage(b, a)
