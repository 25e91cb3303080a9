"""The RDF <-> Neo4j projection without a server: n10s-shaped, storable by Neo4j, and lossless."""

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyoxigraph import BaseDirection, BlankNode, Literal, NamedNode, Quad

from graph import vocab as v
from graph.stores.neo4j import queries
from graph.stores.neo4j.projection import (
    RESOURCE,
    Prefixes,
    ProjectedGraph,
    check,
    names_to_learn,
    plan,
    project,
    split_iri,
)

ONTOLOGIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "ontologies"

EX = "http://example.org/"
G1, G2 = NamedNode(EX + "graph/1"), NamedNode(EX + "graph/2")
S, OBJ = NamedNode(EX + "s"), NamedNode(EX + "o")
P = NamedNode(EX + "ns#p")
GEO_WKT = NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")


def round_trip(quads: list[Quad]) -> tuple[ProjectedGraph, list[Quad]]:
    """Project the quads, then read them back with the prefix table as a new reader would load it."""
    prefixes = Prefixes()
    graph = project(quads, prefixes)
    assert_storable(graph)
    back = list(graph.quads(Prefixes(dict(prefixes.table))))
    return graph, back


def assert_storable(graph: ProjectedGraph) -> None:
    """Every property is a value Neo4j can store: a string, int64, float or boolean, or a list of one of them."""
    for uri, node in graph.nodes.items():
        assert RESOURCE in node.labels
        assert all(label for label in node.labels)
        for key, value in node.properties.items():
            values = value if isinstance(value, list) else [value]
            assert values, (uri, key)
            assert len({type(x) for x in values}) == 1, f"mixed list under {key} on {uri}: {values}"
            assert type(values[0]) in (str, int, float, bool), (uri, key, values)
            assert all(-(2**63) <= x < 2**63 for x in values if type(x) is int), (uri, key)


def skolemized(quads, graph: NamedNode) -> list[Quad]:
    def ground(term):
        return NamedNode("urn:bnode:" + term.value) if isinstance(term, BlankNode) else term

    return list(dict.fromkeys(Quad(ground(q.subject), q.predicate, ground(q.object), graph) for q in quads))


def ontology_files():
    if not ONTOLOGIES.is_dir():
        reason = "external test material not found: ../shared/data/ontologies"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(p, id=str(p.relative_to(ONTOLOGIES))) for p in sorted(ONTOLOGIES.rglob("*.ttl"))]


@pytest.mark.parametrize("path", ontology_files())
def test_every_ontology_file_round_trips_with_no_quad_lost(path):
    try:
        parsed = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
    except (SyntaxError, ValueError, OSError) as e:
        pytest.skip(f"pyoxigraph cannot parse {path}: {e}")
    quads = skolemized(parsed, NamedNode("urn:graph:" + path.name))
    graph, back = round_trip(quads)
    assert len(back) == len(set(back)) == len(quads) > 0
    assert set(back) == set(quads)
    assert sum(len(n.labels) - 1 for n in graph.nodes.values()) == len(
        {(q.subject, q.object) for q in quads if q.predicate == v.RDF.type}
    )


def test_types_become_n10s_labels_and_literals_properties():
    d = NamedNode(EX + "orders")
    quads = [
        Quad(d, v.RDF.type, v.DCAT.Dataset, G1),
        Quad(d, v.DCTERMS.title, Literal("Orders"), G1),
        Quad(d, v.ORDINAL, Literal(3), G1),
        Quad(d, v.PROV.wasDerivedFrom, OBJ, G1),
    ]
    graph, back = round_trip(quads)
    node = graph.nodes[d.value]
    assert node.labels == {RESOURCE, "dcat__Dataset"}
    assert node.properties["dcterms__title"] == "Orders"  # one value: the value, not a list
    assert node.properties["dg__ordinalPosition"] == 3
    assert "dcterms__title#datatype" not in node.properties  # plain strings and natives need no code
    assert node.properties["dcterms__title#graph"] == [G1.value]
    assert node.properties["_type"] == [v.DCAT.Dataset.value]
    assert (d.value, "prov__wasDerivedFrom", OBJ.value, G1.value) in graph.relationships
    assert graph.nodes[OBJ.value].properties == {"uri": OBJ.value}  # a resource used only as an object
    assert sorted(map(str, back)) == sorted(map(str, quads))


def test_language_tags_and_directions_are_kept():
    quads = [
        Quad(S, P, Literal("chat", language="fr"), G1),
        Quad(S, P, Literal("colour", language="en-GB"), G1),
        Quad(S, P, Literal("سلام", language="ar", direction=BaseDirection.RTL), G1),
        Quad(S, P, Literal("chat"), G1),
    ]
    graph, back = round_trip(quads)
    props = graph.nodes[S.value].properties
    assert props["ns0__p"] == ["chat", "colour", "سلام", "chat"]
    assert props["ns0__p#datatype"] == ["@fr", "@en-gb", "@ar--rtl", ""]
    assert set(back) == set(quads)


@pytest.mark.parametrize(
    ("literal", "stored"),
    [
        (Literal("plain"), "plain"),
        (Literal("42"), "42"),  # a string that looks like a number stays a string
        (Literal(42), 42),
        (Literal(-7), -7),
        (Literal(True), True),
        (Literal(False), False),
        (Literal("2.5", datatype=v.XSD.double), 2.5),
        (Literal("1.0E0", datatype=v.XSD.double), "1.0E0"),  # not the float's own spelling: lexical kept
        (Literal("007", datatype=v.XSD.integer), "007"),
        (Literal("+5", datatype=v.XSD.integer), "+5"),
        (Literal(str(2**70), datatype=v.XSD.integer), str(2**70)),  # beyond a Neo4j integer
        (Literal("1", datatype=v.XSD.boolean), "1"),
        (Literal("NaN", datatype=v.XSD.double), "NaN"),
        (Literal("-0.0", datatype=v.XSD.double), "-0.0"),
        (Literal("2024-05-01", datatype=v.XSD.date), "2024-05-01"),
        (Literal("12.50", datatype=v.XSD.decimal), "12.50"),
        (Literal("POINT(1 2)", datatype=GEO_WKT), "POINT(1 2)"),
        (Literal("", datatype=NamedNode("urn:x-datatype:empty")), ""),
    ],
)
def test_literals_are_native_where_lossless_and_lexical_with_datatype_otherwise(literal, stored):
    quad = Quad(S, P, literal, G1)
    graph, back = round_trip([quad])
    props = graph.nodes[S.value].properties
    assert props["ns0__p"] == stored and type(props["ns0__p"]) is type(stored)
    native = type(stored) is not str or literal.datatype == v.XSD.string
    assert ("ns0__p#datatype" in props) is not native
    assert back == [quad]


def test_mixed_values_of_one_predicate_fall_back_to_lexical_forms():
    quads = [
        Quad(S, P, Literal(1), G1),
        Quad(S, P, Literal("one"), G1),
        Quad(S, P, Literal(True), G1),
        Quad(S, P, Literal("1.5", datatype=v.XSD.double), G1),
    ]
    graph, back = round_trip(quads)
    props = graph.nodes[S.value].properties
    assert props["ns0__p"] == ["1", "one", "true", "1.5"]  # a Neo4j list holds one type
    assert props["ns0__p#datatype"] == [v.XSD.integer.value, "", v.XSD.boolean.value, v.XSD.double.value]
    assert set(back) == set(quads)


def test_the_same_triple_in_two_graphs_is_kept_twice():
    quads = [
        Quad(S, P, Literal("x"), G1),
        Quad(S, P, Literal("x"), G2),
        Quad(S, P, OBJ, G1),
        Quad(S, P, OBJ, G2),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G1),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G2),
    ]
    graph, back = round_trip(quads)
    props = graph.nodes[S.value].properties
    assert props["ns0__p"] == ["x", "x"] and props["ns0__p#graph"] == [G1.value, G2.value]
    assert props["_type#graph"] == [G1.value, G2.value]
    assert len(graph.relationships) == 2
    assert sorted(map(str, back)) == sorted(map(str, quads))


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org/ns#we!rd$&'()*+,;=@-._~p%20q",
        "http://example.org/vocab/",  # no local name
        "http://example.org/a#b/c:d",
        "urn:isbn:0451450523",
        "http://example.org/größe",
        "http://example.org/dots.and-dashes.v2",
    ],
)
def test_predicates_awkward_in_cypher_names_round_trip(iri):
    predicate = NamedNode(iri)
    quads = [
        Quad(S, predicate, Literal("value"), G1),
        Quad(S, predicate, OBJ, G1),
        Quad(OBJ, v.RDF.type, NamedNode(iri), G1),
    ]
    graph, back = round_trip(quads)
    assert set(back) == set(quads)
    (key,) = [k for k in graph.nodes[S.value].properties if "__" in k and "#" not in k]
    (rel_type,) = {t for _, t, _, _ in graph.relationships}
    assert key == rel_type and key.startswith("ns")
    assert queries.quote(key) in queries.merge_relationships(key)


def test_rdf_type_with_a_literal_object_is_a_property_not_a_label():
    quads = [Quad(S, v.RDF.type, Literal("not a class"), G1), Quad(S, v.RDF.type, OBJ, G1)]
    graph, back = round_trip(quads)
    assert graph.nodes[S.value].properties["rdf__type"] == "not a class"
    assert set(back) == set(quads)


def test_removals_then_additions_change_the_projection_as_the_quads_change():
    base = [
        Quad(S, P, Literal("a"), G1),
        Quad(S, P, Literal("b"), G1),
        Quad(S, P, Literal("b"), G2),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G1),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G2),
        Quad(S, P, OBJ, G1),
        Quad(OBJ, P, Literal(1), G1),
    ]
    prefixes = Prefixes()
    graph = project(base, prefixes)
    removes = [
        Quad(S, P, Literal("b"), G1),
        Quad(S, v.RDF.type, v.DCAT.Dataset, G1),
        Quad(S, P, OBJ, G1),
        Quad(OBJ, P, Literal(1), G1),
        Quad(S, P, Literal("never stored"), G1),  # ignored
        Quad(S, NamedNode("urn:unknown:predicate"), OBJ, G1),  # ignored
    ]
    adds = [Quad(S, P, Literal(2), G2), Quad(S, P, Literal("a"), G1)]  # "a" is there already
    prefixes.learn(names_to_learn(adds))
    graph.apply(plan(adds, removes, prefixes))
    assert_storable(graph)
    expected = (set(base) - set(removes)) | set(adds)
    assert set(graph.quads(prefixes)) == expected
    assert "dcat__Dataset" in graph.nodes[S.value].labels  # still typed in G2
    assert OBJ.value not in graph.nodes  # nothing is left on it

    graph.apply(plan([], [Quad(S, v.RDF.type, v.DCAT.Dataset, G2)], prefixes))
    assert graph.nodes[S.value].labels == {RESOURCE}
    assert "_type" not in graph.nodes[S.value].properties


def test_the_prefix_table_is_stable_and_reversible():
    prefixes = Prefixes()
    new = prefixes.learn([v.DCAT.Dataset.value, EX + "a#x", EX + "b/y", EX + "a#z"])
    assert new["dcat"] == v.DCAT.iri and new["ns0"] == EX + "a#" and new["ns1"] == EX + "b/"
    assert prefixes.learn([EX + "a#w", v.PROV.wasDerivedFrom.value]) == {}
    assert prefixes.shorten(v.DCAT.Dataset.value) == "dcat__Dataset"
    assert prefixes.shorten("urn:nowhere:x") is None
    # As read back from the _NsPrefDef node (keys of our own, such as a lock, are not prefixes).
    reloaded = Prefixes({**prefixes.table, "_lock": True})
    for iri in (EX + "a#x", EX + "b/y", v.DCAT.Dataset.value):
        assert reloaded.shorten(iri) == prefixes.shorten(iri)
        assert reloaded.expand(prefixes.shorten(iri)) == iri
    assert reloaded.expand("uri") is None and reloaded.expand("nope__x") is None
    assert reloaded.learn([EX + "c#q"]) == {"ns2": EX + "c#"}


def test_an_iri_splits_into_namespace_and_a_local_name_free_of_separators():
    assert split_iri("http://www.w3.org/ns/dcat#Dataset") == ("http://www.w3.org/ns/dcat#", "Dataset")
    assert split_iri("http://example.org/a#b/c") == ("http://example.org/a#b/", "c")
    assert split_iri("urn:isbn:123") == ("urn:isbn:", "123")
    assert split_iri("http://example.org/") == ("http://example.org/", "")


def test_only_ground_quads_in_named_graphs_are_accepted():
    with pytest.raises(ValueError, match="named graphs"):
        check([Quad(S, P, OBJ)])
    with pytest.raises(ValueError, match="skolemize"):
        check([Quad(S, P, BlankNode("b"), G1)])


def test_names_are_quoted_and_values_never_enter_a_query():
    assert queries.quote("ns0__a`b") == "`ns0__a``b`"
    with pytest.raises(ValueError):
        queries.quote("ns0__a\\u0060b")
    text = queries.merge_relationships("prov__wasDerivedFrom")
    assert "`prov__wasDerivedFrom`" in text and "$rows" in text


@pytest.mark.parametrize(("depth", "pattern"), [(None, "*0..]"), (3, "*0..2]"), (1, None)])
def test_lineage_is_one_variable_length_query(depth, pattern):
    types = queries.LineageTypes("prov__wasDerivedFrom", "prov__qualifiedDerivation", "prov__entity", "dg__t")
    text = queries.lineage(types, upstream=True, downstream=True, depth=depth)
    assert text.count(" UNION ") == 1 and text.count("LIMIT $limit") == 2
    if pattern is None:
        assert "*" not in text
    else:
        assert text.count(pattern) == 2
    assert "(near)-[:`prov__wasDerivedFrom`]->(far:Resource)" in text
    assert "(near)<-[:`prov__wasDerivedFrom`]-(far:Resource)" in text


def test_the_projection_modules_do_not_import_the_driver():
    code = (
        "import sys, graph.stores.neo4j.projection, graph.stores.neo4j.queries, api.cli; "
        "sys.exit('neo4j' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
