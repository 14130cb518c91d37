"""The review queue: submit flagged verdicts, list and claim items, edit, approve and reject.

Every state change happens in one transaction together with its audit-trail entry. Two
reviewers never get the same item: claiming locks candidate rows with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL and runs as a conditional ``UPDATE`` inside a ``BEGIN IMMEDIATE``
transaction on SQLite; single-item actions lock the row first. Claims expire after
``claim_ttl`` and the item becomes claimable again. Edits and decisions can name the item
version they were made on (optimistic concurrency): a stale one is refused, never applied.

``submit`` (the batch path) survives a database restart: it retries a lost or refused
connection with exponential backoff for up to ``retry.budget``, and since an item is unique
by draft key and content hash, a retry after a commit whose answer was lost adds nothing.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    case,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from copyguard.errors import CopyguardError
from copyguard.io import verdict_json
from copyguard.model import Draft, Route, Severity, Verdict
from copyguard.plugins import PluginHost, build_plugin_manager
from copyguard.review.db import WRITE, describe, safe_url
from copyguard.review.errors import (
    AlreadyDecided,
    ClaimConflict,
    ItemChanged,
    ItemNotFound,
    OverrideRequired,
    ReviewError,
    StoreUnavailable,
)
from copyguard.review.minimize import Minimization, content_hash, draft_json, draft_key
from copyguard.review.models import categories, events, items
from copyguard.review.notify import notify_decided
from copyguard.review.records import (
    OPEN_STATUSES,
    Action,
    AuditEntry,
    QueueFilter,
    ReviewDecision,
    ReviewItem,
    Status,
    blocking_findings,
)

DEFAULT_CLAIM_TTL = timedelta(minutes=15)
SYSTEM_ACTOR = "copyguard"

Clock = Callable[[], datetime]
Recheck = Callable[[Draft], Verdict]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Retry:
    """How ``submit`` rides out a database that drops or refuses connections (a restart, a
    failover): it tries again after ``first_delay`` seconds, doubling up to ``max_delay``,
    until ``budget`` has passed; then :class:`StoreUnavailable` stops the batch."""

    budget: timedelta = timedelta(seconds=30)
    first_delay: float = 0.2
    max_delay: float = 4.0

    def __post_init__(self) -> None:
        if self.budget < timedelta(0) or self.first_delay <= 0 or self.max_delay <= 0:
            raise ValueError(f"retry budget and delays must be positive: {self}")


DEFAULT_RETRY = Retry()


class ReviewStore:
    """A review queue in one database. Build it with :func:`copyguard.review.open_store`.

    ``hooks`` is the plugin host whose ``review_decided`` implementations hear about
    decisions (built on first use when not given); ``clock`` exists for tests.
    """

    def __init__(self, engine: Engine, *, url: str = "", minimization: Minimization = (
                 Minimization.REFERENCED), claim_ttl: timedelta = DEFAULT_CLAIM_TTL,
                 hooks: PluginHost | None = None, clock: Clock = utcnow,
                 retry: Retry = DEFAULT_RETRY) -> None:
        if claim_ttl <= timedelta(0):
            raise ValueError(f"claim_ttl must be positive, got {claim_ttl}")
        self.engine, self.url = engine, safe_url(url) if url else str(engine.url)
        self.minimization, self.claim_ttl, self.clock = minimization, claim_ttl, clock
        self.retry, self._hooks, self._hooks_lock = retry, hooks, threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction (``write`` takes SQLite's write lock up front); a lost or refused
        connection becomes :class:`StoreUnavailable`."""
        try:
            with self.engine.connect().execution_options(**{WRITE: write}) as conn, \
                    conn.begin():
                yield conn
        except DBAPIError as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                raise StoreUnavailable(f"review store {self.url}: {describe(exc)}") from exc
            raise

    def _log(self, conn: Connection, item_id: int, action: Action, actor: str,
             detail: Mapping[str, Any] | None = None) -> None:
        conn.execute(insert(events).values(item_id=item_id, action=action.value, actor=actor,
                                           at=self.clock(), detail=dict(detail or {})))

    # -- submitting -----------------------------------------------------------------------

    def submit(self, verdict: Verdict, *, actor: str = SYSTEM_ACTOR) -> str:
        """Queue a verdict; returns the item id. The same draft (id and content) submitted
        again returns the existing item and changes nothing. A lost or refused connection is
        retried as ``self.retry`` says (see :class:`Retry`)."""
        started, delay, attempts = time.monotonic(), self.retry.first_delay, 0
        budget = self.retry.budget.total_seconds()
        while True:
            attempts += 1
            try:
                return self._submit_once(verdict, actor)
            except StoreUnavailable as exc:
                left = budget - (time.monotonic() - started)
                if left <= 0:
                    if attempts == 1:
                        raise
                    raise StoreUnavailable(f"{exc} (gave up after {attempts} attempts in "
                                           f"{time.monotonic() - started:.0f} s)") from exc
                time.sleep(min(delay, left))
                delay = min(delay * 2, self.retry.max_delay)

    def _submit_once(self, verdict: Verdict, actor: str) -> str:
        draft, now = verdict.draft, self.clock()
        key, digest = draft_key(draft), content_hash(draft)
        severities = [f.severity for f in verdict.findings]
        values = {
            "draft_key": key, "content_hash": digest, "draft_id": draft.id,
            "brand": draft.brand, "locale": draft.locale, "channel": draft.channel.value,
            "route": verdict.route.value, "status": Status.PENDING.value, "text": draft.text,
            "max_severity": max(severities, key=lambda s: s.rank).value if severities else None,
            "draft": draft_json(verdict, self.minimization), "verdict": verdict_json(verdict),
            "override": False, "available_at": now, "created_at": now, "updated_at": now,
        }
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.transaction(write=True) as conn:
            statement = (dialect.insert(items).values(**values)
                         .on_conflict_do_nothing(index_elements=["draft_key", "content_hash"])
                         .returning(items.c.id))
            new_id = conn.execute(statement).scalar()
            if new_id is None:
                existing = conn.execute(select(items.c.id).where(
                    items.c.draft_key == key, items.c.content_hash == digest)).scalar_one()
                return str(existing)
            found = sorted({f.category.value for f in verdict.findings})
            if found:
                conn.execute(insert(categories), [{"item_id": new_id, "category": c}
                                                  for c in found])
            self._log(conn, new_id, Action.SUBMITTED, actor,
                      {"route": verdict.route.value, "reasons": list(verdict.reasons)})
        return str(new_id)

    # -- reading --------------------------------------------------------------------------

    def get(self, item_id: str | int) -> ReviewItem:
        with self.transaction(write=False) as conn:
            row = conn.execute(select(items).where(items.c.id == _int_id(item_id))).first()
            if row is None:
                raise ItemNotFound(str(item_id))
            return self._item(conn, row)

    def list(self, where: QueueFilter | None = None, *, limit: int = 50, offset: int = 0,
             ) -> builtins.list[ReviewItem]:
        """Items matching ``where`` (default: every open item), oldest first."""
        if limit < 1 or offset < 0:
            raise ReviewError(f"limit must be at least 1 and offset at least 0, got {limit} "
                              f"and {offset}")
        query = (select(items).where(*self._conditions(where or QueueFilter(), self.clock()))
                 .order_by(items.c.created_at, items.c.id).limit(limit).offset(offset))
        with self.transaction(write=False) as conn:
            rows = conn.execute(query).all()
            return self._items(conn, rows)

    def count(self, where: QueueFilter | None = None, *, cap: int | None = None) -> int:
        """How many items match; with ``cap``, counting stops there (a large queue's exact
        size costs a scan of every open item)."""
        matching = select(items.c.id).where(
            *self._conditions(where or QueueFilter(), self.clock()))
        if cap is not None:
            matching = matching.limit(cap)
        query = select(func.count()).select_from(matching.subquery())
        with self.transaction(write=False) as conn:
            return int(conn.execute(query).scalar_one())

    def history(self, item_id: str | int) -> builtins.list[AuditEntry]:
        """The item's audit trail, oldest entry first."""
        number = _int_id(item_id)
        with self.transaction(write=False) as conn:
            rows = conn.execute(select(events).where(events.c.item_id == number)
                                .order_by(events.c.id)).all()
        return [AuditEntry(r.id, str(r.item_id), Action(r.action), r.actor, r.at, r.detail)
                for r in rows]

    def _conditions(self, where: QueueFilter, now: datetime,
                    ) -> builtins.list[ColumnElement[bool]]:
        conditions: builtins.list[ColumnElement[bool]] = []
        statuses = {Status(s) for s in where.statuses}
        if statuses == OPEN_STATUSES:
            conditions.append(items.c.decided_at.is_(None))
        elif statuses:
            conditions.append(items.c.status.in_(sorted(s.value for s in statuses)))
        if where.brand is not None:
            conditions.append(items.c.brand == where.brand)
        if where.route is not None:
            conditions.append(items.c.route == Route(where.route).value)
        if where.category is not None:
            conditions.append(exists().where(categories.c.item_id == items.c.id,
                                             categories.c.category == where.category))
        if where.older_than is not None:
            conditions.append(items.c.created_at <= now - where.older_than)
        if where.newer_than is not None:
            conditions.append(items.c.created_at >= now - where.newer_than)
        if where.claimed_by is not None:
            conditions += [items.c.claimed_by == where.claimed_by, items.c.available_at > now]
        return conditions

    def _items(self, conn: Connection, rows: Sequence[Row[Any]],
               ) -> builtins.list[ReviewItem]:
        found: dict[int, builtins.list[str]] = {}
        if rows:
            for item_id, category in conn.execute(
                    select(categories.c.item_id, categories.c.category)
                    .where(categories.c.item_id.in_([r.id for r in rows]))
                    .order_by(categories.c.category)):
                found.setdefault(item_id, []).append(category)
        return [_record(row, found.get(row.id, [])) for row in rows]

    def _item(self, conn: Connection, row: Row[Any]) -> ReviewItem:
        return self._items(conn, [row])[0]

    # -- claiming -------------------------------------------------------------------------

    def claim(self, reviewer: str, where: QueueFilter | None = None, *, count: int = 1,
              ) -> builtins.list[ReviewItem]:
        """Claim up to ``count`` claimable items (unclaimed, or their claim expired) matching
        ``where``, longest-waiting first. Concurrent callers never get the same item."""
        _require_name(reviewer)
        if count < 1:
            raise ReviewError(f"claim at least one item, not {count}")
        where, now = where or QueueFilter(), self.clock()
        conditions = [items.c.available_at <= now,
                      *self._conditions(QueueFilter(statuses=(), brand=where.brand,
                                                    route=where.route, category=where.category,
                                                    older_than=where.older_than,
                                                    newer_than=where.newer_than), now)]
        candidates = (select(items.c.id, items.c.claimed_by).where(*conditions)
                      .order_by(items.c.available_at, items.c.id).limit(count)
                      .with_for_update(skip_locked=True))
        with self.transaction(write=True) as conn:
            previous = {row.id: row.claimed_by for row in conn.execute(candidates)}
            if not previous:
                return []
            claimed = conn.execute(
                update(items)
                .where(items.c.id.in_(list(previous)), items.c.available_at <= now)
                .values(**self._claim_values(reviewer, now))
                .returning(items.c.id)).scalars().all()
            for item_id in sorted(claimed):
                self._log(conn, item_id, Action.CLAIMED, reviewer,
                          self._claim_detail(now, previous[item_id]))
            rows = conn.execute(select(items).where(items.c.id.in_(claimed))
                                .order_by(items.c.available_at, items.c.id)).all()
            return self._items(conn, rows)

    def claim_item(self, item_id: str | int, reviewer: str) -> ReviewItem:
        """Claim one given item (or extend your own claim on it)."""
        _require_name(reviewer)
        now = self.clock()
        with self.transaction(write=True) as conn:
            row = self._actionable(conn, item_id, reviewer, now)
            conn.execute(update(items).where(items.c.id == row.id)
                         .values(**self._claim_values(reviewer, now)))
            self._log(conn, row.id, Action.CLAIMED, reviewer,
                      self._claim_detail(now, row.claimed_by))
        return self.get(row.id)

    def release(self, item_id: str | int, reviewer: str) -> ReviewItem:
        """Give a claim back: the item returns to its place in the queue."""
        now = self.clock()
        with self.transaction(write=True) as conn:
            row = self._locked(conn, item_id)
            if row.claimed_by != reviewer or row.available_at is None or row.available_at <= now:
                raise ClaimConflict(f"{reviewer} holds no claim on review item {row.id}")
            status = Status.EDITED if row.edited_text is not None else Status.PENDING
            conn.execute(update(items).where(items.c.id == row.id).values(
                claimed_by=None, available_at=row.created_at, status=status.value,
                updated_at=now))
            self._log(conn, row.id, Action.RELEASED, reviewer)
        return self.get(row.id)

    def _claim_values(self, reviewer: str, now: datetime) -> dict[str, Any]:
        return {"claimed_by": reviewer, "available_at": now + self.claim_ttl, "updated_at": now,
                "status": case((items.c.status == Status.EDITED.value, Status.EDITED.value),
                               else_=Status.CLAIMED.value)}

    def _claim_detail(self, now: datetime, previous: str | None) -> dict[str, Any]:
        detail: dict[str, Any] = {"expires_at": (now + self.claim_ttl).isoformat()}
        if previous:
            detail["previous_claim"] = previous
        return detail

    def _locked(self, conn: Connection, item_id: str | int) -> Row[Any]:
        row = conn.execute(select(items).where(items.c.id == _int_id(item_id))
                           .with_for_update()).first()
        if row is None:
            raise ItemNotFound(str(item_id))
        return row

    def _actionable(self, conn: Connection, item_id: str | int, reviewer: str,
                    now: datetime, version: int | None = None) -> Row[Any]:
        """The locked row, if ``reviewer`` may act on it: open, not held by another, and (when
        ``version`` is given) unchanged since that version."""
        row = self._locked(conn, item_id)
        if row.decided_at is not None:
            raise AlreadyDecided(str(row.id), row.status)
        if row.claimed_by not in (None, reviewer) and row.available_at > now:
            raise ClaimConflict(f"review item {row.id} is claimed by {row.claimed_by} until "
                                f"{row.available_at:%Y-%m-%d %H:%M:%S} UTC")
        if version is not None and row.version != version:
            by = conn.execute(select(events.c.actor).where(
                events.c.item_id == row.id, events.c.action == Action.EDITED.value)
                .order_by(events.c.id.desc()).limit(1)).scalar()
            raise ItemChanged(str(row.id), version, row.version, by)
        return row

    # -- editing and deciding -------------------------------------------------------------

    def edit(self, item_id: str | int, reviewer: str, text: str, recheck: Recheck, *,
             version: int | None = None) -> ReviewItem:
        """Store the reviewer's rewrite with its re-check verdict (``recheck`` is usually
        ``Guard.check``). The reviewer holds the item afterwards. With ``version`` (the one
        the reviewer edited), a newer item raises :class:`ItemChanged` and nothing is saved."""
        _require_name(reviewer)
        if not text.strip():
            raise ReviewError("an edit must leave some text")
        item = self.get(item_id)
        with self.transaction(write=True) as conn:  # fail before the (slow) re-check
            self._actionable(conn, item.id, reviewer, self.clock(), version)
        try:
            verdict = recheck(item.as_draft(text))
        except CopyguardError as exc:  # e.g. a brand this guard does not know: not saved
            raise ReviewError(f"the edit of review item {item.id} could not be re-checked, so "
                              f"it was not saved: {exc}") from exc
        checked = verdict_json(verdict)
        now = self.clock()
        with self.transaction(write=True) as conn:
            row = self._actionable(conn, item.id, reviewer, now,
                                   item.version if version is None else version)
            conn.execute(update(items).where(items.c.id == row.id).values(
                edited_text=text, recheck=checked, status=Status.EDITED.value,
                claimed_by=reviewer, available_at=now + self.claim_ttl, updated_at=now,
                version=row.version + 1))
            self._log(conn, row.id, Action.EDITED, reviewer, {
                "text": text, "route": verdict.route.value,
                "findings": len(verdict.findings), "blocking": blocking_findings(checked)})
        return self.get(row.id)

    def approve(self, item_id: str | int, reviewer: str, *, reason: str | None = None,
                override: bool = False, version: int | None = None) -> ReviewDecision:
        """Approve the current copy (the edit if there is one). Copy with error findings or a
        block verdict needs ``override=True`` and a ``reason``; both are recorded. With
        ``version``, copy changed since then raises :class:`ItemChanged` (approve what you
        saw, or nothing)."""
        return self._decide(item_id, reviewer, Status.APPROVED, reason, override, version)

    def reject(self, item_id: str | int, reviewer: str, reason: str | None = None, *,
               version: int | None = None) -> ReviewDecision:
        return self._decide(item_id, reviewer, Status.REJECTED, reason, False, version)

    def _decide(self, item_id: str | int, reviewer: str, status: Status, reason: str | None,
                override: bool, version: int | None) -> ReviewDecision:
        _require_name(reviewer)
        reason = reason.strip() if reason and reason.strip() else None
        if override and reason is None:
            raise ReviewError("an override needs a reason")
        now = self.clock()
        with self.transaction(write=True) as conn:
            item = self._item(conn, self._actionable(conn, item_id, reviewer, now, version))
            blocking = item.blocking if status is Status.APPROVED else []
            if blocking and not override:
                raise OverrideRequired(item.id, blocking)
            conn.execute(update(items).where(items.c.id == int(item.id)).values(
                status=status.value, reviewer=reviewer, decided_at=now, updated_at=now,
                claimed_by=None, available_at=None, decision_reason=reason,
                override=bool(blocking), version=item.version + 1))
            detail: dict[str, Any] = {"reason": reason, "edited": item.edited_text is not None}
            if blocking:
                detail["override"] = blocking
            self._log(conn, int(item.id), Action(status.value), reviewer, detail)
        decision = ReviewDecision(
            item_id=item.id, status=status, reviewer=reviewer, decided_at=now,
            route=item.route, text=item.current_text, draft_id=item.draft_id, brand=item.brand,
            campaign_id=item.draft.get("campaign", {}).get("id"),
            recipient_id=item.draft.get("recipient", {}).get("id"), reason=reason,
            override=bool(blocking), edited=item.edited_text is not None)
        self._notify(decision)
        return decision

    def _notify(self, decision: ReviewDecision) -> None:
        with self._hooks_lock:  # built once, even when the console's threads race for it
            if self._hooks is None:
                self._hooks = build_plugin_manager()
        failures = notify_decided(self._hooks, decision)
        if failures:
            with self.transaction(write=True) as conn:
                for failure in failures:
                    self._log(conn, int(decision.item_id), Action.NOTIFY_FAILED, SYSTEM_ACTOR,
                              {"plugin": failure.plugin, "error": failure.error})


def _int_id(item_id: str | int) -> int:
    try:
        return int(item_id)
    except (TypeError, ValueError):
        raise ItemNotFound(str(item_id)) from None


def _require_name(reviewer: str) -> None:
    if not reviewer or not reviewer.strip() or len(reviewer) > 100:
        raise ReviewError(f"reviewer name {reviewer!r} must be 1 to 100 characters")


def _record(row: Row[Any], found: builtins.list[str]) -> ReviewItem:
    return ReviewItem(
        id=str(row.id), draft_id=row.draft_id, brand=row.brand, locale=row.locale,
        channel=row.channel, route=Route(row.route), status=Status(row.status),
        categories=tuple(found),
        max_severity=Severity(row.max_severity) if row.max_severity else None, text=row.text,
        draft=row.draft, verdict=row.verdict, created_at=row.created_at,
        updated_at=row.updated_at, edited_text=row.edited_text, recheck=row.recheck,
        claimed_by=row.claimed_by,
        claim_expires_at=row.available_at if row.claimed_by else None, reviewer=row.reviewer,
        decided_at=row.decided_at, decision_reason=row.decision_reason,
        override=bool(row.override), version=row.version)


__all__ = ["DEFAULT_CLAIM_TTL", "DEFAULT_RETRY", "Retry", "ReviewStore"]
