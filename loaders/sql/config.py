"""What the SQL loader is told to load."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr
from sqlalchemy.engine import URL, make_url


class SqlLoaderConfig(BaseModel):
    url: SecretStr = Field(
        description="A SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db; kept secret in reprs."
    )
    schemas: list[str] | None = Field(
        default=None,
        description="Load only these schemas. By default: every non-system schema on PostgreSQL, "
        "the URL's database on MySQL/MariaDB, 'main' on SQLite and DuckDB.",
    )
    profile: bool = Field(
        default=False,
        description="Count rows, the null fraction and distinct values of each column; "
        "min and max of numeric and temporal columns.",
    )
    sample_values: bool = Field(
        default=False,
        description="With profile, also store up to 5 sample values per column. "
        "Samples can be personal data: off by default.",
    )
    platform: str | None = Field(
        default=None,
        description="The platform name in dataset IRIs; by default from the dialect "
        "(postgres, mysql, sqlite, duckdb).",
    )

    def sqlalchemy_url(self) -> URL:
        return make_url(self.url.get_secret_value())

    def display_url(self) -> str:
        """The URL with its password masked: safe in reports and logs."""
        return self.sqlalchemy_url().render_as_string(hide_password=True)
