"""GraphiQL that works offline: strawberry's GraphiQL page, its scripts and styles served by the API itself.

strawberry's page (``strawberry/static/graphiql.html``) loads React, ReactDOM, js-cookie, GraphiQL and
the explorer plugin from unpkg.com: without internet it stays blank. The same files, byte for byte (the
tests check them against the page's ``integrity`` hashes), are vendored in ``api/static/graphiql/``
(see the README there) and served at `ASSETS_URL`::

    mount_graphiql_assets(app)
    app.include_router(OfflineGraphQLRouter(schema), prefix="/graphql")

`graphiql_html` fails loudly (RuntimeError naming the URL) when strawberry's template loads anything
from the network that is not vendored here: a strawberry upgrade that changes the page is caught by the
tests rather than by an offline user.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter
from strawberry.fastapi.context import CustomContext
from strawberry.http.ides import get_graphql_ide_html
from strawberry.http.typevars import RootValue
from typing_extensions import TypeVar

__all__ = [
    "ASSETS_DIR",
    "ASSETS_URL",
    "VENDORED",
    "OfflineGraphQLRouter",
    "graphiql_html",
    "mount_graphiql_assets",
]

ASSETS_DIR: Path = Path(__file__).resolve().parent / "static" / "graphiql"
ASSETS_URL = "/graphql-assets"

# Each URL strawberry's graphiql.html loads -> the file under ASSETS_DIR holding the same bytes.
VENDORED: dict[str, str] = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "graphiql-plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "graphiql-plugin-explorer.umd.js",
}

_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(r"""\b(src|href)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_CDN_ONLY_ATTRIBUTES = re.compile(
    r"""\s+(?:integrity\s*=\s*(["']).*?\1|crossorigin(?:\s*=\s*(["']).*?\2)?)(?=[\s/>])""",
    re.IGNORECASE | re.DOTALL,
)
_EXTERNAL_URL = re.compile(r"""(?:https?:)?//[^\s"'<>`)]+""", re.IGNORECASE)
_HTTP_URL = re.compile(r"""https?://[^\s"'<>`)]+""", re.IGNORECASE)
# XML namespace names (the favicon's inline SVG) are identifiers, never fetched
_NOT_FETCHED = ("http://www.w3.org/",)
_PLACEHOLDER = re.compile(r"\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}")


def _localize_tag(tag: str, assets_url: str) -> str:
    attribute = _URL_ATTRIBUTE.search(tag)
    if attribute is None:
        return tag
    url = attribute.group(3).strip()
    if url in VENDORED:
        local = f"{assets_url}/{VENDORED[url]}"
        tag = tag[: attribute.start(3)] + local + tag[attribute.end(3) :]
        return _CDN_ONLY_ATTRIBUTES.sub("", tag)
    if _EXTERNAL_URL.fullmatch(url):
        raise RuntimeError(
            f"strawberry's GraphiQL template loads {url}, which is not vendored in {ASSETS_DIR}: "
            "add the file there (see its README.md) and to api.graphiql.VENDORED"
        )
    return tag


@functools.lru_cache(maxsize=16)
def _render(assets_url: str) -> str:
    html = get_graphql_ide_html(graphql_ide="graphiql")
    placeholder = _PLACEHOLDER.search(html)
    if placeholder is not None:
        raise RuntimeError(
            f"strawberry's GraphiQL template has a placeholder api.graphiql does not fill: {placeholder.group(0)}"
        )
    html = _TAG.sub(lambda match: _localize_tag(match.group(0), assets_url), html)
    # anything else still pointing at the network: an import map, an import() in a script, a CSS @import
    for match in _HTTP_URL.finditer(html):
        if not match.group(0).startswith(_NOT_FETCHED):
            raise RuntimeError(
                f"strawberry's GraphiQL template refers to {match.group(0)}, which api.graphiql does not serve"
            )
    return html


def graphiql_html(graphql_path: str = "/graphql", *, assets_url: str = ASSETS_URL) -> str:
    """strawberry's GraphiQL page, loading its scripts and styles from `assets_url` instead of unpkg.com.

    The page sends its queries (and subscriptions, over a websocket) to the URL it was served from:
    serve it at `graphql_path`. strawberry 0.341's template has no placeholders to fill, so
    `graphql_path` is only checked; a template that grows a ``{{ PLACEHOLDER }}`` fails here.
    """
    if not graphql_path.startswith("/"):
        raise ValueError(f"graphql_path must be an absolute path, not {graphql_path!r}")
    return _render(assets_url.rstrip("/"))


def mount_graphiql_assets(app: FastAPI) -> None:
    """Serve the vendored GraphiQL files (`ASSETS_DIR`) at `ASSETS_URL`."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR, check_dir=True), name="graphql-assets")


Context = TypeVar("Context", default=CustomContext)


class OfflineGraphQLRouter(GraphQLRouter[Context, RootValue]):
    """strawberry's FastAPI router, but its GraphiQL page loads everything from `ASSETS_URL`
    (mount it with `mount_graphiql_assets`). The other IDEs (``graphql_ide="apollo-sandbox"``,
    ``"pathfinder"``) are strawberry's, unchanged, and still need the network."""

    @property
    def graphql_ide_html(self) -> str:
        if self.graphql_ide == "graphiql":
            return graphiql_html()
        return super().graphql_ide_html

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if self.graphql_ide != "graphiql":
            return await super().render_graphql_ide(request)
        # behind a proxy that strips a prefix (uvicorn --root-path), the assets live under it too
        root_path = request.scope.get("root_path", "") or ""
        return HTMLResponse(graphiql_html(request.url.path, assets_url=root_path + ASSETS_URL))
