"""Parse dbt's JSON artifacts into plain dataclasses; nothing here knows about RDF."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED_MANIFEST_VERSIONS = range(1, 13)  # v1 ... v12
DATASET_RESOURCES = ("model", "seed", "snapshot", "source")
_VERSION = re.compile(r"/manifest/v(\d+)\.json$")


class ArtifactError(ValueError):
    """A dbt artifact that cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class DbtColumn:
    name: str
    description: str | None = None
    data_type: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DbtNode:
    """A model, seed, snapshot or source: something that is a table or view."""

    unique_id: str
    resource_type: str
    name: str
    database: str | None
    schema: str | None
    alias: str
    description: str | None = None
    columns: tuple[DbtColumn, ...] = ()
    tags: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    depends_on: tuple[str, ...] = ()
    compiled_sql: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(p for p in (self.database, self.schema, self.alias) if p)


@dataclass(frozen=True)
class DbtTest:
    unique_id: str
    name: str
    test_type: str  # test_metadata.name ("not_null", "unique", ...), or "singular"
    targets: tuple[str, ...]  # unique_ids of the tested nodes
    column: str | None = None


@dataclass
class DbtManifest:
    project: str
    adapter_type: str | None
    schema_version: int
    nodes: dict[str, DbtNode] = field(default_factory=dict)
    tests: list[DbtTest] = field(default_factory=list)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ArtifactError(f"{path}: no such file") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ArtifactError(f"{path}: not valid JSON ({e}); regenerate it with dbt (is it truncated?)") from e
    if not isinstance(data, dict):
        raise ArtifactError(f"{path}: expected a JSON object at the top level")
    return data


def manifest_version(data: dict, path: Path) -> int:
    """The manifest schema version from metadata.dbt_schema_version, if it is one this loader reads.

    >>> manifest_version({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}}, Path("m.json"))
    12
    """
    url = str(data.get("metadata", {}).get("dbt_schema_version", ""))
    match = _VERSION.search(url)
    if match is None or int(match.group(1)) not in SUPPORTED_MANIFEST_VERSIONS:
        raise ArtifactError(
            f"{path}: unsupported manifest schema {url or '(no metadata.dbt_schema_version)'}; "
            f"this loader reads manifest v{SUPPORTED_MANIFEST_VERSIONS[0]} to v{SUPPORTED_MANIFEST_VERSIONS[-1]}"
        )
    return int(match.group(1))


def _owner(raw: dict) -> str | None:
    for meta in (raw.get("meta") or {}, (raw.get("config") or {}).get("meta") or {}):
        if isinstance(meta.get("owner"), str) and meta["owner"].strip():
            return meta["owner"].strip()
    return None


def _node(raw: dict) -> DbtNode:
    columns = tuple(
        DbtColumn(
            name=c.get("name") or key,
            description=c.get("description") or None,
            data_type=c.get("data_type") or None,
            tags=tuple(c.get("tags") or ()),
        )
        for key, c in (raw.get("columns") or {}).items()
    )
    meta = {**((raw.get("config") or {}).get("meta") or {}), **(raw.get("meta") or {})}
    alias = raw.get("identifier") if raw["resource_type"] == "source" else raw.get("alias")
    return DbtNode(
        unique_id=raw["unique_id"],
        resource_type=raw["resource_type"],
        name=raw["name"],
        database=raw.get("database") or None,
        schema=raw.get("schema") or None,
        alias=alias or raw["name"],
        description=raw.get("description") or None,
        columns=columns,
        tags=tuple(raw.get("tags") or ()),
        meta=meta,
        owner=_owner(raw),
        depends_on=tuple((raw.get("depends_on") or {}).get("nodes") or ()),
        compiled_sql=raw.get("compiled_code") or raw.get("compiled_sql") or None,
    )


def _test(raw: dict) -> DbtTest:
    metadata = raw.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    attached = raw.get("attached_node")
    targets = (attached,) if attached else tuple((raw.get("depends_on") or {}).get("nodes") or ())
    return DbtTest(
        unique_id=raw["unique_id"],
        name=raw["name"],
        test_type=metadata.get("name") or "singular",
        targets=targets,
        column=raw.get("column_name") or kwargs.get("column_name") or None,
    )


def parse_manifest(path: Path) -> DbtManifest:
    """The datasets and tests of a manifest.json; raises ArtifactError naming the file when it cannot."""
    data = _read_json(path)
    version = manifest_version(data, path)
    metadata = data.get("metadata") or {}
    raw_nodes = [*(data.get("nodes") or {}).values(), *(data.get("sources") or {}).values()]
    try:
        nodes = {n["unique_id"]: _node(n) for n in raw_nodes if n.get("resource_type") in DATASET_RESOURCES}
        tests = [_test(n) for n in raw_nodes if n.get("resource_type") == "test"]
    except (KeyError, TypeError, AttributeError) as e:
        raise ArtifactError(f"{path}: a node lacks {e} or is not shaped as manifest v{version} says") from e
    packages = sorted({uid.split(".")[1] for uid in nodes if uid.startswith("model.")})
    project = metadata.get("project_name") or (packages[0] if len(packages) == 1 else path.parent.name)
    return DbtManifest(
        project=project,
        adapter_type=metadata.get("adapter_type"),
        schema_version=version,
        nodes=nodes,
        tests=tests,
    )


def parse_catalog(path: Path) -> dict[str, dict[str, str]]:
    """unique_id -> {column name: type}, in the catalog's column order."""
    data = _read_json(path)
    catalog: dict[str, dict[str, str]] = {}
    for section in ("nodes", "sources"):
        for unique_id, entry in (data.get(section) or {}).items():
            columns = sorted((entry.get("columns") or {}).values(), key=lambda c: c.get("index") or 0)
            catalog[unique_id] = {c["name"]: c.get("type") or "" for c in columns}
    return catalog


def manifest_from_catalog(path: Path) -> DbtManifest:
    """The datasets a catalog.json alone describes: names, kinds and typed columns, no lineage or tests."""
    data = _read_json(path)
    nodes: dict[str, DbtNode] = {}
    try:
        for section in ("nodes", "sources"):
            for unique_id, entry in (data.get(section) or {}).items():
                meta = entry.get("metadata") or {}
                resource_type = unique_id.split(".", 1)[0]
                if resource_type not in DATASET_RESOURCES:
                    continue
                columns = sorted((entry.get("columns") or {}).values(), key=lambda c: c.get("index") or 0)
                nodes[unique_id] = DbtNode(
                    unique_id=unique_id,
                    resource_type=resource_type,
                    name=meta["name"],
                    database=meta.get("database") or None,
                    schema=meta.get("schema") or None,
                    alias=meta["name"],
                    description=meta.get("comment") or None,
                    columns=tuple(
                        DbtColumn(c["name"], c.get("comment") or None, c.get("type") or None) for c in columns
                    ),
                )
    except (KeyError, TypeError, AttributeError) as e:
        raise ArtifactError(f"{path}: a catalog entry lacks {e}; is this a dbt catalog.json?") from e
    packages = sorted({uid.split(".")[1] for uid in nodes if uid.startswith("model.")})
    project = packages[0] if len(packages) == 1 else path.parent.name
    return DbtManifest(project=project, adapter_type=None, schema_version=0, nodes=nodes)


def parse_run_results(path: Path) -> dict[str, str]:
    """unique_id -> the status of its last run ("pass", "fail", "error", ...)."""
    data = _read_json(path)
    return {r["unique_id"]: str(r.get("status")) for r in data.get("results") or () if r.get("unique_id")}
