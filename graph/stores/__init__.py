"""Store backends: each implements graph.store.GraphStore."""
