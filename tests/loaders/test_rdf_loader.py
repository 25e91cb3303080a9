"""The RDF loader on real vocabularies: a folder in one run, a report of what happened, nothing fetched."""

from pathlib import Path

from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.rdf.config import RdfLoaderConfig
from loaders.rdf.source import RdfSource
from tests.conftest import shared_data


def test_a_folder_loads_one_graph_per_file_and_reloading_changes_nothing(tmp_path: Path):
    folder = shared_data("ontologies/skos_dcterms_harvest")
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        writer = GraphWriter(store, iris)
        seen: list[str] = []
        report = RdfSource(RdfLoaderConfig(path=folder)).load(writer, progress=seen.append)
        assert report.ok and report.read == 2 and len(report.graphs) == 2
        assert sorted(Path(p).name for p in seen) == ["dcterms.ttl", "skos.ttl"]
        assert report.triples_added == store.count() - store.count(iris.audit_graph())
        again = RdfSource(RdfLoaderConfig(path=folder)).load(writer)
        assert (again.triples_added, again.triples_removed) == (0, 0)


def test_owl_imports_are_reported_not_fetched(tmp_path: Path):
    owl = tmp_path / "onto.ttl"
    owl.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://ex/o> a owl:Ontology ; owl:imports <http://www.w3.org/ns/prov-o> .\n"
    )
    with OxigraphStore(tmp_path / "s") as store:
        report = RdfSource(RdfLoaderConfig(path=owl)).load(GraphWriter(store, IriMinter()))
    assert report.ok
    assert report.warnings == [
        f"{owl}: owl:imports http://www.w3.org/ns/prov-o not fetched (load it as a file if needed)"
    ]


def test_a_bad_file_fails_alone_and_the_run_goes_on(tmp_path: Path):
    (tmp_path / "good.nt").write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n")
    (tmp_path / "bad.ttl").write_text("<http://ex/a> <http://ex/p> .\n")
    with OxigraphStore(tmp_path / "s") as store:
        report = RdfSource(RdfLoaderConfig(path=tmp_path)).load(GraphWriter(store, IriMinter()))
        assert report.read == 1 and store.count() > 0
    assert len(report.failures) == 1 and "bad.ttl: line 1" in report.failures[0]
    assert not report.ok


def test_files_with_the_same_name_in_two_folders_get_two_graphs(tmp_path: Path):
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "schema.ttl").write_text(f"<http://ex/{sub}> <http://ex/p> 1 .\n")
    with OxigraphStore(tmp_path / "s") as store:
        report = RdfSource(RdfLoaderConfig(path=tmp_path / "in")).load(GraphWriter(store, IriMinter()))
    assert report.ok and len(report.graphs) == 2
    assert sorted(g.rsplit("/", 1)[1] for g in report.graphs) == [
        "file%3Aa%2Fschema.ttl",
        "file%3Ab%2Fschema.ttl",
    ]
