"""Built-in plugin: sensitive (filled in by its issue)."""
