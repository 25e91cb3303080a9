"""DbtSource: one dbt project's artifacts become one ChangeSet replacing the project's source graph."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graph.changeset import ChangeSet, InvalidChange
from graph.iris import IriMinter
from graph.records import Triple
from graph.write import ChangeRejected, GraphWriter
from loaders.dbt.artifacts import (
    ArtifactError,
    DbtManifest,
    manifest_from_catalog,
    parse_catalog,
    parse_manifest,
    parse_run_results,
)
from loaders.dbt.column_lineage import DatasetIndex, dialect_of, trace_model
from loaders.dbt.config import DbtLoaderConfig
from loaders.dbt.records import dataset, job_name, project_triples
from loaders.report import LoadReport

Progress = Callable[[str], None]


class DbtSource:
    def __init__(self, config: DbtLoaderConfig) -> None:
        self.config = config

    def load(self, writer: GraphWriter, progress: Progress | None = None) -> LoadReport:
        """Load the project in one commit; an unreadable artifact is a failure and nothing is written."""
        report = LoadReport(source=str(self.config.source))
        try:
            manifest = (
                parse_manifest(self.config.manifest)
                if self.config.manifest is not None
                else manifest_from_catalog(self.config.catalog)  # type: ignore[arg-type]
            )
            catalog = parse_catalog(self.config.catalog) if self.config.catalog else {}
            run_results = parse_run_results(self.config.run_results) if self.config.run_results else {}
        except ArtifactError as e:
            report.fail(str(e))
            return report
        platform = self.config.platform or manifest.adapter_type
        if not platform:
            report.fail(
                f"{self.config.source}: the artifacts do not name the platform (metadata.adapter_type); "
                "set `platform` (--platform postgres, ...)"
            )
            return report
        report.read = len(manifest.nodes) + len(manifest.tests)
        triples = list(project_triples(manifest, platform, catalog, run_results, writer.iris))
        if self.config.manifest is None:
            report.warn(
                f"{self.config.catalog}: a catalog alone has no SQL and no dependencies: no lineage loaded"
            )
        elif self.config.column_lineage:
            triples += self._column_lineage(manifest, platform, catalog, writer.iris, report, progress)
        graph = writer.iris.source_graph(f"dbt:{manifest.project}")
        try:
            changeset = ChangeSet(
                actor="loader dbt", reason=f"dbt project {manifest.project} from {self.config.source}"
            )
            result = writer.commit(changeset.replace_graph(graph, triples))
        except (InvalidChange, ChangeRejected) as e:
            report.fail(f"{self.config.source}: {e}")
            return report
        report.triples_added, report.triples_removed = result.added, result.removed
        report.graphs.append(graph.value)
        return report

    def _column_lineage(
        self,
        manifest: DbtManifest,
        platform: str,
        catalog: dict[str, dict[str, str]],
        iris: IriMinter,
        report: LoadReport,
        progress: Progress | None,
    ) -> Iterator[Triple]:
        """Each model's column lineage; a model whose SQL cannot be traced is a warning."""
        datasets = {uid: dataset(node, platform, catalog.get(uid)) for uid, node in manifest.nodes.items()}
        index = DatasetIndex(list(datasets.values()))
        dialect = dialect_of(manifest.adapter_type)
        for uid, node in manifest.nodes.items():
            if node.resource_type != "model":
                continue
            if progress is not None:
                progress(uid)
            if not node.compiled_sql:
                report.warn(f"{uid}: no compiled SQL in the manifest (run `dbt compile`); no column lineage")
                continue
            upstream = [datasets[d] for d in node.depends_on if d in datasets]
            traced = trace_model(
                datasets[uid],
                node.compiled_sql,
                upstream,
                index,
                dialect,
                iris.job("dbt", job_name(node)),
                iris,
            )
            if traced.error:
                report.warn(f"{uid}: no column lineage: {traced.error}")
            for edge in traced.edges:
                yield from edge.to_triples(iris)
