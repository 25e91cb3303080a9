"""Per-request state of the GraphQL API: who asks, the batched reader, and its DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.auth import Principal
from api.graphql.reader import CatalogReader
from api.settings import Settings
from graph.iris import IriMinter
from graph.read_cache import ReadCache
from graph.records import Description
from graph.resolve import resolve
from graph.store import GraphStore
from graph.text_index import TextIndex
from graph.write import GraphWriter


def _loaders(reader: CatalogReader) -> tuple[DataLoader, DataLoader]:
    async def describe(keys: list[NamedNode]) -> list[Description]:
        d = reader.describe(keys)
        return [d] * len(keys)

    async def columns(keys: list[NamedNode]) -> list[list[NamedNode]]:
        found = reader.columns_of(keys)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=describe, cache_key_fn=str), DataLoader(load_fn=columns, cache_key_fn=str)


@dataclass
class Context(BaseContext):
    store: GraphStore
    writer: GraphWriter | None
    iris: IriMinter
    settings: Settings
    principal: Principal | None
    cache: ReadCache | None = None  # the server's read cache, shared by its requests
    text_index: TextIndex | None = None  # the server's search index, shared too
    reader: CatalogReader = field(init=False)
    descriptions: DataLoader = field(init=False)
    columns: DataLoader = field(init=False)
    actor: str = "api"  # who the write path records as making a change; set once the caller is checked

    def __post_init__(self) -> None:
        super().__init__()
        self.reader = CatalogReader(self.store, self.iris.user_graph(), self.cache, self.text_index)
        self.descriptions, self.columns = _loaders(self.reader)

    def resolve(self, text: str) -> NamedNode:
        """The IRI `text` names (`graph.resolve`). Close names for an unknown one come from the search
        index when the server keeps one, instead of reading every name from the store."""
        index = self.text_index
        return resolve(self.store, text, index.identifiers if index is not None else None)

    async def describe(self, iris: list[NamedNode]) -> Description:
        """One Description holding every node of `iris` (batched with the rest of this tick's loads)."""
        if not iris:
            return Description()
        found = await self.descriptions.load_many(iris)
        return Description.merged(found)
