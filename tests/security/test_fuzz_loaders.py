"""Each loader's parser on generated input: a documented refusal or a load, never another exception,
and the store unchanged whenever the input is refused."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.changeset import InvalidChange
from graph.iris import IriMinter
from graph.rdf_io import RdfFileError, import_file
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import ChangeRejected, GraphWriter
from loaders.dbt.config import DbtLoaderConfig
from loaders.dbt.source import DbtSource
from loaders.openlineage.ingest import ingest_event
from loaders.openlineage.validation import InvalidEvent
from tests.conftest import shared_data

# Derandomized: CI runs the same examples each time; a new example that fails is found locally first.
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def mutated(document: dict) -> st.SearchStrategy:
    """`document` with one value somewhere in it replaced by generated JSON (or removed)."""
    paths: list[tuple] = []

    def walk(value, path):
        paths.append(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*path, key))
        elif isinstance(value, list):
            for i, inner in enumerate(value[:5]):
                walk(inner, (*path, i))

    walk(document, ())

    def apply(path: tuple, replacement: object, remove: bool) -> object:
        copy = json.loads(json.dumps(document))
        if not path:
            return replacement
        parent = copy
        for step in path[:-1]:
            parent = parent[step]
        if remove and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = replacement
        return copy

    return st.builds(apply, st.sampled_from(paths), JSON, st.booleans())


@pytest.fixture(scope="module")
def writer(tmp_path_factory) -> GraphWriter:
    return GraphWriter(OxigraphStore(tmp_path_factory.mktemp("fuzz-loaders") / "store"), IriMinter())


EVENT = json.loads(shared_data("openlineage/spec_tests/example_full_event.json").read_text())


@FUZZ
@given(st.one_of(mutated(EVENT), JSON))
def test_openlineage_events(writer, raw):
    before = writer.store.count()
    try:
        ingest_event(raw, writer)
    except (InvalidEvent, InvalidChange, ChangeRejected):
        assert writer.store.count() == before


JAFFLE = next(
    p
    for p in sorted(shared_data("dbt/openlineage_dbt_tests").rglob("manifest.json"))
    if p.stat().st_size < 500_000
)


@FUZZ
@given(mutated(json.loads(JAFFLE.read_text())))
def test_dbt_manifests(writer, tmp_path_factory, manifest):
    path = tmp_path_factory.mktemp("manifest") / "manifest.json"
    path.write_text(json.dumps(manifest))
    before = writer.store.count()
    report = DbtSource(DbtLoaderConfig(manifest=path, platform="postgres")).load(writer)
    if not report.ok:
        assert writer.store.count() == before


RDF = {
    ".ttl": b'@prefix ex: <http://ex/> .\nex:a ex:p "x"@en ; ex:q ( 1 2 ) .\n',
    ".trig": b"<http://ex/g> { <http://ex/a> <http://ex/p> 1 . }\n",
    ".rdf": b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:ex="http://ex/"><rdf:Description rdf:about="http://ex/a"><ex:p>1</ex:p></rdf:Description></rdf:RDF>\n',
    ".jsonld": b'{"@id": "http://ex/a", "http://ex/p": [{"@value": 1}]}\n',
}


@FUZZ
@given(st.sampled_from(sorted(RDF)), st.integers(min_value=0, max_value=200), st.binary(max_size=12))
def test_rdf_files(writer, tmp_path_factory, suffix, at, inserted):
    valid = RDF[suffix]
    content = valid[: at % (len(valid) + 1)] + inserted + valid[at % (len(valid) + 1) :]
    path = tmp_path_factory.mktemp("rdf") / f"fuzzed{suffix}"
    path.write_bytes(content)
    before = writer.store.count()
    try:
        loaded = import_file(path, writer.iris)
        writer.commit(loaded.changeset)
    except (RdfFileError, InvalidChange):
        assert writer.store.count() == before


def test_the_fuzzed_inputs_start_from_files_that_load(writer, tmp_path):
    for suffix, content in RDF.items():
        path = tmp_path / f"valid{suffix}"
        path.write_bytes(content)
        assert import_file(path, writer.iris).triples > 0, suffix
