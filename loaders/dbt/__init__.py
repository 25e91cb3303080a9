"""Loads a dbt project's artifacts (manifest.json, optionally catalog.json and run_results.json)."""
