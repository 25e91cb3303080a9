"""The embedded default store: pyoxigraph on a directory, or in memory."""
