"""Built-in plugin: brand (filled in by its issue)."""
