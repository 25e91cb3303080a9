"""A read cache for a store only this process writes: answers stay until a write changes what they say.

Every answer is kept with the subjects whose triples it was read from. The store
tells the cache the subjects of every change it applies (`GraphStore.watch`), and
the cache forgets each answer read from any of them. An answer read while a change
was being applied is not kept (it may predate the change): `token()` before the
read, `put(..., token)` after it, and the put is dropped if a change came between.

Only for stores whose `capabilities.exclusive` holds (the embedded Oxigraph store,
which one process holds at a time): another process writing a shared Neo4j would
leave this one's answers stale.

    cache = ReadCache(entries=200_000)
    cache.watch(store)
    token = cache.token()
    found = cache.get(key)
    if found is MISSING:
        found = read(...)
        cache.put(key, found, subjects=[iri.value], token=token)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from graph.store import GraphStore, Node

MISSING: Any = object()


@dataclass(frozen=True)
class CacheStats:
    entries: int
    size: int  # the entries' weights together
    capacity: int  # the most `size` may be
    hits: int
    misses: int
    evictions: int  # answers forgotten because the cache was full
    invalidations: int  # answers forgotten because a write changed their subjects


class ReadCache:
    """Answers weighing at most `entries` together, least recently used dropped first. Thread-safe.

    An answer weighs 1 by default (a node's description, about 1 KB packed); a larger one is put with
    the number of such units it takes, so that the cache's memory stays near `entries` times 1 KB."""

    def __init__(self, entries: int) -> None:
        if entries < 1:
            raise ValueError(f"a read cache holds at least one entry, not {entries}")
        self.capacity = entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Any, tuple[str, ...], int]] = OrderedDict()
        self._size = 0
        self._by_subject: dict[str, set[Hashable]] = {}
        self._generation = 0
        self.hits = self.misses = self.evictions = self.invalidations = 0

    def watch(self, store: GraphStore) -> None:
        if not store.capabilities.exclusive:
            raise ValueError(
                f"the {store.capabilities.name} store is written by other processes too: "
                "a read cache would serve answers they made stale"
            )
        store.watch(self.forget)

    def token(self) -> int:
        """Take before reading the store; give to `put` with what was read."""
        return self._generation

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return MISSING
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: Any, subjects: Iterable[str], token: int, weight: int = 1) -> None:
        """Keep `value`, read from the triples of `subjects`, unless the store changed since `token`.
        `weight`: what it takes of the capacity; more than all of it is not kept."""
        subjects = tuple(subjects)
        with self._lock:
            if token != self._generation or weight > self.capacity:
                return
            self._drop(key)
            self._entries[key] = (value, subjects, weight)
            self._size += weight
            for s in subjects:
                self._by_subject.setdefault(s, set()).add(key)
            while self._size > self.capacity:
                self._drop(next(iter(self._entries)))
                self.evictions += 1

    def forget(self, subjects: Iterable[Node]) -> None:
        """Forget every answer read from any of `subjects` (the store changed their triples)."""
        with self._lock:
            self._generation += 1
            for s in subjects:
                for key in self._by_subject.pop(s.value, ()):
                    if self._drop(key):
                        self.invalidations += 1

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                len(self._entries),
                self._size,
                self.capacity,
                self.hits,
                self.misses,
                self.evictions,
                self.invalidations,
            )

    def _drop(self, key: Hashable) -> bool:
        found = self._entries.pop(key, None)
        if found is None:
            return False
        self._size -= found[2]
        for s in found[1]:
            keys = self._by_subject.get(s)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_subject[s]
        return True
