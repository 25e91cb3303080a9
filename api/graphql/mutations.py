"""Mutations, named verb+noun, one input object each; all write through GraphWriter.commit.

A mistake in the input comes back as an `InputError` result naming the input
field, not as a GraphQL error: clients switch on `__typename`. Who may write
(stewards and admins) is checked before anything is read.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Annotated

import strawberry
from pyoxigraph import Literal, NamedNode
from strawberry.types import Info

from api.auth import Role
from api.graphql.context import Context
from api.graphql.errors import ApiError
from api.graphql.permissions import require
from api.graphql.reader import node_type
from api.graphql.types import Column, Dataset, Job, Node, Owner, Policy, Run, Tag, make_node
from graph import records
from graph import vocab as v
from graph.changeset import ChangeSet
from graph.records import OWNERSHIP_ROLES, RULE_KINDS, Triple
from graph.resolve import AmbiguousName, UnknownEntity
from graph.write import ChangeRejected, CommitResult, GraphWriter
from loaders.openlineage.ingest import ingest_event
from loaders.openlineage.validation import InvalidEvent


@strawberry.type(
    description="The input was wrong: `field` names the input field (dotted path), `message` says why."
)
class InputError:
    field: str
    message: str


@strawberry.type(description="What a mutation changed in the graph.")
class Change:
    triples_added: int
    triples_removed: int


class InputProblem(Exception):
    """Raised inside a mutation to answer with an InputError."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def writer_of(info: Info[Context, None], doing: str) -> GraphWriter:
    """The writer, after checking the caller may write; a read-only server says so."""
    principal = require(info, Role.STEWARD, doing)
    writer = info.context.writer
    if writer is None:
        raise ApiError(f"cannot {doing}: this server serves a read-only store")
    info.context.actor = f"{principal.via}:{principal.subject}"
    return writer


def resolve_input(info: Info[Context, None], field: str, text: str) -> NamedNode:
    try:
        return info.context.resolve(text)
    except (UnknownEntity, AmbiguousName) as e:
        raise InputProblem(field, str(e)) from e


def commit(info: Info[Context, None], writer: GraphWriter, changeset: ChangeSet) -> CommitResult:
    try:
        return writer.commit(changeset)
    except ChangeRejected as e:
        raise InputProblem("input", str(e)) from e


def change_of(result: CommitResult) -> Change:
    return Change(triples_added=result.added, triples_removed=result.removed)


# --- setDescription ---------------------------------------------------------------------------------


@strawberry.input
class SetDescriptionInput:
    id: strawberry.ID = strawberry.field(
        description="A dataset, column, job, concept or policy: IRI or name."
    )
    description: str = strawberry.field(description="The new description; empty removes it.")


@strawberry.type
class SetDescriptionPayload:
    node: Node
    change: Change


SetDescriptionResult = Annotated[SetDescriptionPayload | InputError, strawberry.union("SetDescriptionResult")]


def set_description(info: Info[Context, None], input: SetDescriptionInput) -> SetDescriptionPayload:
    writer = writer_of(info, "set a description")
    iri = resolve_input(info, "id", str(input.id))
    changeset = changeset_of(info, f"setDescription of {iri.value}")
    remove_everywhere(info, changeset, iri, v.DCTERMS.description, None)
    text = input.description.strip()
    if text:
        changeset.add([(iri, v.DCTERMS.description, Literal(text))], writer.iris.user_graph())
    result = commit(info, writer, changeset)
    return SetDescriptionPayload(node=node_of(info, iri, "Dataset"), change=change_of(result))


# --- helpers shared by the mutations below --------------------------------------------------------

LOCAL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def changeset_of(info: Info[Context, None], reason: str) -> ChangeSet:
    user_edits = frozenset({info.context.iris.user_graph()})
    return ChangeSet(actor=info.context.actor, reason=reason, reserved=user_edits)


def non_empty(field: str, text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InputProblem(field, f"give {what}; it may not be empty")
    return text


def one_of(field: str, value: str, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise InputProblem(field, f"{value!r} is not one of {', '.join(sorted(allowed))}; give one of them")
    return value


def local_name(field: str, text: str, what: str, example: str) -> str:
    if not LOCAL_NAME.fullmatch(text):
        raise InputProblem(field, f"{text!r} is not {what}; give a local name like {example}")
    return text


def typed(
    info: Info[Context, None], field: str, text: str, allowed: tuple[str, ...]
) -> tuple[NamedNode, str]:
    """The node `text` names and its GraphQL type, which must be one of `allowed`."""
    iri = resolve_input(info, field, text)
    found = node_type(iri, info.context.reader.describe([iri]))
    if found not in allowed:
        what = f"a {found}" if found else "nothing the API serves"
        raise InputProblem(field, f"{iri.value} is {what}; give a {' or a '.join(allowed)}")
    return iri, found


def node_of(info: Info[Context, None], iri: NamedNode, fallback: str) -> Node:
    d = info.context.reader.describe([iri])
    return make_node(node_type(iri, d) or fallback, iri, d)


def remove_everywhere(info: Info[Context, None], changeset: ChangeSet, s, p, o) -> None:
    """Remove the triples matching (s, p, o) from every named graph that holds them."""
    for q in info.context.store.quads(s, p, o):
        changeset.remove([(q.subject, q.predicate, q.object)], q.graph_name)


def replacing(
    info: Info[Context, None], changeset: ChangeSet, triples: list[Triple], single=v.SINGLE_VALUED
) -> None:
    """Remove the values that `triples` replace: other values of their single-valued predicates."""
    for s, p, o in triples:
        if p in single:
            for q in info.context.store.quads(s, p, None):
                if q.object != o:
                    changeset.remove([(s, p, q.object)], q.graph_name)


# --- upsertDataset and upsertColumns -----------------------------------------------------------------


@strawberry.input
class ColumnInput:
    name: str
    datatype: str | None = strawberry.field(
        default=None, description="An XSD local name: string, integer, date, ..."
    )
    native_type: str | None = strawberry.field(
        default=None, description="The source's type, e.g. varchar(255)."
    )
    nullable: bool | None = None
    ordinal: int | None = None
    description: str | None = None
    personal_data: list[str] = strawberry.field(
        default_factory=list, description="DPV personal-data categories (pd: local names), e.g. EmailAddress."
    )


def column_records(field: str, columns: list[ColumnInput]) -> tuple[records.Column, ...]:
    out = []
    for i, c in enumerate(columns):
        at = f"{field}[{i}]"
        name = non_empty(f"{at}.name", c.name, "the column's name")
        if name in {o.name for o in out}:
            raise InputProblem(f"{at}.name", f"column {name!r} is listed twice; list each column once")
        if c.datatype is not None:
            local_name(f"{at}.datatype", c.datatype, "an XSD datatype", "integer")
        for j, category in enumerate(c.personal_data):
            local_name(f"{at}.personalData[{j}]", category, "a DPV personal-data category", "EmailAddress")
        if c.ordinal is not None and c.ordinal < 0:
            raise InputProblem(f"{at}.ordinal", f"{c.ordinal} is not a position; give 0 or more")
        out.append(
            records.Column(
                name=name,
                datatype=c.datatype,
                native_type=c.native_type,
                nullable=c.nullable,
                ordinal=c.ordinal,
                description=(c.description or "").strip() or None,
                personal_data=tuple(c.personal_data),
            )
        )
    return tuple(out)


@strawberry.input
class UpsertDatasetInput:
    platform: str = strawberry.field(description="postgres, snowflake, s3, dbt, ...")
    path: list[str] = strawberry.field(
        description='The qualified name\'s parts: ["warehouse", "public", "orders"].'
    )
    kind: str | None = strawberry.field(
        default=None,
        description="table, view, file, dbt_model, dbt_seed or dbt_snapshot; a new dataset's default is table, "
        "an existing one keeps its kind.",
    )
    description: str | None = None
    columns: list[ColumnInput] = strawberry.field(default_factory=list)


@strawberry.type
class UpsertDatasetPayload:
    dataset: Dataset
    change: Change


UpsertDatasetResult = Annotated[UpsertDatasetPayload | InputError, strawberry.union("UpsertDatasetResult")]


def upsert_dataset(info: Info[Context, None], input: UpsertDatasetInput) -> UpsertDatasetPayload:
    writer = writer_of(info, "upsert a dataset")
    platform = non_empty("platform", input.platform, "the dataset's platform")
    if not input.path:
        raise InputProblem("path", "give the dataset's name parts, e.g. [database, schema, table]")
    path = tuple(non_empty(f"path[{i}]", part, "every name part") for i, part in enumerate(input.path))
    iri = writer.iris.dataset(platform, *path)
    kinds = {cls: name for name, cls in v.DATASET_KINDS.items()}
    current = [kinds[q.object] for q in info.context.store.quads(iri, v.RDF.type, None) if q.object in kinds]
    kind = (
        one_of("kind", input.kind, v.DATASET_KINDS)
        if input.kind is not None
        else min(current, default="table")
    )
    dataset = records.Dataset(
        platform=platform,
        path=path,
        kind=kind,
        description=(input.description or "").strip() or None,
        columns=column_records("columns", input.columns),
    )
    changeset = changeset_of(info, f"upsertDataset {dataset.qualified_name}")
    for other in current:
        if other != kind:
            remove_everywhere(info, changeset, iri, v.RDF.type, v.DATASET_KINDS[other])
    triples = list(dataset.to_triples(writer.iris))
    replacing(info, changeset, triples)
    changeset.add(triples, writer.iris.user_graph())
    result = commit(info, writer, changeset)
    return UpsertDatasetPayload(dataset=node_of(info, iri, "Dataset"), change=change_of(result))


@strawberry.input
class UpsertColumnsInput:
    dataset: strawberry.ID = strawberry.field(description="The dataset: IRI or name.")
    columns: list[ColumnInput]


@strawberry.type
class UpsertColumnsPayload:
    dataset: Dataset
    columns: list[Column]
    change: Change


UpsertColumnsResult = Annotated[UpsertColumnsPayload | InputError, strawberry.union("UpsertColumnsResult")]


def upsert_columns(info: Info[Context, None], input: UpsertColumnsInput) -> UpsertColumnsPayload:
    writer = writer_of(info, "upsert columns")
    iri, _ = typed(info, "dataset", str(input.dataset), ("Dataset",))
    if not input.columns:
        raise InputProblem("columns", "give at least one column")
    columns = column_records("columns", input.columns)
    found = next(info.context.store.quads(iri, v.DCTERMS.identifier, None), None)
    name = found.object.value if found is not None else iri.value
    try:
        column_iris = [writer.iris.column(iri, c.name) for c in columns]
    except ValueError as e:
        raise InputProblem("dataset", f"{e}; only datasets datagraph named can get columns here") from e
    triples = [
        t
        for c, ci in zip(columns, column_iris, strict=True)
        for t in c.to_triples(ci, iri, name, writer.iris)
    ]
    changeset = changeset_of(info, f"upsertColumns of {name}")
    replacing(info, changeset, triples)
    changeset.add(triples, writer.iris.user_graph())
    result = commit(info, writer, changeset)
    d = info.context.reader.describe([iri, *column_iris])
    return UpsertColumnsPayload(
        dataset=make_node("Dataset", iri, d),
        columns=[make_node("Column", c, d) for c in column_iris],
        change=change_of(result),
    )


# --- addLineage and removeLineage --------------------------------------------------------------------


@strawberry.input
class AddLineageInput:
    upstream: strawberry.ID = strawberry.field(description="The dataset or column derived from: IRI or name.")
    downstream: strawberry.ID = strawberry.field(description="The derived dataset or column: IRI or name.")
    kind: str | None = strawberry.field(
        default=None,
        description="Column lineage only: copy, expression, aggregation, hash, filter, join_key, ...",
    )
    job: strawberry.ID | None = strawberry.field(
        default=None, description="The job that derives it: IRI or name."
    )


@strawberry.input
class RemoveLineageInput:
    upstream: strawberry.ID
    downstream: strawberry.ID


@strawberry.type
class AddLineagePayload:
    upstream: Node
    downstream: Node
    change: Change


@strawberry.type
class RemoveLineagePayload(AddLineagePayload):
    pass


AddLineageResult = Annotated[AddLineagePayload | InputError, strawberry.union("AddLineageResult")]
RemoveLineageResult = Annotated[RemoveLineagePayload | InputError, strawberry.union("RemoveLineageResult")]


def lineage_ends(
    info: Info[Context, None], upstream: str, downstream: str
) -> tuple[NamedNode, NamedNode, str]:
    up, up_type = typed(info, "upstream", upstream, ("Dataset", "Column"))
    down, down_type = typed(info, "downstream", downstream, ("Dataset", "Column"))
    if up_type != down_type:
        raise InputProblem(
            "downstream", f"{down.value} is a {down_type} but upstream is a {up_type}; link like to like"
        )
    if up == down:
        raise InputProblem("downstream", "a node is not derived from itself; give two different nodes")
    return up, down, up_type


def add_lineage(info: Info[Context, None], input: AddLineageInput) -> AddLineagePayload:
    writer = writer_of(info, "add lineage")
    up, down, level = lineage_ends(info, str(input.upstream), str(input.downstream))
    job = typed(info, "job", str(input.job), ("Job",))[0] if input.job is not None else None
    if level == "Dataset":
        if input.kind is not None:
            raise InputProblem("kind", "only column lineage has a kind; leave it out for datasets")
        edge = records.DatasetLineage(downstream=down, upstream=up, job=job)
    else:
        kind = one_of("kind", input.kind, v.TRANSFORMATION_KINDS) if input.kind is not None else None
        edge = records.ColumnLineage(downstream=down, upstream=up, kind=kind, job=job)
    changeset = changeset_of(info, f"addLineage {up.value} -> {down.value}")
    changeset.add(edge.to_triples(writer.iris), writer.iris.user_graph())
    result = commit(info, writer, changeset)
    return AddLineagePayload(
        upstream=node_of(info, up, level), downstream=node_of(info, down, level), change=change_of(result)
    )


def remove_lineage(info: Info[Context, None], input: RemoveLineageInput) -> RemoveLineagePayload:
    writer = writer_of(info, "remove lineage")
    up, down, level = lineage_ends(info, str(input.upstream), str(input.downstream))
    store = info.context.store
    nodes = {writer.iris.lineage(down, up)} | {
        q.object
        for q in store.quads(down, v.PROV.qualifiedDerivation, None)
        if store.has(q.object, v.PROV.entity, up)
    }
    nodes = {n for n in nodes if store.has(n, None, None)}
    if not nodes and not store.has(down, v.PROV.wasDerivedFrom, up):
        raise InputProblem(
            "downstream", f"{down.value} is not derived from {up.value}; there is no edge to remove"
        )
    changeset = changeset_of(info, f"removeLineage {up.value} -> {down.value}")
    for p in (v.PROV.wasDerivedFrom, *v.KIND_PREDICATES.values()):
        remove_everywhere(info, changeset, down, p, up)
    for n in nodes:
        remove_everywhere(info, changeset, down, v.PROV.qualifiedDerivation, n)
        remove_everywhere(info, changeset, n, None, None)
    result = commit(info, writer, changeset)
    return RemoveLineagePayload(
        upstream=node_of(info, up, level), downstream=node_of(info, down, level), change=change_of(result)
    )


# --- setOwner ---------------------------------------------------------------------------------------


@strawberry.input
class SetOwnerInput:
    id: strawberry.ID = strawberry.field(description="A dataset, column or job: IRI or name.")
    owner: str = strawberry.field(description="The owner's key: an e-mail or login, or a team's name.")
    kind: str = strawberry.field(default="person", description="person or team.")
    role: str = strawberry.field(default="technical", description="technical, business or steward.")
    name: str | None = strawberry.field(default=None, description="The owner's display name.")


@strawberry.type
class SetOwnerPayload:
    node: Node
    owner: Owner
    role: str
    change: Change


SetOwnerResult = Annotated[SetOwnerPayload | InputError, strawberry.union("SetOwnerResult")]


def set_owner(info: Info[Context, None], input: SetOwnerInput) -> SetOwnerPayload:
    writer = writer_of(info, "set an owner")
    iri, found = typed(info, "id", str(input.id), ("Dataset", "Column", "Job"))
    key = non_empty("owner", input.owner, "the owner's e-mail, login or team name")
    kind = one_of("kind", input.kind, ("person", "team"))
    role = one_of("role", input.role, OWNERSHIP_ROLES)
    name = (input.name or "").strip() or None
    email = key if kind == "person" and "@" in key else None
    owner = records.Owner(key=key, kind=kind, name=name, email=email)
    o = owner.iri(writer.iris)
    store = info.context.store
    triples = [
        t
        for t in owner.to_triples(writer.iris)
        if not (t[1] == v.RDFS.label and not name and store.has(o, v.RDFS.label, None))
    ]
    changeset = changeset_of(info, f"setOwner {role} {key} of {iri.value}")
    replacing(info, changeset, triples, (v.RDFS.label,))
    changeset.add([(iri, OWNERSHIP_ROLES[role], o), (iri, v.OWNER, o), *triples], writer.iris.user_graph())
    result = commit(info, writer, changeset)
    return SetOwnerPayload(
        node=node_of(info, iri, found), owner=node_of(info, o, "Owner"), role=role, change=change_of(result)
    )


# --- addTag and removeTag ---------------------------------------------------------------------------


@strawberry.input
class AddTagInput:
    id: strawberry.ID = strawberry.field(description="A dataset or column: IRI or name.")
    tag: str


@strawberry.input
class RemoveTagInput(AddTagInput):
    pass


@strawberry.type
class AddTagPayload:
    node: Node
    tag: Tag
    change: Change


@strawberry.type
class RemoveTagPayload(AddTagPayload):
    pass


AddTagResult = Annotated[AddTagPayload | InputError, strawberry.union("AddTagResult")]
RemoveTagResult = Annotated[RemoveTagPayload | InputError, strawberry.union("RemoveTagResult")]


def add_tag(info: Info[Context, None], input: AddTagInput) -> AddTagPayload:
    writer = writer_of(info, "add a tag")
    iri, found = typed(info, "id", str(input.id), ("Dataset", "Column"))
    tag = non_empty("tag", input.tag, "the tag")
    t = writer.iris.tag(tag)
    changeset = changeset_of(info, f"addTag {tag} to {iri.value}")
    changeset.add(
        [(iri, v.HAS_TAG, t), (t, v.RDF.type, v.TAG), (t, v.RDFS.label, Literal(tag))],
        writer.iris.user_graph(),
    )
    result = commit(info, writer, changeset)
    return AddTagPayload(
        node=node_of(info, iri, found), tag=node_of(info, t, "Tag"), change=change_of(result)
    )


def remove_tag(info: Info[Context, None], input: RemoveTagInput) -> RemoveTagPayload:
    writer = writer_of(info, "remove a tag")
    iri, found = typed(info, "id", str(input.id), ("Dataset", "Column"))
    tag = non_empty("tag", input.tag, "the tag")
    t = writer.iris.tag(tag)
    if not info.context.store.has(iri, v.HAS_TAG, t):
        raise InputProblem("tag", f"{iri.value} has no tag {tag!r}; give one of its tags")
    changeset = changeset_of(info, f"removeTag {tag} from {iri.value}")
    remove_everywhere(info, changeset, iri, v.HAS_TAG, t)
    result = commit(info, writer, changeset)
    return RemoveTagPayload(
        node=node_of(info, iri, found), tag=node_of(info, t, "Tag"), change=change_of(result)
    )


# --- attachPolicy -----------------------------------------------------------------------------------


@strawberry.input
class AttachPolicyInput:
    policy: str = strawberry.field(description="The policy's name; a new name creates the policy.")
    target: strawberry.ID = strawberry.field(
        description="The dataset or column the rule is about: IRI or name."
    )
    action: str = strawberry.field(default="read", description="An ODRL action: read, use, distribute, ...")
    kind: str = strawberry.field(default="permission", description="permission, prohibition or obligation.")
    assignee: str | None = strawberry.field(
        default=None, description="The role the rule is for, e.g. analyst."
    )


@strawberry.type
class AttachPolicyPayload:
    policy: Policy
    target: Node
    change: Change


AttachPolicyResult = Annotated[AttachPolicyPayload | InputError, strawberry.union("AttachPolicyResult")]


def attach_policy(info: Info[Context, None], input: AttachPolicyInput) -> AttachPolicyPayload:
    writer = writer_of(info, "attach a policy")
    name = non_empty("policy", input.policy, "the policy's name")
    target, found = typed(info, "target", str(input.target), ("Dataset", "Column"))
    action = local_name("action", input.action, "an ODRL action", "read")
    kind = one_of("kind", input.kind, RULE_KINDS)
    assignee = (
        non_empty("assignee", input.assignee, "a role name, or leave it out")
        if input.assignee is not None
        else None
    )
    iris = writer.iris
    p = iris.policy(name)
    store = info.context.store
    taken = [records.rule_index(q.object) for r in RULE_KINDS.values() for q in store.quads(p, r, None)]
    rule = records.PolicyRule(kind=kind, action=action, target=target, assignee=assignee)
    triples = list(rule.to_triples(p, max(taken, default=-1) + 1, iris))
    if not store.has(p, v.RDF.type, v.ODRL.Policy):
        triples += records.Policy(name=name).to_triples(iris)
    changeset = changeset_of(info, f"attachPolicy {name}: {kind} to {action} {target.value}")
    changeset.add(triples, iris.user_graph())
    result = commit(info, writer, changeset)
    return AttachPolicyPayload(
        policy=node_of(info, p, "Policy"), target=node_of(info, target, found), change=change_of(result)
    )


# --- ingestOpenLineage ------------------------------------------------------------------------------


@strawberry.input
class IngestOpenLineageInput:
    event: strawberry.scalars.JSON = strawberry.field(description="One OpenLineage RunEvent, as JSON.")


@strawberry.type
class IngestOpenLineagePayload:
    job: Job | None
    run: Run | None
    graph: strawberry.ID = strawberry.field(description="The named graph the event was written to.")
    warnings: list[str]
    change: Change


IngestOpenLineageResult = Annotated[
    IngestOpenLineagePayload | InputError, strawberry.union("IngestOpenLineageResult")
]


def ingest_open_lineage(info: Info[Context, None], input: IngestOpenLineageInput) -> IngestOpenLineagePayload:
    writer = writer_of(info, "ingest an OpenLineage event")
    try:
        result = ingest_event(input.event, writer, actor=info.context.actor)
    except InvalidEvent as e:
        path = e.problems[0].split(":", 1)[0] if e.problems else ""
        raise InputProblem(
            "event" + (f".{path}" if path and path != "(event)" else ""), "; ".join(e.problems)
        ) from e
    except ValueError as e:
        raise InputProblem("event", f"the event could not be mapped: {e}") from e
    except ChangeRejected as e:
        raise InputProblem("event", str(e)) from e
    job = node_of(info, NamedNode(result.job), "Job") if result.job else None
    run = node_of(info, NamedNode(result.run), "Run") if result.run else None
    return IngestOpenLineagePayload(
        job=job,
        run=run,
        graph=strawberry.ID(result.graph),
        warnings=result.warnings,
        change=Change(triples_added=result.triples_added, triples_removed=result.triples_removed),
    )


async def answer(do, info: Info[Context, None], input):
    """`do(info, input)`, or the InputError naming the input field it found wrong.

    It runs in a worker thread: a mutation reads the store and commits, which can take seconds for a
    large input, and the event loop serves everyone else meanwhile.
    """
    try:
        return await asyncio.to_thread(do, info, input)
    except InputProblem as e:
        return InputError(field=f"input.{e.field}", message=e.message)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Set (or, with an empty text, remove) the description of a node.")
    async def set_description(
        self, info: Info[Context, None], input: SetDescriptionInput
    ) -> SetDescriptionResult:
        return await answer(set_description, info, input)

    @strawberry.mutation(
        description="Create a dataset, or add to and update one: its kind, description, columns."
    )
    async def upsert_dataset(
        self, info: Info[Context, None], input: UpsertDatasetInput
    ) -> UpsertDatasetResult:
        return await answer(upsert_dataset, info, input)

    @strawberry.mutation(description="Create or update columns of a dataset.")
    async def upsert_columns(
        self, info: Info[Context, None], input: UpsertColumnsInput
    ) -> UpsertColumnsResult:
        return await answer(upsert_columns, info, input)

    @strawberry.mutation(
        description="State that `downstream` is derived from `upstream` (datasets or columns)."
    )
    async def add_lineage(self, info: Info[Context, None], input: AddLineageInput) -> AddLineageResult:
        return await answer(add_lineage, info, input)

    @strawberry.mutation(
        description="Remove the lineage edge from `upstream` to `downstream`, wherever stated."
    )
    async def remove_lineage(
        self, info: Info[Context, None], input: RemoveLineageInput
    ) -> RemoveLineageResult:
        return await answer(remove_lineage, info, input)

    @strawberry.mutation(
        description="Make a person or team an owner of a node, in a role; other owners stay."
    )
    async def set_owner(self, info: Info[Context, None], input: SetOwnerInput) -> SetOwnerResult:
        return await answer(set_owner, info, input)

    @strawberry.mutation(description="Tag a dataset or column.")
    async def add_tag(self, info: Info[Context, None], input: AddTagInput) -> AddTagResult:
        return await answer(add_tag, info, input)

    @strawberry.mutation(description="Remove a tag from a dataset or column, wherever it was stated.")
    async def remove_tag(self, info: Info[Context, None], input: RemoveTagInput) -> RemoveTagResult:
        return await answer(remove_tag, info, input)

    @strawberry.mutation(description="Add a rule about a dataset or column to a policy (created if new).")
    async def attach_policy(self, info: Info[Context, None], input: AttachPolicyInput) -> AttachPolicyResult:
        return await answer(attach_policy, info, input)

    @strawberry.mutation(description="Write one OpenLineage run event into the graph.")
    async def ingest_open_lineage(
        self, info: Info[Context, None], input: IngestOpenLineageInput
    ) -> IngestOpenLineageResult:
        return await answer(ingest_open_lineage, info, input)
