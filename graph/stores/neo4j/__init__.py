"""The scale-out store: the knowledge graph in Neo4j, projected the way neosemantics (n10s) does it."""
