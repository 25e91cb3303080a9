"""Finding an entity from what a person types: an IRI, a qualified name or a plain name."""

from __future__ import annotations

import difflib

from pyoxigraph import Literal, NamedNode

from graph import vocab as v
from graph.store import GraphStore


class UnknownEntity(LookupError):
    """Nothing in the graph answers to the given name; the message suggests close names."""


class AmbiguousName(LookupError):
    """Several entities answer to the given name; the message lists them."""


def resolve(store: GraphStore, text: str) -> NamedNode:
    """The IRI `text` names: an IRI in the graph, a qualified name (retail.marts.fct_orders[.column]),
    or a plain name that only one dataset or column has."""
    if "://" in text or text.startswith("urn:"):
        iri = NamedNode(text.strip("<>"))
        if store.has(iri, None, None):
            return iri
        raise UnknownEntity(f"{text} is not in the graph")
    exact = {q.subject for q in store.quads(None, v.DCTERMS.identifier, Literal(text))}
    if len(exact) == 1:
        return exact.pop()
    named = exact or {
        q.subject
        for q in store.quads(None, v.RDFS.label, Literal(text))
        if store.has(q.subject, v.DCTERMS.identifier, None)
    }
    if len(named) == 1:
        return named.pop()
    if named:
        names = sorted(_identifier(store, n) for n in named)
        raise AmbiguousName(f"{text!r} names {len(names)} entities; say which: {', '.join(names[:10])}")
    raise UnknownEntity(_unknown_message(store, text))


def _identifier(store: GraphStore, iri: NamedNode) -> str:
    found = next(store.quads(iri, v.DCTERMS.identifier, None), None)
    return found.object.value if found is not None else iri.value


def _unknown_message(store: GraphStore, text: str) -> str:
    names = {q.object.value for q in store.quads(None, v.DCTERMS.identifier, None)}
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.6)
    if not close:
        lowered = text.lower()
        close = sorted(n for n in names if lowered in n.lower())[:5]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no dataset or column is called {text!r}{hint}"
