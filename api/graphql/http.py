"""Mounts the GraphQL API on a FastAPI app: /graphql (with offline GraphiQL), authenticated per request."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request

from api.auth import ApiKeyStore
from api.graphiql import OfflineGraphQLRouter, mount_graphiql_assets
from api.graphql.context import Context
from api.graphql.schema import Observer, build_schema
from api.http_auth import caller
from api.settings import Settings
from graph.iris import IriMinter
from graph.read_cache import ReadCache
from graph.store import GraphStore
from graph.text_index import TextIndex
from graph.write import GraphWriter


def mount_graphql(
    app: FastAPI,
    store: GraphStore,
    writer: GraphWriter | None,
    settings: Settings,
    keys: ApiKeyStore,
    observe: Observer | None = None,
    cache: ReadCache | None = None,
    text_index: TextIndex | None = None,
) -> None:
    """Serve the API at /graphql. Requests without credentials are refused unless the settings give
    anonymous callers a role; bad credentials get a 401 saying what to do. Reads go through `cache`
    when one is given, and searches through `text_index` (see `api.wiring`)."""
    iris = writer.iris if writer is not None else IriMinter(settings.base_iri)
    schema = build_schema(
        max_depth=settings.max_query_depth,
        max_complexity=settings.max_query_complexity,
        introspection=settings.introspection,
        observe=observe,
    )

    async def context(request: Request) -> Context:
        principal = caller(request, keys, settings)
        ide_page = request.method == "GET" and "query" not in request.query_params
        if principal is None and not ide_page:
            raise HTTPException(
                status_code=401,
                detail="this API needs credentials: send `Authorization: Bearer <API key>` "
                "(create one with `datagraph apikey create --role viewer`), "
                "or enable anonymous access with DATAGRAPH_ANONYMOUS_ROLE=viewer",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Context(
            store=store,
            writer=writer,
            iris=iris,
            settings=settings,
            principal=principal,
            cache=cache,
            text_index=text_index,
        )

    router = OfflineGraphQLRouter(schema, context_getter=context, graphql_ide="graphiql")
    app.include_router(router, prefix="/graphql")
    mount_graphiql_assets(app)
