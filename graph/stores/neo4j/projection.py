"""The RDF <-> Neo4j projection, n10s style: pure functions on quads and property maps, no driver.

One `:Resource` node per IRI, keyed by its `uri` (unique). An rdf:type becomes a label, a literal a
node property, an IRI object a relationship. Labels, property keys and relationship types are the IRIs
shortened as neosemantics (n10s) shortens them (`dcat__Dataset`, `dcterms__title`,
`prov__wasDerivedFrom`), by the prefix table `Prefixes` keeps. So that every quad comes back exactly,
each element records its named graph, and each literal its datatype or language, beside the value:

    (:Resource:dcat__Dataset {
        uri: "https://example.org/orders",
        `_type`: ["http://www.w3.org/ns/dcat#Dataset"],
        `_type#graph`: ["https://example.org/graph/dbt"],
        dcterms__title: ["Orders", "Commandes"],          # a single value is kept as itself, not a list
        `dcterms__title#datatype`: ["", "@fr"],           # absent when every code is ""
        `dcterms__title#graph`: ["https://example.org/graph/dbt", "https://example.org/graph/dbt"],
        dg__ordinalPosition: 3,                           # xsd:integer as a Neo4j integer
        `dg__ordinalPosition#graph`: ["https://example.org/graph/dbt"],
    })-[:prov__wasDerivedFrom {graph: "https://example.org/graph/dbt"}]->(:Resource {uri: ...})

A value's code is "" when the value's own Neo4j type tells its datatype (string: xsd:string, integer:
xsd:integer, boolean: xsd:boolean, float: xsd:double), "@lang" or "@lang--ltr" for a language string,
and otherwise the datatype IRI, the value then being the lexical form. The keys of our own (`uri`,
`_type`, and those holding "#") never look like a shortened predicate, which always holds "__" and
never "#".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BaseDirection, Literal, NamedNode, Quad

from graph import vocab as v

RESOURCE = "Resource"
PREFIX_TABLE = "_NsPrefDef"
URI = "uri"
TYPES = "_type"
GRAPHS = "#graph"
DATATYPES = "#datatype"
SEPARATOR = "__"

RDF_TYPE = v.RDF.type
XSD_STRING = v.XSD.string.value
_NATURAL = {str: XSD_STRING, bool: v.XSD.boolean.value, int: v.XSD.integer.value, float: v.XSD.double.value}
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]*|0")
_INT64 = range(-(2**63), 2**63)
_DIRECTIONS = {"ltr": BaseDirection.LTR, "rtl": BaseDirection.RTL}

Value = str | int | float | bool
Entry = tuple[Literal | str, str]  # a literal (or, under TYPES, a class IRI) and the graph IRI it is in


def split_iri(iri: str) -> tuple[str, str]:
    """The namespace, through the last '#', '/' or ':', and the local name, which holds none of the three."""
    cut = max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":")) + 1
    return iri[:cut], iri[cut:]


class Prefixes:
    """The prefix table that shortens IRIs to n10s names (`dcat__Dataset`) and expands them back.

    The store keeps it as the properties of the one `_NsPrefDef` node (prefix -> namespace), as n10s
    does. It only grows: a namespace keeps its prefix, so every stored name stays valid. datagraph's
    own prefixes (graph.vocab.PREFIXES) come first; other namespaces get ns0, ns1, ...
    """

    def __init__(self, table: Mapping[str, Any] | None = None) -> None:
        self.table: dict[str, str] = {}
        self._prefix_of: dict[str, str] = {}
        for prefix, namespace in (table or {}).items():
            if (
                isinstance(namespace, str)
                and prefix
                and SEPARATOR not in prefix
                and not prefix.startswith("_")
            ):
                self._add(prefix, namespace)

    def _add(self, prefix: str, namespace: str) -> None:
        self.table[prefix] = namespace
        self._prefix_of.setdefault(namespace, prefix)

    def shorten(self, iri: str) -> str | None:
        """`prefix__local`, or None when the IRI's namespace has no prefix (nothing stored uses it)."""
        namespace, local = split_iri(iri)
        prefix = self._prefix_of.get(namespace)
        return None if prefix is None else f"{prefix}{SEPARATOR}{local}"

    def expand(self, name: str) -> str | None:
        """The IRI a shortened name stands for, or None when the name is not one of ours."""
        prefix, separator, local = name.partition(SEPARATOR)
        namespace = self.table.get(prefix) if separator else None
        return None if namespace is None else namespace + local

    def learn(self, iris: Iterable[str]) -> dict[str, str]:
        """Give every namespace of `iris` a prefix; returns the entries that are new."""
        new: dict[str, str] = {}
        for prefix, namespace in v.PREFIXES.items():
            if namespace not in self._prefix_of and prefix not in self.table:
                self._add(prefix, namespace)
                new[prefix] = namespace
        counter = 0
        for iri in iris:
            namespace, _ = split_iri(iri)
            if namespace in self._prefix_of:
                continue
            while f"ns{counter}" in self.table:
                counter += 1
            self._add(f"ns{counter}", namespace)
            new[f"ns{counter}"] = namespace
        return new


# Literals <-> Neo4j values


def _native(lexical: str, datatype: str) -> Value | None:
    """The Neo4j value that gives back exactly this lexical form, when there is one."""
    if datatype == XSD_STRING:
        return lexical
    if datatype == _NATURAL[int]:
        if _CANONICAL_INTEGER.fullmatch(lexical) and int(lexical) in _INT64:
            return int(lexical)
    elif datatype == _NATURAL[bool]:
        if lexical in ("true", "false"):
            return lexical == "true"
    elif datatype == _NATURAL[float]:
        try:
            number = float(lexical)
        except ValueError:
            return None
        if math.isfinite(number) and number != 0 and repr(number) == lexical:
            return number
    return None


def _lexical(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode(literal: Literal, *, native: bool = True) -> tuple[Value, str]:
    """The value Neo4j keeps for a literal, and its code (see the module docstring)."""
    if literal.language:
        direction = f"--{literal.direction}" if literal.direction is not None else ""
        return literal.value, f"@{literal.language}{direction}"
    datatype = literal.datatype.value
    value = _native(literal.value, datatype) if native else None
    if value is not None:
        return value, ""
    return literal.value, "" if datatype == XSD_STRING else datatype


def decode(value: Value, code: str) -> Literal:
    """The literal that `encode` turned into `value` and `code`."""
    if code.startswith("@"):
        language, _, direction = code[1:].partition("--")
        return Literal(str(value), language=language, direction=_DIRECTIONS.get(direction))
    return Literal(_lexical(value), datatype=NamedNode(code or _NATURAL[type(value)]))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def value_keys(key: str) -> list[str]:
    """The properties that hold one predicate's values (or, for TYPES, the types)."""
    if key == TYPES:
        return [TYPES, TYPES + GRAPHS]
    return [key, key + DATATYPES, key + GRAPHS]


def is_value_key(key: str) -> bool:
    """Whether a node property holds a predicate's literal values (its key a shortened predicate)."""
    return SEPARATOR in key and "#" not in key


def entries(key: str, properties: Mapping[str, Any]) -> list[Entry]:
    """The (literal or class IRI, graph) pairs a node keeps under `key`.

    Values whose metadata does not line up with them were not written by this projection; they are left out.
    """
    graphs = _as_list(properties.get(key + GRAPHS))
    if key == TYPES:
        classes = _as_list(properties.get(TYPES))
        return list(zip(classes, graphs, strict=True)) if len(classes) == len(graphs) else []
    values = _as_list(properties.get(key))
    codes = _as_list(properties.get(key + DATATYPES)) or [""] * len(values)
    if not len(values) == len(codes) == len(graphs) or any(type(value) not in _NATURAL for value in values):
        return []
    return [(decode(value, code), graph) for value, code, graph in zip(values, codes, graphs, strict=True)]


def entry_properties(key: str, kept: Sequence[Entry]) -> dict[str, Any]:
    """The properties that keep `kept` under `key`; None removes a property (as `SET n += map` does)."""
    if key == TYPES:
        if not kept:
            return {TYPES: None, TYPES + GRAPHS: None}
        return {TYPES: [cls for cls, _ in kept], TYPES + GRAPHS: [graph for _, graph in kept]}
    if not kept:
        return dict.fromkeys(value_keys(key))
    encoded = [encode(literal) for literal, _ in kept]
    if len({type(value) for value, _ in encoded}) > 1:
        # A Neo4j list holds values of one type: mixed values are all kept as lexical forms.
        encoded = [encode(literal, native=False) for literal, _ in kept]
    values = [value for value, _ in encoded]
    codes = [code for _, code in encoded]
    return {
        key: values[0] if len(values) == 1 else values,
        key + DATATYPES: codes if any(codes) else None,
        key + GRAPHS: [graph for _, graph in kept],
    }


# Projected elements -> quads


def value_quads(uri: str, key: str, properties: Mapping[str, Any], prefixes: Prefixes) -> Iterator[Quad]:
    """The quads kept under one key of a node: its types (key TYPES) or a predicate's literals."""
    subject = NamedNode(uri)
    if key == TYPES:
        for cls, graph in entries(TYPES, properties):
            yield Quad(subject, RDF_TYPE, NamedNode(cls), NamedNode(graph))
        return
    predicate = prefixes.expand(key)
    if predicate is None:
        return
    for literal, graph in entries(key, properties):
        yield Quad(subject, NamedNode(predicate), literal, NamedNode(graph))


def node_quads(
    uri: str, properties: Mapping[str, Any], prefixes: Prefixes, *, literals: bool = True, types: bool = True
) -> Iterator[Quad]:
    """The quads a node keeps: its literals and its types."""
    for key in properties:
        if (types and key == TYPES) or (literals and is_value_key(key)):
            yield from value_quads(uri, key, properties, prefixes)


def relationship_quad(start: str, rel_type: str, end: str, graph: str, prefixes: Prefixes) -> Quad | None:
    """The quad a relationship stands for; None for a relationship this projection did not write."""
    predicate = prefixes.expand(rel_type)
    if predicate is None or graph is None:
        return None
    return Quad(NamedNode(start), NamedNode(predicate), NamedNode(end), NamedNode(graph))


# Quads -> changes to the projection


def check(quads: Iterable[Quad]) -> None:
    """Refuse what the projection cannot keep: datagraph stores ground quads in named graphs only."""
    for quad in quads:
        if not isinstance(quad.graph_name, NamedNode):
            raise ValueError(f"{quad}: the Neo4j store keeps quads in named graphs only")
        if not isinstance(quad.subject, NamedNode) or not isinstance(quad.object, NamedNode | Literal):
            raise ValueError(f"{quad}: the Neo4j store keeps ground quads only (skolemize blank nodes first)")


def _is_label(quad: Quad) -> bool:
    return quad.predicate == RDF_TYPE and isinstance(quad.object, NamedNode)


def names_to_learn(adds: Iterable[Quad]) -> list[str]:
    """The IRIs that the added quads turn into labels, property keys and relationship types."""
    iris = {}
    for quad in adds:
        iris[quad.object.value if _is_label(quad) else quad.predicate.value] = None
    return list(iris)


@dataclass
class NodeEdit:
    """The entries one change removes from and adds to a node, per key (TYPES or a predicate key)."""

    removed: dict[str, list[Entry]] = field(default_factory=dict)
    added: dict[str, list[Entry]] = field(default_factory=dict)

    def touched_keys(self) -> list[str]:
        return list(dict.fromkeys([*self.removed, *self.added]))


@dataclass
class NodeUpdates:
    """What the store writes to nodes once it has read their current values."""

    properties: list[dict[str, Any]]  # rows {uri, props} for `SET n += row.props`
    labels_added: dict[str, list[str]]  # label -> uris
    labels_removed: dict[str, list[str]]


@dataclass
class GraphEdit:
    """One apply() (removals, then additions) sorted into the changes it makes to the projection."""

    prefixes: Prefixes
    nodes: dict[str, None] = field(default_factory=dict)  # resources an added quad names: merged first
    values: dict[str, NodeEdit] = field(default_factory=dict)  # uri -> literal and type changes
    relationships_removed: dict[str, dict[tuple[str, str, str], None]] = field(default_factory=dict)
    relationships_added: dict[str, dict[tuple[str, str, str], None]] = field(default_factory=dict)
    cleanup: dict[str, None] = field(default_factory=dict)  # resources a removed quad names

    def take(self, quad: Quad, *, added: bool) -> None:
        subject, graph = quad.subject.value, quad.graph_name.value
        touched = self.nodes if added else self.cleanup
        touched[subject] = None
        if _is_label(quad):
            key, entry = TYPES, (quad.object.value, graph)
        else:
            name = self.prefixes.shorten(quad.predicate.value)
            if name is None:
                if added:
                    raise KeyError(f"{quad.predicate.value} has no prefix yet: learn the names first")
                return  # nothing with this predicate was ever stored
            if isinstance(quad.object, NamedNode):
                touched[quad.object.value] = None
                rows = self.relationships_added if added else self.relationships_removed
                rows.setdefault(name, {})[(subject, quad.object.value, graph)] = None
                return
            key, entry = name, (quad.object, graph)
        edit = self.values.setdefault(subject, NodeEdit())
        (edit.added if added else edit.removed).setdefault(key, []).append(entry)

    def reads(self) -> list[dict[str, Any]]:
        """Rows {uri, keys}: the properties to read before the values can be updated."""
        return [
            {"uri": uri, "keys": [k for key in edit.touched_keys() for k in value_keys(key)]}
            for uri, edit in self.values.items()
        ]

    def updates(self, current: Mapping[str, Mapping[str, Any]]) -> NodeUpdates:
        """The property and label changes, given the current properties read for `reads()` (uri -> key -> value)."""
        rows, labels_added, labels_removed = [], {}, {}
        for uri, edit in self.values.items():
            state = current.get(uri, {})
            props: dict[str, Any] = {}
            for key in edit.touched_keys():
                before = entries(key, state)
                removed = set(edit.removed.get(key, ()))
                after = [entry for entry in before if entry not in removed]
                kept = set(after)
                for entry in edit.added.get(key, ()):
                    if entry not in kept:
                        after.append(entry)
                        kept.add(entry)
                if after == before:
                    continue
                props.update(entry_properties(key, after))
                if key == TYPES:
                    had, has = self._labels(before), self._labels(after)
                    for label in has - had:
                        labels_added.setdefault(label, []).append(uri)
                    for label in had - has:
                        labels_removed.setdefault(label, []).append(uri)
            if props:
                rows.append({"uri": uri, "props": props})
        return NodeUpdates(rows, labels_added, labels_removed)

    def _labels(self, types: list[Entry]) -> set[str]:
        return {label for cls, _ in types if (label := self.prefixes.shorten(str(cls))) is not None}


def plan(adds: Sequence[Quad], removes: Sequence[Quad], prefixes: Prefixes) -> GraphEdit:
    """Sort a change into projection changes; `prefixes` must already know `names_to_learn(adds)`."""
    check(adds)
    check(removes)
    edit = GraphEdit(prefixes)
    for quad in removes:
        edit.take(quad, added=False)
    for quad in adds:
        edit.take(quad, added=True)
    return edit


# The projection in memory


@dataclass
class ProjectedNode:
    labels: set[str]
    properties: dict[str, Any]


@dataclass
class ProjectedGraph:
    """The projection held in memory, changed step by step as the store's Cypher changes Neo4j."""

    nodes: dict[str, ProjectedNode] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str, str], None] = field(
        default_factory=dict
    )  # (start, type, end, graph)

    def apply(self, edit: GraphEdit) -> None:
        for uri in edit.nodes:
            self.nodes.setdefault(uri, ProjectedNode({RESOURCE}, {URI: uri}))
        current = {
            row["uri"]: {key: self.nodes[row["uri"]].properties.get(key) for key in row["keys"]}
            for row in edit.reads()
            if row["uri"] in self.nodes
        }
        updates = edit.updates(current)
        for row in updates.properties:
            properties = self.nodes[row["uri"]].properties
            for key, value in row["props"].items():
                if value is None:
                    properties.pop(key, None)
                else:
                    properties[key] = value
        for label, uris in updates.labels_removed.items():
            for uri in uris:
                self.nodes[uri].labels.discard(label)
        for label, uris in updates.labels_added.items():
            for uri in uris:
                self.nodes[uri].labels.add(label)
        for rel_type, rows in edit.relationships_removed.items():
            for start, end, graph in rows:
                self.relationships.pop((start, rel_type, end, graph), None)
        for rel_type, rows in edit.relationships_added.items():
            for start, end, graph in rows:
                self.relationships[(start, rel_type, end, graph)] = None
        linked = {r[0] for r in self.relationships} | {r[2] for r in self.relationships}
        for uri in edit.cleanup:
            node = self.nodes.get(uri)
            if node and node.properties.keys() == {URI} and node.labels == {RESOURCE} and uri not in linked:
                del self.nodes[uri]

    def quads(self, prefixes: Prefixes) -> Iterator[Quad]:
        for uri, node in self.nodes.items():
            yield from node_quads(uri, node.properties, prefixes)
        for start, rel_type, end, graph in self.relationships:
            quad = relationship_quad(start, rel_type, end, graph, prefixes)
            if quad is not None:
                yield quad


def project(quads: Sequence[Quad], prefixes: Prefixes, graph: ProjectedGraph | None = None) -> ProjectedGraph:
    """The projection of `quads` (added to `graph` when given); `prefixes` learns the names it needs."""
    graph = graph if graph is not None else ProjectedGraph()
    prefixes.learn(names_to_learn(quads))
    graph.apply(plan(quads, [], prefixes))
    return graph
