"""Graph statistics: triples per named graph and entity counts, for the CLI and the HTTP app."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graph import vocab as v
from graph.store import GraphStore


class EntityCounts(BaseModel):
    datasets: int
    columns: int
    dataset_lineage_edges: int
    column_lineage_edges: int
    owners: int = Field(description="People and teams that own datasets.")
    concepts: int = Field(description="Glossary concepts.")
    policies: int = Field(description="ODRL policies.")
    changes: int = Field(description="Committed ChangeSets recorded in the audit graph.")


class GraphStats(BaseModel):
    store: str
    triples: int
    graphs: dict[str, int] = Field(description="Triples per named graph, by graph IRI.")
    entities: EntityCounts


def graph_stats(store: GraphStore) -> GraphStats:
    """Triples per named graph and entity counts, in a few store queries (works on every store)."""
    graphs = {g.value: store.count(g) for g in store.named_graphs()}
    classes = store.class_counts()

    def count(cls) -> int:
        return classes.get(cls.value, 0)

    return GraphStats(
        store=store.capabilities.name,
        triples=sum(graphs.values()),
        graphs=graphs,
        entities=EntityCounts(
            datasets=count(v.DCAT.Dataset),
            columns=count(v.CSVW.Column),
            dataset_lineage_edges=count(v.DATASET_LINEAGE),
            column_lineage_edges=count(v.COLUMN_LINEAGE),
            owners=count(v.PROV.Agent),
            concepts=count(v.SKOS.Concept),
            policies=count(v.ODRL.Policy),
            changes=count(v.CHANGE),
        ),
    )
