"""A dbt artifact that is not shaped as dbt writes it is refused whole, naming what is wrong (real CLI)."""

import json
from pathlib import Path

import pytest

from tests.api.test_cli import run
from tests.conftest import shared_data


def stats(store: Path) -> dict[str, int]:
    return json.loads(run(store, "stats", "--json").stdout)["graphs"]


@pytest.fixture
def hubspot(tmp_path) -> tuple[Path, dict]:
    """A store with the hubspot project loaded, and its manifest as JSON."""
    manifest = shared_data("dbt/fivetran_dbt_hubspot/manifest.json")
    store = tmp_path / "store"
    done = run(store, "load", "dbt", str(manifest))
    assert done.returncode == 0, done.stderr
    return store, json.loads(manifest.read_text())


def test_three_malformed_nodes_refuse_the_reload_and_keep_the_graph(hubspot, tmp_path):
    store, manifest = hubspot
    before = stats(store)
    models = [uid for uid in manifest["nodes"] if uid.startswith("model.")][:3]
    del manifest["nodes"][models[0]]["name"]
    manifest["nodes"][models[1]] = "not a node"
    manifest["nodes"][models[2]]["resource_type"] = None
    broken = tmp_path / "manifest.json"
    broken.write_text(json.dumps(manifest))
    done = run(store, "load", "dbt", str(broken))
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "3 node(s)" in output and all(uid in output for uid in models) and "Traceback" not in output
    assert stats(store) == before


@pytest.mark.parametrize("artifact", ["manifest", "catalog"])
def test_nodes_as_a_list_is_refused_with_a_clear_message(tmp_path, artifact):
    source = shared_data(f"dbt/fivetran_dbt_hubspot/{artifact}.json")
    data = json.loads(source.read_text())
    data["nodes"] = list(data["nodes"].values())
    path = tmp_path / f"{artifact}.json"
    path.write_text(json.dumps(data))
    args = [str(path)] if artifact == "manifest" else ["--catalog", str(path)]
    done = run(tmp_path / "store", "load", "dbt", *args)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "'nodes' is a list" in output and "Traceback" not in output
