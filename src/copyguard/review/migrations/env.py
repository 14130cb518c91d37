"""Alembic environment for the review store. Migrations run online only, on the connection
:func:`copyguard.review.migrate.upgrade` passes in (``config.attributes["connection"]``)."""

from __future__ import annotations

from alembic import context

from copyguard.review.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("copyguard review migrations run through copyguard.review.migrate, "
                       "on a live connection")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
