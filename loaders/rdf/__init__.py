"""Loads RDF and OWL files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into named graphs."""
