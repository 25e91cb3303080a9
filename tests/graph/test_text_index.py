"""Search over names and descriptions: the scores a user sees, and a kept index true after every write."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from api.graphql.reader import SEARCHABLE
from api.sample.retail import sample_changeset
from graph import text_index
from graph import vocab as v
from graph.iris import IriMinter
from graph.store import Capabilities
from graph.stores.oxigraph.store import OxigraphStore
from graph.text_index import TextIndex
from graph.write import GraphWriter

G = NamedNode("http://example.org/graph")
ORDERS, ORDER_LINES, CUSTOMERS = (NamedNode(f"http://example.org/dataset/{n}") for n in ("a", "b", "c"))
ORDER_ID = NamedNode("http://example.org/column/order_id")
ORDERS_CONCEPT = NamedNode("http://example.org/concept/orders")


def _small(store: OxigraphStore) -> None:
    def node(iri: NamedNode, cls: NamedNode, *facts: tuple[NamedNode, str]) -> list[Quad]:
        return [Quad(iri, v.RDF.type, cls, G), *(Quad(iri, p, Literal(o), G) for p, o in facts)]

    store.apply(
        [
            *node(ORDERS, v.DCAT.Dataset, (v.DCTERMS.identifier, "Orders")),
            *node(ORDER_LINES, v.DCAT.Dataset, (v.RDFS.label, "order_lines")),
            *node(
                CUSTOMERS, v.DCAT.Dataset, (v.RDFS.label, "customers"), (v.DCTERMS.description, "Who ORDERS")
            ),
            *node(ORDER_ID, v.CSVW.Column, (v.RDFS.label, "the order id")),
            *node(ORDERS_CONCEPT, v.SKOS.Concept, (v.SKOS.prefLabel, "orders")),
            Quad(NamedNode("http://example.org/untyped"), v.RDFS.label, Literal("orders"), G),
        ],
        [],
    )


@pytest.fixture
def store(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    _small(store)
    yield store
    store.close()


@pytest.mark.parametrize("kept", [True, False])
def test_names_score_before_descriptions_case_ignored(store, kept):
    index = TextIndex(store, SEARCHABLE, kept=kept)
    assert index.search("ORDER", [v.DCAT.Dataset, v.CSVW.Column], 10) == [
        (ORDERS, 0.8),  # "Orders" starts with it
        (ORDER_LINES, 0.8),  # ties by IRI
        (ORDER_ID, 0.6),  # "the order id" contains it
        (CUSTOMERS, text_index.DESCRIPTION_SCORE),  # only its description does
    ]
    assert index.search("orders", SEARCHABLE, 10)[:2] == [(ORDERS_CONCEPT, 1.0), (ORDERS, 1.0)]  # by IRI
    assert index.search("orders", [v.SKOS.Concept], 10) == [(ORDERS_CONCEPT, 1.0)]  # untyped nodes never
    assert index.search("order", SEARCHABLE, 1) == [(ORDERS_CONCEPT, 0.8)]  # at most `first`


def test_a_kept_index_sees_each_write_as_a_fresh_read_does(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    GraphWriter(store, IriMinter()).commit(sample_changeset(IriMinter()))
    index = TextIndex(store, SEARCHABLE)
    assert index.search("zanzibar", SEARCHABLE, 10) == []  # built now, before the writes
    column = next(q.subject for q in store.quads(None, v.RDF.type, v.CSVW.Column))
    store.apply([Quad(column, v.DCTERMS.description, Literal("Shipped to Zanzibar"), G)], [])
    assert index.search("zanzibar", SEARCHABLE, 10) == [(column, text_index.DESCRIPTION_SCORE)]

    dataset = NamedNode("http://example.org/dataset/zanzibar_orders")
    store.apply(
        [
            Quad(dataset, v.RDF.type, v.DCAT.Dataset, G),
            Quad(dataset, v.DCTERMS.identifier, Literal("Zanzibar"), G),
        ],
        [],
    )
    assert index.search("zanzibar", SEARCHABLE, 10) == [(dataset, 1.0), (column, 0.3)]
    store.apply([], [Quad(column, v.DCTERMS.description, Literal("Shipped to Zanzibar"), G)])
    assert index.search("zanzibar", SEARCHABLE, 10) == [(dataset, 1.0)]
    fresh = TextIndex(store, SEARCHABLE, kept=False)
    for text in ("customer", "email", "order", "zanzibar"):
        assert index.search(text, SEARCHABLE, 100) == fresh.search(text, SEARCHABLE, 100)
    assert "Zanzibar" in index.identifiers()  # as written, for the close names of an unknown one
    assert sorted(index.identifiers()) == sorted(fresh.identifiers())
    store.close()


def test_a_large_write_rebuilds_a_kept_index(store, monkeypatch):
    monkeypatch.setattr(text_index, "REBUILD_AFTER", 3)
    index = TextIndex(store, SEARCHABLE)
    assert index.search("bulk", SEARCHABLE, 10) == []
    tables = [NamedNode(f"http://example.org/dataset/bulk_{i}") for i in range(5)]
    store.apply(
        [
            Quad(t, p, o, G)
            for t in tables
            for p, o in ((v.RDF.type, v.DCAT.Dataset), (v.RDFS.label, Literal("bulk")))
        ],
        [],
    )
    assert index.search("bulk", SEARCHABLE, 10) == [(t, 1.0) for t in tables]
    reads = index.reads
    index.search("bulk", SEARCHABLE, 10)
    assert index.reads == reads  # up to date: answered from memory


def test_a_store_others_write_is_searched_afresh_never_kept():
    store = OxigraphStore()
    store.capabilities = Capabilities(name="shared", exclusive=False)
    with pytest.raises(ValueError, match="only this process writes"):
        TextIndex(store, SEARCHABLE)
    index = TextIndex(store, SEARCHABLE, kept=False)
    assert index.search("orders", SEARCHABLE, 10) == []
    _small(store)  # as another process's write: no change notice reaches an index that is not kept
    assert index.search("orders", [v.DCAT.Dataset], 10) == [(ORDERS, 1.0), (CUSTOMERS, 0.3)]
