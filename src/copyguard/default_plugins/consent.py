"""Built-in plugin: consent (filled in by its issue)."""
