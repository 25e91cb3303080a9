"""Errors the API answers with: each names what was wrong, and carries a code clients can switch on."""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    code = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class NotFound(ApiError):
    code = "NOT_FOUND"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class BadInput(ApiError):
    code = "BAD_USER_INPUT"


class LimitExceeded(ApiError):
    code = "LIMIT_EXCEEDED"
