"""The GraphQL object types. Each wraps a node's IRI and the Description it was read from.

Fields that reach other nodes (a dataset's owners, a column's dataset) go
through the request's DataLoaders, so a list of N datasets costs the same
number of store queries as one.
"""

from __future__ import annotations

import base64
from enum import Enum
from typing import Annotated, Generic, TypeVar

import strawberry
from pyoxigraph import NamedNode
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.limits import MAX_PAGE
from graph import vocab as v
from graph.records import OWNERSHIP_ROLES, Description, policy_of_rule

T = TypeVar("T")


def key_parts(info: Info[Context, None], iri: NamedNode) -> tuple[str, ...]:
    try:
        return info.context.iris.key_of(iri)
    except ValueError:
        return ()


@strawberry.interface(description="Anything in the graph the API serves, identified by its IRI.")
class Node:
    id: strawberry.ID = strawberry.field(description="The node's IRI.")
    iri: strawberry.Private[NamedNode]
    d: strawberry.Private[Description]  # the triples the node was read from

    def text(self, predicate: NamedNode) -> str | None:
        return self.d.text(self.iri, predicate)

    @strawberry.field(description="The node's type name (Dataset, Column, Job, ...).")
    def type(self) -> str:
        return type(self).__name__


@strawberry.type(description="One page of a list, Relay-style.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many items match, over all pages.")


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("\x00".join(parts).encode()).decode()


def decode_cursor(cursor: str, parts: int) -> tuple[str, ...]:
    try:
        found = tuple(base64.urlsafe_b64decode(cursor.encode()).decode().split("\x00"))
    except (ValueError, UnicodeDecodeError):
        found = ()
    if len(found) != parts:
        raise ValueError(f"'after': {cursor!r} is not a cursor this list gave out; pass a page's endCursor")
    return found


def _node(iri: NamedNode, d: Description) -> dict:
    return {"id": strawberry.ID(iri.value), "iri": iri, "d": d}


@strawberry.type(description="A tag attached to datasets or columns.")
class Tag(Node):
    @strawberry.field
    def name(self, info: Info[Context, None]) -> str:
        found = self.text(v.RDFS.label)
        parts = key_parts(info, self.iri)
        return found or (parts[1] if len(parts) > 1 else self.iri.value)


@strawberry.enum
class OwnerKind(Enum):
    PERSON = "person"
    TEAM = "team"


@strawberry.type(description="A person or a team responsible for data.")
class Owner(Node):
    @strawberry.field(description="The owner's key: an e-mail, a login or a team name.")
    def key(self) -> str:
        return self.text(v.DCTERMS.identifier) or self.iri.value

    @strawberry.field
    def name(self) -> str | None:
        return self.text(v.RDFS.label)

    @strawberry.field
    def email(self) -> str | None:
        return self.text(v.EMAIL)

    @strawberry.field
    def kind(self) -> OwnerKind:
        return OwnerKind.TEAM if self.d.has_type(self.iri, v.TEAM) else OwnerKind.PERSON


@strawberry.type(description="An owner of a dataset, and in which role.")
class Ownership:
    owner: Owner
    role: str = strawberry.field(description="technical, business or steward.")


@strawberry.type(description="A glossary concept: what a dataset or column means.")
class Concept(Node):
    @strawberry.field
    def label(self) -> str:
        return self.text(v.SKOS.prefLabel) or self.text(v.RDFS.label) or self.iri.value

    @strawberry.field
    def definition(self) -> str | None:
        return self.text(v.SKOS.definition)

    @strawberry.field
    def synonyms(self) -> list[str]:
        return sorted(o.value for o in self.d.objects(self.iri, v.SKOS.altLabel))

    @strawberry.field(description="The DPV personal-data category this concept stands for, if any.")
    def personal_data(self) -> str | None:
        found = [o.value for o in self.d.objects(self.iri, v.SKOS.exactMatch) if o.value.startswith(v.PD.iri)]
        return min(found).removeprefix(v.PD.iri) if found else None

    @strawberry.field
    async def broader(self, info: Info[Context, None]) -> list[Concept]:
        iris = self.d.objects(self.iri, v.SKOS.broader)
        d = await info.context.describe(iris)
        return [Concept(**_node(i, d)) for i in sorted(iris, key=str)]


@strawberry.type(description="One rule of a policy: who may (or must not) do what with which asset.")
class PolicyRule:
    kind: str
    action: str
    target: strawberry.ID
    assignee: str | None


@strawberry.type(description="An ODRL policy.")
class Policy(Node):
    @strawberry.field
    def name(self) -> str:
        return self.text(v.RDFS.label) or self.iri.value

    @strawberry.field
    def description(self) -> str | None:
        return self.text(v.DCTERMS.description)

    @strawberry.field
    async def rules(self, info: Info[Context, None]) -> list[PolicyRule]:
        from graph.records import RULE_KINDS

        found = [(kind, r) for kind, p in RULE_KINDS.items() for r in self.d.objects(self.iri, p)]
        d = await info.context.describe([r for _, r in found])
        rules = []
        for kind, r in sorted(found, key=lambda x: x[1].value):
            action, target = d.value(r, v.ODRL.action), d.value(r, v.ODRL.target)
            assignee = d.value(r, v.ODRL.assignee)
            parts = key_parts(info, assignee) if assignee is not None else ()
            rules.append(
                PolicyRule(
                    kind=kind,
                    action=action.value.removeprefix(v.ODRL.iri) if action is not None else "",
                    target=strawberry.ID(target.value if target is not None else ""),
                    assignee=(parts[1] if len(parts) > 1 else assignee.value)
                    if assignee is not None
                    else None,
                )
            )
        return rules


@strawberry.type(description="A job: recurring work that reads and writes datasets.")
class Job(Node):
    @strawberry.field
    def name(self) -> str:
        return self.text(v.RDFS.label) or self.iri.value

    @strawberry.field(description="namespace.name")
    def qualified_name(self) -> str | None:
        return self.text(v.DCTERMS.identifier)

    @strawberry.field
    def description(self) -> str | None:
        return self.text(v.DCTERMS.description)

    @strawberry.field
    def sql(self) -> str | None:
        return self.text(v.SQL_TEXT)

    @strawberry.field(description="The job's runs, newest IRI order.")
    async def runs(self, info: Info[Context, None]) -> list[Run]:
        runs = info.context.reader.subjects_with(v.RUN_OF, [self.iri]).get(self.iri, [])
        d = await info.context.describe(runs)
        return [Run(**_node(r, d)) for r in runs]


@strawberry.type(description="One execution of a job.")
class Run(Node):
    @strawberry.field
    def run_id(self) -> str:
        return self.text(v.DCTERMS.identifier) or self.iri.value

    @strawberry.field(description="START, RUNNING, COMPLETE, FAIL, ABORT, ...")
    def state(self) -> str | None:
        return self.text(v.RUN_STATE)

    @strawberry.field
    def started(self) -> str | None:
        return self.text(v.PROV.startedAtTime)

    @strawberry.field
    def ended(self) -> str | None:
        return self.text(v.PROV.endedAtTime)

    @strawberry.field
    async def job(self, info: Info[Context, None]) -> Job | None:
        job = self.d.value(self.iri, v.RUN_OF)
        if job is None:
            return None
        return Job(**_node(job, await info.context.describe([job])))

    @strawberry.field(description="IRIs of the datasets the run read.")
    def inputs(self) -> list[strawberry.ID]:
        return [strawberry.ID(o.value) for o in sorted(self.d.objects(self.iri, v.PROV.used), key=str)]


@strawberry.type(description="A mapping between a column and an ontology concept (SSSOM).")
class Mapping(Node):
    @strawberry.field
    def subject(self) -> strawberry.ID | None:
        found = self.d.value(self.iri, v.SSSOM.subject_id)
        return strawberry.ID(found.value) if found is not None else None

    @strawberry.field
    def predicate(self) -> str | None:
        return self.text(v.SSSOM.predicate_id)

    @strawberry.field(name="object")
    def object_(self) -> strawberry.ID | None:
        found = self.d.value(self.iri, v.SSSOM.object_id)
        return strawberry.ID(found.value) if found is not None else None

    @strawberry.field
    def confidence(self) -> float | None:
        found = self.text(v.SSSOM.confidence)
        return float(found) if found is not None else None


@strawberry.type(description="One finding of a SHACL validation.")
class ValidationResult(Node):
    @strawberry.field
    def focus_node(self) -> strawberry.ID | None:
        found = self.d.value(self.iri, v.SH.focusNode)
        return strawberry.ID(found.value) if found is not None else None

    @strawberry.field
    def path(self) -> str | None:
        return self.text(v.SH.resultPath)

    @strawberry.field
    def message(self) -> str | None:
        return self.text(v.SH.resultMessage)

    @strawberry.field
    def severity(self) -> str | None:
        found = self.text(v.SH.resultSeverity)
        return found.removeprefix(v.SH.iri) if found else None


async def _owners(info: Info[Context, None], d: Description, iri: NamedNode) -> list[Ownership]:
    found = [(role, o) for role, p in OWNERSHIP_ROLES.items() for o in d.objects(iri, p)]
    if not found:  # owners stated only by dg:owner have no role
        found = [("technical", o) for o in d.objects(iri, v.OWNER)]
    described = await info.context.describe([o for _, o in found])
    return [
        Ownership(owner=Owner(**_node(o, described)), role=role)
        for role, o in sorted(found, key=lambda x: (x[0], x[1].value))
    ]


def _tags(info: Info[Context, None], d: Description, iri: NamedNode) -> list[Tag]:
    return [Tag(**_node(t, Description())) for t in sorted(d.objects(iri, v.HAS_TAG), key=str)]


async def _concepts(info: Info[Context, None], d: Description, iri: NamedNode) -> list[Concept]:
    iris = sorted(d.objects(iri, v.HAS_CONCEPT), key=str)
    described = await info.context.describe(iris)
    return [Concept(**_node(c, described)) for c in iris]


@strawberry.type(description="A column of a dataset.")
class Column(Node):
    @strawberry.field
    def name(self) -> str:
        return self.text(v.RDFS.label) or self.iri.value

    @strawberry.field(description="dataset.column")
    def qualified_name(self) -> str | None:
        return self.text(v.DCTERMS.identifier)

    @strawberry.field(description="The XSD datatype's local name: string, integer, date, ...")
    def datatype(self) -> str | None:
        found = self.d.value(self.iri, v.CSVW.datatype)
        return found.value.removeprefix(v.XSD.iri) if found is not None else None

    @strawberry.field(description="The type as the source system states it, e.g. varchar(255).")
    def native_type(self) -> str | None:
        return self.text(v.NATIVE_TYPE)

    @strawberry.field
    def nullable(self) -> bool | None:
        required = self.text(v.CSVW.required)
        return None if required is None else required != "true"

    @strawberry.field
    def ordinal(self) -> int | None:
        found = self.text(v.ORDINAL)
        return int(found) if found is not None else None

    @strawberry.field
    def description(self) -> str | None:
        return self.text(v.DCTERMS.description)

    @strawberry.field(description="DPV personal-data categories of the column's values (EmailAddress, ...).")
    def personal_data(self) -> list[str]:
        return sorted(o.value.removeprefix(v.PD.iri) for o in self.d.objects(self.iri, v.DPV.hasPersonalData))

    @strawberry.field
    def tags(self, info: Info[Context, None]) -> list[Tag]:
        return _tags(info, self.d, self.iri)

    @strawberry.field
    async def concepts(self, info: Info[Context, None]) -> list[Concept]:
        return await _concepts(info, self.d, self.iri)

    @strawberry.field
    async def dataset(self, info: Info[Context, None]) -> Dataset | None:
        try:
            dataset = info.context.iris.dataset_of_column(self.iri)
        except ValueError:
            return None
        return Dataset(**_node(dataset, await info.context.describe([dataset])))


ColumnConnection = Connection[Column]


@strawberry.type(description="A table, view, file or dbt model.")
class Dataset(Node):
    @strawberry.field
    def name(self) -> str:
        return self.text(v.RDFS.label) or self.iri.value

    @strawberry.field(description="The name with its containers: database.schema.table.")
    def qualified_name(self) -> str:
        return self.text(v.DCTERMS.identifier) or self.iri.value

    @strawberry.field
    def platform(self, info: Info[Context, None]) -> str | None:
        parts = key_parts(info, self.iri)
        return parts[1] if len(parts) > 1 and parts[0] == "dataset" else None

    @strawberry.field(description="The schema (or database, for two-level systems) holding the dataset.")
    def schema(self, info: Info[Context, None]) -> str | None:
        parts = key_parts(info, self.iri)
        return parts[-2] if len(parts) >= 4 else None

    @strawberry.field(description="table, view, file, dbt_model, dbt_seed or dbt_snapshot.")
    def kind(self) -> str:
        kinds = {cls.value: name for name, cls in v.DATASET_KINDS.items()}
        return next(
            (kinds[t.value] for t in self.d.objects(self.iri, v.RDF.type) if t.value in kinds), "table"
        )

    @strawberry.field
    def description(self) -> str | None:
        return self.text(v.DCTERMS.description)

    @strawberry.field
    def row_count(self) -> int | None:
        found = self.text(v.ROW_COUNT)
        return int(found) if found is not None else None

    @strawberry.field
    async def owners(self, info: Info[Context, None]) -> list[Ownership]:
        return await _owners(info, self.d, self.iri)

    @strawberry.field
    def tags(self, info: Info[Context, None]) -> list[Tag]:
        return _tags(info, self.d, self.iri)

    @strawberry.field
    async def concepts(self, info: Info[Context, None]) -> list[Concept]:
        return await _concepts(info, self.d, self.iri)

    @strawberry.field(description="Policies with a rule targeting this dataset.")
    def policies(self, info: Info[Context, None]) -> list[strawberry.ID]:
        rules = info.context.reader.subjects_with(v.ODRL.target, [self.iri]).get(self.iri, [])
        return [strawberry.ID(policy_of_rule(r).value) for r in rules]

    @strawberry.field(description="The dataset's columns in their order.")
    async def columns(
        self,
        info: Info[Context, None],
        first: Annotated[int, strawberry.argument(description=f"Page size, at most {MAX_PAGE}.")] = 100,
        after: str | None = None,
    ) -> ColumnConnection:
        if not 0 <= first <= MAX_PAGE:
            raise ValueError(f"'first': {first} is out of range; ask for 0 to {MAX_PAGE} columns a page")
        columns = await info.context.columns.load(self.iri)
        start = int(decode_cursor(after, 1)[0]) + 1 if after else 0
        page = columns[start : start + first]
        d = await info.context.describe(page)
        edges = [
            Edge(cursor=encode_cursor(str(start + i)), node=Column(**_node(c, d))) for i, c in enumerate(page)
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + len(page) < len(columns), end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=len(columns),
        )

    @strawberry.field(description="Whether any column holds personal data.")
    async def has_personal_data(self, info: Info[Context, None]) -> bool:
        columns = await info.context.columns.load(self.iri)
        d = await info.context.describe(columns)
        return any(d.objects(c, v.DPV.hasPersonalData) for c in columns)


DatasetConnection = Connection[Dataset]

TYPES: dict[str, type] = {
    t.__name__: t for t in (Dataset, Column, Job, Run, Owner, Tag, Concept, Policy, Mapping, ValidationResult)
}


def make_node(type_name: str, iri: NamedNode, d: Description) -> Node:
    return TYPES[type_name](**_node(iri, d))
