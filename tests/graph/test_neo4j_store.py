"""The Neo4j store: clear, fast connection errors here; atomicity, lineage and read-only Cypher on a live server."""

import socket
import time

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.records import ColumnLineage
from graph.store import Direction, StoreError, StoreUnavailable
from graph.stores.neo4j import queries
from graph.stores.neo4j.store import Neo4jStore
from graph.stores.oxigraph.store import OxigraphStore
from tests.conftest import neo4j_store

EX = "http://example.org/"
G1, G2 = NamedNode(EX + "graph/1"), NamedNode(EX + "graph/2")
S, P, OBJ = NamedNode(EX + "s"), NamedNode(EX + "ns#p"), NamedNode(EX + "o")


def test_an_unreachable_server_is_reported_fast_and_clearly():
    timeout_s = 2.0
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as raised:
        Neo4jStore("bolt://127.0.0.1:1", timeout_s=timeout_s)  # nothing listens on port 1
    assert time.perf_counter() - started < timeout_s + 2
    message = str(raised.value)
    assert message.startswith("cannot reach Neo4j at bolt://127.0.0.1:1: ")
    assert "docker compose up -d neo4j" in message and "DATAGRAPH_STORE" in message
    assert "\n" not in message


def test_a_server_that_never_answers_is_reported_within_the_timeout():
    listener = socket.create_server(("127.0.0.1", 0))  # accepts connections, never speaks Bolt
    port = listener.getsockname()[1]
    try:
        started = time.perf_counter()
        with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
            Neo4jStore(f"bolt://127.0.0.1:{port}", timeout_s=1.0)
        assert time.perf_counter() - started < 1.0 + 2
    finally:
        listener.close()


def test_a_uri_the_driver_cannot_use_is_a_store_error():
    with pytest.raises(StoreError, match="Neo4j URI"):
        Neo4jStore("http://127.0.0.1:1", timeout_s=1.0)
    with pytest.raises(StoreError, match="Neo4j URI"):
        Neo4jStore("bolt://127.0.0.1:notaport", timeout_s=1.0)


# The tests below need a live server.


@pytest.fixture
def live():
    store = neo4j_store()
    yield store
    store.clear()
    store.close()


BASE = [
    Quad(S, v.RDF.type, v.DCAT.Dataset, G1),
    Quad(S, v.DCTERMS.title, Literal("Orders"), G1),
    Quad(S, v.DCTERMS.title, Literal("Commandes", language="fr"), G1),
    Quad(S, v.ORDINAL, Literal(3), G1),
    Quad(S, P, OBJ, G1),
    Quad(S, P, OBJ, G2),
]


def test_a_failing_apply_writes_nothing(live, monkeypatch):
    live.apply(BASE, [])
    before = set(live.quads())
    assert before == set(BASE)
    # The last statement of the transaction fails, after the others have written.
    monkeypatch.setattr(queries, "DELETE_ORPHANS", "THIS IS NOT CYPHER")
    adds = [
        Quad(NamedNode(EX + "new"), v.RDF.type, NamedNode("urn:x-class:New"), G1),
        Quad(NamedNode(EX + "new"), NamedNode("urn:x-predicate:label"), Literal("new"), G1),
        Quad(S, v.DCTERMS.title, Literal("Bestellungen", language="de"), G1),
        Quad(NamedNode(EX + "new"), P, S, G2),
    ]
    with pytest.raises(StoreError, match="nothing of it was written"):
        live.apply(adds, [Quad(S, P, OBJ, G1), Quad(S, v.RDF.type, v.DCAT.Dataset, G1)])
    assert set(live.quads()) == before
    assert live.count() == len(BASE)
    assert live.cypher("MATCH (n:Resource) WHERE n.uri ENDS WITH '/new' RETURN n") == []
    assert live.cypher("MATCH (t:_NsPrefDef) RETURN properties(t) AS table")[0]["table"].get("ns1") is None

    monkeypatch.undo()
    live.apply(adds, [Quad(S, P, OBJ, G1)])
    assert set(live.quads()) == (set(BASE) - {Quad(S, P, OBJ, G1)}) | set(adds)


def test_the_graph_is_projected_the_n10s_way(live):
    live.apply(BASE, [])
    rows = live.cypher(
        "MATCH (d:Resource:dcat__Dataset)-[r:ns0__p]->(o:Resource) "
        "RETURN d.uri AS uri, d.dcterms__title AS titles, d.dg__ordinalPosition AS position, "
        "r.graph AS graph, o.uri AS object ORDER BY graph"
    )
    assert rows == [
        {
            "uri": S.value,
            "titles": ["Orders", "Commandes"],
            "position": 3,
            "graph": G1.value,
            "object": OBJ.value,
        },
        {
            "uri": S.value,
            "titles": ["Orders", "Commandes"],
            "position": 3,
            "graph": G2.value,
            "object": OBJ.value,
        },
    ]
    assert live.class_counts() == {v.DCAT.Dataset.value: 1}
    assert live.named_graphs() == [G1, G2]
    assert (live.count(), live.count(G2)) == (len(BASE), 1)


def test_awkward_literals_and_predicates_round_trip(live):
    odd = NamedNode("http://example.org/ns#we!rd$&'()*+,;=@-._~p%20q")
    quads = [
        Quad(S, odd, Literal("x"), G1),
        Quad(S, odd, Literal(1), G1),
        Quad(S, odd, Literal(True), G2),
        Quad(S, odd, OBJ, G1),
        Quad(OBJ, v.RDF.type, odd, G1),
        Quad(S, P, Literal("2.5", datatype=v.XSD.double), G1),
        Quad(S, P, Literal("007", datatype=v.XSD.integer), G1),
        Quad(
            S,
            P,
            Literal("POINT(1 2)", datatype=NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")),
            G1,
        ),
    ]
    live.apply(quads, [])
    assert set(live.quads()) == set(quads)
    assert set(live.quads(S, odd, None, G1)) == {quads[0], quads[1], quads[3]}
    assert set(live.quads(None, None, odd)) == {quads[4]}
    live.apply([], quads)
    assert live.count() == 0 and live.cypher("MATCH (n:Resource) RETURN n") == []


@pytest.fixture
def lineage_graph(iris):
    #   a -copy-> b -hash-> c
    #             b ------> d   (no kind)
    a, b, c, d = (NamedNode(EX + name) for name in "abcd")
    records = [ColumnLineage(b, a, "copy"), ColumnLineage(c, b, "hash"), ColumnLineage(d, b)]
    quads = [Quad(s, p, o, G1) for r in records for s, p, o in r.to_triples(iris)]
    return quads, (a, b, c, d)


def hop_set(hops):
    return {(h.near, h.far, h.direction, h.kind) for h in hops}


def test_lineage_hops_are_those_of_the_hand_built_graph(live, lineage_graph):
    quads, (a, b, c, d) = lineage_graph
    live.apply(quads, [])
    oxigraph = OxigraphStore()
    oxigraph.apply(quads, [])
    up, down = Direction.UPSTREAM, Direction.DOWNSTREAM
    expected = {
        (c, up, None): {(c, b, up, v.HASH), (b, a, up, v.COPY)},
        (a, down, None): {(a, b, down, v.COPY), (b, c, down, v.HASH), (b, d, down, None)},
        (a, down, 1): {(a, b, down, v.COPY)},
        (b, Direction.BOTH, 1): {(b, a, up, v.COPY), (b, c, down, v.HASH), (b, d, down, None)},
        (c, Direction.BOTH, 2): {(c, b, up, v.HASH), (b, a, up, v.COPY)},
    }
    for (start, direction, depth), hops in expected.items():
        found, truncated = live.lineage_hops([start], direction, depth, 100)
        assert hop_set(found) == hops, (start, direction, depth)
        assert hop_set(oxigraph.lineage_hops([start], direction, depth, 100)[0]) == hops
        assert not truncated
    found, truncated = live.lineage_hops([a], down, None, 2)
    assert len(found) == 2 and truncated


def test_cypher_answers_reads_and_refuses_writes(live):
    live.apply(BASE, [])
    assert live.cypher("MATCH (n:Resource) RETURN count(n) AS n") == [{"n": 2}]
    with pytest.raises(ValueError, match="read-only"):
        live.cypher("CREATE (:Intruder) RETURN 1")
    with pytest.raises(ValueError, match="read-only"):
        live.cypher("MATCH (n:Resource) DETACH DELETE n")
    with pytest.raises(ValueError, match="not a valid Cypher query"):
        live.cypher("MATCH (n RETURN n")
    assert live.cypher("MATCH (n:Intruder) RETURN n") == []
    assert live.count() == len(BASE)


@pytest.mark.parametrize("text", [queries.existing_relationships, queries.delete_relationships])
def test_relationships_are_found_from_both_ends_not_by_scanning_one(live, text):
    """An object such as dg:copy has a relationship per lineage edge: expanding from it is quadratic."""
    with live._session() as session:
        plan = session.run("EXPLAIN " + text("dg__transformation"), rows=[]).consume().plan

    def operators(step):
        yield step["operatorType"].split("@")[0]
        for child in step.get("children", []):
            yield from operators(child)

    found = list(operators(plan))
    assert "Expand(Into)" in found and "Expand(All)" not in found, found
