"""The files loader on real CSVs and on Parquet it writes: schema, profile, samples only when asked."""

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyoxigraph import Literal

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.files.config import FilesLoaderConfig
from loaders.files.source import FilesSource
from tests.conftest import shared_data


def _load(store, path: Path, **options):
    return FilesSource(FilesLoaderConfig(path=path, **options)).load(GraphWriter(store, IriMinter()))


def test_a_folder_of_real_csv_files(tmp_path: Path):
    folder = shared_data("semantic_types/datahub_classify/datasets")
    iris = IriMinter()
    with OxigraphStore(tmp_path / "s") as store:
        report = _load(store, folder)
        csvs = sorted(folder.glob("*.csv"))
        assert report.ok and report.read == len(csvs)
        assert any("xlsx: skipped, not a CSV or Parquet file" in w for w in report.warnings)
        emails = folder / "Emails.csv"  # has values that span lines
        with emails.open(newline="", encoding="utf-8") as f:
            header, *rows = list(csv.reader(f))
        ds = iris.dataset("file", str(emails.resolve()))
        assert store.has(ds, v.ROW_COUNT, Literal(len(rows)))
        columns = [q.object for q in store.quads(ds, v.HAS_COLUMN, None)]
        assert {next(store.quads(c, v.RDFS.label, None)).object.value for c in columns} == set(header)
        assert not store.has(None, v.SAMPLE_VALUE, None)
        again = _load(store, folder)
        assert (again.triples_added, again.triples_removed) == (0, 0)


def test_parquet_profile_and_samples_only_when_enabled(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    table = pa.table({"id": [1, 2, 3, 4], "email": ["a@x.io", None, "b@x.io", "a@x.io"]})
    pq.write_table(table, data / "users.parquet")
    iris = IriMinter()
    ds = iris.dataset("file", str((data / "users.parquet").resolve()))
    email = iris.column(ds, "email")
    with OxigraphStore(tmp_path / "s") as store:
        assert _load(store, data).ok
        assert store.has(ds, v.ROW_COUNT, Literal(4))
        assert store.has(email, v.NULL_FRACTION, Literal("0.25", datatype=v.XSD.decimal))
        assert store.has(email, v.DISTINCT_COUNT, Literal(2))
        assert store.has(email, v.MIN_VALUE, Literal("a@x.io"))
        assert store.has(iris.column(ds, "id"), v.CSVW.datatype, v.XSD.integer)
        assert not store.has(email, v.SAMPLE_VALUE, None)
        _load(store, data, sample_values=True)
        assert {q.object.value for q in store.quads(email, v.SAMPLE_VALUE, None)} == {"a@x.io", "b@x.io"}


def test_a_removed_file_leaves_the_graph_and_a_broken_one_fails_alone(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x,y\n1,2\n")
    (data / "b.csv").write_text("x,y\n3,4\n")
    with OxigraphStore(tmp_path / "s") as store:
        assert _load(store, data).read == 2
        (data / "b.csv").unlink()
        (data / "c.parquet").write_bytes(b"not parquet at all")
        report = _load(store, data)
        assert report.read == 1 and len(report.failures) == 1 and "c.parquet" in report.failures[0]
        names = {q.object.value for q in store.quads(None, v.DCTERMS.identifier, None)}
        assert str((data / "a.csv").resolve()) in names
        assert str((data / "b.csv").resolve()) not in names
