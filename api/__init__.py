"""Composition root: settings, wiring, the FastAPI app, GraphQL and the CLI."""
