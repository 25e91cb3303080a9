"""Ingest speed: the hubspot dbt project, and a synthetic PostgreSQL database of 100k columns.

Both load through the loaders and GraphWriter.commit into a fresh on-disk OxigraphStore.
Targets: hubspot (manifest + catalog) in under 15 s; PostgreSQL at >= 20,000 columns a minute.

Run: .venv/bin/python -m bench.ingest [--columns 100000] [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]
The PostgreSQL part creates a scratch database, fills it with tables, and drops it at the end.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter
from loaders.dbt.config import DbtLoaderConfig
from loaders.dbt.source import DbtSource
from loaders.sql.config import SqlLoaderConfig
from loaders.sql.source import SqlSource

HUBSPOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "dbt" / "fivetran_dbt_hubspot"
COLUMNS_PER_TABLE = 20
TYPES = ("bigint", "varchar(255)", "numeric(12,2)", "date", "boolean", "timestamp")


def bench_hubspot(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, OxigraphStore(Path(tmp) / "s") as store:
        config = DbtLoaderConfig(manifest=folder / "manifest.json", catalog=folder / "catalog.json")
        started = time.perf_counter()
        report = DbtSource(config).load(GraphWriter(store, IriMinter()))
        seconds = time.perf_counter() - started
    verdict = "PASS" if seconds < 15 and report.ok else "MISS"
    print(f"hubspot dbt (manifest + catalog): {report.read} nodes, +{report.triples_added} triples")
    print(
        f"  {seconds:.1f} s (target < 15 s): {verdict}; {len(report.warnings)} warnings, {len(report.failures)} failures"
    )


def bench_postgres(admin_url: str, columns: int) -> None:
    name = f"dg_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name)
    try:
        tables = max(1, columns // COLUMNS_PER_TABLE)
        started = time.perf_counter()
        engine = sa.create_engine(url)
        cols = ", ".join(
            f"c{j:02d} {TYPES[j % len(TYPES)]}{' NOT NULL' if j == 0 else ''}"
            for j in range(COLUMNS_PER_TABLE)
        )
        for batch in range(0, tables, 500):  # one transaction may not lock thousands of new tables
            with engine.begin() as c:
                for t in range(batch, min(batch + 500, tables)):
                    c.execute(sa.text(f"CREATE TABLE t{t:05d} ({cols}, PRIMARY KEY (c00))"))
        engine.dispose()
        print(
            f"postgres: created {tables} tables, {tables * COLUMNS_PER_TABLE} columns in {time.perf_counter() - started:.0f} s"
        )
        with tempfile.TemporaryDirectory() as tmp, OxigraphStore(Path(tmp) / "s") as store:
            started = time.perf_counter()
            report = SqlSource(SqlLoaderConfig(url=url.render_as_string(hide_password=False))).load(
                GraphWriter(store, IriMinter())
            )
            seconds = time.perf_counter() - started
        per_minute = tables * COLUMNS_PER_TABLE / seconds * 60
        verdict = "PASS" if per_minute >= 20_000 and report.ok else "MISS"
        print(f"  loaded {report.read} tables, +{report.triples_added} triples in {seconds:.1f} s")
        print(
            f"  {per_minute:,.0f} columns a minute (target >= 20,000; gate: the write path's, pass-through today): {verdict}"
        )
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if HUBSPOT.is_dir():
        bench_hubspot(HUBSPOT)
    else:
        print(f"skipped hubspot: {HUBSPOT} not found")
    bench_postgres(args.pg_url, args.columns)


if __name__ == "__main__":
    main()
