"""Every Cypher text the Neo4j store runs, named, in one place.

Values always travel as parameters. Labels and relationship types cannot, so the texts that need one
are functions that put it in with `quote`, the only way a name enters a query; a traversal's depth
bound cannot either, and goes in as an integer. The names of the projection's own labels and
properties come from projection.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.stores.neo4j.projection import GRAPHS, PREFIX_TABLE, RESOURCE, TYPES


def quote(name: str) -> str:
    """A label, relationship type or property key as a Cypher name: in backticks, inner ones doubled."""
    if "\\" in name or "\x00" in name:
        # IRIs hold neither; refuse them rather than rely on how Cypher reads a backslash escape.
        raise ValueError(f"{name!r} cannot be used as a Neo4j name")
    return "`" + name.replace("`", "``") + "`"


_NODE = f"(n:{RESOURCE} {{uri: $subject}})"
_ANY_NODE = f"(n:{RESOURCE})"
_TYPES = "n." + quote(TYPES)
_TYPE_GRAPHS = "n." + quote(TYPES + GRAPHS)
_TABLE = quote(PREFIX_TABLE)

# Schema: the constraint n10s asks for (same name), which also indexes every lookup by uri.
CREATE_URI_CONSTRAINT = (
    f"CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:{RESOURCE}) REQUIRE r.uri IS UNIQUE"
)

# The prefix table (projection.Prefixes), kept as n10s keeps it: prefix -> namespace properties.
READ_PREFIXES = f"MATCH (t:{_TABLE}) RETURN properties(t) AS prefixes"
# Setting a property write-locks the table node until the transaction ends, so writers take turns:
# each one reads the values it rewrites, and the prefixes it extends, while no other can change them.
LOCK_PREFIXES = f"MERGE (t:{_TABLE}) SET t._lock = true REMOVE t._lock RETURN properties(t) AS prefixes"
ADD_PREFIXES = f"MATCH (t:{_TABLE}) SET t += $prefixes"

# Writing: $rows and $uris are batches of a few thousand.
MERGE_RESOURCES = f"UNWIND $uris AS uri MERGE (:{RESOURCE} {{uri: uri}})"
READ_VALUES = (
    f"UNWIND $rows AS row MATCH (n:{RESOURCE} {{uri: row.uri}}) "
    "RETURN row.uri AS uri, row.keys AS keys, [key IN row.keys | n[key]] AS values"
)
SET_VALUES = f"UNWIND $rows AS row MATCH (n:{RESOURCE} {{uri: row.uri}}) SET n += row.props"
DELETE_ORPHANS = (
    f"UNWIND $uris AS uri MATCH (n:{RESOURCE} {{uri: uri}}) "
    "WHERE size(keys(n)) = 1 AND size(labels(n)) = 1 AND NOT EXISTS { (n)--() } DELETE n"
)


def add_label(label: str) -> str:
    return f"UNWIND $uris AS uri MATCH (n:{RESOURCE} {{uri: uri}}) SET n:{quote(label)}"


def remove_label(label: str) -> str:
    return f"UNWIND $uris AS uri MATCH (n:{RESOURCE} {{uri: uri}}) REMOVE n:{quote(label)}"


def merge_relationships(rel_type: str) -> str:
    """One relationship per quad: $rows of {s, o, g} (subject IRI, object IRI, graph IRI)."""
    return (
        f"UNWIND $rows AS row MATCH (s:{RESOURCE} {{uri: row.s}}) MATCH (o:{RESOURCE} {{uri: row.o}}) "
        f"MERGE (s)-[:{quote(rel_type)} {{graph: row.g}}]->(o)"
    )


def _each_stored_relationship(rel_type: str, then: str) -> str:
    """For each of $rows ({s, o, g}), `then` on the relationship r the row stands for.

    Both ends are found by uri before the relationship, in a subquery, so that Neo4j expands from
    whichever has fewer relationships (Expand(Into)). Left to itself, the planner may start from the
    object, and an object such as dg:copy has one relationship per lineage edge of the catalog: 16 s for
    6,755 rows, where this takes 0.6 s.
    """
    return (
        f"UNWIND $rows AS row MATCH (s:{RESOURCE} {{uri: row.s}}) MATCH (o:{RESOURCE} {{uri: row.o}}) "
        f"CALL (row, s, o) {{ MATCH (s)-[r:{quote(rel_type)}]->(o) WHERE r.graph = row.g {then} }}"
    )


def delete_relationships(rel_type: str) -> str:
    return _each_stored_relationship(rel_type, "DELETE r")


def existing_relationships(rel_type: str) -> str:
    """Which of $rows ({s, o, g}, as merge_relationships takes them) are stored."""
    found = _each_stored_relationship(rel_type, "RETURN count(r) AS found")
    return f"{found} WITH row WHERE found > 0 RETURN row.s AS s, row.o AS o, row.g AS g"


# Deleting everything, a batch ($batch nodes) per transaction.
CLEAR_BATCH = "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"


# Reading quads: $subject, $object and $graph are IRIs; each text is chosen by what the pattern binds.


def node_properties(subject: bool, graph: bool) -> str:
    """Whole nodes (a pattern with no predicate): uri and every property."""
    where = f" WHERE any(key IN keys(n) WHERE key ENDS WITH '{GRAPHS}' AND $graph IN n[key])" if graph else ""
    return f"MATCH {_NODE if subject else _ANY_NODE}{where} RETURN n.uri AS uri, properties(n) AS properties"


def predicate_values(subject: bool, graph: bool) -> str:
    """One predicate's literals: the properties named $key, $datatypes_key and $graphs_key."""
    where = " WHERE n[$key] IS NOT NULL" + (" AND $graph IN n[$graphs_key]" if graph else "")
    return (
        f"MATCH {_NODE if subject else _ANY_NODE}{where} "
        "RETURN n.uri AS uri, n[$key] AS value, n[$datatypes_key] AS datatypes, n[$graphs_key] AS graphs"
    )


def node_types(subject: bool, label: str | None, graph: bool) -> str:
    """The rdf:types of nodes, of those with `label` when given."""
    labels = RESOURCE + (":" + quote(label) if label is not None else "")
    node = f"(n:{labels} {{uri: $subject}})" if subject else f"(n:{labels})"
    where = f"{_TYPES} IS NOT NULL" + (f" AND $graph IN {_TYPE_GRAPHS}" if graph else "")
    return f"MATCH {node} WHERE {where} RETURN n.uri AS uri, {_TYPES} AS types, {_TYPE_GRAPHS} AS graphs"


def relationships(rel_type: str | None, subject: bool, object: bool, graph: bool) -> str:
    """Relationships (object triples), of type `rel_type` when given."""
    start = f"(s:{RESOURCE} {{uri: $subject}})" if subject else f"(s:{RESOURCE})"
    end = f"(o:{RESOURCE} {{uri: $object}})" if object else f"(o:{RESOURCE})"
    rel = f"[r:{quote(rel_type)}]" if rel_type is not None else "[r]"
    where = "r.graph = $graph" if graph else "r.graph IS NOT NULL"
    return (
        f"MATCH {start}-{rel}->{end} WHERE {where} "
        "RETURN s.uri AS subject, type(r) AS type, o.uri AS object, r.graph AS graph"
    )


# Counting: one row per kind of element ($graph: an IRI, or null for all graphs).
COUNT = (
    f"MATCH (:{RESOURCE})-[r]->(:{RESOURCE}) WHERE r.graph IS NOT NULL AND ($graph IS NULL OR r.graph = $graph) "
    "RETURN count(r) AS quads "
    "UNION ALL "
    f"MATCH {_ANY_NODE} UNWIND keys(n) AS key WITH n, key WHERE key ENDS WITH '{GRAPHS}' "
    "UNWIND n[key] AS graph WITH graph WHERE $graph IS NULL OR graph = $graph "
    "RETURN count(graph) AS quads"
)

NAMED_GRAPHS = (
    f"MATCH (:{RESOURCE})-[r]->(:{RESOURCE}) WHERE r.graph IS NOT NULL RETURN DISTINCT r.graph AS graph "
    "UNION "
    f"MATCH {_ANY_NODE} UNWIND keys(n) AS key WITH n, key WHERE key ENDS WITH '{GRAPHS}' "
    "UNWIND n[key] AS graph RETURN DISTINCT graph"
)

CLASS_COUNTS = (
    f"MATCH {_ANY_NODE} WHERE {_TYPES} IS NOT NULL UNWIND {_TYPES} AS cls "
    "RETURN cls AS class, count(DISTINCT n) AS resources"
)


# Lineage


@dataclass(frozen=True)
class LineageTypes:
    """The relationship types lineage is stored under (shortened IRIs)."""

    derived: str  # prov:wasDerivedFrom
    qualified: str | None  # prov:qualifiedDerivation
    entity: str | None  # prov:entity
    transformation: str | None  # dg:transformation


def lineage(types: LineageTypes, upstream: bool, downstream: bool, depth: int | None) -> str:
    """Every lineage edge within `depth` hops of $starts (all when None), at most $limit a direction.

    Rows: near, far (IRIs), kind (the transformation's IRI or null), direction ("u" or "d").
    """
    branches = []
    if upstream:
        branches.append(_lineage_branch(types, True, depth))
    if downstream:
        branches.append(_lineage_branch(types, False, depth))
    return " UNION ".join(branches)


def _lineage_branch(types: LineageTypes, upstream: bool, depth: int | None) -> str:
    # Upstream follows wasDerivedFrom forward; downstream, backward. The edges leave every node
    # within depth - 1 hops; DISTINCT right after the variable-length pattern lets the planner
    # expand each node once (a pruning breadth-first expand) instead of walking every path.
    left, right = ("-", "->") if upstream else ("<-", "-")
    derived = quote(types.derived)
    if depth == 1:
        reach = f"MATCH (near:{RESOURCE}) WHERE near.uri IN $starts"
    else:
        bound = "" if depth is None else str(int(depth) - 1)
        reach = (
            f"MATCH (start:{RESOURCE}) WHERE start.uri IN $starts "
            f"MATCH (start){left}[:{derived}*0..{bound}]{right}(near:{RESOURCE})"
        )
    hop = f"WITH DISTINCT near MATCH (near){left}[:{derived}]{right}(far:{RESOURCE}) WITH DISTINCT near, far"
    kind, kind_uri = "", "null"
    if types.qualified and types.entity and types.transformation:
        down, up = ("near", "far") if upstream else ("far", "near")
        kind = (
            f" OPTIONAL MATCH ({down})-[:{quote(types.qualified)}]->(q:{RESOURCE})-[:{quote(types.entity)}]->({up}), "
            f"(q)-[:{quote(types.transformation)}]->(kind:{RESOURCE})"
        )
        kind_uri = "kind.uri"
    tag = "'u'" if upstream else "'d'"
    return (
        f"{reach} {hop}{kind} "
        f"RETURN DISTINCT near.uri AS near, far.uri AS far, {kind_uri} AS kind, {tag} AS direction LIMIT $limit"
    )


def explain(query: str) -> str:
    """The plan of a query, without running it (its summary says whether it only reads)."""
    return "EXPLAIN " + query
