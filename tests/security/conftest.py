"""The server as `datagraph serve` builds it, on a real store and a real port, with a key per role."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api.app import create_app
from api.auth import ApiKeyStore
from api.demo import load_demo
from api.settings import Settings
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.conftest import running


@dataclass
class Served:
    url: str
    headers: dict[str, dict[str, str]]  # role -> the headers that carry its key
    store: OxigraphStore
    writer: GraphWriter


@contextmanager
def serving(
    tmp: Path, *, roles: tuple[str, ...] = ("viewer", "steward", "admin"), demo: bool = False, **settings
) -> Iterator[Served]:
    """Serve a store in `tmp` (the demo catalog loaded when `demo`); `settings` override the defaults."""
    store = OxigraphStore(tmp / "store")
    writer = GraphWriter(store, IriMinter())
    if demo:
        load_demo(writer)
    keys = ApiKeyStore(tmp / "apikeys.json")
    headers = {role: {"Authorization": f"Bearer {keys.create(role, f'a {role}')[0]}"} for role in roles}
    try:
        app = create_app(store, writer, Settings(_env_file=None, store=str(tmp), **settings), keys)
        with running(app) as url:
            yield Served(url, headers, store, writer)
    finally:
        store.close()
