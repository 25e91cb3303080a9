"""Loads the catalog of a SQL database (PostgreSQL, MySQL/MariaDB, SQLite, DuckDB) into one named graph."""
