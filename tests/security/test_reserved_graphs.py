"""A file cannot overwrite the audit record, the user edits or another source's graph, through the real CLI."""

import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from graph.changeset import ChangeSet, InvalidChange
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from tests.api.test_cli import run

BASE = "http://datagraph.localhost/id/"
AUDIT = BASE + "graph/audit"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    """A store holding two imported sources, and so an audit record of both."""
    tmp = tmp_path_factory.mktemp("reserved")
    store = tmp / "store"
    for name in ("crm", "erp"):
        source = tmp / f"{name}.ttl"
        source.write_text(f"<http://ex/{name}> <http://ex/p> 1 .\n")
        assert run(store, "import", str(source)).returncode == 0
    return store


def graphs(store: Path) -> dict[str, int]:
    return json.loads(run(store, "stats", "--json").stdout)["graphs"]


@pytest.mark.parametrize(
    "graph",
    [AUDIT, BASE + "graph/user", BASE + "graph/model/gnn", BASE + "graph/source/file%3Acrm.ttl"],
    ids=["audit", "user-edits", "model", "another-source"],
)
def test_a_trig_file_naming_a_graph_datagraph_keeps_is_refused(catalog, tmp_path, graph):
    before = graphs(catalog)
    evil = tmp_path / "evil.trig"
    evil.write_text(f"<{graph}> {{ <http://ex/x> <http://ex/p> 2 . }}\n")
    done = run(catalog, "import", str(evil))
    assert done.returncode == 1
    assert graph in done.stderr and "nothing was imported" in done.stderr and "Traceback" not in done.stderr
    assert graphs(catalog) == before


@pytest.mark.parametrize("graph", [AUDIT, BASE + "graph/user"])
def test_import_into_a_reserved_graph_by_name_is_refused(catalog, tmp_path, graph):
    before = graphs(catalog)
    plain = tmp_path / "plain.ttl"
    plain.write_text("<http://ex/x> <http://ex/p> 2 .\n")
    done = run(catalog, "import", "--graph", graph, str(plain))
    assert done.returncode == 1 and "only its own writer may change it" in done.stderr
    assert graphs(catalog) == before


def test_the_writer_lets_only_a_graphs_owner_change_it(tmp_path):
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        writer = GraphWriter(store, iris)
        edit = [(NamedNode("http://ex/d"), NamedNode("http://ex/p"), Literal("x"))]
        with pytest.raises(InvalidChange, match="only its own writer"):
            writer.commit(ChangeSet("loader", "load").add(edit, iris.user_graph()))
        owned = frozenset({iris.user_graph()})
        writer.commit(ChangeSet("api", "setDescription", reserved=owned).add(edit, iris.user_graph()))
        audit = frozenset({iris.audit_graph()})
        with pytest.raises(InvalidChange, match="only grows"):
            writer.commit(ChangeSet("restore", "wipe", reserved=audit).replace_graph(iris.audit_graph(), []))
        assert store.count(iris.user_graph()) == 1 and store.count(iris.audit_graph()) > 0
