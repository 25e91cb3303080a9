"""The store contract: every backend that is reachable here must pass all of it."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.rdf_io import deskolemize, import_file
from graph.write import GraphWriter
from tests.conftest import shared_data

EX = "http://ex/"
G1, G2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
S, P, OBJ = NamedNode(EX + "s"), NamedNode(EX + "p"), NamedNode(EX + "o")

LITERALS = [
    Literal("plain"),
    Literal("chat", language="fr"),
    Literal('Grüße, "quoted"\nnew line'),
    Literal("42", datatype=v.XSD.integer),
    Literal("true", datatype=v.XSD.boolean),
    Literal("2024-05-01", datatype=v.XSD.date),
    Literal("POINT(1 2)", datatype=NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")),
]


def test_quads_are_kept_per_named_graph(store):
    quads = [Quad(S, P, lit, G1) for lit in LITERALS] + [Quad(S, P, OBJ, G1), Quad(S, P, OBJ, G2)]
    store.apply(quads, [])
    assert sorted(map(str, store.quads(graph=G1))) == sorted(map(str, quads[:-1]))
    assert [q.graph_name for q in store.quads(S, P, OBJ)] == sorted([G1, G2], key=str) or {
        q.graph_name for q in store.quads(S, P, OBJ)
    } == {G1, G2}
    assert store.contains(Quad(S, P, Literal("chat", language="fr"), G1))
    assert not store.contains(Quad(S, P, Literal("chat", language="en"), G1))
    assert set(store.named_graphs()) == {G1, G2}
    assert (store.count(), store.count(G1), store.count(G2)) == (len(quads), len(quads) - 1, 1)


def test_existing_picks_out_exactly_the_stored_quads(store):
    stored = [Quad(S, P, lit, G1) for lit in LITERALS] + [
        Quad(S, P, OBJ, G1),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G1),
        Quad(OBJ, v.RDF.type, v.DCAT.Dataset, G2),
    ]
    store.apply(stored, [])
    absent = [
        Quad(S, P, Literal("plain"), G2),  # stored, but in another graph
        Quad(S, P, Literal("chat", language="en"), G1),
        Quad(S, P, Literal("42"), G1),  # the string, not the integer
        Quad(OBJ, P, S, G1),  # the relationship the other way round
        Quad(S, v.RDF.type, v.DCAT.Dataset, G2),
        Quad(S, NamedNode("http://never/stored#p"), OBJ, G1),  # a predicate nothing uses
        Quad(S, P, OBJ),  # the default graph: nothing is stored there
    ]
    assert store.existing(stored + absent) == set(stored)
    assert store.existing(absent) == set() and store.existing([]) == set()


def test_apply_removes_then_adds(store):
    store.apply([Quad(S, P, Literal("1"), G1), Quad(S, P, OBJ, G1)], [])
    store.apply([Quad(S, P, Literal("2"), G1)], [Quad(S, P, Literal("1"), G1)])
    assert {str(q.object) for q in store.quads(S, P, None, G1)} == {str(OBJ), '"2"'}


def test_class_counts(store):
    store.apply(
        [Quad(NamedNode(EX + f"d{i}"), v.RDF.type, v.DCAT.Dataset, G1) for i in range(3)]
        + [Quad(NamedNode(EX + "d0"), v.RDF.type, v.DCAT.Dataset, G2)],
        [],
    )
    assert store.class_counts()[v.DCAT.Dataset.value] == 3


ONTOLOGIES = [
    "w3c_ns/dcat3.ttl",
    "w3c_ns/prov-o.ttl",
    "w3c_ns/csvw.ttl",
    "w3c_ns/shacl.ttl",
    "w3c_ns/dqv.ttl",
    "w3c_ns/odrl/2/ODRL22.ttl",
    "skos_dcterms_harvest/skos.ttl",
    "skos_dcterms_harvest/dcterms.ttl",
    "dpv/dpv/dpv.ttl",
    "dpv/pd/pd.ttl",
]


@pytest.mark.parametrize("relative", ONTOLOGIES)
def test_ontology_files_round_trip_with_no_triple_lost(store, iris, relative):
    path = shared_data("ontologies/" + relative)
    graph = iris.source_graph(f"file:{relative}")
    loaded = import_file(Path(path), iris, graph=graph)
    GraphWriter(store, iris).commit(loaded.changeset)
    original = ox.Dataset(store.canonical(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))))
    back = ox.Dataset(
        Quad(q.subject, q.predicate, q.object) for q in deskolemize(store.quads(graph=graph), iris)
    )
    assert len(back) == len(original) > 0  # the file may repeat a triple; a graph holds it once
    original.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    back.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert back == original
