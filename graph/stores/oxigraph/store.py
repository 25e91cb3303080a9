"""OxigraphStore: the knowledge graph in pyoxigraph, on a directory or in memory."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad

from graph import vocab as v
from graph.sparql_guard import refuse_service
from graph.sparql_terms import term
from graph.store import (
    Capabilities,
    Direction,
    GraphStore,
    Hop,
    Node,
    Object,
    StoreError,
    StoreLocked,
    Unsupported,
)
from graph.stores.oxigraph import queries

log = logging.getLogger(__name__)

_P = ox.NamedNode("urn:p")
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\s+\S+\s*<[^>]*>\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_XSD_NORMALIZED = tuple(
    v.XSD.iri + t
    for t in (
        "int",
        "integer",
        "long",
        "short",
        "byte",
        "non",
        "positive",
        "negative",
        "unsigned",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "time",
        "g",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    )
)
_KINDS = {v.KIND_PREDICATES[name]: kind for name, kind in v.TRANSFORMATION_KINDS.items()}
_DIRECTIONS = {"u": Direction.UPSTREAM, "d": Direction.DOWNSTREAM}


def _data_block(quads: Iterable[Quad]) -> str:
    by_graph: dict[NamedNode, list[str]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name].append(f"{term(q.subject)} {term(q.predicate)} {term(q.object)} .")
    return " ".join(f"GRAPH {term(g)} {{ {' '.join(lines)} }}" for g, lines in by_graph.items())


# Adding this many quads in one RocksDB transaction costs ~35 us a quad; the
# bulk loader costs ~7. Larger additions take the bulk path, made all-or-nothing
# by an intent file (see _bulk_add).
BULK_THRESHOLD = 100_000


def hops_from_rows(rows: Iterable[Sequence], limit: int) -> tuple[list[Hop], bool]:
    """Hops from the rows of queries.lineage (near, far, edge, dir, lvl): an edge stated by
    prov:wasDerivedFrom and by a kind's sub-property comes twice, and keeps the kind."""
    hops: dict[tuple, Hop] = {}
    count = 0
    for near, far, edge, way, level in rows:
        count += 1
        key = (near, far, way.value, level)
        kind = _KINDS.get(edge)
        if kind is not None or key not in hops:
            hops[key] = Hop(
                near, far, _DIRECTIONS[way.value], kind, int(level.value) if level is not None else None
            )
    return list(hops.values())[:limit], len(hops) > limit or count > 2 * limit + 1


class OxigraphStore(GraphStore):
    """Embedded store in a datagraph directory (`<path>/oxigraph/`), or in memory when `path` is None."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        on_disk = path is not None
        self.capabilities = Capabilities(
            name="oxigraph", sparql=True, persistent=on_disk, snapshots=on_disk and not read_only
        )
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / "oxigraph").is_dir():
                    raise StoreError(f"there is no datagraph store at {self.path} (run `datagraph init`)")
                self._store = ox.Store.read_only(str(self.path / "oxigraph"))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path / "oxigraph"))
                self._recover()
                shutil.rmtree(self._snapshots, ignore_errors=True)  # a killed process's, none in use
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreLocked(
                    f"the store at {self.path} is held by another process (a running `datagraph serve`?). "
                    "Stop that process, or use its API; read-only commands open the store read-only."
                ) from e
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e

    def apply(self, adds: Sequence[Quad], removes: Sequence[Quad]) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} was opened read-only")
        try:
            self._apply(adds, removes)
        finally:
            self.changed(adds, removes)

    def _apply(self, adds: Sequence[Quad], removes: Sequence[Quad]) -> None:
        if not removes and len(adds) >= BULK_THRESHOLD and self.path is not None:
            self._bulk_add(adds)
            return
        if not removes:
            self._store.extend(adds)  # one transaction
            return
        # One SPARQL update is one transaction: the removals and additions land together.
        update = f"DELETE DATA {{ {_data_block(removes)} }}"
        if adds:
            update += f" ; INSERT DATA {{ {_data_block(adds)} }}"
        self._store.update(update)

    @property
    def _pending(self) -> Path:
        assert self.path is not None
        return self.path / "pending-bulk-add.nq"

    def _bulk_add(self, adds: Sequence[Quad]) -> None:
        """Bulk-load quads that are all new; undone on failure, and on the next open after a crash.

        The intent file lists exactly the quads being added (it appears, by a
        rename, only once complete). Since none of them was in the store before,
        removing them restores the previous state. Readers may see a bulk load
        while it runs; no other writer can.
        """
        partial = self._pending.with_suffix(".partial")
        try:
            ox.serialize(adds, str(partial), format=ox.RdfFormat.N_QUADS)
            os.replace(partial, self._pending)
        except OSError as e:
            # Nothing was loaded yet; a half-written intent file left behind would keep filling a full
            # disk, and every later command would fail on it.
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"could not write the bulk load's intent file in {self.path} ({e}); nothing was written. "
                "Free some disk space and try again"
            ) from e
        try:
            self._store.bulk_extend(adds)
            self._store.flush()
        except BaseException:
            self._recover()
            raise
        self._pending.unlink()
        # Compact what the bulk loader wrote, as Oxigraph advises after a batch load: until RocksDB gets
        # to it, reads are slower (lineage traversals on 1.4M quads: 3.1 against 2.3 ms upstream, 4.6
        # against 3.6 downstream). It takes ~2 s for 1.4M quads.
        try:
            self._store.optimize()
        except OSError as e:  # the quads are in; only the reads stay slower for a while
            log.warning("could not compact the store after a bulk load: %s", e)

    def _recover(self) -> None:
        if self.path is None:
            return
        self._pending.with_suffix(".partial").unlink(missing_ok=True)  # died before loading began
        if not self._pending.exists():
            return
        log.warning("undoing an interrupted bulk load into %s", self.path)
        for quad in ox.parse(path=str(self._pending), format=ox.RdfFormat.N_QUADS):
            self._store.remove(quad)
        self._store.flush()
        self._pending.unlink()

    def canonical(self, quads: list[Quad]) -> list[Quad]:
        # Oxigraph stores typed XSD literals by value: "007"^^xsd:int comes back as
        # "7"^^xsd:integer. A scratch in-memory store gives exactly the stored form.
        typed = [
            i
            for i, q in enumerate(quads)
            if isinstance(q.object, ox.Literal) and q.object.datatype.value.startswith(_XSD_NORMALIZED)
        ]
        if not typed:
            return quads
        scratch = ox.Store()
        scratch.extend(ox.Quad(ox.NamedNode(f"urn:i:{i}"), _P, quads[i].object) for i in typed)
        stored = {int(q.subject.value[6:]): q.object for q in scratch}
        result = list(quads)
        for i in typed:
            q = quads[i]
            result[i] = Quad(q.subject, q.predicate, stored[i], q.graph_name)
        return result

    def quads(
        self,
        subject: Node | None = None,
        predicate: NamedNode | None = None,
        object: Object | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        for q in self._store.quads_for_pattern(subject, predicate, object, graph):
            if graph is None and isinstance(q.graph_name, ox.DefaultGraph):
                continue  # everything datagraph writes is in a named graph
            yield q

    def contains(self, quad: Quad) -> bool:
        return quad in self._store

    def named_graphs(self) -> list[NamedNode]:
        return sorted(self._store.named_graphs(), key=str)

    def count(self, graph: NamedNode | None = None) -> int:
        if graph is None:
            return sum(int(row["n"].value) for row in self._store.query(queries.GRAPH_COUNTS))
        return int(next(iter(self._store.query(queries.count_graph(graph))))["n"].value)

    def graph_counts(self) -> dict[str, int]:
        return {row["g"].value: int(row["n"].value) for row in self._store.query(queries.GRAPH_COUNTS)}

    def class_counts(self) -> dict[str, int]:
        rows = self._store.query(queries.CLASS_COUNTS, use_default_graph_as_union=True)
        return {row["class"].value: int(row["n"].value) for row in rows}

    def lineage_hops(
        self, starts: Sequence[NamedNode], direction: Direction, depth: int | None, limit: int
    ) -> tuple[list[Hop], bool]:
        if not starts:
            return [], False
        text = queries.lineage(starts, direction, depth, limit)
        return hops_from_rows(self._store.query(text, use_default_graph_as_union=True), limit)

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        refuse_service(sparql)
        try:
            return self._store.query(sparql, use_default_graph_as_union=True, prefixes=dict(v.PREFIXES))
        except SyntaxError as e:
            if _UPDATE.match(sparql):
                raise ValueError(
                    "SPARQL here is read-only: updates (INSERT, DELETE, LOAD, ...) are refused"
                ) from e
            raise ValueError(f"not a valid SPARQL query: {e}") from e

    @contextmanager
    def snapshot(self) -> Iterator[Path]:
        """A datagraph directory that `OxigraphStore(it, read_only=True)` opens, holding the store as it
        is now: a RocksDB checkpoint of hard links to the store's files, taken in a few ms, under
        `<path>/oxigraph-snapshots/`. Unlike the store itself, it may be opened while this process writes."""
        if self.path is None or self.read_only:
            raise Unsupported("only a store opened for writing on disk takes snapshots")
        self._snapshots.mkdir(exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=self._snapshots))
        try:
            self._store.backup(str(target / "oxigraph"))
            yield target
        finally:
            shutil.rmtree(target, ignore_errors=True)

    @property
    def _snapshots(self) -> Path:
        assert self.path is not None
        return self.path / "oxigraph-snapshots"  # a name of ours: everything in it is removed at open

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()
        del self._store
