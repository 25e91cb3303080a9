"""FilesSource: every CSV or Parquet file becomes a dg:File dataset with its columns and profile."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from pyoxigraph import Literal

from graph import vocab as v
from graph.changeset import ChangeSet
from graph.records import Column, Dataset, Triple
from graph.write import ChangeRejected, GraphWriter
from loaders.files.config import FilesLoaderConfig
from loaders.files.profile import ColumnProfile, profile_columns
from loaders.report import LoadReport

READERS: dict[str, Callable[[Path], pa.Table]] = {
    ".csv": lambda p: pcsv.read_csv(p, parse_options=pcsv.ParseOptions(newlines_in_values=True)),
    ".parquet": lambda p: pq.read_table(p),
    ".pq": lambda p: pq.read_table(p),
}


class FilesSource:
    def __init__(self, config: FilesLoaderConfig) -> None:
        self.config = config

    def files(self) -> list[Path]:
        path = self.config.path
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
        return [path]

    def load(self, writer: GraphWriter, progress: Callable[[str], None] | None = None) -> LoadReport:
        """One ChangeSet replacing the folder's graph; an unreadable file is a failure and the run goes on.

        Re-running on unchanged files changes nothing (the audit graph records when each load ran).
        """
        root = self.config.path.resolve()
        report = LoadReport(source=str(self.config.path))
        if not root.exists():
            report.fail(f"{self.config.path}: no such file or folder")
            return report
        triples: list[Triple] = []
        if root.is_dir():
            for other in sorted(
                p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in READERS
            ):
                report.warn(f"{other}: skipped, not a CSV or Parquet file")
        for path in self.files():
            if progress is not None:
                progress(str(path))
            if path.suffix.lower() not in READERS:
                report.fail(f"{path}: not a CSV or Parquet file")
                continue
            try:
                table = READERS[path.suffix.lower()](path)
            except (pa.ArrowInvalid, OSError) as e:
                report.fail(f"{path}: {e}")
                continue
            profiles = profile_columns(table, figures=self.config.profile, samples=self.config.sample_values)
            triples += self._triples(path.resolve(), table.num_rows, profiles, writer)
            report.read += 1
        graph = writer.iris.source_graph(f"files:{root}")
        if report.read == 0 and report.failures:
            return report  # nothing readable: leave what an earlier run loaded
        try:
            result = writer.commit(ChangeSet("loader files", f"load {root}").replace_graph(graph, triples))
        except ChangeRejected as e:
            report.fail(str(e))
            return report
        report.triples_added, report.triples_removed = result.added, result.removed
        report.graphs.append(graph.value)
        return report

    def _triples(
        self, path: Path, rows: int, profiles: list[ColumnProfile], writer: GraphWriter
    ) -> Iterator[Triple]:
        dataset = Dataset(
            platform="file",
            path=(str(path),),
            kind="file",
            columns=tuple(
                Column(p.name, p.datatype, p.native_type, nullable=p.nullable, ordinal=p.ordinal)
                for p in profiles
            ),
        )
        yield from dataset.to_triples(writer.iris)
        if not self.config.profile:
            return
        ds = dataset.iri(writer.iris)
        yield (ds, v.ROW_COUNT, Literal(rows))
        for p in profiles:
            col = writer.iris.column(ds, p.name)
            if p.null_fraction is not None:
                yield (col, v.NULL_FRACTION, Literal(str(round(p.null_fraction, 6)), datatype=v.XSD.decimal))
            if p.distinct_count is not None:
                yield (col, v.DISTINCT_COUNT, Literal(p.distinct_count))
            if p.min_value is not None:
                yield (col, v.MIN_VALUE, Literal(p.min_value))
                yield (col, v.MAX_VALUE, Literal(p.max_value))
            for sample in p.samples:
                yield (col, v.SAMPLE_VALUE, Literal(sample))
