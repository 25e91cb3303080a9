"""The framework floor for bench/api.py: strawberry on FastAPI answering its `dataset` query with no store.

A server that answers `bench.api.DATASET_QUERY` with a fixed dataset of 20 columns and one owner,
built and served the way datagraph's API is (parser and validation caches, its execution context,
`api.app.serve`). Driven by the same clients as the real API in the same run, it shows how much of
the latency is the HTTP and GraphQL stack and the load generator on this machine, before any store work.

Run: .venv/bin/python -m bench.api_floor PORT
"""

from __future__ import annotations

import sys

import strawberry
from fastapi import FastAPI
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter

from api.app import serve
from api.graphql.schema import AcyclicExecutionContext

COLUMNS = 20


@strawberry.type
class Column:
    id: strawberry.ID
    name: str
    datatype: str


@strawberry.type
class ColumnEdge:
    node: Column


@strawberry.type
class ColumnConnection:
    total_count: int
    edges: list[ColumnEdge]


@strawberry.type
class Owner:
    key: str


@strawberry.type
class Ownership:
    role: str
    owner: Owner


@strawberry.type
class Dataset:
    id: strawberry.ID
    name: str
    qualified_name: str
    owners: list[Ownership]

    @strawberry.field
    def columns(self, first: int) -> ColumnConnection:
        edges = [
            ColumnEdge(node=Column(id=strawberry.ID(f"{self.id}/c{i}"), name=f"c{i}", datatype="string"))
            for i in range(min(first, COLUMNS))
        ]
        return ColumnConnection(total_count=COLUMNS, edges=edges)


@strawberry.type
class Query:
    @strawberry.field
    def dataset(self, name: str) -> Dataset:
        owner = Ownership(role="technical", owner=Owner(key="owner@example.com"))
        return Dataset(id=strawberry.ID(f"urn:floor:{name}"), name=name, qualified_name=name, owners=[owner])


def app() -> FastAPI:
    schema = strawberry.Schema(
        Query,
        extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
        execution_context_class=AcyclicExecutionContext,
    )
    floor = FastAPI()
    floor.include_router(GraphQLRouter(schema), prefix="/graphql")

    @floor.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    return floor


if __name__ == "__main__":
    serve(app(), "127.0.0.1", int(sys.argv[1]), access_log=False, log_level="warning")
