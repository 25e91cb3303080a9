"""Query depth and complexity limits, checked before a query runs, with errors that name the limit.

Depth is checked when a query is validated (validation is cached per query text). Cost is checked when
it runs, with the variables it was sent: each field costs 1, a field that reads the whole catalog (a
listing, a search, a traversal, a raw query) costs `FIELD_COSTS` instead, and a field's selections
count once per item it can return: its `first` argument (a literal, or the value a variable was sent),
else its default page. Each alias is counted, and each fragment is measured once, so the check takes
time linear in the query's size however its fragments nest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    Visitor,
    get_operation_ast,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.pyutils import Undefined
from strawberry.extensions import SchemaExtension

MAX_PAGE = 500  # the most items a `first` argument may ask for
# The most items one input list may hold (columns of an upsert, ...). strawberry turns inputs into
# objects on the event loop before any resolver runs: 10,000 columns held every other request 1.7 s.
MAX_INPUT_ITEMS = 1_000
# Root fields whose store work grows with the catalog: one costs as much as this many plain fields (a
# filtered listing of 100k columns took ~94 ms, a plain field microseconds).
FIELD_COSTS = {
    "datasets": 1_000,
    "search": 1_000,
    "lineage": 1_000,
    "impact": 1_000,
    "sparql": 1_000,
    "cypher": 1_000,
}


def _page(field: FieldNode, definition: object, variables: Mapping[str, Any] | None) -> int:
    """How many items `field` can return: 1 unless its definition takes `first`.

    With `variables` None (validation, which does not see them), a variable `first` counts as MAX_PAGE.
    """
    argument = (getattr(definition, "args", None) or {}).get("first")
    if argument is None:
        return 1
    for given in field.arguments or ():
        if given.name.value == "first":
            if isinstance(given.value, IntValueNode):
                return max(int(given.value.value), 1)
            if isinstance(given.value, VariableNode):
                if variables is None:
                    return MAX_PAGE
                sent = variables.get(given.value.name.value)
                if isinstance(sent, int) and not isinstance(sent, bool):
                    return max(sent, 1)
    default = argument.default_value
    return default if isinstance(default, int) and default is not Undefined else MAX_PAGE


class _Measure:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.measured: dict[str, tuple[int, int]] = {}

    def walk(
        self, selections: SelectionSetNode | None, parent_type: object, seen: frozenset = frozenset()
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set."""
        if selections is None:
            return 0, 0
        depth = cost = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                if node.name.value.startswith("__"):
                    continue
                definition = (getattr(parent_type, "fields", None) or {}).get(node.name.value)
                child_depth, child_cost = self.walk(node.selection_set, _named_type(definition), seen)
                depth = max(depth, 1 + child_depth)
                root = parent_type is self.schema.query_type
                own = FIELD_COSTS.get(node.name.value, 1) if root else 1
                cost += own + child_cost * _page(node, definition, self.variables)
            elif isinstance(node, InlineFragmentNode):
                d, c = self.walk(node.selection_set, self._named(node, parent_type), seen)
                depth, cost = max(depth, d), cost + c
            elif isinstance(node, FragmentSpreadNode):
                d, c = self._fragment(node.name.value, seen)
                depth, cost = max(depth, d), cost + c
        return depth, cost

    def _fragment(self, name: str, seen: frozenset) -> tuple[int, int]:
        """A fragment's (depth, cost), measured the first time it is spread and remembered."""
        if name in self.measured:
            return self.measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:  # unknown or cyclic: other rules report those
            return 0, 0
        target = self.schema.get_type(fragment.type_condition.name.value)
        self.measured[name] = self.walk(fragment.selection_set, target, seen | {name})
        return self.measured[name]

    def _named(self, node: InlineFragmentNode, parent_type: object) -> object:
        if node.type_condition is None:
            return parent_type
        return self.schema.get_type(node.type_condition.name.value)


def _named_type(definition: object) -> object:
    if definition is None:
        return None
    t = definition.type
    while hasattr(t, "of_type"):
        t = t.of_type
    return t


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None = None,
) -> tuple[int, int]:
    """(depth, cost) of one operation of `document`."""
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    return _Measure(schema, document, variables).walk(operation.selection_set, root)


def _limit_error(node: OperationDefinitionNode, what: str, limit: str, value: int) -> GraphQLError:
    return GraphQLError(what, node, extensions={"code": "LIMIT_EXCEEDED", "limit": limit, "value": value})


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` (variables do not change it)."""

    class QueryDepth(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
            depth, _ = measure(self.context.schema, self.context.document, node)
            if depth > max_depth:
                name = node.name.value if node.name else "the query"
                message = (
                    f"{name} is {depth} levels deep; the limit is {max_depth} (DATAGRAPH_MAX_QUERY_DEPTH)"
                )
                self.report_error(_limit_error(node, message, "max_query_depth", depth))

    return QueryDepth


def _longest_list(value: object) -> int:
    """The most items any list in a JSON-like value holds."""
    if isinstance(value, list):
        return max([len(value), *(_longest_list(v) for v in value)])
    if isinstance(value, dict):
        return max((_longest_list(v) for v in value.values()), default=0)
    return 0


def _longest_literal_list(document: DocumentNode) -> int:
    longest = 0

    class Lists(Visitor):
        def enter_list_value(self, node: ListValueNode, *_args: object) -> None:
            nonlocal longest
            longest = max(longest, len(node.values))

    visit(document, Lists())
    return longest


def cost_limit(max_complexity: int) -> type[SchemaExtension]:
    """An extension refusing, before it runs, an operation that could cost more than `max_complexity`,
    measured with the variables the request sent (validation is cached per query text, so it cannot)."""

    class QueryCost(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            operation = get_operation_ast(document, context.operation_name) if document else None
            items = max(
                _longest_list(context.variables or {}), _longest_literal_list(document) if document else 0
            )
            if operation is not None and items > MAX_INPUT_ITEMS:
                message = (
                    f"an input list holds {items} items; at most {MAX_INPUT_ITEMS} are taken in one request: "
                    "send the rest in further requests"
                )
                context.result = GraphQLExecutionResult(
                    data=None, errors=[_limit_error(operation, message, "max_input_items", items)]
                )
            elif operation is not None:
                schema = context.schema._schema
                _, cost = measure(schema, document, operation, context.variables or {})
                if cost > max_complexity:
                    name = operation.name.value if operation.name else "the query"
                    message = (
                        f"{name} could return {cost} fields; the limit is {max_complexity} "
                        "(DATAGRAPH_MAX_QUERY_COMPLEXITY): ask for fewer items with `first`, or fewer "
                        "listings, searches and traversals at once"
                    )
                    error = _limit_error(operation, message, "max_query_complexity", cost)
                    context.result = GraphQLExecutionResult(data=None, errors=[error])
            yield

    return QueryCost
