"""Turn parsed dbt nodes and tests into datagraph records and triples (no SQL, no JSON here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from graph import vocab as v
from graph.iris import IriMinter
from graph.records import Column, Dataset, DatasetLineage, Job, Owner, Ownership, Triple
from loaders.dbt.artifacts import DbtManifest, DbtNode, DbtTest

DATASET_KIND = {"model": "dbt_model", "seed": "dbt_seed", "snapshot": "dbt_snapshot", "source": "table"}
CHECK_STATUSES = {"pass", "fail", "warn", "error", "skipped"}


def job_name(node: DbtNode) -> str:
    return node.unique_id


def dataset(node: DbtNode, platform: str, catalog_columns: dict[str, str] | None) -> Dataset:
    """The Dataset of a node: manifest columns first, then catalog-only ones; types from the catalog."""
    # Positions count from 1, as information_schema and dbt's catalog `index` do (the other loaders agree).
    typed = {name.lower(): (i, t) for i, (name, t) in enumerate((catalog_columns or {}).items(), start=1)}
    columns: dict[str, Column] = {}
    for c in node.columns:
        ordinal, native = typed.get(c.name.lower(), (None, c.data_type))
        columns.setdefault(
            c.name.lower(),
            Column(
                name=c.name,
                native_type=native or None,
                ordinal=ordinal,
                description=c.description,
                tags=c.tags,
            ),
        )
    for name, (ordinal, native) in typed.items():
        if name not in columns:
            original = next(n for n in catalog_columns or {} if n.lower() == name)
            columns[name] = Column(name=original, native_type=native or None, ordinal=ordinal)
    owners = ()
    if node.owner:
        owners = (Ownership(Owner(key=node.owner, email=node.owner if "@" in node.owner else None)),)
    return Dataset(
        platform=platform,
        path=node.path,
        kind=DATASET_KIND[node.resource_type],
        description=node.description,
        columns=tuple(columns.values()),
        owners=owners,
        tags=node.tags,
    )


@dataclass(frozen=True)
class QualityCheck:
    """A dbt test as a dg:QualityCheck on the dataset or column it tests."""

    test: DbtTest
    targets: tuple[NamedNode, ...]
    status: str | None = None

    def iri(self, iris: IriMinter) -> NamedNode:
        return iris.check("dbt", self.test.unique_id)

    def to_triples(self, iris: IriMinter) -> Iterator[Triple]:
        s = self.iri(iris)
        yield (s, v.RDF.type, v.QUALITY_CHECK)
        yield (s, v.RDFS.label, Literal(self.test.name))
        yield (s, v.DCTERMS.identifier, Literal(self.test.unique_id))
        yield (s, v.CHECK_TYPE, Literal(self.test.test_type))
        for target in self.targets:
            yield (s, v.CHECKS, target)
        if self.status in CHECK_STATUSES:
            yield (s, v.CHECK_STATUS, Literal(self.status))


def project_triples(
    manifest: DbtManifest,
    platform: str,
    catalog: dict[str, dict[str, str]],
    run_results: dict[str, str],
    iris: IriMinter,
) -> Iterator[Triple]:
    """Datasets, their jobs and model lineage, and the tests of a manifest."""
    datasets = {uid: dataset(node, platform, catalog.get(uid)) for uid, node in manifest.nodes.items()}
    for uid, node in manifest.nodes.items():
        ds = datasets[uid]
        yield from ds.to_triples(iris)
        if node.meta:
            yield (ds.iri(iris), v.META, Literal(json.dumps(node.meta, sort_keys=True, default=str)))
        if node.resource_type in ("model", "snapshot"):
            job = Job("dbt", job_name(node), description=node.description, sql=node.compiled_sql)
            yield from job.to_triples(iris)
            for upstream in node.depends_on:
                if upstream in datasets:
                    yield from DatasetLineage(
                        ds.iri(iris), datasets[upstream].iri(iris), job.iri(iris)
                    ).to_triples(iris)
    for test in manifest.tests:
        targets = tuple(datasets[t] for t in test.targets if t in datasets)
        nodes = tuple(
            d.column_iri(iris, test.column) if test.column and len(targets) == 1 else d.iri(iris)
            for d in targets
        )
        yield from QualityCheck(test, nodes, run_results.get(test.unique_id)).to_triples(iris)
