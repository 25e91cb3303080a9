"""Reading RDF files into ChangeSets and writing the graph out, with blank nodes made stable.

The store holds only ground triples: blank nodes are skolemized on the way in
(RDF 1.1 §3.5) with IRIs derived from the canonical form of the input
(RDFC-1.0) and the target graph, so importing the same file twice yields the
same IRIs and changes nothing. Export turns them back into blank nodes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import BlankNode, NamedNode, Quad

from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.store import GraphStore
from graph.vocab import PREFIXES

GENID = ".well-known/genid/"

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".n3": "n3",
}


class RdfFileError(ValueError):
    """An RDF file that cannot be read; the message names the file, the line and the problem."""


def format_of(path: Path, name: str | None = None) -> ox.RdfFormat:
    """The format called `name`, or the one the file's extension implies."""
    if name is not None:
        if name not in FORMATS:
            raise RdfFileError(f"unknown RDF format {name!r}; use one of {', '.join(FORMATS)}")
        return FORMATS[name]
    try:
        return FORMATS[EXTENSIONS[path.suffix.lower()]]
    except KeyError:
        raise RdfFileError(
            f"{path}: cannot tell the RDF format from the extension {path.suffix!r}; "
            f"name it with --format ({', '.join(FORMATS)})"
        ) from None


# XML entities: OWL files declare a few as namespace shorthands (`&owl;Class`), used thousands of times.
# Entities that expand to more than this, or to ten times the file if that is more, are an attack
# ("billion laughs": 957 bytes became a 3,000,000,000-character literal).
MAX_ENTITY_EXPANSION = 10 * 1024 * 1024
ENTITY_EXPANSION_PER_CHAR = 10
_ENTITY = re.compile(r"""<!ENTITY\s+([^\s%]+)\s+("[^"]*"|'[^']*')""")
_REFERENCE = re.compile(r"&([A-Za-z_:][\w.:-]*);")


def refuse_entity_bombs(text: str, where: str) -> None:
    """RdfFileError when the XML's entities would expand past MAX_ENTITY_EXPANSION characters."""
    values = {name: value[1:-1] for name, value in _ENTITY.findall(text)}
    if not values:
        return
    limit = max(MAX_ENTITY_EXPANSION, ENTITY_EXPANSION_PER_CHAR * len(text))
    sizes: dict[str, int] = {}

    def size(name: str, seen: frozenset[str]) -> int:
        if name not in values:
            return len(name) + 2  # a character or predefined entity: left as it is written
        if name in seen:
            raise RdfFileError(f"{where}: XML entity &{name}; refers to itself; nothing was imported")
        if name not in sizes:
            inner = values[name]
            found = len(_REFERENCE.sub("", inner))
            for ref in _REFERENCE.findall(inner):
                found += size(ref, seen | {name})
                if found > limit:
                    break
            sizes[name] = found
        return sizes[name]

    total = 0
    for name in _REFERENCE.findall(text):
        total += size(name, frozenset())
        if total > limit:
            raise RdfFileError(
                f"{where}: its XML entities expand to more than {limit:,} characters "
                "(nested entities, as in a 'billion laughs' attack); nothing was imported"
            )


def read_quads(path: Path, rdf_format: ox.RdfFormat) -> list[Quad]:
    """Every quad of the file (triples come in the default graph). Never fetches remote documents."""
    if not path.is_file():
        raise RdfFileError(f"{path}: no such file")
    if rdf_format == ox.RdfFormat.RDF_XML:
        refuse_entity_bombs(path.read_text(encoding="utf-8", errors="replace"), str(path))
    try:
        return list(ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()))
    except SyntaxError as e:
        raise RdfFileError(f"{path}: line {e.lineno}, column {e.offset}: {e.msg}") from None
    except (OSError, ValueError) as e:
        raise RdfFileError(f"{path}: {e}") from None


def skolemize(quads: list[Quad], graph: NamedNode, iris: IriMinter) -> list[Quad]:
    """Replace blank nodes by IRIs that depend only on the content and the target graph."""
    if not any(isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in quads):
        return quads
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    scope = hashlib.sha256(graph.value.encode()).hexdigest()[:16]

    def ground(term):
        return NamedNode(f"{iris.base}{GENID}{scope}/{term.value}") if isinstance(term, BlankNode) else term

    return [Quad(ground(q.subject), q.predicate, ground(q.object), q.graph_name) for q in dataset]


def deskolemize(quads: Iterable[Quad], iris: IriMinter) -> Iterator[Quad]:
    """Turn the IRIs `skolemize` minted back into blank nodes."""
    prefix = iris.base + GENID
    labels: dict[str, BlankNode] = {}

    def blank(term):
        if isinstance(term, NamedNode) and term.value.startswith(prefix):
            return labels.setdefault(term.value, BlankNode(f"b{len(labels)}"))
        return term

    for q in quads:
        yield Quad(blank(q.subject), q.predicate, blank(q.object), q.graph_name)


@dataclass(frozen=True)
class FileImport:
    changeset: ChangeSet
    graphs: list[NamedNode]
    triples: int


def import_file(
    path: Path,
    iris: IriMinter,
    *,
    graph: NamedNode | None = None,
    default_graph: NamedNode | None = None,
    rdf_format: str | None = None,
    actor: str = "datagraph import",
    restore: bool = False,
) -> FileImport:
    """A ChangeSet that makes the file's content the content of its named graph(s).

    Everything goes into `graph` when it is given. Otherwise quads that name a
    graph in the file (N-Quads, TriG) keep it, and triples go into `default_graph`
    (by default the file's own source graph, named after the file).

    A file may not name a graph that datagraph keeps for something else (another source's, a model's,
    the user edits', the audit record) unless `restore` says it is a dump made by `datagraph export`:
    then it replaces each graph it names, and adds its audit records to those already kept.
    """
    quads = read_quads(path, format_of(path, rdf_format))
    default = graph or default_graph or iris.source_graph(f"file:{path.name}")
    by_graph: dict[NamedNode, list[Quad]] = {}
    for q in quads:
        target = default if graph is not None or isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name
        by_graph.setdefault(target, []).append(q)
    claimed = frozenset(g for g in by_graph if isinstance(g, NamedNode)) if restore else frozenset()
    changeset = ChangeSet(actor=actor, reason=f"import {path}", reserved=claimed)
    for target, content in by_graph.items():
        if not isinstance(target, NamedNode):
            raise RdfFileError(f"{path}: graph name {target} is a blank node; give the graph an IRI")
        if target != default and iris.is_minted_graph(target) and not restore:
            raise RdfFileError(
                f"{path}: names graph {target.value}, which datagraph keeps for another source, a model, "
                "the user edits or the audit record; nothing was imported. To restore a dump made by "
                "`datagraph export`, import it with --restore"
            )
        triples = ((q.subject, q.predicate, q.object) for q in skolemize(content, target, iris))
        if target == iris.audit_graph():
            changeset.add(triples, target)  # the audit record only grows
        else:
            changeset.replace_graph(target, triples)
    if not by_graph:
        changeset.replace_graph(default, ())
    return FileImport(changeset, sorted(by_graph or [default], key=str), len(quads))


def export(
    store: GraphStore,
    iris: IriMinter,
    rdf_format: str,
    *,
    graph: NamedNode | None = None,
    output: io.BufferedIOBase | str | Path | None = None,
) -> bytes | None:
    """Serialize the store (or one graph). Triple-only formats merge the graphs."""
    fmt = format_of(Path("-"), rdf_format)
    quads: Iterable[Quad] = deskolemize(store.quads(graph=graph), iris)
    if not fmt.supports_datasets:
        quads = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    target = str(output) if isinstance(output, Path) else output
    return ox.serialize(quads, target, format=fmt, prefixes=prefixes)
