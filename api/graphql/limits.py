"""Query depth and complexity limits, checked before a query runs, with errors that name the limit.

Complexity counts the fields a query can return: each field costs 1, and a
field's selections count once per item it can return (its `first` argument,
or the default page size of a list field taking `first`).
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)

DEFAULT_PAGE = 50  # what a list field with a `first` argument returns when none is given


def _first(field: FieldNode, variables: dict) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            found = variables.get(value.name.value)
            return int(found) if isinstance(found, int) else DEFAULT_PAGE
    return None


def _takes_first(context: ValidationContext, field: FieldNode, parent_type: object) -> bool:
    fields = getattr(parent_type, "fields", None) or {}
    definition = fields.get(field.name.value)
    return definition is not None and "first" in definition.args


class _Measure:
    def __init__(self, context: ValidationContext, variables: dict) -> None:
        self.context = context
        self.variables = variables
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def walk(
        self, selections: SelectionSetNode | None, parent_type: object, seen: frozenset
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set."""
        if selections is None:
            return 0, 0
        depth = cost = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                if node.name.value.startswith("__"):
                    continue
                field_type = self._field_type(parent_type, node.name.value)
                child_depth, child_cost = self.walk(node.selection_set, field_type, seen)
                first = _first(node, self.variables)
                if first is None and _takes_first(self.context, node, parent_type):
                    first = DEFAULT_PAGE
                depth = max(depth, 1 + child_depth)
                cost += 1 + child_cost * max(first or 1, 1)
            elif isinstance(node, InlineFragmentNode):
                d, c = self.walk(node.selection_set, self._named(node, parent_type), seen)
                depth, cost = max(depth, d), cost + c
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    d, c = self.walk(fragment.selection_set, target, seen | {node.name.value})
                    depth, cost = max(depth, d), cost + c
        return depth, cost

    def _named(self, node: InlineFragmentNode, parent_type: object) -> object:
        if node.type_condition is None:
            return parent_type
        return self.context.schema.get_type(node.type_condition.name.value)

    @staticmethod
    def _field_type(parent_type: object, name: str) -> object:
        fields = getattr(parent_type, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return None
        t = definition.type
        while hasattr(t, "of_type"):
            t = t.of_type
        return t


def limits_rule(
    max_depth: int, max_complexity: int, variables_of: dict | None = None
) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than `max_depth` or costlier than `max_complexity`."""

    class QueryLimits(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
            root = {
                "query": self.context.schema.query_type,
                "mutation": self.context.schema.mutation_type,
                "subscription": self.context.schema.subscription_type,
            }[node.operation.value]
            depth, cost = _Measure(self.context, variables_of or {}).walk(
                node.selection_set, root, frozenset()
            )
            name = node.name.value if node.name else "the query"
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"{name} is {depth} levels deep; the limit is {max_depth} (DATAGRAPH_MAX_QUERY_DEPTH)",
                        node,
                        extensions={"code": "LIMIT_EXCEEDED", "limit": "max_query_depth", "value": depth},
                    )
                )
            if cost > max_complexity:
                self.report_error(
                    GraphQLError(
                        f"{name} could return {cost} fields; the limit is {max_complexity} "
                        "(DATAGRAPH_MAX_QUERY_COMPLEXITY): ask for fewer items with `first`",
                        node,
                        extensions={"code": "LIMIT_EXCEEDED", "limit": "max_query_complexity", "value": cost},
                    )
                )

    return QueryLimits
