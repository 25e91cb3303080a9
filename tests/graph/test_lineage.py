"""Lineage traversal: distances, paths, depth, direction, level and truncation, on every store."""

import pytest

from graph import vocab as v
from graph.changeset import ChangeSet
from graph.lineage import starts_at_level, trace
from graph.records import Column, ColumnLineage, Dataset, DatasetLineage
from graph.store import Direction, Level
from graph.write import GraphWriter

#   raw.a.x -copy-> stg.b.x -hash-> mart.c.h -aggregation-> rpt.d.n
#                   stg.b.y -expression-------^
LAYERS = [("raw", "a", "x"), ("stg", "b", "x"), ("mart", "c", "h"), ("rpt", "d", "n")]


@pytest.fixture
def chain(store, iris):
    ds = {
        "a": Dataset("pg", ("w", "raw", "a"), columns=(Column("x"),)),
        "b": Dataset("pg", ("w", "stg", "b"), columns=(Column("x"), Column("y"))),
        "c": Dataset("pg", ("w", "mart", "c"), columns=(Column("h"),)),
        "d": Dataset("pg", ("w", "rpt", "d"), columns=(Column("n"),)),
    }

    def col(d, c):
        return ds[d].column_iri(iris, c)

    records = [
        *ds.values(),
        DatasetLineage(ds["b"].iri(iris), ds["a"].iri(iris)),
        DatasetLineage(ds["c"].iri(iris), ds["b"].iri(iris)),
        DatasetLineage(ds["d"].iri(iris), ds["c"].iri(iris)),
        ColumnLineage(col("b", "x"), col("a", "x"), "copy"),
        ColumnLineage(col("c", "h"), col("b", "x"), "hash"),
        ColumnLineage(col("c", "h"), col("b", "y"), "expression"),
        ColumnLineage(col("d", "n"), col("c", "h"), "aggregation"),
    ]
    triples = [t for r in records for t in r.to_triples(iris)]
    GraphWriter(store, iris).commit(ChangeSet("t", "chain").replace_graph(iris.source_graph("t"), triples))
    return ds, col


@pytest.mark.parametrize("depth", [None, 2, 3, 7, 9])
def test_downstream_columns_with_distance_path_and_kind(store, iris, chain, depth):
    _ds, col = chain
    result = trace(store, [col("a", "x")], Direction.DOWNSTREAM, depth, Level.COLUMN)
    reached = {n.iri: n for n in result.nodes}
    expected = {col("b", "x"): 1, col("c", "h"): 2, col("d", "n"): 3}
    if depth is not None:
        expected = {k: d for k, d in expected.items() if d <= depth}
    assert {k: reached[k].distance for k in expected} == expected
    assert set(reached) == {col("a", "x"), *expected}
    if depth is None or depth >= 3:
        assert reached[col("d", "n")].path == (col("a", "x"), col("b", "x"), col("c", "h"), col("d", "n"))
    kinds = {(e.upstream, e.downstream): e.kind for e in result.edges}
    assert kinds[(col("a", "x"), col("b", "x"))] == v.COPY
    if depth is None or depth >= 2:
        assert kinds[(col("b", "x"), col("c", "h"))] == v.HASH
    assert not result.truncated


def test_upstream_finds_every_source_column(store, iris, chain):
    _ds, col = chain
    result = trace(store, [col("d", "n")], Direction.UPSTREAM, None, Level.COLUMN)
    assert {n.iri: n.distance for n in result.nodes if n.distance} == {
        col("c", "h"): 1,
        col("b", "x"): 2,
        col("b", "y"): 2,
        col("a", "x"): 3,
    }
    assert all(n.direction is Direction.UPSTREAM for n in result.nodes if n.distance)


def test_both_directions_from_the_middle(store, iris, chain):
    _ds, col = chain
    result = trace(store, [col("c", "h")], Direction.BOTH, 1, Level.COLUMN)
    assert {(n.iri, n.direction) for n in result.nodes if n.distance} == {
        (col("b", "x"), Direction.UPSTREAM),
        (col("b", "y"), Direction.UPSTREAM),
        (col("d", "n"), Direction.DOWNSTREAM),
    }


def test_dataset_level_and_level_switching(store, iris, chain):
    ds, col = chain
    b = ds["b"].iri(iris)
    result = trace(store, [b], Direction.DOWNSTREAM, None, Level.DATASET)
    assert [(n.iri, n.distance) for n in result.nodes] == [
        (b, 0),
        (ds["c"].iri(iris), 1),
        (ds["d"].iri(iris), 2),
    ]
    assert starts_at_level(store, b, Level.COLUMN) == sorted([col("b", "x"), col("b", "y")], key=str)
    assert starts_at_level(store, col("b", "y"), Level.DATASET) == [b]


def test_a_limited_result_says_it_is_truncated(store, iris, chain):
    _ds, col = chain
    result = trace(store, [col("d", "n")], Direction.UPSTREAM, None, Level.COLUMN, limit=2)
    assert result.truncated


def test_depth_must_be_positive(store, chain):
    with pytest.raises(ValueError, match="depth"):
        trace(store, [], Direction.UPSTREAM, 0)
