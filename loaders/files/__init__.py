"""Loads CSV and Parquet files or folders: schema inference and an optional profile."""
