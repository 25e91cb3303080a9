"""A synthetic warehouse catalog: layered datasets whose columns derive from the layer below.

Deterministic for a seed, so every benchmark run (and every tool it is compared
with) sees the same graph.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from graph.iris import IriMinter
from graph.records import Column, ColumnLineage, Dataset, DatasetLineage

KINDS = ("copy", "copy", "expression", "expression", "aggregation", "hash", "filter", "join_key")
TYPES = ("string", "integer", "decimal", "date")


@dataclass(frozen=True)
class SyntheticCatalog:
    datasets: list[Dataset]
    dataset_lineage: list[DatasetLineage]
    column_lineage: list[ColumnLineage]
    layers: list[list[Dataset]]

    @property
    def column_count(self) -> int:
        return sum(len(d.columns) for d in self.datasets)


def generate(
    iris: IriMinter,
    columns: int,
    *,
    layers: int = 8,
    columns_per_dataset: int = 20,
    upstream_datasets: int = 3,
    upstream_columns: tuple[int, int] = (1, 2),
    seed: int = 7,
) -> SyntheticCatalog:
    """About `columns` columns in `layers` layers; each column of layer k > 0 derives from
    1-2 columns of up to `upstream_datasets` datasets of layer k - 1."""
    rng = random.Random(seed)
    per_layer = max(1, columns // (columns_per_dataset * layers))
    all_layers: list[list[Dataset]] = []
    dataset_lineage: list[DatasetLineage] = []
    column_lineage: list[ColumnLineage] = []
    for layer in range(layers):
        current = []
        for i in range(per_layer):
            cols = tuple(
                Column(name=f"c{j:02d}", datatype=TYPES[j % len(TYPES)]) for j in range(columns_per_dataset)
            )
            ds = Dataset("postgres", ("warehouse", f"layer{layer}", f"t{i:05d}"), columns=cols)
            current.append(ds)
            if layer == 0:
                continue
            ds_iri = ds.iri(iris)
            parents = rng.sample(all_layers[-1], k=min(upstream_datasets, len(all_layers[-1])))
            for parent in parents:
                dataset_lineage.append(DatasetLineage(ds_iri, parent.iri(iris)))
            parent_iris = [(p, p.iri(iris)) for p in parents]
            for col in cols:
                down = iris.column(ds_iri, col.name)
                for _ in range(rng.randint(*upstream_columns)):
                    parent, parent_iri = rng.choice(parent_iris)
                    up = iris.column(parent_iri, rng.choice(parent.columns).name)
                    column_lineage.append(ColumnLineage(down, up, kind=rng.choice(KINDS)))
        all_layers.append(current)
    unique = list({(c.downstream.value, c.upstream.value): c for c in column_lineage}.values())
    return SyntheticCatalog(
        datasets=[d for layer in all_layers for d in layer],
        dataset_lineage=dataset_lineage,
        column_lineage=unique,
        layers=all_layers,
    )
