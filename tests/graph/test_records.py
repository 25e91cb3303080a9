"""Records turn into triples and back without losing anything."""

import pytest
from pyoxigraph import NamedNode

from graph import vocab as v
from graph.records import (
    Column,
    ColumnLineage,
    Concept,
    Dataset,
    DatasetLineage,
    Description,
    Owner,
    Ownership,
    Policy,
    PolicyRule,
)

CUSTOMERS = Dataset(
    platform="postgres",
    path=("retail", "raw", "customers"),
    kind="table",
    description="One row per customer.",
    columns=(
        Column("id", "integer", "bigint", nullable=False, ordinal=1, description="Surrogate key"),
        Column("email", "string", "varchar(255)", nullable=True, ordinal=2, personal_data=("EmailAddress",)),
        Column("born", "date", "date", ordinal=3, personal_data=("DateOfBirth",), tags=("pii",)),
    ),
    owners=(  # RDF keeps no order: records come back sorted by role, then key
        Ownership(Owner("crm-team", kind="team"), "business"),
        Ownership(Owner("ada@example.com", name="Ada", email="ada@example.com"), "technical"),
    ),
    tags=("pii", "raw"),
)


def test_dataset_round_trip(iris):
    d = Description(CUSTOMERS.to_triples(iris))
    assert Dataset.from_rdf(CUSTOMERS.iri(iris), d, iris) == CUSTOMERS


def test_dataset_triples_use_the_standard_vocabularies(iris):
    triples = set(CUSTOMERS.to_triples(iris))
    ds = CUSTOMERS.iri(iris)
    email = CUSTOMERS.column_iri(iris, "email")
    assert (ds, v.RDF.type, v.DCAT.Dataset) in triples
    assert (ds, v.RDF.type, v.TABLE) in triples
    assert (email, v.RDF.type, v.CSVW.Column) in triples
    assert (email, v.DPV.hasPersonalData, v.PD.EmailAddress) in triples
    assert (iris.schema("postgres", "retail", "raw"), v.DCAT.dataset, ds) in triples


def test_dataset_refuses_duplicate_columns_and_unknown_kind():
    with pytest.raises(ValueError, match="more than once"):
        Dataset("pg", ("t",), columns=(Column("a"), Column("a")))
    with pytest.raises(ValueError, match="dataset kind"):
        Dataset("pg", ("t",), kind="spreadsheet")


def test_column_lineage_round_trip(iris):
    down = iris.column(iris.dataset("pg", "mart", "dim"), "email_hash")
    up = CUSTOMERS.column_iri(iris, "email")
    job = iris.job("dbt", "dim")
    lineage = ColumnLineage(down, up, kind="hash", expression="sha256(email)", job=job)
    d = Description(lineage.to_triples(iris))
    node = iris.lineage(down, up)
    assert ColumnLineage.from_rdf(node, d) == lineage
    assert (down, v.PROV.wasDerivedFrom, up) in set(lineage.to_triples(iris))


def test_dataset_lineage_round_trip(iris):
    lineage = DatasetLineage(iris.dataset("pg", "mart", "dim"), CUSTOMERS.iri(iris), iris.job("dbt", "dim"))
    node = iris.lineage(lineage.downstream, lineage.upstream)
    assert DatasetLineage.from_rdf(node, Description(lineage.to_triples(iris))) == lineage


def test_unknown_transformation_kind_is_refused(iris):
    with pytest.raises(ValueError, match="transformation kind"):
        ColumnLineage(NamedNode("http://a/x"), NamedNode("http://a/y"), kind="magic")


def test_concept_and_policy_round_trip(iris):
    concept = Concept(
        "retail", "Email Address", "A customer's e-mail.", ("e-mail",), ("Contact",), "EmailAddress"
    )
    assert Concept.from_rdf(concept.iri(iris), Description(concept.to_triples(iris)), iris) == concept
    policy = Policy(
        "no-pii-for-analysts",
        "Analysts may not read personal data.",
        (
            PolicyRule("prohibition", "read", v.DPV.PersonalData, "analyst"),
            PolicyRule("permission", "use", v.DCAT.Dataset),
        ),
    )
    assert Policy.from_rdf(policy.iri(iris), Description(policy.to_triples(iris)), iris) == policy
