"""The review store's tables (SQLAlchemy 2 declarative models).

The schema itself is created and evolved by the Alembic migrations in ``migrations/``; these
models describe it for queries and must match the latest migration (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid
OPEN_ONLY: dict[str, Any] = {"sqlite_where": text("decided_at IS NULL"),
                             "postgresql_where": text("decided_at IS NULL")}
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out (SQLite stores them naive, PostgreSQL as timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the review store needs aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ItemRow(Base):
    """One queued draft. ``available_at`` is when it can next be claimed (its creation time
    while unclaimed, the claim's expiry while claimed, NULL once decided), so "claim the next
    item" is one ordered range scan of one index."""

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("draft_key", "content_hash", name="uq_review_items_draft"),
        # claiming: the next claimable items, oldest availability first
        Index("ix_review_items_available", "available_at", "id"),
        Index("ix_review_items_brand", "brand", "available_at", "id"),
        Index("ix_review_items_route", "route", "available_at", "id"),
        # listing: open items oldest first (partial: decided items are not in them)
        Index("ix_review_items_open", "created_at", "id", **OPEN_ONLY),
        Index("ix_review_items_open_brand", "brand", "created_at", "id", **OPEN_ONLY),
        Index("ix_review_items_open_route", "route", "created_at", "id", **OPEN_ONLY),
        Index("ix_review_items_status", "status", "created_at", "id"),
        Index("ix_review_items_draft_id", "draft_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    draft_key: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    draft_id: Mapped[str | None] = mapped_column(String(200))
    brand: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(35))
    channel: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(String(20))
    max_severity: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    edited_text: Mapped[str | None] = mapped_column(Text)
    draft: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    verdict: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    recheck: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    available_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    # optimistic concurrency: raised by every edit and decision (migration 0002)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CategoryRow(Base):
    """The finding categories of an item, for the category filter."""

    __tablename__ = "review_item_categories"
    __table_args__ = (Index("ix_review_item_categories_category", "category", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ID, ForeignKey("review_items.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)


class EventRow(Base):
    """The audit trail: one row per action, never updated or deleted (triggers enforce it)."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_item", "item_id", "id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ID, ForeignKey("review_items.id"))
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDoc)


class ReviewerRow(Base):
    __tablename__ = "reviewers"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionRow(Base):
    """A web-console login. Only the SHA-256 of the session token is stored."""

    __tablename__ = "review_sessions"
    __table_args__ = (Index("ix_review_sessions_expires", "expires_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(100), ForeignKey("reviewers.name"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


items = cast(Table, ItemRow.__table__)
categories = cast(Table, CategoryRow.__table__)
events = cast(Table, EventRow.__table__)
reviewers = cast(Table, ReviewerRow.__table__)
sessions = cast(Table, SessionRow.__table__)
