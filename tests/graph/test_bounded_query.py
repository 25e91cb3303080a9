"""Read-only SPARQL bounded in rows and time: answered as the store answers, stopped at the deadline."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.bounded_query import QueryTimeout, run_bounded
from graph.store import Unsupported
from graph.stores.oxigraph.store import OxigraphStore

G = NamedNode("http://example.org/graph")
# Every four triples together: 200 triples make 1.6 billion rows to count, minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _filled(store: OxigraphStore, n: int = 200) -> OxigraphStore:
    store.apply(
        [Quad(NamedNode(f"http://example.org/t{i}"), v.RDFS.label, Literal(f"t{i}"), G) for i in range(n)], []
    )
    return store


def _children() -> set[int]:
    """The processes this test process started that are still running."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def test_a_snapshot_holds_the_store_as_it_was_and_is_removed_after(tmp_path):
    store = _filled(OxigraphStore(tmp_path / "store"), 3)
    with store.snapshot() as snapshot:
        store.apply([Quad(NamedNode("http://example.org/later"), v.RDFS.label, Literal("later"), G)], [])
        copy = OxigraphStore(snapshot, read_only=True)
        assert copy.count() == 3 and store.count() == 4
        copy.close()
    assert not snapshot.exists()
    with pytest.raises(Unsupported):
        OxigraphStore().snapshot().__enter__()
    store.close()


@pytest.mark.parametrize("on_disk", [True, False], ids=["child process", "thread"])
def test_a_bounded_query_answers_as_the_store_does(tmp_path, on_disk):
    store = _filled(OxigraphStore(tmp_path / "store" if on_disk else None), 5)
    query = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
    columns, rows, truncated = asyncio.run(run_bounded(store, query, 3, timeout_s=30))
    assert columns == ["s", "label"] and truncated
    assert rows == [{"s": f"<http://example.org/t{i}>", "label": f"t{i}"} for i in range(3)]
    assert asyncio.run(run_bounded(store, "ASK { ?s ?p ?o }", 10, 30)) == (
        ["result"],
        [{"result": True}],
        False,
    )
    for wrong in ("SELEC nothing", "DELETE WHERE { ?s ?p ?o }"):
        with pytest.raises(ValueError, match="read-only" if wrong.startswith("DELETE") else "not a valid"):
            asyncio.run(run_bounded(store, wrong, 10, 30))
    assert store.count() == 5
    store.close()


def test_a_query_on_disk_past_its_time_is_stopped_and_the_caller_goes_on_meanwhile(tmp_path):
    store = _filled(OxigraphStore(tmp_path / "store"))
    before = _children()

    async def meanwhile() -> tuple[float, int]:
        ticks = 0
        started = time.perf_counter()
        query = asyncio.create_task(run_bounded(store, SLOW, 10, timeout_s=1.0))
        while not query.done():  # the event loop is free while the query runs
            await asyncio.sleep(0.01)
            ticks += 1
        with pytest.raises(QueryTimeout):
            await query
        return time.perf_counter() - started, ticks

    elapsed, ticks = asyncio.run(meanwhile())
    assert 1.0 <= elapsed < 3.0 and ticks > 50
    assert _children() <= before  # the query's process was killed, not left running
    assert not list((tmp_path / "store" / "oxigraph-snapshots").iterdir())
    store.close()
