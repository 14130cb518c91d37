"""What the review store hands out: frozen records of queue items, audit entries, decisions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from copyguard.io import parse_draft
from copyguard.model import Draft, Route, Severity, no_data


class Status(StrEnum):
    """Where an item is in review. ``pending``, ``claimed`` and ``edited`` are open."""

    PENDING = "pending"
    CLAIMED = "claimed"
    EDITED = "edited"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.PENDING, Status.CLAIMED, Status.EDITED})


class Action(StrEnum):
    """Every kind of entry in the append-only audit trail."""

    SUBMITTED = "submitted"
    CLAIMED = "claimed"
    RELEASED = "released"
    EDITED = "edited"
    APPROVED = "approved"
    REJECTED = "rejected"
    NOTIFY_FAILED = "notify_failed"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    item_id: str
    action: Action
    actor: str
    at: datetime
    detail: Mapping[str, Any] = dataclasses.field(default_factory=no_data)


def blocking_findings(verdict: Mapping[str, Any]) -> list[str]:
    """Why approving copy with this verdict (JSON form) needs an explicit override."""
    problems = [f"{f['check']}.{f['code']} ({f['severity']})" for f in verdict.get("findings", ())
                if Severity(f["severity"]).rank >= Severity.ERROR.rank]
    if verdict.get("route") == Route.BLOCK.value:
        problems.append("the verdict route is block")
    return problems


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One queued draft with its verdict, the reviewer's edit (re-checked) and the claim.

    ``draft`` is the stored draft in JSON-contract form (recipient data minimized as the store
    was configured), ``verdict`` the checker's verdict in JSON form, ``recheck`` the verdict of
    ``edited_text``. ``version`` goes up with every edit and decision: pass the version you
    showed to ``edit``/``approve``/``reject`` and they refuse if the item changed since.
    """

    id: str
    draft_id: str | None
    brand: str | None
    locale: str
    channel: str
    route: Route
    status: Status
    categories: tuple[str, ...]
    max_severity: Severity | None
    text: str
    draft: Mapping[str, Any]
    verdict: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    edited_text: str | None = None
    recheck: Mapping[str, Any] | None = None
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    reviewer: str | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None
    override: bool = False
    version: int = 0

    @property
    def current_text(self) -> str:
        return self.edited_text if self.edited_text is not None else self.text

    @property
    def current_verdict(self) -> Mapping[str, Any]:
        return self.recheck if self.recheck is not None else self.verdict

    @property
    def blocking(self) -> list[str]:
        """What an approval would have to override (empty when approval needs no override)."""
        return blocking_findings(self.current_verdict)

    def holder(self, now: datetime) -> str | None:
        """The reviewer whose claim is still running, if any."""
        if self.claimed_by and self.claim_expires_at and self.claim_expires_at > now:
            return self.claimed_by
        return None

    def as_draft(self, text: str | None = None) -> Draft:
        """The stored draft (optionally with new text), ready for a re-check."""
        data = dict(self.draft)
        if text is not None:
            data["text"] = text
        return parse_draft(data, source=f"review item {self.id}")


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """What the ``review_decided`` hook receives: the outcome of one review."""

    item_id: str
    status: Status
    reviewer: str
    decided_at: datetime
    route: Route
    text: str
    draft_id: str | None = None
    brand: str | None = None
    campaign_id: str | None = None
    recipient_id: str | None = None
    reason: str | None = None
    override: bool = False
    edited: bool = False

    @property
    def approved(self) -> bool:
        return self.status is Status.APPROVED

    def to_json(self) -> dict[str, Any]:
        out = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        out.update(status=self.status.value, route=self.route.value,
                   decided_at=self.decided_at.isoformat())
        return out


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which items to list or claim. ``statuses`` empty means every status."""

    statuses: Sequence[Status] = tuple(sorted(OPEN_STATUSES))
    brand: str | None = None
    route: Route | None = None
    category: str | None = None
    older_than: timedelta | None = None
    newer_than: timedelta | None = None
    claimed_by: str | None = None
