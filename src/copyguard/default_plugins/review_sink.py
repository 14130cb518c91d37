"""Built-in plugin: review_sink (filled in by its issue)."""
