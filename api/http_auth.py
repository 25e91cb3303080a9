"""Who is calling, for the HTTP routes: the request's credentials as a Principal, or a 401/403 saying why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from api.auth import ApiKeyStore, AuthError, Principal, Role, authenticate, require_role
from api.settings import Settings

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def caller(request: Request, keys: ApiKeyStore, settings: Settings) -> Principal | None:
    """The request's caller; None when it sent no credentials and anonymous access is off."""
    try:
        return authenticate(request.headers, keys, settings)
    except AuthError as e:
        raise HTTPException(status_code=e.status_code, detail=e.message, headers=_CHALLENGE) from e


def requiring(role: Role, keys: ApiKeyStore, settings: Settings) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency that lets through only callers with `role` or above."""

    async def dependency(request: Request) -> Principal:
        try:
            return require_role(caller(request, keys, settings), role)
        except AuthError as e:
            raise HTTPException(status_code=e.status_code, detail=e.message, headers=_CHALLENGE) from e

    return dependency
