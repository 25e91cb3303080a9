"""Typed records of catalog entities and their conversion to and from RDF triples.

A record is what a loader or a mutation builds; `to_triples` turns it into the
triples a ChangeSet carries, and `from_rdf` reads it back from the triples
that describe it (a `Description`), so a record survives the round trip.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from graph import vocab as v
from graph.iris import IriMinter

Term = NamedNode | Literal
Triple = tuple[NamedNode, NamedNode, Term]  # (subject, predicate, object): cheaper than pyoxigraph.Triple


class Description:
    """The outgoing triples of many subjects, indexed by subject and predicate.

    A subject's objects are pyoxigraph terms, or, for a Description made from a cache's packed
    triples, plain strings turned into terms only when asked for.
    """

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        # subject -> predicate -> terms; or subject -> its triples packed (`packed`), as a cache keeps them
        self._by_subject: dict[str, dict[str, list] | Packed] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self._by_subject[s.value][p.value].append(o)

    def packed(self, subject: str) -> Packed:
        """One subject's triples as one flat tuple of plain strings: kept long (in a cache), it costs
        a third of the memory of terms in dicts, and the garbage collector nothing."""
        return tuple(
            part
            for p in self._predicates(subject)
            for o in self._objects(subject, p)
            for part in (sys.intern(p), *_pack(o))
        )

    @classmethod
    def unpacked(cls, packed: dict[str, Packed]) -> Description:
        """The Description of subjects given by `packed` (subject -> `Description.packed`), which it
        shares, never changes, and turns into terms one predicate at a time, as they are read."""
        d = cls()
        d._by_subject.update(packed)
        return d

    def subjects(self) -> list[str]:
        return list(self._by_subject)

    @classmethod
    def merged(cls, descriptions: Iterable[Description]) -> Description:
        """One Description of everything `descriptions` describe (each distinct object taken once)."""
        unique = list({id(d): d for d in descriptions}.values())
        if len(unique) == 1:
            return unique[0]
        merged = cls()
        for d in unique:
            for subject in d._by_subject:
                for predicate in d._predicates(subject):
                    merged._by_subject[subject][predicate].extend(d._objects(subject, predicate))
        return merged

    def _predicates(self, subject: str) -> Iterable[str]:
        found = self._by_subject.get(subject, {})
        if type(found) is tuple:  # packed
            return dict.fromkeys(found[0::_PACKED_WIDTH])
        return found

    def _objects(self, subject: str, predicate: str) -> list:
        found = self._by_subject.get(subject)
        if found is None:
            return []
        if type(found) is tuple:  # packed
            return [
                _unpack(found[i + 1], found[i + 2], found[i + 3])
                for i in range(0, len(found), _PACKED_WIDTH)
                if found[i] == predicate
            ]
        return list(found.get(predicate, ()))

    def objects(self, subject: NamedNode, predicate: NamedNode) -> list:
        return self._objects(subject.value, predicate.value)

    def value(self, subject: NamedNode, predicate: NamedNode) -> Term | None:
        found = self.objects(subject, predicate)
        return min(found, key=str) if found else None

    def text(self, subject: NamedNode, predicate: NamedNode) -> str | None:
        found = self.value(subject, predicate)
        return found.value if found is not None else None

    def has_type(self, subject: NamedNode, cls: NamedNode) -> bool:
        return cls in self.objects(subject, v.RDF.type)


# One subject's triples, packed: (predicate, kind, value, datatype or language or "", predicate, ...)
Packed = tuple[str, ...]
_PACKED_WIDTH = 4


def _pack(o: Term | BlankNode) -> tuple[str, str, str]:
    if isinstance(o, NamedNode):  # classes, datatypes, owners: the same few IRIs again and again
        return "iri", sys.intern(o.value), ""
    if isinstance(o, BlankNode):
        return "blank", o.value, ""
    if o.language:
        return "lang", o.value, o.language
    return "literal", o.value, sys.intern(o.datatype.value)


def _unpack(kind: str, value: str, extra: str) -> Term | BlankNode:
    if kind == "iri":
        return NamedNode(value)
    if kind == "literal":
        return Literal(value) if extra == v.XSD.string.value else Literal(value, datatype=NamedNode(extra))
    if kind == "lang":
        return Literal(value, language=extra)
    return BlankNode(value)


def _lit(value: str | int | bool) -> Literal:
    return Literal(value)


@dataclass(frozen=True)
class Owner:
    """A person (keyed by e-mail or login) or a team (keyed by name)."""

    key: str
    kind: str = "person"
    name: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("person", "team"):
            raise ValueError(f"owner kind must be 'person' or 'team', not {self.kind!r}")

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.person(self.key) if self.kind == "person" else iris.team(self.key)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        yield (s, v.RDF.type, v.PROV.Person if self.kind == "person" else v.TEAM)
        yield (s, v.RDF.type, v.PROV.Agent)
        yield (s, v.DCTERMS.identifier, _lit(self.key))
        yield (s, v.RDFS.label, _lit(self.name or self.key))
        if self.email:
            yield (s, v.EMAIL, _lit(self.email))

    @classmethod
    def from_rdf(cls, iri: NamedNode, d: Description) -> Owner:
        key = d.text(iri, v.DCTERMS.identifier)
        if key is None:
            raise ValueError(f"{iri.value} has no dcterms:identifier: not an owner written by datagraph")
        label = d.text(iri, v.RDFS.label)
        return cls(
            key=key,
            kind="team" if d.has_type(iri, v.TEAM) else "person",
            name=label if label != key else None,
            email=d.text(iri, v.EMAIL),
        )


OWNERSHIP_ROLES: dict[str, NamedNode] = {
    "technical": v.TECHNICAL_OWNER,
    "business": v.BUSINESS_OWNER,
    "steward": v.DATA_STEWARD,
}


@dataclass(frozen=True)
class Ownership:
    owner: Owner
    role: str = "technical"

    def __post_init__(self) -> None:
        if self.role not in OWNERSHIP_ROLES:
            raise ValueError(f"ownership role must be one of {sorted(OWNERSHIP_ROLES)}, not {self.role!r}")


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str | None = None  # an XSD local name: "string", "integer", "date", ...
    native_type: str | None = None  # the source system's type text, e.g. "varchar(255)"
    nullable: bool | None = None
    ordinal: int | None = None
    description: str | None = None
    personal_data: tuple[str, ...] = ()  # DPV pd: categories, e.g. ("EmailAddress",)
    tags: tuple[str, ...] = ()

    def to_triples(
        self, iri: NamedNode, dataset: NamedNode, dataset_name: str, iris: IriMinter
    ) -> Iterator[Triple]:
        yield (iri, v.RDF.type, v.CSVW.Column)
        yield (dataset, v.HAS_COLUMN, iri)
        yield (iri, v.RDFS.label, _lit(self.name))
        yield (iri, v.DCTERMS.identifier, _lit(f"{dataset_name}.{self.name}"))
        if self.datatype:
            yield (iri, v.CSVW.datatype, v.XSD[self.datatype])
        if self.native_type:
            yield (iri, v.NATIVE_TYPE, _lit(self.native_type))
        if self.nullable is not None:
            yield (iri, v.CSVW.required, _lit(not self.nullable))
        if self.ordinal is not None:
            yield (iri, v.ORDINAL, _lit(self.ordinal))
        if self.description:
            yield (iri, v.DCTERMS.description, _lit(self.description))
        for category in self.personal_data:
            yield (iri, v.DPV.hasPersonalData, v.PD[category])
        for tag in self.tags:
            yield from _tag_triples(iri, tag, iris)

    @classmethod
    def from_rdf(cls, iri: NamedNode, d: Description) -> Column:
        name = d.text(iri, v.RDFS.label)
        if name is None:
            raise ValueError(f"{iri.value} has no rdfs:label: not a column written by datagraph")
        datatype = d.value(iri, v.CSVW.datatype)
        required = d.value(iri, v.CSVW.required)
        ordinal = d.value(iri, v.ORDINAL)
        return cls(
            name=name,
            datatype=datatype.value.removeprefix(v.XSD.iri) if datatype is not None else None,
            native_type=d.text(iri, v.NATIVE_TYPE),
            nullable=None if required is None else required.value != "true",
            ordinal=int(ordinal.value) if ordinal is not None else None,
            description=d.text(iri, v.DCTERMS.description),
            personal_data=tuple(
                sorted(o.value.removeprefix(v.PD.iri) for o in d.objects(iri, v.DPV.hasPersonalData))
            ),
            tags=_tags_of(iri, d),
        )


def _tag_triples(subject: NamedNode, tag: str, iris: IriMinter) -> Iterator[Triple]:
    t = iris.tag(tag)
    yield (subject, v.HAS_TAG, t)
    yield (t, v.RDF.type, v.TAG)
    yield (t, v.RDFS.label, _lit(tag))


def _tags_of(iri: NamedNode, d: Description) -> tuple[str, ...]:
    return tuple(sorted(d.text(t, v.RDFS.label) or t.value for t in d.objects(iri, v.HAS_TAG)))


@dataclass(frozen=True)
class Dataset:
    """A table, view, file or dbt model, named by its platform and qualified name parts.

    `path` is (database, schema, table) for a three-level SQL system, (database,
    table) for a two-level one, or (file path,) for a file.
    """

    platform: str
    path: tuple[str, ...]
    kind: str = "table"
    description: str | None = None
    columns: tuple[Column, ...] = ()
    owners: tuple[Ownership, ...] = ()
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("a dataset needs a name")
        if self.kind not in v.DATASET_KINDS:
            raise ValueError(f"dataset kind must be one of {sorted(v.DATASET_KINDS)}, not {self.kind!r}")
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"dataset {self.qualified_name} lists columns more than once: {dupes}")

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def qualified_name(self) -> str:
        return ".".join(self.path)

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.dataset(self.platform, *self.path)

    def column_iri(self, iris: IriMinter, column: str) -> NamedNode:
        return iris.column(self.iri(iris), column)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        platform = iris.platform(self.platform)
        yield (platform, v.RDF.type, v.PLATFORM)
        yield (platform, v.RDFS.label, _lit(self.platform.lower()))
        yield (s, v.RDF.type, v.DCAT.Dataset)
        yield (s, v.RDF.type, v.DATASET_KINDS[self.kind])
        yield (s, v.RDFS.label, _lit(self.name))
        yield (s, v.DCTERMS.identifier, _lit(self.qualified_name))
        yield (s, v.PLATFORM_OF, platform)
        yield from self._container_triples(s, platform, iris)
        if self.description:
            yield (s, v.DCTERMS.description, _lit(self.description))
        for ownership in self.owners:
            yield (s, OWNERSHIP_ROLES[ownership.role], ownership.owner.iri(iris))
            yield (s, v.OWNER, ownership.owner.iri(iris))
            yield from ownership.owner.to_triples(iris)
        for tag in self.tags:
            yield from _tag_triples(s, tag, iris)
        for column in self.columns:
            yield from column.to_triples(iris.column(s, column.name), s, self.qualified_name, iris)

    def _container_triples(self, s: NamedNode, platform: NamedNode, iris: IriMinter) -> Iterator[Triple]:
        if len(self.path) < 2:
            return
        database = iris.database(self.platform, self.path[0])
        yield (database, v.RDF.type, v.DATABASE)
        yield (database, v.RDF.type, v.DCAT.Catalog)
        yield (database, v.RDFS.label, _lit(self.path[0]))
        yield (database, v.PLATFORM_OF, platform)
        parent = database
        if len(self.path) >= 3:
            schema = iris.schema(self.platform, self.path[0], self.path[1])
            yield (schema, v.RDF.type, v.SCHEMA)
            yield (schema, v.RDF.type, v.DCAT.Catalog)
            yield (schema, v.RDFS.label, _lit(self.path[1]))
            yield (database, v.DCAT.catalog, schema)
            parent = schema
        yield (parent, v.DCAT.dataset, s)

    @classmethod
    def from_rdf(cls, iri: NamedNode, d: Description, iris: IriMinter) -> Dataset:
        kind_name, platform, *path = iris.key_of(iri)
        if kind_name != "dataset" or not path:
            raise ValueError(f"{iri.value} is not a dataset IRI minted under {iris.base}")
        kinds = {cls_iri.value: name for name, cls_iri in v.DATASET_KINDS.items()}
        kind = next((kinds[t.value] for t in d.objects(iri, v.RDF.type) if t.value in kinds), "table")
        columns = sorted(
            (Column.from_rdf(c, d) for c in d.objects(iri, v.HAS_COLUMN)),
            key=lambda c: (c.ordinal is None, c.ordinal or 0, c.name),
        )
        owners = tuple(
            sorted(
                (
                    Ownership(Owner.from_rdf(o, d), role)
                    for role, p in OWNERSHIP_ROLES.items()
                    for o in d.objects(iri, p)
                ),
                key=lambda o: (o.role, o.owner.key),
            )
        )
        return cls(
            platform=platform,
            path=tuple(path),
            kind=kind,
            description=d.text(iri, v.DCTERMS.description),
            columns=tuple(columns),
            owners=owners,
            tags=_tags_of(iri, d),
        )


def _lineage_triples(
    node_class: NamedNode,
    node: NamedNode,
    downstream: NamedNode,
    upstream: NamedNode,
    job: NamedNode | None,
) -> Iterator[Triple]:
    yield (downstream, v.PROV.wasDerivedFrom, upstream)
    yield (downstream, v.PROV.qualifiedDerivation, node)
    yield (node, v.RDF.type, node_class)  # a prov:Derivation by the ontology's subclass axiom
    yield (node, v.PROV.entity, upstream)
    if job is not None:
        yield (node, v.PROV.hadActivity, job)


@dataclass(frozen=True)
class DatasetLineage:
    """`downstream` was derived from `upstream`, optionally by `job`."""

    downstream: NamedNode
    upstream: NamedNode
    job: NamedNode | None = None

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        node = iris.lineage(self.downstream, self.upstream)
        yield from _lineage_triples(v.DATASET_LINEAGE, node, self.downstream, self.upstream, self.job)

    @classmethod
    def from_rdf(cls, node: NamedNode, d: Description) -> DatasetLineage:
        downstream, upstream = _lineage_ends(node, d)
        return cls(downstream=downstream, upstream=upstream, job=d.value(node, v.PROV.hadActivity))


@dataclass(frozen=True)
class ColumnLineage:
    """Column `downstream` was computed from column `upstream` by a transformation of `kind`."""

    downstream: NamedNode
    upstream: NamedNode
    kind: str | None = None  # a key of vocab.TRANSFORMATION_KINDS; None when unknown
    expression: str | None = None
    job: NamedNode | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in v.TRANSFORMATION_KINDS:
            raise ValueError(
                f"transformation kind must be one of {sorted(v.TRANSFORMATION_KINDS)}, not {self.kind!r}"
            )

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        node = iris.lineage(self.downstream, self.upstream)
        yield from _lineage_triples(v.COLUMN_LINEAGE, node, self.downstream, self.upstream, self.job)
        if self.kind is not None:
            yield (node, v.TRANSFORMATION, v.TRANSFORMATION_KINDS[self.kind])
            yield (self.downstream, v.KIND_PREDICATES[self.kind], self.upstream)
        if self.expression:
            yield (node, v.EXPRESSION, _lit(self.expression))

    @classmethod
    def from_rdf(cls, node: NamedNode, d: Description) -> ColumnLineage:
        downstream, upstream = _lineage_ends(node, d)
        kinds = {iri.value: name for name, iri in v.TRANSFORMATION_KINDS.items()}
        kind = d.value(node, v.TRANSFORMATION)
        return cls(
            downstream=downstream,
            upstream=upstream,
            kind=kinds.get(kind.value) if kind is not None else None,
            expression=d.text(node, v.EXPRESSION),
            job=d.value(node, v.PROV.hadActivity),
        )


def _lineage_ends(node: NamedNode, d: Description) -> tuple[NamedNode, NamedNode]:
    """The (downstream, upstream) ends of a qualified-derivation node."""
    upstream = d.value(node, v.PROV.entity)
    if upstream is None:
        raise ValueError(f"{node.value} has no prov:entity: not a lineage node written by datagraph")
    downstream = next(
        (NamedNode(s) for s in d.subjects() if node in d.objects(NamedNode(s), v.PROV.qualifiedDerivation)),
        None,
    )
    if downstream is None:
        raise ValueError(f"nothing points at lineage node {node.value} with prov:qualifiedDerivation")
    return downstream, upstream


@dataclass(frozen=True)
class Concept:
    """A glossary term (skos:Concept) in a glossary (a skos:ConceptScheme)."""

    glossary: str
    name: str
    definition: str | None = None
    synonyms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()  # names of broader concepts in the same glossary
    personal_data: str | None = None  # the DPV pd: category this concept is, if any

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.concept(self.glossary, self.name)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        scheme = iris.glossary(self.glossary)
        yield (scheme, v.RDF.type, v.GLOSSARY)
        yield (scheme, v.RDF.type, v.SKOS.ConceptScheme)
        yield (scheme, v.RDFS.label, _lit(self.glossary))
        yield (s, v.RDF.type, v.SKOS.Concept)
        yield (s, v.SKOS.inScheme, scheme)
        yield (s, v.SKOS.prefLabel, _lit(self.name))
        if self.definition:
            yield (s, v.SKOS.definition, _lit(self.definition))
        for synonym in self.synonyms:
            yield (s, v.SKOS.altLabel, _lit(synonym))
        for broader in self.broader:
            yield (s, v.SKOS.broader, iris.concept(self.glossary, broader))
        if self.personal_data:
            yield (s, v.SKOS.exactMatch, v.PD[self.personal_data])

    @classmethod
    def from_rdf(cls, iri: NamedNode, d: Description, iris: IriMinter) -> Concept:
        kind_name, glossary, *_ = iris.key_of(iri)
        name = d.text(iri, v.SKOS.prefLabel)
        if kind_name != "concept" or name is None:
            raise ValueError(f"{iri.value} is not a glossary concept minted under {iris.base}")
        pd = [
            o.value.removeprefix(v.PD.iri)
            for o in d.objects(iri, v.SKOS.exactMatch)
            if o.value.startswith(v.PD.iri)
        ]
        return cls(
            glossary=glossary,
            name=name,
            definition=d.text(iri, v.SKOS.definition),
            synonyms=tuple(sorted(o.value for o in d.objects(iri, v.SKOS.altLabel))),
            broader=tuple(sorted(iris.key_of(o)[2] for o in d.objects(iri, v.SKOS.broader))),
            personal_data=min(pd) if pd else None,
        )


RULE_KINDS: dict[str, NamedNode] = {
    "permission": v.ODRL.permission,
    "prohibition": v.ODRL.prohibition,
    "obligation": v.ODRL.obligation,
}


def rule_iri(policy: NamedNode, index: int) -> NamedNode:
    """The IRI of a policy's rule number `index` (rules are numbered from 0 in the order they were added)."""
    return NamedNode(f"{policy.value}/rule/{index}")


def rule_index(rule: NamedNode) -> int:
    return int(rule.value.rsplit("/rule/", 1)[1])


def policy_of_rule(rule: NamedNode) -> NamedNode:
    return NamedNode(rule.value.rsplit("/rule/", 1)[0])


@dataclass(frozen=True)
class PolicyRule:
    """One ODRL rule: `kind` of `action` on `target` (an asset or asset category) for `assignee`."""

    kind: str
    action: str  # an ODRL action local name: "read", "use", "distribute", ...
    target: NamedNode
    assignee: str | None = None  # a role name, e.g. "analyst"

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"rule kind must be one of {sorted(RULE_KINDS)}, not {self.kind!r}")

    def to_triples(self, policy: NamedNode, index: int, iris: IriMinter) -> Iterator[Triple]:
        r = rule_iri(policy, index)
        yield (policy, RULE_KINDS[self.kind], r)
        yield (r, v.ODRL.action, v.ODRL[self.action])
        yield (r, v.ODRL.target, self.target)
        if self.assignee:
            yield (r, v.ODRL.assignee, iris.role(self.assignee))


@dataclass(frozen=True)
class Policy:
    """An ODRL policy (an odrl:Set of rules)."""

    name: str
    description: str | None = None
    rules: tuple[PolicyRule, ...] = field(default_factory=tuple)

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.policy(self.name)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        yield (s, v.RDF.type, v.ODRL.Policy)
        yield (s, v.RDF.type, v.ODRL.Set)
        yield (s, v.ODRL.uid, s)
        yield (s, v.RDFS.label, _lit(self.name))
        if self.description:
            yield (s, v.DCTERMS.description, _lit(self.description))
        for i, rule in enumerate(self.rules):
            yield from rule.to_triples(s, i, iris)

    @classmethod
    def from_rdf(cls, iri: NamedNode, d: Description, iris: IriMinter) -> Policy:
        name = d.text(iri, v.RDFS.label)
        if name is None or not d.has_type(iri, v.ODRL.Policy):
            raise ValueError(f"{iri.value} is not an ODRL policy written by datagraph")
        rules = []
        for kind, predicate in RULE_KINDS.items():
            for r in d.objects(iri, predicate):
                assignee = d.value(r, v.ODRL.assignee)
                rules.append(
                    (
                        rule_index(r),
                        PolicyRule(
                            kind=kind,
                            action=d.value(r, v.ODRL.action).value.removeprefix(v.ODRL.iri),
                            target=d.value(r, v.ODRL.target),
                            assignee=iris.key_of(assignee)[1] if assignee is not None else None,
                        ),
                    )
                )
        return cls(
            name=name,
            description=d.text(iri, v.DCTERMS.description),
            rules=tuple(rule for _, rule in sorted(rules, key=lambda x: x[0])),
        )


@dataclass(frozen=True)
class Job:
    """A recurring piece of work that reads and writes datasets (an Airflow task, a dbt model build, ...)."""

    namespace: str
    name: str
    description: str | None = None
    sql: str | None = None

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.job(self.namespace, self.name)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        yield (s, v.RDF.type, v.JOB)
        yield (s, v.RDFS.label, _lit(self.name))
        yield (s, v.DCTERMS.identifier, _lit(f"{self.namespace}.{self.name}"))
        if self.description:
            yield (s, v.DCTERMS.description, _lit(self.description))
        if self.sql:
            yield (s, v.SQL_TEXT, _lit(self.sql))


@dataclass(frozen=True)
class Run:
    """One execution of a job: when it ran, how it ended, what it read and wrote."""

    run_id: str
    job: NamedNode
    state: str | None = None  # START, RUNNING, COMPLETE, FAIL, ABORT, ...
    started: str | None = None  # ISO 8601 date-time
    ended: str | None = None
    inputs: tuple[NamedNode, ...] = ()
    outputs: tuple[NamedNode, ...] = ()

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.run(self.run_id)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        yield (s, v.RDF.type, v.RUN)
        yield (s, v.RUN_OF, self.job)
        yield (s, v.DCTERMS.identifier, _lit(self.run_id))
        if self.state:
            yield (s, v.RUN_STATE, _lit(self.state))
        if self.started:
            yield (s, v.PROV.startedAtTime, Literal(self.started, datatype=v.XSD.dateTime))
        if self.ended:
            yield (s, v.PROV.endedAtTime, Literal(self.ended, datatype=v.XSD.dateTime))
        for dataset in self.inputs:
            yield (s, v.PROV.used, dataset)
        for dataset in self.outputs:
            yield (dataset, v.PROV.wasGeneratedBy, s)
