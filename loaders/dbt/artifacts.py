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
    metadata = data.get("metadata")
    url = str(metadata.get("dbt_schema_version", "")) if isinstance(metadata, dict) else ""
    match = _VERSION.search(url)
    if match is None or int(match.group(1)) not in SUPPORTED_MANIFEST_VERSIONS:
        raise ArtifactError(
            f"{path}: unsupported manifest schema {url or '(no metadata.dbt_schema_version)'}; "
            f"this loader reads manifest v{SUPPORTED_MANIFEST_VERSIONS[0]} to v{SUPPORTED_MANIFEST_VERSIONS[-1]}"
        )
    return int(match.group(1))


# Typed reads of dbt's JSON: a value of another type than dbt writes is a TypeError saying which key,
# which parse_manifest reports against the node (JSON from elsewhere has every shape).


def _object(raw: object, key: str | None = None) -> dict:
    value = raw if key is None else (_object(raw).get(key) or {})
    if not isinstance(value, dict):
        raise TypeError(f"{f'{key!r}' if key else 'it'} is a {type(value).__name__}, not an object")
    return value


def _text(raw: dict, key: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key!r} is a {type(value).__name__}, not text")
    return value


def _required(raw: dict, key: str) -> str:
    value = _text(raw, key)
    if value is None:
        raise KeyError(key)
    return value


def _texts(raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key!r} is not a list of text")
    return tuple(value)


def _owner(meta: dict) -> str | None:
    owner = meta.get("owner")
    return owner.strip() if isinstance(owner, str) and owner.strip() else None


def _node(raw: dict) -> DbtNode:
    columns = tuple(
        DbtColumn(
            name=_text(_object(c), "name") or key,
            description=_text(c, "description"),
            data_type=_text(c, "data_type"),
            tags=_texts(c, "tags"),
        )
        for key, c in _object(raw, "columns").items()
    )
    own_meta, config_meta = _object(raw, "meta"), _object(_object(raw, "config"), "meta")
    name = _required(raw, "name")
    alias = _text(raw, "identifier" if raw["resource_type"] == "source" else "alias")
    return DbtNode(
        unique_id=_required(raw, "unique_id"),
        resource_type=raw["resource_type"],
        name=name,
        database=_text(raw, "database"),
        schema=_text(raw, "schema"),
        alias=alias or name,
        description=_text(raw, "description"),
        columns=columns,
        tags=_texts(raw, "tags"),
        meta={**config_meta, **own_meta},
        owner=_owner(own_meta) or _owner(config_meta),
        depends_on=_texts(_object(raw, "depends_on"), "nodes"),
        compiled_sql=_text(raw, "compiled_code") or _text(raw, "compiled_sql"),
    )


def _test(raw: dict) -> DbtTest:
    metadata = _object(raw, "test_metadata")
    attached = _text(raw, "attached_node")
    return DbtTest(
        unique_id=_required(raw, "unique_id"),
        name=_required(raw, "name"),
        test_type=_text(metadata, "name") or "singular",
        targets=(attached,) if attached else _texts(_object(raw, "depends_on"), "nodes"),
        column=_text(raw, "column_name") or _text(_object(metadata, "kwargs"), "column_name"),
    )


def _sections(data: dict, path: Path, names: tuple[str, ...]) -> list[tuple[str, object]]:
    """(key, entry) of each named section, each an object keyed by unique_id as dbt writes it."""
    entries = []
    for name in names:
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise ArtifactError(
                f"{path}: '{name}' is a {type(section).__name__}, where dbt writes an object keyed by "
                "unique_id; is this a dbt artifact?"
            )
        entries += section.items()
    return entries


def parse_manifest(path: Path) -> DbtManifest:
    """The datasets and tests of a manifest.json; raises ArtifactError naming the file when it cannot.

    A node that cannot be read refuses the whole manifest, naming every such node: loading the rest
    would drop what the source graph held for them.
    """
    data = _read_json(path)
    version = manifest_version(data, path)
    try:
        metadata = _object(data, "metadata")
        adapter_type, project_name = _text(metadata, "adapter_type"), _text(metadata, "project_name")
    except TypeError as e:
        raise ArtifactError(f"{path}: metadata: {e}") from None
    nodes: dict[str, DbtNode] = {}
    tests: list[DbtTest] = []
    problems: list[str] = []
    for key, raw in _sections(data, path, ("nodes", "sources")):
        try:
            if not isinstance(_object(raw).get("resource_type"), str):
                raise KeyError("resource_type")
            if raw["resource_type"] in DATASET_RESOURCES:
                node = _node(raw)
                nodes[node.unique_id] = node
            elif raw["resource_type"] == "test":
                tests.append(_test(raw))
        except (KeyError, TypeError, AttributeError) as e:
            problems.append(f"{key} ({_what_is_wrong(e)})")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise ArtifactError(
            f"{path}: {len(problems)} node(s) are not shaped as manifest v{version} says, so nothing was "
            f"loaded: {shown}"
        )
    packages = sorted({uid.split(".")[1] for uid in nodes if uid.startswith("model.")})
    project = project_name or (packages[0] if len(packages) == 1 else path.parent.name)
    return DbtManifest(
        project=project,
        adapter_type=adapter_type,
        schema_version=version,
        nodes=nodes,
        tests=tests,
    )


def _what_is_wrong(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no {error.args[0]!r}"
    return "not an object" if isinstance(error, AttributeError) else str(error)


def parse_catalog(path: Path) -> dict[str, dict[str, str]]:
    """unique_id -> {column name: type}, in the catalog's column order."""
    data = _read_json(path)
    catalog: dict[str, dict[str, str]] = {}
    try:
        for unique_id, entry in _sections(data, path, ("nodes", "sources")):
            columns = sorted((entry.get("columns") or {}).values(), key=lambda c: c.get("index") or 0)
            catalog[unique_id] = {c["name"]: c.get("type") or "" for c in columns}
    except (KeyError, TypeError, AttributeError) as e:
        raise ArtifactError(
            f"{path}: a catalog entry has {_what_is_wrong(e)}; is this a dbt catalog.json?"
        ) from e
    return catalog


def manifest_from_catalog(path: Path) -> DbtManifest:
    """The datasets a catalog.json alone describes: names, kinds and typed columns, no lineage or tests."""
    data = _read_json(path)
    nodes: dict[str, DbtNode] = {}
    try:
        for unique_id, entry in _sections(data, path, ("nodes", "sources")):
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
    results = data.get("results") or []
    if not isinstance(results, list):
        raise ArtifactError(f"{path}: 'results' is a {type(results).__name__}, not a list")
    return {
        r["unique_id"]: str(r.get("status"))
        for r in results
        if isinstance(r, dict) and isinstance(r.get("unique_id"), str)
    }
