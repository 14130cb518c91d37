"""Built-in plugin: locale (filled in by its issue)."""
