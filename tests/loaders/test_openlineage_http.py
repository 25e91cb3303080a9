"""The OpenLineage HTTP endpoint as a producer meets it: a real uvicorn server, events posted over HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.openlineage.http import lineage_router
from tests.conftest import running, shared_data


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, GraphWriter]]:
    store = OxigraphStore(tmp_path_factory.mktemp("openlineage") / "s")
    writer = GraphWriter(store, IriMinter())
    app = FastAPI()
    app.include_router(lineage_router(writer, schema_dir=shared_data("openlineage/spec_schema")))
    try:
        with running(app) as url:
            yield url, writer
    finally:
        store.close()


def event(job: str, run_id: str | None = None, event_type: str = "COMPLETE") -> dict:
    return {
        "eventType": event_type,
        "eventTime": "2024-05-01T10:00:00Z",
        "run": {"runId": run_id or str(uuid.uuid4())},
        "job": {"namespace": "http-test", "name": job},
        "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}],
        "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.daily"}],
        "producer": "https://example.org/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


def test_valid_event_is_201_and_its_job_is_in_the_store(server):
    url, writer = server
    response = httpx.post(f"{url}/api/v1/lineage", json=event("daily_orders"))
    assert response.status_code == 201, response.text
    body = response.json()
    job = writer.iris.job("http-test", "daily_orders")
    assert body["job"] == job.value
    assert body["triples_added"] > 0
    assert body["graph"] == writer.iris.source_graph("openlineage:http-test/daily_orders").value
    assert writer.store.has(job, v.RDF.type, v.JOB)
    daily = writer.iris.dataset("postgres", "shop", "public", "daily")
    assert writer.store.has(
        daily, v.PROV.wasDerivedFrom, writer.iris.dataset("postgres", "shop", "public", "orders")
    )


def test_a_second_run_of_the_job_keeps_the_first(server):
    url, writer = server
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    for run_id in (first, second):
        assert httpx.post(f"{url}/api/v1/lineage", json=event("twice", run_id)).status_code == 201
    job = writer.iris.job("http-test", "twice")
    assert {q.subject for q in writer.store.quads(None, v.RUN_OF, job)} == {
        writer.iris.run(first),
        writer.iris.run(second),
    }


def test_marquez_event_over_http(server):
    url, writer = server
    raw = json.loads(
        shared_data("openlineage/marquez/api_test_resources/open_lineage/event_simple.json").read_text()
    )
    response = httpx.post(f"{url}/api/v1/lineage", json=raw)
    assert response.status_code == 201, response.text
    assert writer.store.has(writer.iris.job(raw["job"]["namespace"], raw["job"]["name"]), v.RDF.type, v.JOB)


def test_invalid_event_is_400_naming_the_field(server):
    url, _writer = server
    bad = event("broken")
    del bad["run"]["runId"]
    response = httpx.post(f"{url}/api/v1/lineage", json=bad)
    assert response.status_code == 400
    assert "run.runId: required, a UUID" in response.json()["problems"]


def test_fluentd_invalid_facet_is_400_from_the_schema(server):
    url, _writer = server
    raw = json.loads(shared_data("openlineage/fluentd_events/event_invalid_job_facet.json").read_text())
    response = httpx.post(f"{url}/api/v1/lineage", json=raw)
    assert response.status_code == 400
    assert "job.facets.ownership.owners[0]: 'name' is a required property" in response.json()["problems"]


def test_bad_json_is_400(server):
    url, _writer = server
    response = httpx.post(
        f"{url}/api/v1/lineage", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]


def test_openlineage_python_client_emits_to_the_server(server):
    pytest.importorskip(
        "openlineage.client",
        reason="openlineage-python is not installed (pip install openlineage-python==1.54.0)",
    )
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    url, writer = server
    transport = HttpTransport(HttpConfig(url=url, endpoint="api/v1/lineage", timeout=10))
    client = OpenLineageClient(transport=transport)
    run_id = str(uuid.uuid4())
    client.emit(
        RunEvent(
            eventType=RunState.COMPLETE,
            eventTime="2024-05-01T10:00:00+00:00",
            run=Run(runId=run_id),
            job=Job(namespace="python-client", name="emitted_job"),
            producer="https://github.com/OpenLineage/OpenLineage/tree/main/client/python",
            inputs=[InputDataset(namespace="postgres://db:5432", name="shop.public.orders")],
            outputs=[OutputDataset(namespace="postgres://db:5432", name="shop.public.summary")],
        )
    )
    job = writer.iris.job("python-client", "emitted_job")
    assert writer.store.has(job, v.RDF.type, v.JOB)
    assert writer.store.has(writer.iris.run(run_id), v.RUN_STATE, None)
