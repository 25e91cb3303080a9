"""Column lineage of dbt models: each model's compiled SQL traced against its upstream datasets' columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from graph.iris import IriMinter
from graph.records import ColumnLineage, Dataset
from loaders.sql_lineage import SqlLineageError, column_lineage

# dbt adapter_type -> sqlglot dialect, where the names differ; others are passed as they are.
DIALECTS = {"sqlserver": "tsql", "synapse": "tsql", "fabric": "tsql", "glue": "spark"}
KNOWN_DIALECTS = {
    "athena", "bigquery", "clickhouse", "databricks", "duckdb", "hive", "mysql", "oracle", "postgres",
    "presto", "redshift", "snowflake", "spark", "sqlite", "teradata", "trino", "tsql",
}  # fmt: skip


def dialect_of(adapter_type: str | None) -> str | None:
    """The sqlglot dialect for a dbt adapter; None (generic SQL) when sqlglot has none of that name."""
    name = DIALECTS.get(adapter_type or "", adapter_type)
    return name if name in KNOWN_DIALECTS else None


@dataclass
class ModelColumnLineage:
    edges: list[ColumnLineage] = field(default_factory=list)
    error: str | None = None  # why the model's SQL could not be traced


class DatasetIndex:
    """Finds the dataset a table name in compiled SQL refers to (case-insensitively, full name first)."""

    def __init__(self, datasets: list[Dataset]) -> None:
        self.by_name: dict[str, Dataset | None] = {}
        for ds in datasets:
            parts = [p.lower() for p in ds.path]
            for start in range(len(parts)):
                key = ".".join(parts[start:])
                if start == 0 or key not in self.by_name:
                    self.by_name[key] = ds
                elif self.by_name[key] is not ds:
                    self.by_name[key] = None  # ambiguous short name

    def find(self, table: str) -> Dataset | None:
        return self.by_name.get(table.lower())


def _column_name(ds: Dataset, name: str) -> str:
    """The dataset's own spelling of a column the SQL names (dialects change identifier case)."""
    return next((c.name for c in ds.columns if c.name.lower() == name.lower()), name)


def trace_model(
    model: Dataset,
    sql: str,
    upstream: list[Dataset],
    index: DatasetIndex,
    dialect: str | None,
    job: NamedNode | None,
    iris: IriMinter,
) -> ModelColumnLineage:
    """The column lineage edges of one model, or the reason its SQL could not be traced."""
    schema = {
        ds.qualified_name: {c.name: c.native_type or "unknown" for c in ds.columns}
        for ds in upstream
        if ds.columns
    }
    try:
        result = column_lineage(sql, dialect, schema or None)
    except SqlLineageError as e:
        return ModelColumnLineage(error=str(e))
    edges: dict[tuple, ColumnLineage] = {}
    model_iri = model.iri(iris)
    for output, sources in result.columns.items():
        down = iris.column(model_iri, _column_name(model, output))
        for s in sources:
            ds = index.find(s.table)
            if ds is None:
                continue
            up = ds.column_iri(iris, _column_name(ds, s.column))
            edges[(down, up)] = ColumnLineage(down, up, s.kind, job=job)
    for output in result.columns:
        down = iris.column(model_iri, _column_name(model, output))
        for s in result.indirect:
            ds = index.find(s.table)
            if ds is None:
                continue
            up = ds.column_iri(iris, _column_name(ds, s.column))
            edges.setdefault((down, up), ColumnLineage(down, up, s.kind, job=job))
    return ModelColumnLineage(edges=list(edges.values()))
