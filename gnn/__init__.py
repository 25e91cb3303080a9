"""Graph analytics (networkx) and graph neural networks (torch-geometric) over the knowledge graph."""
