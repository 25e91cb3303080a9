"""Loaders: each turns one kind of source into ChangeSets."""
