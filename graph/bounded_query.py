"""A read-only SPARQL query bounded in rows and in time, stopped when its time is up.

Oxigraph cannot cancel a query it is running, and Python cannot kill a thread. So where
the store takes snapshots (`capabilities.snapshots`: an on-disk Oxigraph store) the
query runs in a child process over a snapshot of the store as it is at the call (hard
links, a few ms), and the child is killed at the deadline; starting it costs about
0.1 s. Elsewhere it runs in a thread that is told to stop: it stops at its next row,
and a query that computes long before its first row (a sort, a large aggregate) runs on
in the background until then. Either way the caller's event loop is never held.

    columns, rows, truncated = await run_bounded(store, "SELECT ...", limit=1000, timeout_s=10)
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from itertools import islice

from pyoxigraph import Literal, QueryBoolean, QuerySolutions

from graph.store import GraphStore

Answer = tuple[list[str], list[dict[str, object]], bool]  # columns, up to `limit` rows, whether more exist


class QueryTimeout(TimeoutError):
    """The query ran past its time and was stopped."""


def answer(result: object, limit: int, stop: threading.Event | None = None) -> Answer:
    """The columns and first `limit` rows of a query's result, terms as JSON values: literals by their
    lexical value, IRIs and blank nodes in N-Triples form. Reads one row more, to tell if there are more."""
    if isinstance(result, QueryBoolean):
        return ["result"], [{"result": bool(result)}], False
    if isinstance(result, QuerySolutions):
        names = [var.value for var in result.variables]
        rows = [{n: _term(row[n]) for n in names} for row in _until(islice(result, limit + 1), stop)]
    else:  # CONSTRUCT / DESCRIBE: triples
        names = ["subject", "predicate", "object"]
        rows = [
            {"subject": _term(t.subject), "predicate": _term(t.predicate), "object": _term(t.object)}
            for t in _until(islice(result, limit + 1), stop)
        ]
    return names, rows[:limit], len(rows) > limit


def _until(rows, stop: threading.Event | None):
    for row in rows:
        if stop is not None and stop.is_set():
            return  # too late: nobody waits for the answer
        yield row


def _term(term: object) -> str | None:
    if term is None:
        return None
    return term.value if isinstance(term, Literal) else str(term)


async def run_bounded(store: GraphStore, query: str, limit: int, timeout_s: float) -> Answer:
    """`query` on `store`, at most `limit` rows, stopped after `timeout_s` (QueryTimeout).
    Raises ValueError for a query that is not valid read-only SPARQL, Unsupported where the store
    answers no SPARQL."""
    run = _in_child if store.capabilities.snapshots else _in_thread
    try:
        return await run(store, query, limit, timeout_s)
    except TimeoutError:  # asyncio.wait_for's: the child was killed, or the thread told to stop
        raise QueryTimeout(f"the query ran past {timeout_s:g} s") from None


async def _in_thread(store: GraphStore, query: str, limit: int, timeout_s: float) -> Answer:
    stop = threading.Event()
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(lambda: answer(store.query(query), limit, stop)), timeout_s
        )
    except TimeoutError:
        stop.set()
        raise


async def _in_child(store: GraphStore, query: str, limit: int, timeout_s: float) -> Answer:
    with store.snapshot() as snapshot:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            str(snapshot),
            str(limit),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(child.communicate(query.encode()), timeout_s)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"the SPARQL query process failed ({child.returncode}): {err.decode()[-2000:]}")
    found = json.loads(out)
    if "error" in found:
        raise ValueError(found["error"])
    return found["columns"], found["rows"], found["truncated"]


def main(argv: list[str]) -> int:
    """The child: `python -m graph.bounded_query SNAPSHOT LIMIT`, the query on stdin, the answer on
    stdout as JSON ({"columns", "rows", "truncated"}, or {"error"} for a query that is not valid)."""
    from graph.stores.oxigraph.store import OxigraphStore

    snapshot, limit = argv
    store = OxigraphStore(snapshot, read_only=True)
    try:
        columns, rows, truncated = answer(store.query(sys.stdin.read()), int(limit))
        found: dict = {"columns": columns, "rows": rows, "truncated": truncated}
    except ValueError as e:
        found = {"error": str(e)}
    finally:
        store.close()
    json.dump(found, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
