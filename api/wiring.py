"""Builds the objects the rest of datagraph receives: the store, the IRI minter, the writer, the read cache."""

from __future__ import annotations

from api.graphql.reader import SEARCHABLE
from api.settings import Settings
from graph.iris import IriMinter
from graph.read_cache import ReadCache
from graph.store import GraphStore, StoreLocked
from graph.text_index import TextIndex
from graph.write import GraphWriter


def open_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """The store the settings name. A read-only open of a locked Oxigraph directory falls back to a snapshot view."""
    if settings.is_neo4j:
        from graph.stores.neo4j.store import Neo4jStore

        return Neo4jStore(
            settings.store,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            timeout_s=settings.neo4j_timeout_s,
        )
    from graph.stores.oxigraph.store import OxigraphStore

    if not read_only:
        return OxigraphStore(settings.store)
    try:
        return OxigraphStore(settings.store)
    except StoreLocked:
        return OxigraphStore(settings.store, read_only=True)


def build_writer(settings: Settings, store: GraphStore) -> GraphWriter:
    return GraphWriter(store, IriMinter(settings.base_iri))


def read_cache_for(store: GraphStore, settings: Settings) -> ReadCache | None:
    """The API's read cache over `store`, watching its writes; None when the settings turn it off or
    other processes write the store too (a shared Neo4j)."""
    if settings.read_cache_entries == 0 or not store.capabilities.exclusive:
        return None
    cache = ReadCache(settings.read_cache_entries)
    cache.watch(store)
    return cache


def text_index_for(store: GraphStore, settings: Settings) -> TextIndex | None:
    """The API's search index over `store`, kept in memory on the same terms as the read cache; None
    without one (each search then reads the names afresh)."""
    if settings.read_cache_entries == 0 or not store.capabilities.exclusive:
        return None
    return TextIndex(store, SEARCHABLE)
