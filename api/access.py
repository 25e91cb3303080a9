"""Who may call each HTTP route: the table in code. README's "Who may do what" says the same in words,
and tests/security/test_access_table.py checks the running server against it, route by route.

None: anyone, with or without credentials (liveness probes carry none). A role: callers with that role
or above; anonymous callers only when DATAGRAPH_ANONYMOUS_ROLE gives them one. GraphQL is one route
for everyone; its fields check their own roles (api/graphql/permissions.py): queries need a viewer,
mutations a steward, raw `sparql` and `cypher` an admin.
"""

from __future__ import annotations

from api.auth import Role

ROUTE_ROLES: dict[tuple[str, str], Role | None] = {
    ("GET", "/healthz"): None,
    ("GET", "/"): Role.VIEWER,
    ("GET", "/stats"): Role.VIEWER,
    ("GET", "/metrics"): Role.VIEWER,
    ("GET", "/openapi.json"): Role.VIEWER,
    ("POST", "/api/v1/lineage"): Role.STEWARD,
}
