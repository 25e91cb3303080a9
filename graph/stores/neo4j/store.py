"""Neo4jStore: the knowledge graph in Neo4j, projected as neosemantics (n10s) does it (see projection.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionPoolError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from pyoxigraph import Literal, NamedNode, Quad

from graph import vocab as v
from graph.store import (
    Capabilities,
    Direction,
    GraphStore,
    Hop,
    Node,
    Object,
    StoreError,
    StoreUnavailable,
)
from graph.stores.neo4j import projection, queries
from graph.stores.neo4j.projection import Prefixes

# Rows per UNWIND statement: large enough that a big change is a few statements, small enough that
# one statement's parameters stay a few megabytes.
BATCH = 5_000
CLEAR_BATCH = 10_000
_DIRECTIONS = {"u": Direction.UPSTREAM, "d": Direction.DOWNSTREAM}
_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
_QUERY_TYPES = {"w": "a write", "rw": "a read-write", "s": "a schema"}

T = TypeVar("T")


def _batches(items: Sequence[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), BATCH):
        yield list(items[start : start + BATCH])


def _prefixes(records: Iterator[neo4j.Record]) -> Prefixes:
    table: dict[str, Any] = {}
    for record in records:  # one table node (two only if two writers created it at the same instant)
        table.update(record["prefixes"])
    return Prefixes(table)


def _one_line(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return " ".join(text.split())


class Neo4jStore(GraphStore):
    """The graph in a Neo4j database (server, cluster or Aura), reached through the official driver."""

    capabilities = Capabilities(name="neo4j", cypher=True, exclusive=False)  # other processes write it too

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str = "neo4j",
        database: str = "neo4j",
        timeout_s: float = 5.0,
    ) -> None:
        self.uri = uri
        self.user = user
        self.database = database
        if not uri.startswith(_SCHEMES):
            raise StoreError(f"cannot use {uri!r} as a Neo4j URI: it must start with neo4j:// or bolt://")
        try:
            # The driver's defaults retry for 30 s and more; an unreachable server should be reported
            # within timeout_s.
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=timeout_s,
                connection_acquisition_timeout=timeout_s,
                max_transaction_retry_time=timeout_s,
            )
        except (ValueError, DriverError) as e:
            raise StoreError(f"cannot use {uri!r} as a Neo4j URI: {_one_line(e)}") from None
        try:
            with self._errors("set up the database"):
                try:
                    self._driver.verify_connectivity()
                except ValueError as e:  # an address the driver cannot resolve, such as a bad port
                    raise StoreError(f"cannot use {uri!r} as a Neo4j URI: {_one_line(e)}") from None
                with self._session() as session:
                    session.run(queries.CREATE_URI_CONSTRAINT).consume()
        except BaseException:
            self._driver.close()
            raise

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Driver errors as StoreErrors that say what failed and what to do."""
        try:
            yield
        except AuthError as e:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {self.uri}: it refused user {self.user!r} ({_one_line(e)}). "
                "Set DATAGRAPH_NEO4J_USER and DATAGRAPH_NEO4J_PASSWORD"
            ) from e
        except IncompleteCommit as e:
            raise StoreError(
                f"the connection to Neo4j at {self.uri} broke while committing: the change may or may not "
                f"have been written ({_one_line(e)})"
            ) from e
        except (ServiceUnavailable, SessionExpired, ConnectionPoolError) as e:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {self.uri}: {_one_line(e)}. "
                "Start it with `docker compose up -d neo4j` or set DATAGRAPH_STORE to a directory"
            ) from e
        except (Neo4jError, DriverError) as e:
            raise StoreError(
                f"Neo4j at {self.uri} (database {self.database!r}) could not {doing}: {_one_line(e)}"
            ) from e

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self.database)

    def _read(self, work: Callable[..., T], *args: Any, doing: str) -> T:
        with self._errors(doing), self._session() as session:
            return session.execute_read(work, *args)

    # Writing

    def apply(self, adds: Sequence[Quad], removes: Sequence[Quad]) -> None:
        if not adds and not removes:
            return
        projection.check(adds)
        projection.check(removes)
        try:
            with self._errors("apply the change (nothing of it was written)"), self._session() as session:
                session.execute_write(_apply, list(adds), list(removes))
        finally:
            self.changed(adds, removes)

    def clear(self) -> None:
        """Delete every node and relationship of the database (the schema stays)."""
        with self._errors("clear the database"), self._session() as session:
            while session.execute_write(_clear_batch):
                pass

    # Reading

    def quads(
        self,
        subject: Node | None = None,
        predicate: NamedNode | None = None,
        object: Object | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        if graph is not None and not isinstance(graph, NamedNode):
            return iter(())  # everything is in a named graph
        found = self._read(_match, subject, predicate, object, graph, doing="read quads")
        return iter(found)

    def existing(self, quads: Iterable[Quad]) -> set[Quad]:
        """Those of `quads` the store holds, read in one transaction (a few queries per 5,000 quads)."""
        storable = [q for q in quads if _storable(q)]  # any other quad cannot be in the store
        if not storable:
            return set()
        return self._read(_existing, storable, doing="check which quads are stored")

    def named_graphs(self) -> list[NamedNode]:
        graphs = self._read(_named_graphs, doing="list the named graphs")
        return sorted((NamedNode(g) for g in graphs), key=str)

    def count(self, graph: NamedNode | None = None) -> int:
        return self._read(_count, graph.value if graph is not None else None, doing="count quads")

    def class_counts(self) -> dict[str, int]:
        return self._read(_class_counts, doing="count resources by class")

    def lineage_hops(
        self, starts: Sequence[NamedNode], direction: Direction, depth: int | None, limit: int
    ) -> tuple[list[Hop], bool]:
        if not starts:
            return [], False
        rows = self._read(_lineage, [s.value for s in starts], direction, depth, limit, doing="trace lineage")
        hops = [
            Hop(
                near=NamedNode(row["near"]),
                far=NamedNode(row["far"]),
                direction=_DIRECTIONS[row["direction"]],
                kind=NamedNode(row["kind"]) if row["kind"] is not None else None,
                level=depth,  # a true bound: the query reaches near only within depth - 1 hops
            )
            for row in rows
        ]
        return hops[:limit], len(hops) > limit

    def cypher(self, cypher: str) -> list[dict]:
        """A read-only Cypher query: refused unless the planner classes it as read-only, then run read-only."""
        with self._errors("answer the Cypher query"), self._session() as session:
            try:
                return session.execute_read(_read_only, cypher)
            except ClientError as e:
                if not (e.code or "").startswith("Neo.ClientError.Statement."):
                    raise
                if e.code == "Neo.ClientError.Statement.SyntaxError":
                    raise ValueError(f"not a valid Cypher query: {_one_line(e)}") from None
                raise ValueError(f"the Cypher query failed: {_one_line(e)}") from None

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()


# Transaction functions: the driver runs each in one transaction, and again on a transient error, so
# each computes everything it writes from what it reads in that transaction.


def _run(tx: neo4j.ManagedTransaction, query: str, **parameters: Any) -> None:
    tx.run(query, parameters).consume()


def _apply(tx: neo4j.ManagedTransaction, adds: list[Quad], removes: list[Quad]) -> None:
    prefixes = _prefixes(tx.run(queries.LOCK_PREFIXES))
    new = prefixes.learn(projection.names_to_learn(adds))
    if new:
        _run(tx, queries.ADD_PREFIXES, prefixes=new)
    edit = projection.plan(adds, removes, prefixes)
    for uris in _batches(list(edit.nodes)):
        _run(tx, queries.MERGE_RESOURCES, uris=uris)
    current: dict[str, dict[str, Any]] = {}
    for rows in _batches(edit.reads()):
        for record in tx.run(queries.READ_VALUES, {"rows": rows}):
            current[record["uri"]] = dict(zip(record["keys"], record["values"], strict=True))
    updates = edit.updates(current)
    for rows in _batches(updates.properties):
        _run(tx, queries.SET_VALUES, rows=rows)
    for label, uris in updates.labels_removed.items():
        for batch in _batches(uris):
            _run(tx, queries.remove_label(label), uris=batch)
    for label, uris in updates.labels_added.items():
        for batch in _batches(uris):
            _run(tx, queries.add_label(label), uris=batch)
    for rel_type, found in edit.relationships_removed.items():
        for rows in _batches([{"s": s, "o": o, "g": g} for s, o, g in found]):
            _run(tx, queries.delete_relationships(rel_type), rows=rows)
    for rel_type, found in edit.relationships_added.items():
        for rows in _batches([{"s": s, "o": o, "g": g} for s, o, g in found]):
            _run(tx, queries.merge_relationships(rel_type), rows=rows)
    for uris in _batches(list(edit.cleanup)):
        _run(tx, queries.DELETE_ORPHANS, uris=uris)


def _clear_batch(tx: neo4j.ManagedTransaction) -> int:
    return tx.run(queries.CLEAR_BATCH, {"batch": CLEAR_BATCH}).single(strict=True)["deleted"]


def _match(
    tx: neo4j.ManagedTransaction,
    subject: NamedNode | None,
    predicate: NamedNode | None,
    object: NamedNode | Literal | None,
    graph: NamedNode | None,
) -> list[Quad]:
    prefixes = _prefixes(tx.run(queries.READ_PREFIXES))
    params = {
        "subject": subject.value if subject is not None else None,
        "object": object.value if isinstance(object, NamedNode) else None,
        "graph": graph.value if graph is not None else None,
    }
    bound = {"subject": subject is not None, "graph": graph is not None}
    literals = object is None or isinstance(object, Literal)
    types = (predicate is None or predicate == v.RDF.type) and not isinstance(object, Literal)
    links = (predicate is None or predicate != v.RDF.type) and not isinstance(object, Literal)
    found: list[Quad] = []
    if literals and predicate is None:
        for record in tx.run(queries.node_properties(**bound), params):
            found += projection.node_quads(record["uri"], record["properties"], prefixes, types=types)
        types = False
    elif literals and (key := prefixes.shorten(predicate.value)) is not None:
        datatypes_key, graphs_key = key + projection.DATATYPES, key + projection.GRAPHS
        keys = {"key": key, "datatypes_key": datatypes_key, "graphs_key": graphs_key}
        for record in tx.run(queries.predicate_values(**bound), params | keys):
            properties = {
                key: record["value"],
                datatypes_key: record["datatypes"],
                graphs_key: record["graphs"],
            }
            found += projection.value_quads(record["uri"], key, properties, prefixes)
    if types:
        label = prefixes.shorten(object.value) if isinstance(object, NamedNode) else None
        if object is None or label is not None:  # no label: no resource has that class
            for record in tx.run(queries.node_types(bound["subject"], label, bound["graph"]), params):
                properties = {
                    projection.TYPES: record["types"],
                    projection.TYPES + projection.GRAPHS: record["graphs"],
                }
                found += projection.value_quads(record["uri"], projection.TYPES, properties, prefixes)
    if links:
        rel_type = prefixes.shorten(predicate.value) if predicate is not None else None
        if predicate is None or rel_type is not None:
            text = queries.relationships(rel_type, subject is not None, object is not None, graph is not None)
            for record in tx.run(text, params):
                quad = projection.relationship_quad(
                    record["subject"], record["type"], record["object"], record["graph"], prefixes
                )
                if quad is not None:
                    found.append(quad)
    return [q for q in found if _matches(q, subject, predicate, object, graph)]


def _matches(quad: Quad, subject: Any, predicate: Any, object: Any, graph: Any) -> bool:
    return (
        (subject is None or quad.subject == subject)
        and (predicate is None or quad.predicate == predicate)
        and (object is None or quad.object == object)
        and (graph is None or quad.graph_name == graph)
    )


def _storable(quad: Quad) -> bool:
    try:
        projection.check([quad])
    except ValueError:
        return False
    return True


def _existing(tx: neo4j.ManagedTransaction, quads: list[Quad]) -> set[Quad]:
    wanted = set(quads)
    prefixes = _prefixes(tx.run(queries.READ_PREFIXES))
    edit = projection.plan([], quads, prefixes)  # sorted as removals: the elements each quad would be
    found: set[Quad] = set()
    for rows in _batches(edit.reads()):
        for record in tx.run(queries.READ_VALUES, {"rows": rows}):
            current = dict(zip(record["keys"], record["values"], strict=True))
            for key in edit.values[record["uri"]].touched_keys():
                found.update(projection.value_quads(record["uri"], key, current, prefixes))
    for rel_type, rows in edit.relationships_removed.items():
        for batch in _batches([{"s": s, "o": o, "g": g} for s, o, g in rows]):
            for record in tx.run(queries.existing_relationships(rel_type), {"rows": batch}):
                found.add(
                    projection.relationship_quad(record["s"], rel_type, record["o"], record["g"], prefixes)
                )
    return found & wanted


def _named_graphs(tx: neo4j.ManagedTransaction) -> list[str]:
    return [record["graph"] for record in tx.run(queries.NAMED_GRAPHS)]


def _count(tx: neo4j.ManagedTransaction, graph: str | None) -> int:
    return sum(record["quads"] for record in tx.run(queries.COUNT, {"graph": graph}))


def _class_counts(tx: neo4j.ManagedTransaction) -> dict[str, int]:
    return {record["class"]: record["resources"] for record in tx.run(queries.CLASS_COUNTS)}


def _lineage(
    tx: neo4j.ManagedTransaction, starts: list[str], direction: Direction, depth: int | None, limit: int
) -> list[Mapping[str, Any]]:
    prefixes = _prefixes(tx.run(queries.READ_PREFIXES))
    derived = prefixes.shorten(v.PROV.wasDerivedFrom.value)
    if derived is None:
        return []  # no lineage was ever written
    types = queries.LineageTypes(
        derived=derived,
        qualified=prefixes.shorten(v.PROV.qualifiedDerivation.value),
        entity=prefixes.shorten(v.PROV.entity.value),
        transformation=prefixes.shorten(v.TRANSFORMATION.value),
    )
    text = queries.lineage(
        types,
        upstream=direction in (Direction.UPSTREAM, Direction.BOTH),
        downstream=direction in (Direction.DOWNSTREAM, Direction.BOTH),
        depth=depth,
    )
    # Each direction stops at limit + 1 rows, so more than `limit` rows in all means the limit cut.
    return [record.data() for record in tx.run(text, {"starts": starts, "limit": limit + 1})]


def _read_only(tx: neo4j.ManagedTransaction, cypher: str) -> list[dict]:
    # As neo4j-graphrag does: the planner's own verdict, not a keyword list, decides what is a read.
    summary = tx.run(queries.explain(cypher)).consume()
    if summary.query_type != "r":
        kind = _QUERY_TYPES.get(summary.query_type or "", "not a read-only")
        raise ValueError(
            f"Cypher here is read-only: the planner classes this as {kind} query "
            f"(type {summary.query_type!r}), so it was not run"
        )
    if "LoadCSV" in _operators(summary.plan):
        raise ValueError(
            "LOAD CSV is refused: queries here read this database only, and may not make the server "
            "fetch files or other addresses"
        )
    return [record.data() for record in tx.run(cypher)]


def _operators(plan: Mapping[str, Any] | None) -> set[str]:
    """The operator names of an EXPLAIN plan (without their `@database` suffix), all levels."""
    if not plan:
        return set()
    found = {str(plan.get("operatorType", "")).split("@")[0]}
    for child in plan.get("children", ()):
        found |= _operators(child)
    return found
