"""Typed settings, read from DATAGRAPH_* environment variables and a .env file (only here)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.auth import Role
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
    anonymous_role: Role | None = Field(
        default=None,
        description=(
            "The role of callers that send no credentials (viewer, steward or admin). "
            "Unset (the default): anonymous access is off and every request needs an API key "
            "or bearer token; set it (e.g. DATAGRAPH_ANONYMOUS_ROLE=viewer) to allow anonymous access."
        ),
    )
    introspection: bool = Field(
        default=True, description="Whether the GraphQL API answers introspection queries (__schema, __type)."
    )
    jwt_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The shared secret that signs bearer tokens (JWT, HS256 only). Unset: only API keys are accepted."
        ),
    )
    api_keys_file: Path | None = Field(
        default=None,
        description=(
            "The JSON file that holds API keys (hashed). Default: apikeys.json in the store directory, "
            "or ./.datagraph-apikeys.json when the store is a Neo4j URI."
        ),
    )
    max_query_depth: int = Field(
        default=12, ge=1, description="The deepest nesting of fields a GraphQL query may have."
    )
    max_query_complexity: int = Field(
        default=20_000,
        ge=1,
        description="The most a GraphQL query may cost (its estimated number of fields resolved); costlier queries are refused.",
    )
    max_request_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description="The largest request body any route accepts, in bytes; larger ones get 413.",
    )
    max_json_depth: int = Field(
        default=64, ge=4, description="How deeply a JSON request body may nest; deeper ones get 400."
    )
    sparql_timeout_s: float = Field(
        default=10.0, gt=0, description="How long a SPARQL query may run before it is stopped, in seconds."
    )
    max_lineage_depth: int = Field(
        default=10,
        ge=1,
        description="The most hops a lineage or impact query traces; deeper asks are cut (truncated).",
    )
    max_lineage_edges: int = Field(
        default=50_000, ge=1, description="The most lineage edges one query reads; more is cut (truncated)."
    )
    read_cache_entries: int = Field(
        default=200_000,
        ge=0,
        description="How many node descriptions and column lists the API keeps in memory between requests "
        "(about 1 KB each; a lineage traversal counts as one per ~1 KB it takes; each forgotten as soon as "
        "a write changes it; 0 turns the cache off, and the "
        "in-memory search index with it). Used with the embedded store only: other processes write a "
        "shared Neo4j.",
    )

    @property
    def is_neo4j(self) -> bool:
        return self.store.startswith(
            ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
        )

    def api_keys_path(self) -> Path:
        """Where API keys are kept: `api_keys_file` if set; else apikeys.json in the store directory;
        else (a Neo4j store) ./.datagraph-apikeys.json."""
        if self.api_keys_file is not None:
            return self.api_keys_file
        if not self.is_neo4j and "://" not in self.store:
            store = Path(self.store)
            if store.is_dir() or not store.exists():
                return store / "apikeys.json"
        return Path(".datagraph-apikeys.json")
