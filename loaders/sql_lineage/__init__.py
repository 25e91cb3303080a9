"""Column-level lineage of SQL statements (queries, CTAS, INSERT, multi-insert, LOAD/IMPORT/EXPORT), with sqlglot."""

from loaders.sql_lineage.lineage import ColumnSource, StatementLineage, column_lineage, statement_lineages
from loaders.sql_lineage.statement import SqlLineageError

__all__ = ["ColumnSource", "SqlLineageError", "StatementLineage", "column_lineage", "statement_lineages"]
