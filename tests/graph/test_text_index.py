"""The in-memory search index: the same answers as the store's own search, and true after every write."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from api.graphql.reader import NODE_TYPES, CatalogReader
from api.sample.retail import sample_changeset
from graph import text_index
from graph import vocab as v
from graph.iris import IriMinter
from graph.store import Capabilities
from graph.stores.oxigraph.store import OxigraphStore
from graph.text_index import TextIndex
from graph.write import GraphWriter

CLASSES = [cls for cls, _ in NODE_TYPES]
G = NamedNode("http://example.org/graph")


@pytest.fixture
def catalog(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    GraphWriter(store, IriMinter()).commit(sample_changeset(IriMinter()))
    yield store
    store.close()


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("customer", CLASSES),  # names and descriptions, every kind of node
        ("EMAIL", [v.CSVW.Column]),  # case ignored; columns only
        ("orders", [v.DCAT.Dataset]),
        ("lifetime", [v.SKOS.Concept, v.DCAT.Dataset]),
        ("no such words anywhere", CLASSES),
    ],
)
def test_the_index_answers_as_the_store_does(catalog, text, classes):
    from_store = CatalogReader(catalog).search(text, classes, 50)
    from_index = CatalogReader(catalog, text_index=TextIndex(catalog, CLASSES)).search(text, classes, 50)
    assert from_index == from_store
    if text != "no such words anywhere":
        assert from_index  # the sample has matches: the comparison is not of two empty lists


def test_a_write_is_seen_by_the_next_search(catalog):
    index = TextIndex(catalog, CLASSES)
    assert index.search("zanzibar", CLASSES, 10) == []  # built now, before the writes
    column = next(q.subject for q in catalog.quads(None, v.RDF.type, v.CSVW.Column))
    catalog.apply([Quad(column, v.DCTERMS.description, Literal("Shipped to Zanzibar"), G)], [])
    assert index.search("zanzibar", CLASSES, 10) == [(column, text_index.DESCRIPTION_SCORE)]

    dataset = NamedNode("http://example.org/dataset/zanzibar_orders")
    catalog.apply(
        [
            Quad(dataset, v.RDF.type, v.DCAT.Dataset, G),
            Quad(dataset, v.DCTERMS.identifier, Literal("Zanzibar"), G),
        ],
        [],
    )
    assert index.search("zanzibar", CLASSES, 10) == [(dataset, 1.0), (column, 0.3)]
    catalog.apply([], [Quad(column, v.DCTERMS.description, Literal("Shipped to Zanzibar"), G)])
    assert index.search("zanzibar", CLASSES, 10) == [(dataset, 1.0)]


def test_a_large_write_rebuilds_the_index(catalog, monkeypatch):
    monkeypatch.setattr(text_index, "REBUILD_AFTER", 3)
    index = TextIndex(catalog, CLASSES)
    assert index.search("bulk", CLASSES, 10) == []
    tables = [NamedNode(f"http://example.org/dataset/bulk_{i}") for i in range(5)]
    catalog.apply(
        [
            Quad(t, p, o, G)
            for t in tables
            for p, o in ((v.RDF.type, v.DCAT.Dataset), (v.RDFS.label, Literal("bulk")))
        ],
        [],
    )
    assert index.search("bulk", CLASSES, 10) == [(t, 1.0) for t in tables]


def test_an_index_refuses_a_store_other_processes_write():
    store = OxigraphStore()
    store.capabilities = Capabilities(name="shared", exclusive=False)
    with pytest.raises(ValueError, match="only this process writes"):
        TextIndex(store, CLASSES)
