"""The one write path: deltas, atomic replacement, the gate, the audit record and hooks."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from graph import vocab as v
from graph.changeset import ChangeSet, InvalidChange
from graph.records import Column, Dataset
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import ChangeRejected, GateReport, GraphWriter

A, P, Q = NamedNode("http://ex/a"), NamedNode("http://ex/p"), NamedNode("http://ex/q")


def _catalog(iris, n):
    return [
        t
        for i in range(n)
        for t in Dataset(
            "pg", ("db", "s", f"t{i}"), columns=(Column("id", "integer"), Column("x"))
        ).to_triples(iris)
    ]


def test_reimporting_a_source_leaves_the_graph_as_if_imported_once(store, iris):
    writer = GraphWriter(store, iris)
    g = iris.source_graph("crm")
    first = writer.commit(ChangeSet("t", "load").replace_graph(g, _catalog(iris, 5)))
    before = sorted(map(str, store.quads(graph=g)))
    again = writer.commit(ChangeSet("t", "load again").replace_graph(g, _catalog(iris, 5)))
    assert first.added == len(before) and again.added == again.removed == 0
    assert again.change is None  # nothing changed, nothing audited
    assert sorted(map(str, store.quads(graph=g))) == before


def test_replacing_a_source_drops_what_disappeared_and_touches_no_other_source(store, iris):
    writer = GraphWriter(store, iris)
    crm, erp = iris.source_graph("crm"), iris.source_graph("erp")
    writer.commit(ChangeSet("t", "crm").replace_graph(crm, _catalog(iris, 3)))
    writer.commit(ChangeSet("t", "erp").replace_graph(erp, _catalog(iris, 3)))  # same entities, other source
    erp_before = store.count(erp)
    result = writer.commit(ChangeSet("t", "crm shrinks").replace_graph(crm, _catalog(iris, 2)))
    assert result.removed > 0 and result.added == 0
    assert store.count(erp) == erp_before
    t2 = iris.dataset("pg", "db", "s", "t2")
    assert store.has(t2, v.RDF.type, v.DCAT.Dataset)  # still asserted by erp
    assert not any(True for _ in store.quads(t2, None, None, crm))


def test_a_quad_removed_and_added_by_one_changeset_stays(store, iris):
    writer = GraphWriter(store, iris)
    g = iris.source_graph("test")
    writer.commit(ChangeSet("ada", "seed").add([(A, P, Literal("1"))], g))
    again = writer.commit(
        ChangeSet("ada", "save again").remove([(A, P, Literal("1"))], g).add([(A, P, Literal("1"))], g)
    )
    assert store.contains(Quad(A, P, Literal("1"), g))
    assert again.added == again.removed == 0 and again.change is None


def test_adds_and_removes_land_together_with_an_audit_record(store, iris):
    writer = GraphWriter(store, iris)
    g = iris.source_graph("test")
    writer.commit(ChangeSet("ada", "seed").add([(A, P, Literal("1"))], g))
    result = writer.commit(
        ChangeSet("ada", "fix").remove([(A, P, Literal("1"))], g).add([(A, P, Literal("2"))], g)
    )
    assert (result.added, result.removed) == (1, 1)
    assert [q.object for q in store.quads(A, P, None)] == [Literal("2")]
    audit = iris.audit_graph()
    assert store.has(result.change, v.REASON, Literal("fix"))
    assert {q.object for q in store.quads(result.change, v.AFFECTS_GRAPH, None, audit)} == {g}


def test_a_rejected_changeset_leaves_no_trace(store, iris):
    def gate(store, delta, changeset):
        bad = [f"{q.subject.value} has no label" for q in delta.adds if q.predicate == Q]
        return GateReport(conforms=not bad, violations=bad)

    writer = GraphWriter(store, iris, gate=gate)
    g = iris.source_graph("test")
    before = store.count()
    with pytest.raises(ChangeRejected, match="has no label"):
        writer.commit(ChangeSet("bob", "half good").add([(A, P, Literal("ok")), (A, Q, Literal("bad"))], g))
    assert store.count() == before


def test_a_failing_hook_is_reported_and_the_commit_stands(store, iris):
    def broken(changeset, result):
        raise RuntimeError("index offline")

    result = GraphWriter(store, iris, hooks=[broken]).commit(
        ChangeSet("t", "x").add([(A, P, Literal("1"))], iris.source_graph("test"))
    )
    assert result.hook_errors == ["broken: index offline"]
    assert store.has(A, P, Literal("1"))


def test_changesets_refuse_blank_nodes_and_missing_actor(iris):
    with pytest.raises(InvalidChange, match="skolemize"):
        ChangeSet("t", "x").add([(BlankNode(), P, Literal("1"))], iris.source_graph("test"))
    with pytest.raises(InvalidChange, match="actor"):
        ChangeSet("", "x")


def test_typed_literals_are_compared_in_the_form_the_store_keeps(store, iris):
    writer = GraphWriter(store, iris)
    g = iris.source_graph("test")
    lit = Literal("007", datatype=v.XSD.int)
    writer.commit(ChangeSet("t", "x").replace_graph(g, [(A, P, lit)]))
    assert writer.commit(ChangeSet("t", "again").replace_graph(g, [(A, P, lit)])).added == 0


CRASHING_LOAD = """
import sys
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.records import Column, Dataset
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
iris = IriMinter()
store = OxigraphStore(sys.argv[1])
triples = [t for i in range(30000) for t in Dataset("pg", ("db", "s", f"t{i}"), columns=(Column("a"),)).to_triples(iris)]
GraphWriter(store, iris).commit(ChangeSet("t", "big").replace_graph(iris.source_graph("big"), triples))
"""


def test_a_bulk_load_killed_midway_is_undone_on_the_next_open(tmp_path: Path, iris):
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        GraphWriter(store, iris).commit(
            ChangeSet("t", "seed").add([(A, P, Literal("kept"))], iris.source_graph("test"))
        )
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_LOAD, str(path)], cwd=Path(__file__).parents[2])
    pending = path / "pending-bulk-add.nq"
    deadline = time.monotonic() + 120
    while not pending.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pending.exists(), "the load finished or failed before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with OxigraphStore(path) as store:
        assert store.count() == store.count(iris.source_graph("test")) + store.count(iris.audit_graph())
        assert store.has(A, P, Literal("kept"))
        assert not pending.exists()
