"""Review items get a version number for optimistic concurrency: it goes up with every edit
and decision, and an edit or decision made on an older version is refused.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_items", sa.Column("version", sa.Integer(), nullable=False,
                                            server_default=sa.text("0")))


def downgrade() -> None:
    op.drop_column("review_items", "version")  # SQLite 3.35+ drops columns in place
