"""Raw read-only queries for admins: SPARQL on Oxigraph, Cypher on Neo4j, bounded in rows and time."""

from __future__ import annotations

import asyncio

from api.graphql.errors import BadInput, LimitExceeded
from graph.bounded_query import Answer, QueryTimeout, run_bounded
from graph.store import GraphStore, Unsupported


def _check_limit(limit: int) -> None:
    if not 0 < limit <= 10_000:
        raise BadInput(f"'limit': {limit} is out of range; ask for 1 to 10000 rows", field="limit")


async def run_sparql(store: GraphStore, query: str, limit: int, timeout_s: float) -> Answer:
    """Columns, up to `limit` rows and whether more exist. Updates are refused; a query running past
    `timeout_s` is stopped with an error naming the limit. The server answers other requests meanwhile."""
    _check_limit(limit)
    try:
        return await run_bounded(store, query, limit, timeout_s)
    except QueryTimeout:
        raise LimitExceeded(
            f"the SPARQL query ran past {timeout_s:g} s (DATAGRAPH_SPARQL_TIMEOUT_S) and was stopped; "
            "narrow it or add a LIMIT",
            limit="sparql_timeout_s",
        ) from None
    except Unsupported as e:
        raise BadInput(f"SPARQL is not available on this store: {e}; use `cypher`") from e
    except ValueError as e:
        raise BadInput(f"'query': {e}", field="query") from e


async def run_cypher(store: GraphStore, query: str, limit: int) -> Answer:
    """Columns, up to `limit` rows and whether more exist, read in a worker thread (the server answers
    other requests meanwhile)."""
    _check_limit(limit)
    try:
        rows = await asyncio.to_thread(store.cypher, query)
    except Unsupported as e:
        raise BadInput(f"Cypher is not available on this store: {e}; use `sparql`") from e
    except ValueError as e:
        raise BadInput(f"'query': {e}", field="query") from e
    columns = list(rows[0]) if rows else []
    return columns, rows[:limit], len(rows) > limit
