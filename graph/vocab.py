"""The RDF terms datagraph writes: standard vocabularies first, `dg:` only where none fits.

ontology/core.ttl declares every `dg:` term named here; a test keeps the two in step.
"""

from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace:
    """An IRI prefix; `NS.term` and `NS["term"]` give the term's NamedNode."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        term = NamedNode(self.iri + name)
        setattr(self, name, term)  # kept: the next `NS.name` is a plain attribute read
        return term

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def __str__(self) -> str:
        return self.iri


DG = Namespace("https://w3id.org/datagraph/ns#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "dg": str(DG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "csvw": str(CSVW),
    "prov": str(PROV),
    "odrl": str(ODRL),
    "dpv": str(DPV),
    "pd": str(PD),
    "skos": str(SKOS),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
    "sh": str(SH),
}

# Classes of our own. Everything else is typed with the standard class
# (dcat:Dataset, csvw:Column, prov:Activity, odrl:Policy, skos:Concept, ...).
PLATFORM = DG.Platform
DATABASE = DG.Database  # rdfs:subClassOf dcat:Catalog
SCHEMA = DG.Schema  # rdfs:subClassOf dcat:Catalog
TABLE = DG.Table  # the dataset kinds, each rdfs:subClassOf dcat:Dataset
VIEW = DG.View
FILE = DG.File
DBT_MODEL = DG.DbtModel
DBT_SEED = DG.DbtSeed
DBT_SNAPSHOT = DG.DbtSnapshot
QUALITY_CHECK = DG.QualityCheck  # a data-quality test (a dbt test, ...) on a dataset or column
DATASET_LINEAGE = DG.DatasetLineage  # rdfs:subClassOf prov:Derivation
COLUMN_LINEAGE = DG.ColumnLineage  # rdfs:subClassOf prov:Derivation
TRANSFORMATION_KIND = DG.TransformationKind
JOB = DG.Job  # rdfs:subClassOf prov:Activity
RUN = DG.Run  # rdfs:subClassOf prov:Activity
TEAM = DG.Team  # rdfs:subClassOf prov:Organization
TAG = DG.Tag
GLOSSARY = DG.Glossary  # rdfs:subClassOf skos:ConceptScheme
CHANGE = DG.Change  # rdfs:subClassOf prov:Activity: one committed ChangeSet
CONVERSATION = DG.Conversation
TURN = DG.Turn

# Properties of our own.
PLATFORM_OF = DG.platform  # dataset/database -> dg:Platform
HAS_COLUMN = DG.hasColumn  # dcat:Dataset -> csvw:Column
NATIVE_TYPE = DG.nativeType  # the source system's type text, e.g. "varchar(255)"
ORDINAL = DG.ordinalPosition
TRANSFORMATION = DG.transformation  # lineage node -> dg:TransformationKind
EXPRESSION = DG.sqlExpression  # the SQL expression behind a column lineage edge
OWNER = DG.owner
TECHNICAL_OWNER = DG.technicalOwner  # rdfs:subPropertyOf dg:owner
BUSINESS_OWNER = DG.businessOwner  # rdfs:subPropertyOf dg:owner
DATA_STEWARD = DG.dataSteward  # rdfs:subPropertyOf dg:owner
EMAIL = DG.email
HAS_TAG = DG.tag
HAS_CONCEPT = DG.concept  # column/dataset -> skos:Concept it means
REFERENCES = DG.references  # foreign-key column -> the column it references
PRIMARY_KEY = DG.primaryKey  # xsd:boolean on a column that is (part of) the primary key
DEFAULT_VALUE = DG.defaultValue  # the column default, as the source states it
SQL_TEXT = DG.sqlText  # a view definition, a model's compiled SQL, a job's SQL
META = DG.meta  # free-form metadata from the source, as a JSON string
ROW_COUNT = DG.rowCount
NULL_FRACTION = DG.nullFraction
DISTINCT_COUNT = DG.distinctCount
MIN_VALUE = DG.minValue
MAX_VALUE = DG.maxValue
SAMPLE_VALUE = DG.sampleValue  # personal data: written only when sampling is enabled
PROFILED_AT = DG.profiledAt
CHECKS = DG.checks  # dg:QualityCheck -> the dataset or column it tests
CHECK_TYPE = DG.checkType  # e.g. "not_null", "unique", "relationships"
CHECK_STATUS = DG.checkStatus  # the last result: "pass", "fail", "warn", "error", "skipped"
RUN_OF = DG.runOf
RUN_STATE = DG.runState
ACTOR = DG.actor  # dg:Change -> who made it (literal)
REASON = DG.reason
ADDED = DG.added
REMOVED = DG.removed
AFFECTS_GRAPH = DG.affectsGraph
TURN_OF = DG.turnOf
TURN_INDEX = DG.turnIndex
QUESTION = DG.question
ANSWER = DG.answer
QUERY = DG.query
ABOUT = DG.about

# Transformation kinds (individuals of dg:TransformationKind). Direct kinds
# carry the value through; indirect kinds only influence which rows survive.
COPY = DG.Copy
EXPRESSION_KIND = DG.Expression
AGGREGATION = DG.Aggregation
HASH = DG.Hash
FILTER = DG.Filter
JOIN_KEY = DG.JoinKey
GROUP_BY = DG.GroupBy
SORT = DG.Sort
WINDOW = DG.Window
CONDITIONAL = DG.Conditional

TRANSFORMATION_KINDS: dict[str, NamedNode] = {
    "copy": COPY,
    "expression": EXPRESSION_KIND,
    "aggregation": AGGREGATION,
    "hash": HASH,
    "filter": FILTER,
    "join_key": JOIN_KEY,
    "group_by": GROUP_BY,
    "sort": SORT,
    "window": WINDOW,
    "conditional": CONDITIONAL,
}

# Each kind also has a sub-property of prov:wasDerivedFrom (as PROV has
# prov:wasQuotedFrom): `down dg:hashedFrom up` states edge and kind in one
# triple, so a traversal reads the kind with the edge instead of looking it up.
KIND_PREDICATES: dict[str, NamedNode] = {
    "copy": DG.copiedFrom,
    "expression": DG.computedFrom,
    "aggregation": DG.aggregatedFrom,
    "hash": DG.hashedFrom,
    "filter": DG.filteredBy,
    "join_key": DG.joinedOn,
    "group_by": DG.groupedBy,
    "sort": DG.sortedBy,
    "window": DG.windowedBy,
    "conditional": DG.conditionedOn,
}

DATASET_KINDS: dict[str, NamedNode] = {
    "table": TABLE,
    "view": VIEW,
    "file": FILE,
    "dbt_model": DBT_MODEL,
    "dbt_seed": DBT_SEED,
    "dbt_snapshot": DBT_SNAPSHOT,
}


def dg_terms() -> set[str]:
    """Every `dg:` IRI this module names (the ontology must declare each)."""
    named = [v for v in globals().values() if isinstance(v, NamedNode)]
    named += [*KIND_PREDICATES.values(), *TRANSFORMATION_KINDS.values(), *DATASET_KINDS.values()]
    return {v.value for v in named if v.value.startswith(DG.iri)}


# Predicates with one value per subject: an edit replaces their value, and a value people set (in the
# user edits' graph) wins over the values sources state.
SINGLE_VALUED = (DCTERMS.description, CSVW.datatype, NATIVE_TYPE, CSVW.required, ORDINAL)
