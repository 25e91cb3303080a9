"""What the SQL loader is told to load."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# URL query parameters that hold secrets (libpq's password and sslpassword, tokens, keys): masked when shown.
_SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|key|credential", re.IGNORECASE)


class SqlLoaderConfig(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)  # the input is a URL with a password in it

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

    @field_validator("url")
    @classmethod
    def _a_url_with_one_password(cls, url: SecretStr) -> SecretStr:
        # Never echo the URL here: it holds the password.
        try:
            parsed = make_url(url.get_secret_value())
        except ArgumentError:
            raise ValueError(
                "the URL is not a SQLAlchemy URL (dialect+driver://user:password@host/database)"
            ) from None
        if parsed.host and "@" in parsed.host:
            raise ValueError(
                "the URL holds more than one '@': a password with '@' in it must have it percent-encoded "
                "as %40 (user:p%40ss@host)"
            )
        return url

    def sqlalchemy_url(self) -> URL:
        return make_url(self.url.get_secret_value())

    def display_url(self) -> str:
        """The URL with its password, and query parameters that hold secrets, masked: safe to show."""
        url = self.sqlalchemy_url()
        query = {k: "***" if _SECRET_PARAMETER.search(k) else v for k, v in url.query.items()}
        return url.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
