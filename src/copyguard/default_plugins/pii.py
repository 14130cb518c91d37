"""Built-in plugin: pii (filled in by its issue)."""
