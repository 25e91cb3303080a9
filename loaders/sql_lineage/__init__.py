"""Column-level lineage of one SQL statement (SELECT, CTAS, INSERT ... SELECT), computed with sqlglot."""

from loaders.sql_lineage.lineage import ColumnSource, StatementLineage, column_lineage
from loaders.sql_lineage.statement import SqlLineageError

__all__ = ["ColumnSource", "SqlLineageError", "StatementLineage", "column_lineage"]
