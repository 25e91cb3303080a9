"""One size limit and one JSON depth limit for every request, checked before any route reads the body.

A body over `max_bytes` is refused with 413 as soon as its declared length or the bytes received so far
say so, without reading the rest; a JSON body nested deeper than `max_depth` with 400 (Python's JSON
parser recurses: 1,000 levels raised RecursionError, a 500, in every route). The body is handed on to
the route unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A string (skipped whole: brackets in it do not count) or a bracket.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SCAN_IN_THREAD = 256 * 1024  # bodies larger than this are scanned off the event loop


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar)."""
    depth = deepest = 0
    for token in _TOKEN.finditer(body):
        char = token.group()[0]
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    return deepest


class RequestLimits:
    """ASGI middleware: the size and depth limits above, for every HTTP route."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, 413, self._too_large())
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, 413, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and b"json" in headers.get(b"content-type", b"").lower():
            depth = (
                await anyio.to_thread.run_sync(json_depth, body)
                if len(body) > _SCAN_IN_THREAD
                else json_depth(body)
            )
            if depth > self.max_depth:
                await self._refuse(
                    send,
                    400,
                    f"the JSON body nests {depth} levels deep; at most {self.max_depth} are accepted "
                    "(DATAGRAPH_MAX_JSON_DEPTH)",
                )
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: a disconnect, when the client goes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return (
            f"the request body is larger than {self.max_bytes:,} bytes (DATAGRAPH_MAX_REQUEST_BYTES); "
            "send less at a time"
        )

    @staticmethod
    async def _refuse(send: Send, status: int, message: str) -> None:
        body = json.dumps({"detail": message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
