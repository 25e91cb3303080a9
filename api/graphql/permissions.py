"""Role checks inside resolvers: who may read, write, or run raw queries."""

from __future__ import annotations

from strawberry.types import Info

from api.auth import AuthError, Principal, Role, require_role
from api.auth import Forbidden as RoleTooLow
from api.graphql.errors import Forbidden, Unauthenticated


def require(info: Info, role: Role, doing: str) -> Principal:
    """The caller, when its role is at least `role`; otherwise an error saying which role `doing` needs."""
    try:
        return require_role(info.context.principal, role)
    except RoleTooLow as e:
        raise Forbidden(f"cannot {doing}: {e}", required_role=str(role)) from e
    except AuthError as e:
        raise Unauthenticated(f"cannot {doing}: {e}", required_role=str(role)) from e
