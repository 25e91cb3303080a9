"""The transformation kind of one column reference inside one projected expression.

Direct kinds say how the value reaches the output (copy, expression, aggregation,
hash); `window` and `conditional` mark columns that only steer the value (an OVER's
PARTITION BY / ORDER BY, a CASE or IF condition).
"""

from __future__ import annotations

from sqlglot import exp

HASH_FUNCTIONS = frozenset(
    {
        "md5",
        "md5_binary",
        "md5_hex",
        "sha",
        "sha1",
        "sha2",
        "sha256",
        "sha512",
        "sha2_binary",
        "sha2_hex",
        "hash",
        "hash_agg",
        "farm_fingerprint",
        "fingerprint",
        "crc32",
        "xxhash64",
        "murmur_hash3",
        "cityhash64",
        "sipHash64",
        "hashbytes",
        "standard_hash",
    }
)
HASH_FUNCTIONS_LOWER = frozenset(f.lower() for f in HASH_FUNCTIONS)

# When one value passes through several queries (a CTE, then the outer select),
# the edge keeps the strongest kind met on the way.
STRENGTH = {"copy": 0, "expression": 1, "aggregation": 2, "hash": 3, "conditional": 4, "window": 5}


def compose(outer: str, inner: str) -> str:
    """The kind of a value that went through `inner`, then `outer`.

    >>> compose("copy", "aggregation"), compose("hash", "copy"), compose("expression", "aggregation")
    ('aggregation', 'hash', 'aggregation')
    """
    return max(outer, inner, key=STRENGTH.__getitem__)


# sqlglot's typed hash functions; newer releases parse e.g. PostgreSQL's sha256(x) as SHA2Digest or SHA1Digest.
_HASH_NODES = tuple(
    getattr(exp, name)
    for name in ("MD5", "MD5Digest", "SHA", "SHA1Digest", "SHA2", "SHA2Digest", "StandardHash")
    if hasattr(exp, name)
)


def _is_hash(node: exp.Expression) -> bool:
    if isinstance(node, _HASH_NODES):
        return True
    if isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        return name.lower() in HASH_FUNCTIONS_LOWER
    return False


def _is_condition(child: exp.Expression, parent: exp.Expression) -> bool:
    """Whether `child` is the condition (not a value) of an IF or a CASE (WHEN branches are Ifs)."""
    return isinstance(parent, (exp.If, exp.Case)) and child is parent.this


# Window functions that sqlglot types as aggregates but that move one row's value.
_VALUE_WINDOW_FUNCTIONS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)


def kind_of(column: exp.Column, projection: exp.Expression) -> str:
    """How `column` reaches the value of `projection` (an item of a SELECT list).

    >>> from sqlglot import parse_one
    >>> def kinds(sql):
    ...     p = parse_one(sql).selects[0]
    ...     return sorted((c.name, kind_of(c, p)) for c in p.find_all(exp.Column))
    >>> kinds("SELECT a AS x")
    [('a', 'copy')]
    >>> kinds("SELECT SUM(a + b) * 2")
    [('a', 'aggregation'), ('b', 'aggregation')]
    >>> kinds("SELECT md5(CAST(a AS TEXT))")
    [('a', 'hash')]
    >>> kinds("SELECT LAG(a) OVER (PARTITION BY b ORDER BY c)")
    [('a', 'expression'), ('b', 'window'), ('c', 'window')]
    >>> kinds("SELECT CASE WHEN b > 1 THEN a ELSE 0 END")
    [('a', 'expression'), ('b', 'conditional')]
    """
    found = "copy"
    child: exp.Expression = column
    node = column.parent
    while node is not None and child is not projection:
        if isinstance(node, exp.Window) and child is not node.this:
            return "window"
        if _is_condition(child, node):
            return "conditional"
        if _is_hash(node):
            found = compose(found, "hash")
        elif isinstance(node, exp.AggFunc) and not isinstance(node, _VALUE_WINDOW_FUNCTIONS):
            found = compose(found, "aggregation")
        elif not isinstance(node, (exp.Alias, exp.Paren, exp.Window)):
            found = compose(found, "expression")
        child, node = node, node.parent
    return found
