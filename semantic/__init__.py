"""Embeddings, the vector index, column-to-concept mapping (SSSOM), schema matching and search."""
