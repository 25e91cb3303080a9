"""A bulk load that runs out of room leaves the store as it was, and every later command still works."""

import json
import subprocess
import sys
from pathlib import Path

from tests.api.test_cli import run

ROOT = Path(__file__).resolve().parents[2]

# Commits 150,000 new quads (a bulk load) with files capped at 4 MB: the load's 20 MB intent file
# cannot be written, as on a full disk (the process gets EFBIG where a full disk gives ENOSPC).
LOAD = """
import resource, sys
from pyoxigraph import Literal, NamedNode
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.store import StoreError
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter

with OxigraphStore(sys.argv[1]) as store:
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_000_000, 4_000_000))
    iris = IriMinter()
    triples = [(NamedNode(f"http://ex/s{i}"), NamedNode("http://ex/p"), Literal(i)) for i in range(150_000)]
    try:
        GraphWriter(store, iris).commit(ChangeSet("t", "big").add(triples, iris.source_graph("big")))
    except StoreError as e:
        print("refused:", e)
        sys.exit(3)
"""


def test_a_bulk_load_that_cannot_write_leaves_nothing_behind(tmp_path):
    store = tmp_path / "store"
    seed = tmp_path / "seed.ttl"
    seed.write_text("<http://ex/a> <http://ex/p> 1 .\n")
    assert run(store, "import", str(seed)).returncode == 0
    before = json.loads(run(store, "stats", "--json").stdout)["graphs"]

    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(store)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "nothing was written" in done.stdout and "Free some disk space" in done.stdout
    assert not list(store.glob("pending-bulk-add*"))

    stats = run(store, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["graphs"] == before
    again = tmp_path / "again.ttl"
    again.write_text("<http://ex/b> <http://ex/p> 2 .\n")
    assert run(store, "import", str(again)).returncode == 0
