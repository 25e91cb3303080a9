"""The `datagraph` command as a user runs it: a real process on a real store directory."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import shared_data

ROOT = Path(__file__).resolve().parents[2]


def run(store: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--store", str(store), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=input,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("demo") / "store"
    done = run(store, "demo", "--no-serve")
    assert done.returncode == 0, done.stderr
    assert "sample catalog loaded" in done.stdout
    return store


def test_help_lists_every_command():
    done = run(Path("unused"), "--help")
    for command in ("init", "import", "export", "sparql", "lineage", "stats", "serve", "demo"):
        assert command in done.stdout


def test_import_then_export_round_trips(tmp_path):
    store = tmp_path / "s"
    source = tmp_path / "in.ttl"
    source.write_text('@prefix ex: <http://ex/> .\nex:a ex:p "x"@en ; ex:q [ ex:r 1 ] .\n')
    assert run(store, "import", str(source)).returncode == 0
    again = run(store, "import", str(source))
    assert "+0 -0" in again.stdout
    turtle = run(store, "export", "--format", "turtle", "--graph", _graph_of(store, "file:in.ttl")).stdout
    assert ('"x"@en' in turtle and "_:" in turtle) or "[" in turtle
    nquads = run(store, "export").stdout
    assert "http://ex/a" in nquads


def _graph_of(store: Path, source: str) -> str:
    from urllib.parse import quote

    return "http://datagraph.localhost/id/graph/source/" + quote(source, safe="-._~")


def test_a_malformed_file_names_file_and_line_and_changes_nothing(tmp_path):
    store = tmp_path / "s"
    run(store, "init")
    before = json.loads(run(store, "stats", "--json").stdout)["triples"]
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e "never closed .\n')
    done = run(store, "import", str(bad))
    assert done.returncode == 1
    assert "bad.ttl: line 3" in done.stderr and "Traceback" not in done.stderr
    assert json.loads(run(store, "stats", "--json").stdout)["triples"] == before


def test_an_unknown_format_and_a_missing_file_are_explained(tmp_path):
    store = tmp_path / "s"
    assert "no such file" in run(store, "import", str(tmp_path / "nope.ttl")).stderr
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    assert "--format" in run(store, "import", str(odd)).stderr


def test_sparql_is_read_only(demo_store):
    done = run(demo_store, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?d a dcat:Dataset }", "--json")
    assert int(json.loads(done.stdout)[0]["n"]) >= 12
    refused = run(demo_store, "sparql", "DELETE WHERE { ?s ?p ?o }")
    assert refused.returncode == 1 and "read-only" in refused.stderr


def test_lineage_by_name_with_json(demo_store):
    done = run(demo_store, "lineage", "marts.fct_orders", "--direction", "upstream", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    names = {n["name"]: n["distance"] for n in result["nodes"]}
    assert names["marts.fct_orders"] == 0
    assert any(name.startswith("main.") and d >= 2 for name, d in names.items())  # the SQLite raw tables
    assert all(n["path"][-1] == n["iri"] and len(n["path"]) == n["distance"] + 1 for n in result["nodes"])


def test_lineage_of_an_unknown_name_suggests_close_names(demo_store):
    done = run(demo_store, "lineage", "marts.fct_order")
    assert done.returncode == 1
    assert "no dataset or column is called 'marts.fct_order'" in done.stderr
    assert "marts.fct_orders" in done.stderr
    bad = run(demo_store, "lineage", "marts.fct_orders", "--direction", "sideways")
    assert "--direction must be one of" in bad.stderr


def test_a_store_held_by_another_process_is_reported_plainly(tmp_path):
    store = tmp_path / "s"
    assert run(store, "init").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from graph.stores.oxigraph.store import OxigraphStore; "
            "s = OxigraphStore(sys.argv[1]); print('held', flush=True); time.sleep(60)",
            str(store),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        source = shared_data("ontologies/skos_dcterms_harvest/skos.ttl")
        done = run(store, "import", str(source))
        assert done.returncode == 1
        assert "held by another process" in done.stderr and "Traceback" not in done.stderr
        stats = run(store, "stats", "--json")  # reading still works, from a read-only view
        assert stats.returncode == 0 and json.loads(stats.stdout)["triples"] > 0
    finally:
        holder.kill()
        holder.wait()
        time.sleep(0.1)


def test_an_nquads_export_restores_every_named_graph(demo_store, tmp_path):
    dump = tmp_path / "dump.nq"
    assert run(demo_store, "export", "--output", str(dump)).returncode == 0
    restored = tmp_path / "restored"
    done = run(restored, "import", "--restore", str(dump))
    assert done.returncode == 0, done.stderr
    before = json.loads(run(demo_store, "stats", "--json").stdout)["graphs"]
    after = json.loads(run(restored, "stats", "--json").stdout)["graphs"]
    audit = "http://datagraph.localhost/id/graph/audit"
    assert {g: n for g, n in after.items() if g != audit} == {g: n for g, n in before.items() if g != audit}
    assert after[audit] > before[audit]  # the import itself is audited too


def test_load_rdf_reports_each_file_and_fails_when_one_fails(tmp_path):
    folder = tmp_path / "rdf"
    folder.mkdir()
    (folder / "ok.ttl").write_text("<http://ex/a> <http://ex/p> 1 .\n")
    (folder / "broken.jsonld").write_text('{"@id": "http://ex/b", ')
    done = run(tmp_path / "s", "load", "rdf", str(folder))
    assert done.returncode == 1
    assert "1 read, +1 -0 triples" in done.stdout
    assert "failed:" in done.stdout and "broken.jsonld" in done.stdout
