"""RdfSource: each RDF file becomes one ChangeSet replacing its named graph; nothing remote is fetched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyoxigraph import NamedNode

from graph import vocab as v
from graph.changeset import InvalidChange
from graph.rdf_io import EXTENSIONS, RdfFileError, import_file
from graph.write import ChangeRejected, GraphWriter
from loaders.rdf.config import RdfLoaderConfig
from loaders.report import LoadReport

Progress = Callable[[str], None]


class RdfSource:
    def __init__(self, config: RdfLoaderConfig) -> None:
        self.config = config

    def files(self) -> list[Path]:
        path = self.config.path
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        return [path]

    def load(self, writer: GraphWriter, progress: Progress | None = None) -> LoadReport:
        """Load every file; a file that cannot be read or is rejected is a failure, and the run goes on."""
        report = LoadReport(source=str(self.config.path))
        if not self.config.path.exists():
            report.fail(f"{self.config.path}: no such file or folder")
            return report
        graph = NamedNode(self.config.graph) if self.config.graph else None
        root = self.config.path if self.config.path.is_dir() else self.config.path.parent
        for path in self.files():
            if progress is not None:
                progress(str(path))
            try:
                loaded = import_file(
                    path,
                    writer.iris,
                    graph=graph,
                    default_graph=writer.iris.source_graph(f"file:{path.relative_to(root).as_posix()}"),
                    rdf_format=self.config.format,
                    actor="loader rdf",
                )
                result = writer.commit(loaded.changeset)
            except (RdfFileError, InvalidChange, ChangeRejected) as e:
                report.fail(str(e))
                continue
            report.read += 1
            report.triples_added += result.added
            report.triples_removed += result.removed
            report.graphs += [g.value for g in loaded.graphs if g.value not in report.graphs]
            for q in loaded.changeset.adds:
                if q.predicate == v.OWL.imports:
                    report.warn(
                        f"{path}: owl:imports {q.object.value} not fetched (load it as a file if needed)"
                    )
        return report
