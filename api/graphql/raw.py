"""Raw read-only queries for admins: SPARQL on Oxigraph, Cypher on Neo4j, bounded in rows and time."""

from __future__ import annotations

import threading
from itertools import islice

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions

from api.graphql.errors import BadInput, LimitExceeded
from graph.store import GraphStore, Unsupported


def _term(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, (NamedNode, BlankNode)):
        return str(term)
    return str(term)


def run_sparql(
    store: GraphStore, query: str, limit: int, timeout_s: float
) -> tuple[list[str], list[dict], bool]:
    """Columns, up to `limit` rows and whether more exist. Updates are refused; a query running past
    `timeout_s` is stopped with an error naming the limit."""
    if not 0 < limit <= 10_000:
        raise BadInput(f"'limit': {limit} is out of range; ask for 1 to 10000 rows", field="limit")
    outcome: dict = {}

    def run() -> None:
        try:
            result = store.query(query)
            if isinstance(result, QueryBoolean):
                outcome["value"] = (["result"], [{"result": bool(result)}], False)
            elif isinstance(result, QuerySolutions):
                names = [var.value for var in result.variables]
                rows = [{n: _term(row[n]) for n in names} for row in islice(result, limit + 1)]
                outcome["value"] = (names, rows[:limit], len(rows) > limit)
            else:  # CONSTRUCT / DESCRIBE: triples
                rows = [
                    {"subject": _term(t.subject), "predicate": _term(t.predicate), "object": _term(t.object)}
                    for t in islice(result, limit + 1)
                ]
                outcome["value"] = (["subject", "predicate", "object"], rows[:limit], len(rows) > limit)
        except Unsupported as e:
            outcome["error"] = BadInput(f"SPARQL is not available on this store: {e}; use `cypher`")
        except ValueError as e:
            outcome["error"] = BadInput(f"'query': {e}", field="query")

    worker = threading.Thread(target=run, daemon=True, name="sparql")
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise LimitExceeded(
            f"the SPARQL query ran past {timeout_s:g} s (DATAGRAPH_SPARQL_TIMEOUT_S) and its answer was dropped; "
            "narrow it or add a LIMIT",
            limit="sparql_timeout_s",
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_cypher(store: GraphStore, query: str, limit: int) -> tuple[list[str], list[dict], bool]:
    if not 0 < limit <= 10_000:
        raise BadInput(f"'limit': {limit} is out of range; ask for 1 to 10000 rows", field="limit")
    try:
        rows = store.cypher(query)
    except Unsupported as e:
        raise BadInput(f"Cypher is not available on this store: {e}; use `sparql`") from e
    except ValueError as e:
        raise BadInput(f"'query': {e}", field="query") from e
    columns = list(rows[0]) if rows else []
    return columns, rows[:limit], len(rows) > limit
