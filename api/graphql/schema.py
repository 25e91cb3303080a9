"""The strawberry schema, its limits and extensions, and the SDL it exports."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLResolveInfoHelpers
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql.errors import ApiError
from api.graphql.limits import cost_limit, depth_rule
from api.graphql.mutations import Mutation
from api.graphql.query import Query
from api.graphql.types import TYPES

SDL_PATH = Path(__file__).with_name("schema.graphql")

Observer = Callable[[str | None, str, float, bool], None]  # operation, type, seconds, ok


class RequestCost(SchemaExtension):
    """Adds `extensions.cost.storeQueries` to each response: the store round trips the request made."""

    def get_results(self) -> dict:
        context = self.execution_context.context
        reader = getattr(context, "reader", None)
        return {"cost": {"storeQueries": reader.queries}} if reader is not None else {}


def _observing(observe: Observer) -> type[SchemaExtension]:
    class Observe(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            ec = self.execution_context
            kind = ec.operation_type.value if getattr(ec, "operation_type", None) else "query"
            ok = not (ec.result is not None and ec.result.errors) and not ec.pre_execution_errors
            observe(ec.operation_name, kind, time.perf_counter() - started, ok)

    return Observe


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context refers to itself: its `async_helpers` hold two of its bound
    methods. That cycle held each request's whole object graph (the context, its DataLoaders, the
    descriptions and their terms, the HTTP request: ~400 objects) until the cyclic garbage collector
    ran, which under load took 20-70 ms every ~0.4 s, stalling every request in flight. Through a weak
    reference, the request's objects are freed as soon as it is answered. (The executor outlives every
    call of the helpers: the schema enables no incremental delivery, @defer or @stream, that would run
    on after `execute` returned.) A test counts what a request leaves to the collector."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        me = weakref.ref(self)

        def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
            return me().gather_async_work(values)

        def track(values: Sequence[Any]) -> None:
            me().track_async_work(values)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=gather, track=track)


class _Schema(strawberry.Schema):
    """Logs only the errors that are the server's fault. A caller's mistake (an unknown name, a wrong
    field, a denied mutation, a query over the limits) is answered to that caller, and would otherwise
    be logged with a traceback at ERROR level, request after request."""

    def process_errors(self, errors: list[GraphQLError], execution_context: object = None) -> None:
        super().process_errors([e for e in errors if not _callers_mistake(e)], execution_context)


def _callers_mistake(error: GraphQLError) -> bool:
    # No original error: the document itself was wrong (syntax, unknown field, wrong type).
    return (
        isinstance(error, ApiError)
        or error.original_error is None
        or isinstance(error.original_error, ApiError)
    )


def build_schema(
    *,
    max_depth: int = 12,
    max_complexity: int = 20_000,
    introspection: bool = True,
    observe: Observer | None = None,
) -> strawberry.Schema:
    rule = depth_rule(max_depth)
    # Depth does not depend on variables, so a validated document stays valid: cache both steps. Cost
    # does (`first: $n`), so it is measured when the operation runs, with the variables it was sent.
    extensions: list = [
        lambda: AddValidationRules([rule]),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        cost_limit(max_complexity),
        RequestCost,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if observe is not None:
        extensions.append(_observing(observe))
    return _Schema(
        query=Query,
        mutation=Mutation,
        types=list(TYPES.values()),
        extensions=extensions,
        execution_context_class=AcyclicExecutionContext,
    )


def sdl() -> str:
    """The schema in SDL, as committed to api/graphql/schema.graphql."""
    return build_schema().as_str() + "\n"


def main() -> None:
    """Write the SDL file: `python -m api.graphql.schema`."""
    SDL_PATH.write_text(sdl())
    print(f"wrote {SDL_PATH}")


if __name__ == "__main__":
    main()
