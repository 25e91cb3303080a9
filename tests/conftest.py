"""Fixtures shared by the whole suite: stores to run contract tests against, an IRI minter."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from graph.iris import IriMinter
from graph.store import GraphStore

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _services() -> dict[str, str]:
    """Where `make services` serves the databases (tests/services/services.env), unless the environment says."""
    settings = {}
    for line in (Path(__file__).parent / "services" / "services.env").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            settings[key] = os.environ.get(key, value)
    return settings


SERVICES = _services()
POSTGRES_PORT = int(SERVICES["POSTGRES_PORT"])
MARIADB_PORT = int(SERVICES["MARIADB_PORT"])
POSTGRES_SERVER = f"postgresql+psycopg://postgres@127.0.0.1:{POSTGRES_PORT}"
MARIADB_SERVER = f"mariadb+pymysql://root@127.0.0.1:{MARIADB_PORT}"


def shared_data(relative: str) -> Path:
    """A path under ../shared/data/, or a skip naming the folder when it is not there."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"external test material not found: ../shared/data/{relative}")
    return path


@pytest.fixture
def iris() -> IriMinter:
    return IriMinter()


def _oxigraph(tmp_path: Path) -> GraphStore:
    from graph.stores.oxigraph.store import OxigraphStore

    return OxigraphStore(tmp_path / "store")


def neo4j_store():
    """An emptied Neo4jStore on the server `make services` starts (or NEO4J_URI's), or a skip saying why."""
    from graph.store import StoreUnavailable
    from graph.stores.neo4j.store import Neo4jStore

    uri = SERVICES["NEO4J_URI"]
    try:
        store = Neo4jStore(
            uri,
            user=SERVICES["NEO4J_USER"],
            password=SERVICES["NEO4J_PASSWORD"],
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
    except StoreUnavailable as e:
        pytest.skip(f"Neo4j not reachable at {uri} (start it with `make services`): {e}")
    store.clear()
    return store


def _neo4j(tmp_path: Path) -> GraphStore:
    return neo4j_store()


STORES = {"oxigraph": _oxigraph, "neo4j": _neo4j}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that run against Neo4j (`pytest -m neo4j` selects them, `-m "not neo4j"` leaves them out)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_neo4j = callspec is not None and callspec.params.get("store") == "neo4j"
        if on_neo4j or "live" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Every store backend that is reachable here; the others skip with the reason."""
    s = STORES[request.param](tmp_path)
    yield s
    s.close()


@contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` on a free 127.0.0.1 port in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the port is ours from here on: no race with other processes
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
