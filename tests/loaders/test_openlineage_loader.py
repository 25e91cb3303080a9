"""The OpenLineage loader over real event files: OpenLineage's own spec tests, Marquez, fluentd, and the
Hive, Spark and Flink integrations' expected events."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Literal

from graph import vocab as v
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.openlineage.config import OpenLineageLoaderConfig
from loaders.openlineage.events import Transformation, parse_column_lineage
from loaders.openlineage.ingest import ingest_event
from loaders.openlineage.mapping import dataset_identity, transformation_kind
from loaders.openlineage.source import OpenLineageSource
from loaders.openlineage.validation import InvalidEvent, check_core
from tests.conftest import shared_data


@pytest.fixture
def writer(tmp_path: Path):
    store = OxigraphStore(tmp_path / "s")
    yield GraphWriter(store, IriMinter())
    store.close()


def load(writer: GraphWriter, relative: str, *, schema: bool = True, partial: bool = False):
    config = OpenLineageLoaderConfig(
        path=shared_data(f"openlineage/{relative}"),
        schema_dir=shared_data("openlineage/spec_schema") if schema else None,
        partial_events=partial,
    )
    return OpenLineageSource(config).load(writer)


def jobs(writer: GraphWriter) -> set[str]:
    return {q.subject.value for q in writer.store.quads(None, v.RDF.type, v.JOB)}


def kinds(writer: GraphWriter) -> Counter:
    return Counter(
        q.object.value.removeprefix(v.DG.iri) for q in writer.store.quads(None, v.TRANSFORMATION, None)
    )


def test_marquez_template_loads_its_26_events_and_13_jobs(writer):
    path = shared_data("openlineage/marquez/metadata.template.json")
    events = json.loads(path.read_text())
    report = load(writer, "marquez/metadata.template.json")
    assert report.ok, report.summary()
    assert report.read == len(events) == 26
    expected = {writer.iris.job(e["job"]["namespace"], e["job"]["name"]).value for e in events}
    assert len(expected) == 13
    assert jobs(writer) == expected
    # the template's eventTime is "{{RUN_START_TIME}}": a warning, not a failure
    assert any("{{RUN_START_TIME}}" in w for w in report.warnings)
    # each job's events are added to its own graph; none replaces another
    assert len(report.graphs) == 13
    menus = writer.iris.job("food_delivery", "etl_menus")
    assert writer.store.has(menus, v.SQL_TEXT, None)
    assert writer.store.has(
        menus, v.DCTERMS.description, Literal("Loads newly added restaurant menus daily.")
    )


def test_marquez_run_state_follows_its_events(writer):
    load(writer, "marquez/metadata.template.json")
    run = writer.iris.run("4d3b8069-69b6-4708-ade0-3275112c9f04")
    states = [q.object.value for q in writer.store.quads(run, v.RUN_STATE, None)]
    assert states == ["COMPLETE"]  # START was superseded, not kept beside it
    assert writer.store.has(run, v.RUN_OF, writer.iris.job("food_delivery", "etl_menus"))


def test_marquez_folder_loads_events_and_reports_the_rest(writer):
    report = load(writer, "marquez")
    assert report.read >= 26
    assert all("/marquez/" in f and "[" in f for f in report.failures)
    assert any("not an OpenLineage event" in w for w in report.warnings)  # mapper fixtures, facet files


def test_spec_tests_full_event_loads_and_facet_fragments_are_skipped(writer):
    report = load(writer, "spec_tests")
    assert report.ok, report.summary()
    assert report.read == 1
    assert len([w for w in report.warnings if "not an OpenLineage event" in w]) == 46
    assert len(jobs(writer)) == 1


def test_fluentd_invalid_events_are_rejected_naming_the_field(writer):
    report = load(writer, "fluentd_events")
    failures = {Path(f.split("[", 1)[0]).name: f for f in report.failures}
    assert set(failures) >= {
        "event_no_run_id.json",
        "event_invalid_dataset_facet.json",
        "event_invalid_input_dataset_facet.json",
        "event_invalid_job_facet.json",
        "event_invalid_output_dataset_facet.json",
        "event_invalid_run_facet.json",
    }
    assert "run.runId" in failures["event_no_run_id.json"]
    assert (
        "job.facets.ownership.owners[0]: 'name' is a required property"
        in failures["event_invalid_job_facet.json"]
    )
    assert (
        "outputs[0].outputFacets.outputStatistics.rowCount"
        in failures["event_invalid_output_dataset_facet.json"]
    )
    assert "run.facets.parent.run" in failures["event_invalid_run_facet.json"]
    assert "event_simple.json" not in failures
    assert jobs(writer) == {writer.iris.job("my-scheduler-namespace", "myjob").value}


def test_fluentd_no_run_id_is_rejected_without_the_schema_too(writer):
    report = load(writer, "fluentd_events/event_no_run_id.json", schema=False)
    assert report.read == 0
    assert "run.runId: required, a UUID" in report.failures[0]
    assert "event_no_run_id.json[0]" in report.failures[0]


def test_hive_expected_events_show_column_lineage_kinds(writer):
    report = load(writer, "hive_expected_events", partial=True)
    assert report.ok, report.summary()
    assert report.read == 56
    found = kinds(writer)
    for kind in (
        "Copy",
        "Expression",
        "Aggregation",
        "Hash",
        "JoinKey",
        "Filter",
        "GroupBy",
        "Sort",
        "Window",
    ):
        assert found[kind] > 0, kind
    assert any("placeholder" in w for w in report.warnings)


def test_hive_masking_maps_to_hash(writer):
    report = load(writer, "hive_expected_events/cllSimpleQueryMaskingComplete.json", partial=True)
    assert report.ok, report.summary()
    iris = writer.iris
    xxx, t1 = iris.dataset("hive", "test", "xxx"), iris.dataset("hive", "test", "t1")
    mt, ma, a = iris.column(xxx, "mt"), iris.column(xxx, "ma"), iris.column(t1, "a")
    assert writer.store.has(mt, v.KIND_PREDICATES["hash"], a)
    assert writer.store.has(ma, v.KIND_PREDICATES["hash"], iris.column(t1, "b"))
    assert writer.store.has(iris.column(xxx, "i"), v.KIND_PREDICATES["copy"], a)
    assert writer.store.has(iris.column(xxx, "a"), v.KIND_PREDICATES["aggregation"], iris.column(t1, "b"))
    # columnLineage.dataset (GROUP BY a) influences every output column
    assert writer.store.has(iris.column(xxx, "t"), v.KIND_PREDICATES["group_by"], a)
    assert writer.store.has(xxx, v.PROV.wasDerivedFrom, t1)


@pytest.mark.parametrize("folder", ["hive_expected_events", "spark_expected_events", "flink_expected_events"])
def test_integration_expected_events_never_crash(writer, folder):
    strict = load(writer, folder)
    assert strict.read == 0  # they lack producer, schemaURL, eventTime: not loadable as they stand
    assert strict.failures
    partial = load(writer, folder, partial=True)
    assert partial.read > 0
    assert not partial.failures  # what names a job or a dataset loads; the rest is a warning
    assert jobs(writer)


def test_a_partial_event_without_a_job_name_still_writes_its_datasets(writer):
    event = {
        "eventType": "COMPLETE",
        "job": {"namespace": "spark"},
        "inputs": [{"namespace": "s3://b", "name": "raw/orders", "facets": {}}, {"namespace": "s3://b"}],
        "outputs": [{"namespace": "s3://b", "name": "clean/orders"}],
    }
    with pytest.raises(InvalidEvent, match=r"job\.name"):
        ingest_event(event, writer)
    result = ingest_event(event, writer, partial=True)
    assert result.job is None and result.run is None
    assert "job.name: required, a non-empty string: the job and its run are not written" in " ".join(
        result.warnings
    )
    assert "inputs[1].name" in " ".join(result.warnings)
    assert not jobs(writer)
    datasets = {q.subject.value for q in writer.store.quads(None, v.RDF.type, v.DCAT.Dataset)}
    assert any(d.endswith("orders") for d in datasets) and len(datasets) == 2
    assert writer.store.count() > 0


def test_a_dataset_event_describes_its_dataset(writer):
    report = load(writer, "marquez/api_test_resources/open_lineage/event_dataset_event.json")
    assert report.ok and report.read == 1
    (dataset,) = {q.subject.value for q in writer.store.quads(None, v.RDF.type, v.DCAT.Dataset)}
    assert "my-dataset-name" in dataset
    names = {q.object.value for q in writer.store.quads(None, v.RDFS.label, None)}
    assert "col_a" in names
    assert not jobs(writer)


def test_core_validation_lists_every_problem_by_path():
    checked = check_core(
        {"eventType": "DONE", "run": {"runId": "x"}, "job": {"namespace": "n"}, "outputs": [{}]}
    )
    assert checked.problems == [
        "run.runId: 'x' is not a UUID",
        "eventTime: required, an ISO 8601 date-time",
        "producer: required, a URI",
        "schemaURL: required, a URI",
        "job.name: required, a non-empty string",
        "eventType: 'DONE' is not one of START, RUNNING, COMPLETE, FAIL, ABORT, OTHER",
        "outputs[0].namespace: required, a non-empty string",
        "outputs[0].name: required, a non-empty string",
    ]


def test_an_invalid_event_writes_nothing(writer):
    before = writer.store.count()
    with pytest.raises(InvalidEvent, match=r"job\.namespace"):
        ingest_event({"eventTime": "2024-01-01T00:00:00Z", "job": {"name": "j"}}, writer)
    assert writer.store.count() == before


@pytest.mark.parametrize(
    ("subtype", "masking", "kind"),
    [
        ("IDENTITY", False, "copy"),
        ("TRANSFORMATION", False, "expression"),
        ("AGGREGATION", False, "aggregation"),
        ("TRANSFORMATION", True, "hash"),
        ("JOIN", False, "join_key"),
        ("FILTER", False, "filter"),
        ("GROUP_BY", False, "group_by"),
        ("SORT", False, "sort"),
        ("WINDOW", False, "window"),
        ("CONDITIONAL", False, "conditional"),
        ("SOMETHING_NEW", False, None),
    ],
)
def test_transformation_kinds(subtype, masking, kind):
    assert transformation_kind(Transformation(type="DIRECT", subtype=subtype, masking=masking)) == kind


@pytest.mark.parametrize(
    ("namespace", "name", "identity"),
    [
        ("postgres://host:5432", "shop.public.orders", ("postgres", ("shop", "public", "orders"), "table")),
        ("food_delivery", "public.menus", ("food_delivery", ("public", "menus"), "table")),
        ("s3://bucket", "/data/x.parquet", ("s3", ("bucket/data/x.parquet",), "file")),
        ("file", "/opt/warehouse/t1", ("file", ("/opt/warehouse/t1",), "file")),
    ],
)
def test_dataset_identity(namespace, name, identity):
    assert dataset_identity(namespace, name) == identity


def test_legacy_transformation_type_is_read():
    facet = json.loads(shared_data("openlineage/spec_tests/ColumnLineageDatasetFacet/1.json").read_text())
    per_field, _ = parse_column_lineage(facet["columnLineage"])
    assert per_field
    subtypes = {t.subtype for f in per_field for i in f.inputs for t in i.transformations}
    assert "IDENTITY" in subtypes


def test_legacy_field_level_transformation_type_applies_to_its_inputs():
    facet = {
        "fields": {
            "a": {
                "inputFields": [{"namespace": "n", "name": "t", "field": "b"}],
                "transformationType": "IDENTITY",
                "transformationDescription": "identical",
            }
        }
    }
    per_field, _ = parse_column_lineage(facet)
    (source,) = per_field[0].inputs
    assert source.transformations == (Transformation(subtype="IDENTITY", description="identical"),)
    assert transformation_kind(source.transformations[0]) == "copy"


def facet_examples() -> list[Path]:
    root = shared_data("openlineage/spec_tests")
    return sorted(p for p in root.glob("*/*.json"))


def event_with_facet(path: Path) -> dict:
    """The spec's facet example `path` placed where its kind belongs in a minimal valid RunEvent."""
    raw = {
        "eventType": "COMPLETE",
        "eventTime": "2024-05-01T10:00:00Z",
        "run": {"runId": "3f5e83fa-3480-44ff-99c5-ff943904e5e8"},
        "job": {"namespace": "spec-tests", "name": path.parent.name},
        "inputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}],
        "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.daily"}],
        "producer": "https://example.org/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }
    kind = path.parent.name
    facet = json.loads(path.read_text())
    if kind.endswith("JobFacet"):
        raw["job"]["facets"] = facet
    elif kind.endswith("RunFacet"):
        raw["run"]["facets"] = facet
    elif kind.endswith("InputDatasetFacet"):
        raw["inputs"][0]["inputFacets"] = facet
    elif kind.endswith("OutputDatasetFacet"):
        raw["outputs"][0]["outputFacets"] = facet
    else:
        raw["outputs"][0]["facets"] = facet
    return raw


def test_every_spec_facet_example_loads_in_an_event(writer):
    from loaders.openlineage.validation import SchemaValidator

    validator = SchemaValidator(shared_data("openlineage/spec_schema"))
    examples = facet_examples()
    assert len(examples) == 46
    rejected = {}
    for path in examples:
        try:
            ingest_event(event_with_facet(path), writer, validator)
        except InvalidEvent as e:
            rejected[f"{path.parent.name}/{path.name}"] = e.problems
    assert not rejected, rejected
    iris = writer.iris
    job = iris.job("spec-tests", "OwnershipJobFacet")
    assert writer.store.has(job, v.OWNER, iris.person("owner"))
    assert writer.store.has(iris.job("spec-tests", "SQLJobFacet"), v.SQL_TEXT, None)
    daily = iris.dataset("postgres", "shop", "public", "daily")
    assert writer.store.has(daily, v.OWNER, iris.person("owner"))
    assert writer.store.has(daily, v.HAS_COLUMN, iris.column(daily, "user_id"))
    assert writer.store.has(iris.column(daily, "user_id"), v.NATIVE_TYPE, Literal("int64"))


def test_a_late_start_does_not_undo_a_final_state(writer):
    def run_event(event_type: str, time: str) -> dict:
        return {
            "eventType": event_type,
            "eventTime": time,
            "run": {"runId": "0b9c4f9e-6a8e-4c5a-9f5e-0d1c2b3a4f5e"},
            "job": {"namespace": "ns", "name": "late"},
            "producer": "https://example.org/producer",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        }

    ingest_event(run_event("COMPLETE", "2024-05-01T10:05:00Z"), writer)
    ingest_event(run_event("START", "2024-05-01T10:00:00Z"), writer)
    run = writer.iris.run("0b9c4f9e-6a8e-4c5a-9f5e-0d1c2b3a4f5e")
    assert [q.object.value for q in writer.store.quads(run, v.RUN_STATE, None)] == ["COMPLETE"]
    assert writer.store.has(run, v.PROV.startedAtTime, None)
    assert writer.store.has(run, v.PROV.endedAtTime, None)


def test_ndjson_lines_load_and_a_bad_line_is_named(writer, tmp_path):
    events = json.loads(shared_data("openlineage/marquez/metadata.template.json").read_text())[:4]
    lines = (
        [json.dumps(e) for e in events[:2]]
        + ["", json.dumps({"job": {"namespace": "x"}})]
        + [json.dumps(e) for e in events[2:]]
    )
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n")
    report = OpenLineageSource(OpenLineageLoaderConfig(path=path)).load(writer)
    assert report.read == 4
    assert len(report.failures) == 1
    assert f"{path}[3]" in report.failures[0] and "job.name" in report.failures[0]
