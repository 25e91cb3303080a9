"""The knowledge graph: IRIs, records, ChangeSets, the write path, stores and lineage."""
