"""The natural-language agent over the graph, and its memory kept in the graph."""
