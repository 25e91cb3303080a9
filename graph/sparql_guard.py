"""What a caller's SPARQL query may not do here: reach another server with SERVICE.

A SERVICE pattern makes the engine send an HTTP request to any address the query names, from the
server's own network, and echo what it gets back. The query is read as SPARQL's lexer would at the
level that matters: comments, string literals and IRIs cannot hold the keyword, so they are skipped,
and any SERVICE left is refused. It may refuse a query a full parser would accept (the word as a
bare local name), never the other way round.
"""

from __future__ import annotations

import re

_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIs (a comparison such as ?a < 3 has spaces, so it is not one)
    r"|#[^\n]*",  # comments
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)


def refuse_service(query: str) -> None:
    """ValueError when `query` holds a SERVICE pattern."""
    if _SERVICE.search(_SKIPPED.sub(" ", query)):
        raise ValueError(
            "SERVICE is refused: queries here read this store only, and may not make the server "
            "call other addresses"
        )
