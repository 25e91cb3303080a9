"""POST /api/v1/lineage writes the graph, so it takes a steward's credentials, over real HTTP."""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from graph.stores.oxigraph.store import OxigraphStore
from tests.security.conftest import serving


@dataclass
class Served:
    url: str
    store: OxigraphStore
    keys: dict[str, str]  # role -> "Authorization" header value
    anonymous_viewers: bool


def event(job: str) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-01-01T00:00:00Z",
        "run": {"runId": "3f5e1a52-3c5e-4d6a-9a53-6b0b8f0d2f11"},
        "job": {"namespace": "attack", "name": job},
        "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}],
        "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.fake"}],
        "producer": "https://example.org/attacker",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


@pytest.fixture(scope="module", params=[None, "viewer"], ids=["no-anonymous", "anonymous-viewer"])
def served(request, tmp_path_factory) -> Iterator[Served]:
    """The app as `datagraph serve` builds it, with anonymous access off, or on for reading (the demo's)."""
    with serving(tmp_path_factory.mktemp("route-auth"), anonymous_role=request.param) as served:
        keys = {role: headers["Authorization"] for role, headers in served.headers.items()}
        yield Served(served.url, served.store, keys, anonymous_viewers=request.param is not None)


@pytest.mark.parametrize(
    ("credentials", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer dg_00000000_not-a-real-key"}, 401),
        ({"Authorization": "Basic c3Rld2FyZDpzdGV3YXJk"}, 401),
        ({"X-API-Key": "dg_00000000_not-a-real-key"}, 401),
        ("viewer", 403),
    ],
)
def test_a_caller_who_may_not_write_is_refused_and_nothing_is_written(served, credentials, status):
    headers = {"Authorization": served.keys[credentials]} if isinstance(credentials, str) else credentials
    before = served.store.count()
    response = httpx.post(f"{served.url}/api/v1/lineage", json=event("refused"), headers=headers)
    if not headers and served.anonymous_viewers:
        status = 403  # a caller without credentials is then a viewer: known, but not allowed to write
    assert response.status_code == status, response.text
    if status == 403 or not headers:  # bad credentials are answered with what is wrong with them
        assert "steward" in response.json()["detail"]
    assert served.store.count() == before


@pytest.mark.parametrize("role", ["steward", "admin"])
def test_a_steward_or_admin_may_post_events(served, role):
    response = httpx.post(
        f"{served.url}/api/v1/lineage", json=event(f"by-{role}"), headers={"Authorization": served.keys[role]}
    )
    assert response.status_code == 201, response.text
    assert served.store.count() > 0


def test_the_openlineage_client_emits_with_a_stewards_api_key(served):
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport

    def emit(auth: ApiKeyTokenProvider | None) -> None:
        config = HttpConfig(url=served.url, endpoint="api/v1/lineage", timeout=10)
        if auth is not None:
            config.auth = auth
        OpenLineageClient(transport=HttpTransport(config)).emit(
            RunEvent(
                eventType=RunState.COMPLETE,
                eventTime="2026-01-01T00:00:00+00:00",
                run=Run(runId="0b6e6a0e-6f7e-4f43-9a8e-0c3f0d7b1c2d"),
                job=Job(namespace="emitter", name="nightly"),
                producer="https://example.org/emitter",
                outputs=[OutputDataset(namespace="postgres://db:5432", name="shop.public.nightly")],
            )
        )

    before = served.store.count()
    with pytest.raises(Exception, match=r"40[13]"):
        emit(None)
    assert served.store.count() == before
    emit(ApiKeyTokenProvider({"apiKey": served.keys["steward"].removeprefix("Bearer ")}))
    assert served.store.count() > before
