"""The read cache: answers kept until a write changes a subject they were read from."""

from __future__ import annotations

import tracemalloc

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.read_cache import MISSING, ReadCache
from graph.records import Description
from graph.store import Capabilities
from graph.stores.oxigraph.store import OxigraphStore

A, B, C = (NamedNode(f"http://example.org/{n}") for n in "abc")
G = NamedNode("http://example.org/graph")


def test_an_answer_is_kept_until_a_write_changes_one_of_its_subjects(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    cache = ReadCache(10)
    cache.watch(store)
    cache.put("ab", "read from a and b", [A.value, B.value], cache.token())
    cache.put("c", "read from c", [C.value], cache.token())
    assert cache.get("ab") == "read from a and b"

    store.apply([Quad(B, v.RDFS.label, Literal("b"), G)], [])
    assert cache.get("ab") is MISSING  # b changed
    assert cache.get("c") == "read from c"  # c did not
    store.apply([], [Quad(C, v.RDFS.label, Literal("never there"), G)])
    assert cache.get("c") is MISSING  # a removal is a change too
    assert cache.stats().invalidations == 2
    store.close()


def test_an_answer_read_while_the_store_changed_is_not_kept():
    cache = ReadCache(10)
    token = cache.token()
    cache.forget({A})  # a write lands between the read and the put
    cache.put("a", "maybe stale", [A.value], token)
    assert cache.get("a") is MISSING
    cache.put("a", "fresh", [A.value], cache.token())
    assert cache.get("a") == "fresh"


def test_a_full_cache_drops_the_least_recently_used():
    cache = ReadCache(2)
    cache.put("a", 1, [A.value], cache.token())
    cache.put("b", 2, [B.value], cache.token())
    cache.get("a")  # a is now more recent than b
    cache.put("c", 3, [C.value], cache.token())
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, MISSING, 3)
    stats = cache.stats()
    assert (stats.entries, stats.evictions) == (2, 1)
    cache.forget({B})  # b's answer is gone already: nothing else is dropped
    assert stats.entries == cache.stats().entries == 2


def test_heavier_answers_take_more_of_the_capacity():
    cache = ReadCache(4)
    cache.put("a", 1, [A.value], cache.token())
    cache.put("b", 2, [B.value], cache.token(), weight=2)
    assert (cache.stats().entries, cache.stats().size) == (2, 3)
    cache.put("c", 3, [C.value], cache.token(), weight=2)  # 5 > 4: the least recently used goes
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (MISSING, 2, 3)
    assert (cache.stats().size, cache.stats().evictions) == (4, 1)
    cache.forget({B})
    assert cache.stats().size == 2
    cache.put("huge", 4, [A.value], cache.token(), weight=5)  # more than the whole cache: not kept
    assert cache.get("huge") is MISSING and cache.get("c") == 3


def test_a_cache_refuses_a_store_other_processes_write():
    store = OxigraphStore()
    store.capabilities = Capabilities(name="shared", exclusive=False)
    with pytest.raises(ValueError, match="written by other processes"):
        ReadCache(10).watch(store)


def test_packed_descriptions_give_back_the_same_terms():
    d = Description(
        [
            (A, v.RDFS.label, Literal("orders")),
            (A, v.RDFS.label, Literal("commandes", language="fr")),
            (A, v.ROW_COUNT, Literal(42)),
            (A, v.RDF.type, v.DCAT.Dataset),
        ]
    )
    back = Description.unpacked({A.value: d.packed(A.value)})
    for p in (v.RDFS.label, v.ROW_COUNT, v.RDF.type):
        assert sorted(back.objects(A, p), key=str) == sorted(d.objects(A, p), key=str)
    assert back.objects(B, v.RDFS.label) == []
    merged = Description.merged([back, Description([(B, v.RDFS.label, Literal("b"))])])
    assert merged.text(A, v.ROW_COUNT) == "42" and merged.text(B, v.RDFS.label) == "b"


def test_a_packed_column_description_takes_a_few_hundred_bytes():
    # What the read cache keeps per node, and so how many nodes its memory holds.
    columns = [NamedNode(f"http://example.org/orders/c{i:04d}") for i in range(1000)]
    d = Description(
        triple
        for i, c in enumerate(columns)
        for triple in (
            (c, v.RDF.type, v.CSVW.Column),
            (c, v.DCTERMS.identifier, Literal(f"shop.public.orders.c{i:04d}")),
            (c, v.RDFS.label, Literal(f"c{i:04d}")),
            (c, v.CSVW.datatype, v.XSD.integer),
            (c, v.ORDINAL, Literal(i)),
        )
    )
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [d.packed(c.value) for c in columns]
        each = (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    finally:
        tracemalloc.stop()
    assert each < 500, f"{each:.0f} bytes a column"
    assert Description.unpacked({columns[7].value: kept[7]}).text(columns[7], v.ORDINAL) == "7"
