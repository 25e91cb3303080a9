"""The one way a value becomes SPARQL text: an RDF term in its N-Triples form, validated and escaped.

A caller's text never goes into a query any other way. An IRI is checked by pyoxigraph (`<`, `>`,
spaces, quotes and braces are refused), a literal quoted and escaped, so no value can close the term
it sits in and add a pattern, a SERVICE call or a cartesian product of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode


def term(node: NamedNode | Literal) -> str:
    """`<iri>` or `"text"` (with its language or datatype), ready to stand in a query."""
    return str(node)


def text(value: str) -> str:
    """A plain string literal."""
    return term(Literal(value))


def terms(nodes: Iterable[NamedNode | Literal]) -> str:
    """Terms separated by spaces: the body of a VALUES block."""
    return " ".join(term(n) for n in nodes)


def iri_or_none(value: str) -> NamedNode | None:
    """`value` as an IRI when it is an absolute one (it has a scheme and `://`), else None."""
    if "://" not in value:
        return None
    try:
        return NamedNode(value)
    except ValueError:
        return None
