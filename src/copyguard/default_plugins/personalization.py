"""Built-in plugin: personalization (filled in by its issue)."""
