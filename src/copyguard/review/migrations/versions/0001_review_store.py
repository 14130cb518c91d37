"""Review store: queue items, their categories, the append-only audit trail, reviewers and
web sessions.

Revision ID: 0001
Revises:
Create Date: 2025-01-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)
OPEN = sa.text("decided_at IS NULL")

SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER review_events_no_{verb.lower()} BEFORE {verb} ON review_events "
    "BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_APPEND_ONLY = [
    "CREATE FUNCTION review_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'review_events is append-only'; END $$",
    "CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events "
    "FOR EACH ROW EXECUTE FUNCTION review_events_append_only()",
    "CREATE TRIGGER review_events_no_truncate BEFORE TRUNCATE ON review_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION review_events_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("draft_key", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("draft_id", sa.String(200)),
        sa.Column("brand", sa.String(100)),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("max_severity", sa.String(20)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("edited_text", sa.Text()),
        sa.Column("draft", JSON, nullable=False),
        sa.Column("verdict", JSON, nullable=False),
        sa.Column("recheck", JSON),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("available_at", TIME),
        sa.Column("reviewer", sa.String(100)),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("decided_at", TIME),
        sa.UniqueConstraint("draft_key", "content_hash", name="uq_review_items_draft"),
    )
    for name, columns in {
        "ix_review_items_available": ["available_at", "id"],
        "ix_review_items_brand": ["brand", "available_at", "id"],
        "ix_review_items_route": ["route", "available_at", "id"],
        "ix_review_items_status": ["status", "created_at", "id"],
        "ix_review_items_draft_id": ["draft_id"],
    }.items():
        op.create_index(name, "review_items", columns)
    for name, columns in {  # open items only: what the queue lists
        "ix_review_items_open": ["created_at", "id"],
        "ix_review_items_open_brand": ["brand", "created_at", "id"],
        "ix_review_items_open_route": ["route", "created_at", "id"],
    }.items():
        op.create_index(name, "review_items", columns, sqlite_where=OPEN,
                        postgresql_where=OPEN)

    op.create_table(
        "review_item_categories",
        sa.Column("item_id", ID, sa.ForeignKey("review_items.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("category", sa.String(40), primary_key=True),
    )
    op.create_index("ix_review_item_categories_category", "review_item_categories",
                    ["category", "item_id"])

    op.create_table(
        "review_events",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("item_id", ID, sa.ForeignKey("review_items.id"), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("detail", JSON, nullable=False),
    )
    op.create_index("ix_review_events_item", "review_events", ["item_id", "id"])

    op.create_table(
        "reviewers",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "review_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("reviewer", sa.String(100), sa.ForeignKey("reviewers.name"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
    )
    op.create_index("ix_review_sessions_expires", "review_sessions", ["expires_at"])

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_APPEND_ONLY if dialect == "sqlite" else POSTGRES_APPEND_ONLY:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_events_no_truncate ON review_events")
        op.execute("DROP TRIGGER IF EXISTS review_events_append_only ON review_events")
        op.execute("DROP FUNCTION IF EXISTS review_events_append_only()")
    for table in ("review_sessions", "reviewers", "review_events", "review_item_categories",
                  "review_items"):
        op.drop_table(table)
