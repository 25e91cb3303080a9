"""Substring search over the names and descriptions of nodes, held in memory.

Asking the store to search costs seconds on a large catalog: every literal's string
is fetched and lowered (2.5 s for 100,000 columns in Oxigraph). Kept here, the same
search scans Python strings (55 ms). A kept index is built on the first search and
kept true by the store's change notices (`GraphStore.watch`): the subjects a write
touched are read again before the next search; after a large write, it is rebuilt.
Keeping needs a store only this process writes (`capabilities.exclusive`), as the
read cache does; an index that is not kept reads the names afresh for every search.
A server builds its kept index in the background at start (`build`), so no searcher waits
for it unless it searches in the first seconds; searchers then wait for that one build.

Scores: 1.0 a name equal to the text, 0.8 a name starting with it, 0.6 a name
containing it, 0.3 a description containing it (case ignored); a node scores its best.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad

from graph import vocab as v
from graph.store import GraphStore, Node

NAME_PREDICATES = (v.RDFS.label, v.DCTERMS.identifier, v.SKOS.prefLabel)
DESCRIPTION_SCORE = 0.3
_READ = (*NAME_PREDICATES, v.DCTERMS.description)  # what an entry is made of
REBUILD_AFTER = 10_000  # a write touching more subjects than this is followed by a rebuild


@dataclass(frozen=True)
class _Entry:
    types: frozenset[str]
    names: tuple[str, ...]  # lowered
    descriptions: tuple[str, ...]  # lowered
    identifiers: tuple[str, ...]  # as written: the names `graph.resolve` answers to

    def score(self, needle: str) -> float | None:
        best = None
        for name in self.names:
            if needle in name:
                score = 1.0 if name == needle else 0.8 if name.startswith(needle) else 0.6
                best = score if best is None else max(best, score)
        if best is None and any(needle in d for d in self.descriptions):
            best = DESCRIPTION_SCORE
        return best


class TextIndex:
    """The names and descriptions of the nodes of `classes` in `store`. Thread-safe.

    `reads` counts the store pattern reads the index has made."""

    def __init__(self, store: GraphStore, classes: Sequence[NamedNode], *, kept: bool = True) -> None:
        if kept and not store.capabilities.exclusive:
            raise ValueError(
                f"a kept text index needs a store only this process writes; the {store.capabilities.name} "
                "store may be changed by others"
            )
        self.store = store
        self.classes = tuple(classes)
        self.kept = kept
        self.reads = 0
        self._lock = threading.Lock()  # guards the fields below; held only briefly
        self._reading = threading.Lock()  # one reader of the store at a time: others wait for its result
        self._entries: dict[str, _Entry] | None = None
        self._stale: set[str] = set()
        self._rebuild = True
        if kept:
            store.watch(self._changed)

    def _changed(self, subjects: set[Node]) -> None:
        with self._lock:
            self._stale.update(s.value for s in subjects if isinstance(s, NamedNode))
            if len(self._stale) > REBUILD_AFTER:
                self._rebuild, self._stale = True, set()

    def search(self, text: str, classes: Sequence[NamedNode], first: int) -> list[tuple[NamedNode, float]]:
        """The nodes of `classes` matching `text`, best first, then by IRI; at most `first`."""
        needle, wanted = text.lower(), {c.value for c in classes}
        hits = []
        for iri, entry in self._current().items():
            if entry.types & wanted and (score := entry.score(needle)) is not None:
                hits.append((-score, iri))
        return [(NamedNode(iri), -score) for score, iri in heapq.nsmallest(first, hits)]

    def identifiers(self) -> list[str]:
        """The identifiers (qualified names) of the nodes held, as written: close names for a name
        that is not in the graph."""
        return [i for entry in self._current().values() for i in entry.identifiers]

    @property
    def ready(self) -> bool:
        """Whether a search would be answered without a full read of the store."""
        with self._lock:
            return self._entries is not None and not self._rebuild

    def build(self) -> int:
        """Bring the index up to date now (a server calls it at start, in the background); the entries it holds."""
        return len(self._current())

    def _current(self) -> dict[str, _Entry]:
        with self._reading:
            return self._read_current()

    def _read_current(self) -> dict[str, _Entry]:
        # A write during the read leaves its subjects stale again: the next search reads them anew.
        with self._lock:
            rebuild, stale, entries = self._rebuild, self._stale, self._entries
            self._rebuild, self._stale = False, set()
        if rebuild or entries is None:  # (an index not kept holds none)
            entries = self._read_all()
        elif stale:
            entries = dict(entries)
            for subject in stale:
                entries.pop(subject, None)
                entry = self._read(NamedNode(subject))
                if entry is not None:
                    entries[subject] = entry
        if self.kept:
            with self._lock:
                self._entries = entries
        return entries

    def _quads(
        self, subject: NamedNode | None, predicate: NamedNode, object: NamedNode | None = None
    ) -> Iterator[Quad]:
        self.reads += 1
        return self.store.quads(subject, predicate, object)

    def _read_all(self) -> dict[str, _Entry]:
        types: dict[str, set[str]] = {}
        for cls in self.classes:
            for q in self._quads(None, v.RDF.type, cls):
                types.setdefault(q.subject.value, set()).add(cls.value)
        values = {p: _values(self._quads(None, p), types) for p in _READ}
        return {
            s: entry
            for s, t in types.items()
            if (entry := _entry(frozenset(t), {p: found.get(s, ()) for p, found in values.items()}))
        }

    def _read(self, subject: NamedNode) -> _Entry | None:
        wanted = {c.value for c in self.classes}
        types = frozenset(q.object.value for q in self._quads(subject, v.RDF.type)) & wanted
        if not types:
            return None
        values = {p: [q.object.value for q in self._quads(subject, p)] for p in _READ}
        return _entry(types, values)


def _entry(types: frozenset[str], values: dict[NamedNode, Sequence[str]]) -> _Entry | None:
    """A node's entry from its values of each predicate read; None when it has neither name nor description."""
    names = tuple(n.lower() for p in NAME_PREDICATES for n in values[p])
    descriptions = tuple(d.lower() for d in values[v.DCTERMS.description])
    if not names and not descriptions:
        return None
    return _Entry(types, names, descriptions, tuple(values[v.DCTERMS.identifier]))


def _values(quads: Iterable[Quad], types: dict[str, set[str]]) -> dict[str, list[str]]:
    """The objects' strings by subject, for the subjects in `types`."""
    found: dict[str, list[str]] = {}
    for q in quads:
        subject = q.subject.value
        if subject in types:
            found.setdefault(subject, []).append(q.object.value)
    return found
