"""core.ttl declares every dg: term of graph.vocab, reuses standard vocabularies, and HermiT accepts it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import owlready2
import pytest
import rdflib
from pyoxigraph import NamedNode
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph import vocab
from ontology import core_ontology_path
from ontology.reasoning import OntologyCheck, check_ontology

DG = str(vocab.DG)
DCAT = rdflib.Namespace(str(vocab.DCAT))
PROV = rdflib.Namespace(str(vocab.PROV))
CSVW = rdflib.Namespace(str(vocab.CSVW))
ONTOLOGY_IRI = URIRef("https://w3id.org/datagraph/ns")
XSD_INTEGER = URIRef(str(vocab.XSD) + "integer")
XSD_BOOLEAN = URIRef(str(vocab.XSD) + "boolean")

# Declared in core.ttl although graph/vocab.py does not name them.
EXTRA_TERMS = {DG + "DirectTransformation", DG + "IndirectTransformation"}
DIRECT_KINDS = {"copy", "expression", "aggregation", "hash"}
DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
}

# Reference copies of the standard vocabularies, read in place (never copied into the project).
STANDARD_ONTOLOGIES = Path("/work/shared/data/ontologies")

requires_java = pytest.mark.skipif(
    shutil.which(owlready2.JAVA_EXE) is None,
    reason=f"HermiT needs a Java runtime and {owlready2.JAVA_EXE!r} is not on PATH",
)

# A small catalogue written the way the platform writes it, one example of each pattern.
SAMPLE_DATA = """
@prefix dg: <https://w3id.org/datagraph/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix csvw: <http://www.w3.org/ns/csvw#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix odrl: <http://www.w3.org/ns/odrl/2/> .
@prefix dpv: <https://w3id.org/dpv#> .
@prefix pd: <https://w3id.org/dpv/pd#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sssom: <https://w3id.org/sssom/> .
@prefix semapv: <https://w3id.org/semapv/vocab/> .
@prefix ex: <urn:example:> .

ex:postgres a dg:Platform ; rdfs:label "postgres" .
ex:shop a dg:Database ; dg:platform ex:postgres ; dcat:catalog ex:public .
ex:public a dg:Schema ; dcat:dataset ex:users, ex:users_clean .
ex:users a dg:Table ; dg:platform ex:postgres ; rdfs:label "users" ; dcterms:description "Registered users." ;
    dg:hasColumn ex:users.email ; dg:owner ex:data_team ; dg:technicalOwner ex:alice ;
    dg:businessOwner ex:bob ; dg:dataSteward ex:alice ; dg:tag ex:pii ; odrl:hasPolicy ex:mask_pii ;
    dg:concept ex:customer .
ex:users.email a csvw:Column ; rdfs:label "email" ; csvw:datatype xsd:string ; dg:nativeType "varchar(255)" ;
    csvw:required true ; dg:ordinalPosition 2 ; dcterms:description "Login e-mail." ;
    dpv:hasPersonalData pd:EmailAddress ; dg:concept ex:email_address .
ex:users_clean a dg:View, dg:DbtModel ; dg:hasColumn ex:users_clean.email_hash ;
    prov:wasDerivedFrom ex:users ;
    prov:qualifiedDerivation [ a dg:DatasetLineage ; prov:entity ex:users ; dg:transformation dg:Filter ;
        prov:hadActivity ex:build_users_clean ] ;
    prov:wasGeneratedBy ex:run_1 .
ex:users_clean.email_hash a csvw:Column ; rdfs:label "email_hash" ; prov:wasDerivedFrom ex:users.email ;
    prov:qualifiedDerivation [ a dg:ColumnLineage ; prov:entity ex:users.email ; dg:transformation dg:Hash ;
        dg:sqlExpression "sha256(lower(email))" ; prov:hadActivity ex:build_users_clean ] .
ex:build_users_clean a dg:Job ; rdfs:label "dbt run users_clean" ; dg:owner ex:alice .
ex:run_1 a dg:Run ; dg:runOf ex:build_users_clean ; dg:runState "COMPLETE" ; prov:used ex:users .
ex:alice a prov:Person ; rdfs:label "Alice" ; dg:email "alice@example.org" .
ex:bob a prov:Person ; rdfs:label "Bob" .
ex:data_team a dg:Team ; rdfs:label "Data platform" ; dg:email "data@example.org" .
ex:pii a dg:Tag ; rdfs:label "pii" .
ex:glossary a dg:Glossary ; rdfs:label "Business glossary" .
ex:customer a skos:Concept ; skos:inScheme ex:glossary ; skos:prefLabel "Customer"@en .
ex:email_address a skos:Concept ; skos:inScheme ex:glossary ; skos:prefLabel "E-mail address"@en .
ex:mask_pii a odrl:Policy .
ex:report a sh:ValidationReport ; sh:conforms true .
ex:mapping_1 a sssom:Mapping ; sssom:subject_id ex:users.email ; sssom:predicate_id skos:exactMatch ;
    sssom:object_id ex:email_address ; sssom:confidence 0.9 ;
    sssom:mapping_justification semapv:LexicalMatching .
ex:change_1 a dg:Change ; dg:actor "alice" ; dg:reason "initial load" ; dg:added 42 ; dg:removed 0 ;
    dg:affectsGraph ex:graph_catalog .
ex:conversation_1 a dg:Conversation .
ex:turn_1 a dg:Turn ; dg:turnOf ex:conversation_1 ; dg:turnIndex 0 ; dg:question "Who owns users?" ;
    dg:answer "Alice is its technical owner." ; dg:query "SELECT ?o WHERE { ?d dg:owner ?o }" ;
    dg:about ex:users .
"""


@pytest.fixture(autouse=True)
def _reasoner_temp_files_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """owlready2 leaves its N-Triples temp file behind when HermiT fails: keep those in tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture(scope="module")
def core() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(core_ontology_path(), format="turtle")
    return graph


def _merged(tmp_path: Path, *turtle: str, files: tuple[Path, ...] = ()) -> Path:
    """core.ttl plus extra Turtle text and files, written to one Turtle file under tmp_path."""
    graph = rdflib.Graph()
    graph.parse(core_ontology_path(), format="turtle")
    for text in turtle:
        graph.parse(data=text, format="turtle")
    for path in files:
        graph.parse(path)
    out = tmp_path / "merged.ttl"
    graph.serialize(out, format="turtle")
    return out


def _dg_iris(graph: rdflib.Graph) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(DG)}


def _english(graph: rdflib.Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


def test_core_path_is_inside_the_package() -> None:
    path = core_ontology_path()
    assert path.name == "core.ttl"
    assert path.is_file()


def test_core_parses_as_an_owl_ontology(core: rdflib.Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in core
    assert core.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert _english(core, ONTOLOGY_IRI, RDFS.label)
    assert _english(core, ONTOLOGY_IRI, RDFS.comment)
    assert not list(core.objects(None, OWL.imports)), "core.ttl must not import anything (nothing is fetched)"


def test_every_vocab_term_is_declared_and_documented(core: rdflib.Graph) -> None:
    terms = vocab.dg_terms()
    assert terms, "graph.vocab names no dg: terms"
    problems = []
    for iri in sorted(terms | EXTRA_TERMS):
        term = URIRef(iri)
        if not set(core.objects(term, RDF.type)) & DECLARATION_TYPES:
            problems.append(f"{iri}: no OWL declaration")
        if not _english(core, term, RDFS.label):
            problems.append(f"{iri}: no English rdfs:label")
        if not _english(core, term, RDFS.comment):
            problems.append(f"{iri}: no English rdfs:comment")
    assert not problems, "\n".join(problems)


def test_core_uses_no_dg_term_outside_vocab(core: rdflib.Graph) -> None:
    unknown = _dg_iris(core) - vocab.dg_terms() - EXTRA_TERMS
    assert not unknown, f"dg: terms in core.ttl that graph/vocab.py does not name (typos?): {sorted(unknown)}"


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (vocab.TABLE, vocab.DCAT.Dataset),
        (vocab.VIEW, vocab.DCAT.Dataset),
        (vocab.FILE, vocab.DCAT.Dataset),
        (vocab.DBT_MODEL, vocab.DCAT.Dataset),
        (vocab.DATABASE, vocab.DCAT.Catalog),
        (vocab.SCHEMA, vocab.DCAT.Catalog),
        (vocab.DATASET_LINEAGE, vocab.PROV.Derivation),
        (vocab.COLUMN_LINEAGE, vocab.PROV.Derivation),
        (vocab.JOB, vocab.PROV.Activity),
        (vocab.RUN, vocab.PROV.Activity),
        (vocab.CHANGE, vocab.PROV.Activity),
        (vocab.TEAM, vocab.PROV.Organization),
        (vocab.TAG, vocab.SKOS.Concept),
        (vocab.GLOSSARY, vocab.SKOS.ConceptScheme),
        (vocab.DG.DirectTransformation, vocab.TRANSFORMATION_KIND),
        (vocab.DG.IndirectTransformation, vocab.TRANSFORMATION_KIND),
    ],
    ids=lambda node: node.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
)
def test_class_hierarchy(core: rdflib.Graph, sub: NamedNode, sup: NamedNode) -> None:
    assert (URIRef(sub.value), RDFS.subClassOf, URIRef(sup.value)) in core


def test_owner_roles_are_sub_properties_of_owner(core: rdflib.Graph) -> None:
    owner = URIRef(vocab.OWNER.value)
    assert core.value(owner, RDFS.range) == PROV.Agent
    for role in (vocab.TECHNICAL_OWNER, vocab.BUSINESS_OWNER, vocab.DATA_STEWARD):
        assert (URIRef(role.value), RDFS.subPropertyOf, owner) in core


def test_transformation_kinds_are_direct_or_indirect_individuals(core: rdflib.Graph) -> None:
    direct = URIRef(vocab.DG.DirectTransformation.value)
    indirect = URIRef(vocab.DG.IndirectTransformation.value)
    assert (direct, OWL.disjointWith, indirect) in core or (indirect, OWL.disjointWith, direct) in core
    for code, node in vocab.TRANSFORMATION_KINDS.items():
        kind = URIRef(node.value)
        types = set(core.objects(kind, RDF.type))
        assert OWL.NamedIndividual in types, code
        assert (direct if code in DIRECT_KINDS else indirect) in types, code
        assert (indirect if code in DIRECT_KINDS else direct) not in types, code
        assert core.value(kind, SKOS.notation) == Literal(code), code


def test_counts_and_positions_are_integers(core: rdflib.Graph) -> None:
    for prop in (vocab.ORDINAL, vocab.ADDED, vocab.REMOVED, vocab.TURN_INDEX):
        term = URIRef(prop.value)
        assert (term, RDF.type, OWL.DatatypeProperty) in core, prop.value
        assert core.value(term, RDFS.range) == XSD_INTEGER, prop.value


def test_columns_reuse_csvw(core: rdflib.Graph) -> None:
    has_column = URIRef(vocab.HAS_COLUMN.value)
    assert core.value(has_column, RDFS.domain) == DCAT.Dataset
    assert core.value(has_column, RDFS.range) == CSVW.Column
    assert core.value(CSVW.required, RDFS.range) == XSD_BOOLEAN


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-executable")
    with pytest.raises(RuntimeError, match="Java runtime"):
        check_ontology()


@requires_java
def test_hermit_finds_core_consistent_and_every_class_satisfiable() -> None:
    check = check_ontology()
    assert isinstance(check, OntologyCheck)
    assert check.consistent
    assert check.unsatisfiable == []
    dg_classes = {
        str(s)
        for s in rdflib.Graph().parse(core_ontology_path()).subjects(RDF.type, OWL.Class)
        if str(s).startswith(DG)
    }
    assert check.classes >= len(dg_classes) >= 20
    # The hierarchy is stated in full: the reasoner adds no subsumption of its own.
    assert check.inferred_subclasses == []


@requires_java
def test_hermit_reports_an_inconsistent_ontology(tmp_path: Path) -> None:
    broken = _merged(
        tmp_path,
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <urn:example:> .
        ex:A a owl:Class ; owl:disjointWith ex:B .
        ex:B a owl:Class .
        ex:both a owl:NamedIndividual, ex:A, ex:B .
        """,
    )
    assert check_ontology(broken).consistent is False


@requires_java
def test_hermit_reports_unsatisfiable_classes_and_inferences(tmp_path: Path) -> None:
    path = _merged(
        tmp_path,
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dg: <https://w3id.org/datagraph/ns#> .
        @prefix ex: <urn:example:> .
        ex:Both a owl:Class ; rdfs:subClassOf dg:DirectTransformation, dg:IndirectTransformation .
        ex:WithColumns a owl:Class ;
            owl:equivalentClass [
                a owl:Restriction ; owl:onProperty dg:hasColumn ; owl:someValuesFrom owl:Thing
            ] .
        """,
    )
    check = check_ontology(path)
    assert check.consistent
    assert check.unsatisfiable == ["urn:example:Both"]
    assert ("urn:example:WithColumns", str(DCAT.Dataset)) in check.inferred_subclasses


@requires_java
def test_sample_catalogue_is_consistent_with_core(tmp_path: Path) -> None:
    check = check_ontology(_merged(tmp_path, SAMPLE_DATA))
    assert check.consistent
    assert check.unsatisfiable == []


@requires_java
@pytest.mark.parametrize(
    "mistake",
    [
        "dg:Hash a dg:IndirectTransformation .",  # a kind is direct or indirect, not both
        'ex:change_2 a dg:Change ; dg:added "many" .',  # counts are integers
    ],
)
def test_sample_catalogue_with_a_mistake_is_inconsistent(tmp_path: Path, mistake: str) -> None:
    check = check_ontology(_merged(tmp_path, SAMPLE_DATA + mistake))
    assert check.consistent is False


@requires_java
@pytest.mark.skipif(
    not STANDARD_ONTOLOGIES.is_dir(), reason=f"no reference ontologies at {STANDARD_ONTOLOGIES}"
)
def test_core_and_sample_are_consistent_with_the_standard_ontologies(tmp_path: Path) -> None:
    files = tuple(
        STANDARD_ONTOLOGIES / name
        for name in (
            "w3c_ns/prov-o.ttl",
            "w3c_ns/dcat3.ttl",
            "skos_dcterms_harvest/skos.ttl",
            "w3c_ns/odrl/2/ODRL22.ttl",
        )
    )
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"reference ontologies missing: {missing}")
    # DCAT 3 restricts with xsd:duration, which is outside the OWL 2 datatype map HermiT supports.
    check = check_ontology(_merged(tmp_path, SAMPLE_DATA, files=files), ignore_unsupported_datatypes=True)
    assert check.consistent
    assert [iri for iri in check.unsatisfiable if iri.startswith(DG)] == []
