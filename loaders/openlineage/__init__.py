"""Loads OpenLineage events (files, folders, or the HTTP transport) as jobs, runs, datasets and lineage."""
