"""The sample retail warehouse as the artifacts real systems leave behind, generated from `retail`'s catalog.

`build_artifacts(folder)` writes:

- `retail.sqlite`: the raw layer as SQLite tables (types, NOT NULL, primary and foreign keys) with a few
  fixed, made-up rows each;
- `dbt/manifest.json`, `dbt/catalog.json`, `dbt/run_results.json`: a dbt project whose sources are those
  SQLite tables and whose staging and mart models carry the sample's descriptions, owners, tags and
  compiled SQL (written from each column's lineage in the sample, so the SQL lineage tracer finds it again);
- `openlineage/events.json`: an Airflow DAG's runs exporting marts.fct_daily_sales to a CSV report.

Dataset names agree across the three systems, so lineage connects: the SQL loader names a SQLite table
("main", table) on platform "sqlite"; the dbt sources are schema "main" with no database, the models
schema "staging" or "marts", loaded with platform "sqlite"; the OpenLineage events use namespace "sqlite".
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from api.sample import retail
from graph import vocab as v
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.records import Triple

PLATFORM = "sqlite"  # the platform every loader names the sample's datasets under
SQLITE_SCHEMA = "main"  # SQLite's own schema: where the raw tables are
DBT_PROJECT = "retail"
DBT_ADAPTER = "postgres"  # the dialect the compiled SQL (the sample's expressions) is written in
OPENLINEAGE_NAMESPACE = PLATFORM  # dataset namespace -> platform "sqlite" (see loaders.openlineage.mapping)
REPORT_FILE = "reports/daily_sales.csv"

_MANIFEST_SCHEMA = "https://schemas.getdbt.com/dbt/manifest/v12.json"
_CATALOG_SCHEMA = "https://schemas.getdbt.com/dbt/catalog/v1.json"
_RUN_RESULTS_SCHEMA = "https://schemas.getdbt.com/dbt/run-results/v6.json"
_GENERATED_AT = "2026-01-05T06:00:00.000000Z"
_INVOCATION = "6f1c2a7e-0d1b-4c55-9a7e-3b0f5d2c9e11"
_AGGREGATE = re.compile(r"\b(sum|count|min|max|avg|bool_or)\s*\(", re.IGNORECASE)
_JOIN = re.compile(r"^(left )?join (\w+) using \((\w+)\)$")


@dataclass(frozen=True)
class SampleArtifacts:
    folder: Path
    sqlite: Path
    manifest: Path
    catalog: Path
    run_results: Path
    events: Path

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.sqlite}"


def build_artifacts(folder: Path) -> SampleArtifacts:
    """Write the sample's artifacts into `folder` (replacing earlier ones); the same bytes every time."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt").mkdir(exist_ok=True)
    (folder / "openlineage").mkdir(exist_ok=True)
    artifacts = SampleArtifacts(
        folder=folder,
        sqlite=folder / "retail.sqlite",
        manifest=folder / "dbt" / "manifest.json",
        catalog=folder / "dbt" / "catalog.json",
        run_results=folder / "dbt" / "run_results.json",
        events=folder / "openlineage" / "events.json",
    )
    _write_sqlite(artifacts.sqlite)
    manifest, catalog, run_results = _dbt_artifacts()
    _write_json(artifacts.manifest, manifest)
    _write_json(artifacts.catalog, catalog)
    _write_json(artifacts.run_results, run_results)
    _write_json(artifacts.events, _openlineage_events())
    return artifacts


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _specs(schema: str) -> list[retail._DatasetSpec]:
    return [d for d in retail._DATASETS if d.schema == schema]


def _spec(key: str) -> retail._DatasetSpec:
    schema, _, name = key.partition(".")
    return next(d for d in retail._DATASETS if d.schema == schema and d.name == name)


# --- SQLite: the raw layer -----------------------------------------------------------------------

_SQLITE_TYPES = {
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "numeric": "NUMERIC",
    "varchar": "VARCHAR",
    "char": "CHAR",
    "text": "TEXT",
    "uuid": "VARCHAR(36)",
    "inet": "VARCHAR(45)",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMP",
}


def sqlite_type(native: str) -> str:
    """The SQLite column type of a sample native type: varchar(100) -> VARCHAR(100), inet -> VARCHAR(45)."""
    base, paren, rest = native.partition("(")
    mapped = _SQLITE_TYPES[base]
    return f"{mapped}({rest}" if paren and "(" not in mapped else mapped


def _primary_key(spec: retail._DatasetSpec) -> str:
    return spec.columns[0].name


def _foreign_keys(spec: retail._DatasetSpec) -> list[tuple[str, str]]:
    """(column, referenced raw table): a column named like another raw table's primary key."""
    keys = {_primary_key(s): s.name for s in _specs("raw") if s is not spec}
    return [(c.name, keys[c.name]) for c in spec.columns if c.name in keys]


def _create_table(spec: retail._DatasetSpec) -> str:
    lines = [
        f"  {c.name} {sqlite_type(c.native_type)}{'' if c.nullable else ' NOT NULL'}" for c in spec.columns
    ]
    lines.append(f"  PRIMARY KEY ({_primary_key(spec)})")
    lines += [f"  FOREIGN KEY ({col}) REFERENCES {table} ({col})" for col, table in _foreign_keys(spec)]
    return f"CREATE TABLE {spec.name} (\n" + ",\n".join(lines) + "\n)"


_PEOPLE = [
    ("Ana", "Ferreira", " Ana.Ferreira@Example.com", "+351 912 345 678", "1986-04-12", "Rua Augusta 21",
     "Lisboa", "1100-048", "pt"),
    ("Jonas", "Becker", "jonas.becker@example.de ", "+49 30 1234567", "1992-11-03", "Kastanienallee 7",
     "Berlin", "10435", "DE"),
    ("Chloé", "Martin", "chloe.martin@example.fr", None, None, "12 rue des Lilas", "Lyon", "69003", "fr"),
    ("Tom", "Hughes", "TOM.HUGHES@EXAMPLE.CO.UK", "+44 20 7946 0958", "1978-06-30", None, None, None, None),
]  # fmt: skip

_ROWS: dict[str, list[tuple]] = {
    "customers": [
        (i, *p, i != 3, f"2025-0{i}-1{i} 09:1{i}:00", f"2025-12-0{i} 18:0{i}:00")
        for i, p in enumerate(_PEOPLE, start=1)
    ],
    "stores": [
        (1, "Lisboa Baixa", "Rua do Ouro 120", "Lisboa", "South", "PT", "2019-03-01", None, 420),
        (2, "Berlin Mitte", "Rosenthaler Str. 40", "Berlin", "Central", "DE", "2020-09-15", None, 380),
        (3, "Lyon Part-Dieu", "17 rue du Docteur Bouchut", "Lyon", "West", "FR", "2018-05-20", "2025-08-31", 510),
    ],
    "products": [
        (1, "TNT-2P-GRN", "Trailhead 2-person tent", "Outdoor > Tents", "Northpeak", 8950, 17900, True, "2023-02-01 08:00:00"),
        (2, "BTL-750-STL", "Steel water bottle 750 ml", "Outdoor > Hydration", "Ridgeway", 520, 1990, True, "2023-02-01 08:00:00"),
        (3, "JKT-RAIN-M", "Packable rain jacket", "Clothing > Jackets", None, 2400, 6990, True, "2024-09-10 08:00:00"),
        (4, "LMP-HEAD-200", "Head torch 200 lm", "Outdoor > Lighting", "Northpeak", 980, 2990, False, "2022-10-03 08:00:00"),
    ],
    "orders": [
        (1001, 1, None, "web", "delivered", "2025-11-02 10:15:00+01:00", "EUR", None, "1100-048", False,
         "2025-11-03 02:00:00"),
        (1002, 2, 2, "store", "delivered", "2025-11-02 16:40:00+01:00", "EUR", "WELCOME10", None, False,
         "2025-11-03 02:00:00"),
        (1003, None, 1, "store", "cancelled", "2025-11-03 11:05:00+00:00", "EUR", None, None, False,
         "2025-11-04 02:00:00"),
        (1004, 4, None, "web", "shipped", "2025-11-04 21:30:00+00:00", "GBP", None, "SW1A 1AA", True,
         "2025-11-05 02:00:00"),
    ],
    "order_items": [
        (1, 1001, 1, 1, 17900, 0, 3347),
        (2, 1001, 2, 2, 1990, 0, 744),
        (3, 1002, 3, 1, 6990, 699, 1004),
        (4, 1003, 4, 1, 2990, 0, 477),
        (5, 1004, 2, 1, 1990, 0, 332),
    ],
    "payments": [
        ("pi_3QaA1001", 1001, "card", 21880, "EUR", "4242", "succeeded", "2025-11-02 10:15:30+01:00"),
        ("pp_9X1002", 1002, "paypal", 6291, "EUR", None, "succeeded", "2025-11-02 16:41:02+01:00"),
        ("pi_3QaA1004a", 1004, "card", 1990, "GBP", "0002", "failed", "2025-11-04 21:30:40+00:00"),
        ("pi_3QaA1004b", 1004, "card", 1990, "GBP", "4444", "succeeded", "2025-11-04 21:31:15+00:00"),
    ],
    "web_events": [
        ("7d1e6a52-2f0c-4a7e-9b1a-0c1d2e3f4a01", "s-81f2", None, "a-5c7d", "page_view",
         "https://shop.example/tents?utm_source=newsletter&email=ana.ferreira%40example.com",
         "https://mail.example/", "203.0.113.24", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
         "2025-11-02 10:02:11+01:00"),
        ("7d1e6a52-2f0c-4a7e-9b1a-0c1d2e3f4a02", "s-81f2", 1, "a-5c7d", "add_to_cart",
         "https://shop.example/tents/trailhead-2p", None, "203.0.113.24",
         "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "2025-11-02 10:09:40+01:00"),
        ("7d1e6a52-2f0c-4a7e-9b1a-0c1d2e3f4a03", "s-81f2", 1, "a-5c7d", "order_completed",
         "https://shop.example/checkout/done", None, "203.0.113.24",
         "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "2025-11-02 10:15:02+01:00"),
        ("7d1e6a52-2f0c-4a7e-9b1a-0c1d2e3f4a04", "s-90ab", None, "a-e31f", "page_view",
         "https://shop.example/", "https://search.example/", "198.51.100.7",
         "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1", "2025-11-04 20:58:00+00:00"),
    ],
}  # fmt: skip


def _write_sqlite(path: Path) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        for spec in _specs("raw"):
            conn.execute(_create_table(spec))
        for spec in _specs("raw"):
            rows = _ROWS[spec.name]
            if any(len(r) != len(spec.columns) for r in rows):
                raise ValueError(f"sample rows of {spec.name} do not match its {len(spec.columns)} columns")
            marks = ", ".join("?" for _ in spec.columns)
            conn.executemany(f"INSERT INTO {spec.name} VALUES ({marks})", rows)
        conn.commit()
    finally:
        conn.close()


# --- dbt: sources, models, tests -----------------------------------------------------------------


def _source_id(spec: retail._DatasetSpec) -> str:
    return f"source.{DBT_PROJECT}.raw.{spec.name}"


def _node_id(spec: retail._DatasetSpec) -> str:
    return _source_id(spec) if spec.schema == "raw" else f"model.{DBT_PROJECT}.{spec.name}"


def _relation(spec: retail._DatasetSpec) -> str:
    """The table as compiled SQL names it."""
    return ".".join(dataset_path(spec.schema, spec.name))


def _owner(spec: retail._DatasetSpec) -> str:
    technical = next((o for o in spec.owners if o.role == "technical"), spec.owners[0])
    return technical.owner.email or technical.owner.key


def _meta(spec: retail._DatasetSpec) -> dict:
    return {
        "owner": _owner(spec),
        "owners": [{"key": o.owner.key, "email": o.owner.email, "role": o.role} for o in spec.owners],
    }


def _column_tags(column: retail._ColumnSpec) -> list[str]:
    return (["pii"] if column.personal_data else []) + list(column.tags)


def _columns(spec: retail._DatasetSpec) -> dict:
    return {
        c.name: {
            "name": c.name,
            "description": c.description,
            "data_type": c.native_type,
            "meta": {"personal_data": list(c.personal_data)} if c.personal_data else {},
            "tags": _column_tags(c),
            "constraints": [],
            "quote": None,
        }
        for c in spec.columns
    }


def _tags(spec: retail._DatasetSpec) -> list[str]:
    return list(spec.tags) + (["pii"] if any(c.personal_data for c in spec.columns) else [])


def _source_node(spec: retail._DatasetSpec) -> dict:
    return {
        "unique_id": _source_id(spec),
        "resource_type": "source",
        "package_name": DBT_PROJECT,
        "path": "models/sources.yml",
        "original_file_path": "models/sources.yml",
        "fqn": [DBT_PROJECT, "raw", spec.name],
        "source_name": "raw",
        "source_description": "Tables replicated from the shop's source systems into retail.sqlite.",
        "name": spec.name,
        "identifier": spec.name,
        "database": None,
        "schema": SQLITE_SCHEMA,
        "loader": "replication",
        "description": spec.description,
        "columns": _columns(spec),
        "meta": _meta(spec),
        "source_meta": {},
        "tags": _tags(spec),
        "config": {"enabled": True},
        "relation_name": _relation(spec),
    }


def _model_node(spec: retail._DatasetSpec) -> dict:
    upstream = _upstream(spec)
    sql = compiled_sql(spec)
    return {
        "unique_id": _node_id(spec),
        "resource_type": "model",
        "package_name": DBT_PROJECT,
        "path": f"{spec.schema}/{spec.name}.sql",
        "original_file_path": f"models/{spec.schema}/{spec.name}.sql",
        "fqn": [DBT_PROJECT, spec.schema, spec.name],
        "name": spec.name,
        "alias": spec.name,
        "database": None,
        "schema": spec.schema,
        "description": spec.description,
        "columns": _columns(spec),
        "meta": _meta(spec),
        "tags": _tags(spec),
        "config": {
            "enabled": True,
            "materialized": "view" if spec.schema == "staging" else "table",
            "meta": _meta(spec),
            "tags": _tags(spec),
        },
        "depends_on": {"macros": [], "nodes": [_node_id(_spec(key)) for key in upstream]},
        "refs": [{"name": _spec(k).name} for k in upstream if not k.startswith("raw.")],
        "sources": [["raw", _spec(k).name] for k in upstream if k.startswith("raw.")],
        "language": "sql",
        "raw_code": f"-- see compiled_code\n{sql}",
        "compiled": True,
        "compiled_code": sql,
        "relation_name": _relation(spec),
    }


# Tests on keys of the staging layer: (model, column, test), and the status of their last run.
_TESTS = (
    ("stg_customers", "customer_id", "unique"),
    ("stg_customers", "customer_id", "not_null"),
    ("stg_customers", "email", "not_null"),
    ("stg_orders", "order_id", "unique"),
    ("stg_orders", "order_id", "not_null"),
)


def _test_node(model: str, column: str, test: str) -> dict:
    name = f"{test}_{model}_{column}"
    model_id = f"model.{DBT_PROJECT}.{model}"
    return {
        "unique_id": f"test.{DBT_PROJECT}.{name}",
        "resource_type": "test",
        "package_name": DBT_PROJECT,
        "name": name,
        "column_name": column,
        "attached_node": model_id,
        "depends_on": {"macros": [f"macro.dbt.test_{test}"], "nodes": [model_id]},
        "test_metadata": {"name": test, "kwargs": {"column_name": column, "model": model}, "namespace": None},
        "config": {"enabled": True, "severity": "ERROR"},
    }


def _dbt_artifacts() -> tuple[dict, dict, dict]:
    nodes: dict[str, dict] = {}
    for spec in retail._DATASETS:
        if spec.schema != "raw":
            nodes[_node_id(spec)] = _model_node(spec)
    tests = [_test_node(*t) for t in _TESTS]
    nodes.update({t["unique_id"]: t for t in tests})
    sources = {_source_id(s): _source_node(s) for s in _specs("raw")}
    manifest = {
        "metadata": {
            "dbt_schema_version": _MANIFEST_SCHEMA,
            "dbt_version": "1.8.7",
            "generated_at": _GENERATED_AT,
            "invocation_id": _INVOCATION,
            "env": {},
            "project_name": DBT_PROJECT,
            "adapter_type": DBT_ADAPTER,
        },
        "nodes": nodes,
        "sources": sources,
        "macros": {},
        "docs": {},
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": {uid: n["depends_on"]["nodes"] for uid, n in nodes.items()},
        "child_map": {},
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
    }
    catalog = {
        "metadata": {
            "dbt_schema_version": _CATALOG_SCHEMA,
            "dbt_version": "1.8.7",
            "generated_at": _GENERATED_AT,
        },
        "nodes": {_node_id(s): _catalog_entry(s) for s in retail._DATASETS if s.schema != "raw"},
        "sources": {_source_id(s): _catalog_entry(s) for s in _specs("raw")},
        "errors": None,
    }
    run_results = {
        "metadata": {
            "dbt_schema_version": _RUN_RESULTS_SCHEMA,
            "dbt_version": "1.8.7",
            "generated_at": _GENERATED_AT,
        },
        "results": [
            {"unique_id": t["unique_id"], "status": "pass", "failures": 0, "execution_time": 0.05}
            for t in tests
        ],
        "elapsed_time": 1.9,
        "args": {"which": "test"},
    }
    return manifest, catalog, run_results


def _catalog_entry(spec: retail._DatasetSpec) -> dict:
    raw = spec.schema == "raw"
    return {
        "metadata": {
            "type": "table" if raw or spec.schema == "marts" else "view",
            "schema": SQLITE_SCHEMA if raw else spec.schema,
            "name": spec.name,
            "database": None,
            "comment": None,
            "owner": None,
        },
        "columns": {
            c.name: {
                "type": sqlite_type(c.native_type) if raw else c.native_type,
                "index": i,
                "name": c.name,
                "comment": None,
            }
            for i, c in enumerate(spec.columns, start=1)
        },
        "stats": {},
        "unique_id": _node_id(spec),
    }


# --- compiled SQL, written from the sample's column lineage ------------------------------------


def _upstream(spec: retail._DatasetSpec) -> list[str]:
    """The datasets ("schema.table") a model reads, in the order its columns first name them."""
    found: dict[str, None] = {}
    for column in spec.columns:
        for source in column.sources:
            found[source.column.rpartition(".")[0]] = None
    return list(found)


def _value_expression(column: retail._ColumnSpec) -> str:
    """The SQL computing a column: its sources' expression, or the column it copies, qualified."""
    values = [s for s in column.sources if s.kind not in ("filter", "join_key")]
    for source in values:
        if source.expression:
            return source.expression
    key, _, name = values[0].column.rpartition(".")
    return f"{_spec(key).name}.{name}"


def compiled_sql(spec: retail._DatasetSpec) -> str:
    """A model's compiled SQL: select each column's expression from its upstream tables, joined as the
    sample's join_key sources say, filtered as its filter sources say, grouped when it aggregates."""
    upstream = [_spec(key) for key in _upstream(spec)]
    main, others = upstream[0], upstream[1:]
    selects, groups = [], []
    for i, column in enumerate(spec.columns, start=1):
        expression = _value_expression(column)
        selects.append(
            expression if expression.endswith(f".{column.name}") else f"{expression} as {column.name}"
        )
        if not _AGGREGATE.search(expression):
            groups.append(str(i))
    joins: dict[str, str] = {}
    where: dict[str, None] = {}
    for column in spec.columns:
        for source in column.sources:
            if source.kind == "join_key" and source.expression:
                match = _JOIN.match(source.expression)
                if match is None:
                    raise ValueError(f"{spec.name}: join {source.expression!r} is not 'join t using (key)'")
                left, table, key = match.groups()
                joins.setdefault(
                    table,
                    f"{(left or '').upper()}JOIN {_relation(_spec(_key_of(table)))} AS {table} "
                    f"ON {table}.{key} = {main.name}.{key}",
                )
            elif source.kind == "filter" and source.expression and source.expression.startswith("where "):
                where[source.expression.removeprefix("where ")] = None
    for other in others:
        joins.setdefault(other.name, f"CROSS JOIN {_relation(other)} AS {other.name}")
    lines = ["SELECT", ",\n".join(f"    {s}" for s in selects), f"FROM {_relation(main)} AS {main.name}"]
    lines += list(joins.values())
    if where:
        lines.append("WHERE " + " AND ".join(where))
    if len(groups) < len(spec.columns):
        lines.append("GROUP BY " + ", ".join(groups))
    return "\n".join(lines)


def _key_of(table: str) -> str:
    return next(f"{d.schema}.{d.name}" for d in retail._DATASETS if d.name == table)


# --- OpenLineage: an Airflow DAG exporting the daily sales report ------------------------------

_DAG = "finance_daily_sales_report"
_PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0"
_RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_RUNS = (
    ("3b4f1e9a-6c2d-4f5e-8a7b-1c2d3e4f5a61", "2026-01-04T06:30:00.000Z", "2026-01-04T06:31:12.000Z"),
    ("3b4f1e9a-6c2d-4f5e-8a7b-1c2d3e4f5a62", "2026-01-05T06:30:00.000Z", "2026-01-05T06:30:58.000Z"),
)


def _openlineage_events() -> list[dict]:
    sales = _spec("marts.fct_daily_sales")
    fields = [{"name": c.name, "type": c.native_type, "description": c.description} for c in sales.columns]
    report_fields = [{"name": c.name, "type": "string"} for c in sales.columns]
    lineage = {
        c.name: {
            "inputFields": [
                {
                    "namespace": OPENLINEAGE_NAMESPACE,
                    "name": f"marts.{sales.name}",
                    "field": c.name,
                    "transformations": [{"type": "DIRECT", "subtype": "IDENTITY", "masking": False}],
                }
            ]
        }
        for c in sales.columns
    }
    job = {
        "namespace": "airflow",
        "name": f"{_DAG}.export_csv",
        "facets": {
            "jobType": {
                "_producer": _PRODUCER,
                "_schemaURL": "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json",
                "processingType": "BATCH",
                "integration": "AIRFLOW",
                "jobType": "TASK",
            },
            "sql": {
                "_producer": _PRODUCER,
                "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json",
                "query": f"SELECT * FROM marts.{sales.name} ORDER BY sales_date, store_id, order_channel",
            },
        },
    }
    inputs = [
        {
            "namespace": OPENLINEAGE_NAMESPACE,
            "name": f"marts.{sales.name}",
            "facets": {
                "schema": {
                    "_producer": _PRODUCER,
                    "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                    "fields": fields,
                }
            },
        }
    ]
    outputs = [
        {
            "namespace": "file",
            "name": REPORT_FILE,
            "facets": {
                "schema": {
                    "_producer": _PRODUCER,
                    "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                    "fields": report_fields,
                },
                "columnLineage": {
                    "_producer": _PRODUCER,
                    "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                    "fields": lineage,
                },
            },
        }
    ]
    events = []
    for run_id, started, completed in _RUNS:
        for event_type, time in (("START", started), ("COMPLETE", completed)):
            events.append(
                {
                    "eventType": event_type,
                    "eventTime": time,
                    "producer": _PRODUCER,
                    "schemaURL": _RUN_EVENT_SCHEMA,
                    "run": {"runId": run_id, "facets": {}},
                    "job": job,
                    "inputs": inputs,
                    "outputs": outputs if event_type == "COMPLETE" else [],
                }
            )
    return events


# --- what no loader knows: the glossary, the policy and the personal-data classification ---------


def dataset_path(schema: str, name: str) -> tuple[str, ...]:
    """The path the loaders give a sample dataset on PLATFORM: raw tables are SQLite's, the rest dbt's."""
    return (SQLITE_SCHEMA, name) if schema == "raw" else (schema, name)


def governance_changeset(iris: IriMinter) -> ChangeSet:
    """The sample's glossary, policy and DPV personal-data categories of the loaded columns, as the content
    of the sample's own named graph (the stewards' annotations; loading it twice changes nothing)."""
    catalog = retail.retail_catalog(iris)
    triples: list[Triple] = []
    for group in (catalog.concepts, catalog.policies):
        for record in group:
            triples += record.to_triples(iris)
    for spec in retail._DATASETS:
        dataset = iris.dataset(PLATFORM, *dataset_path(spec.schema, spec.name))
        for column in spec.columns:
            for category in column.personal_data:
                triples.append((iris.column(dataset, column.name), v.DPV.hasPersonalData, v.PD[category]))
    return ChangeSet(
        retail.ACTOR, "classify the sample's personal data; its glossary and policy"
    ).replace_graph(iris.source_graph(retail.SOURCE), triples)
