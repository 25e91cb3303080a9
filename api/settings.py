"""Typed settings, read from DATAGRAPH_* environment variables and a .env file (only here)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.iris import DEFAULT_BASE_IRI


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATAGRAPH_", env_file=".env", extra="ignore")

    store: str = Field(
        default="./.datagraph",
        description="Where the graph lives: a directory (embedded Oxigraph) or a neo4j:// / bolt:// URI.",
    )
    base_iri: str = Field(
        default=DEFAULT_BASE_IRI, description="The base under which entity IRIs are minted."
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user name, when the store is a Neo4j URI.")
    neo4j_password: SecretStr = Field(default=SecretStr("neo4j"), description="Neo4j password.")
    neo4j_database: str = Field(default="neo4j", description="The Neo4j database to use.")
    neo4j_timeout_s: float = Field(default=5.0, description="How long to wait for Neo4j before giving up.")
    host: str = Field(default="127.0.0.1", description="Address `datagraph serve` listens on.")
    port: int = Field(default=8000, description="Port `datagraph serve` listens on.")

    @property
    def is_neo4j(self) -> bool:
        return self.store.startswith(
            ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
        )
