"""Errors of the review store and its tools. Each one says which item and why."""

from __future__ import annotations

from collections.abc import Sequence

from copyguard.errors import CopyguardError


class ReviewError(CopyguardError):
    """Base class for review-queue errors."""


class StoreUnavailable(ReviewError):
    """The review store cannot be reached or opened (nothing was written)."""


class ItemNotFound(ReviewError, LookupError):
    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        super().__init__(f"review item {item_id!r} does not exist")


class ClaimConflict(ReviewError):
    """Another reviewer holds the item, or the caller holds no claim to release."""


class ItemChanged(ReviewError):
    """The item changed since the caller read it (optimistic concurrency): nothing was saved."""

    def __init__(self, item_id: str, expected: int, current: int, by: str | None) -> None:
        self.item_id, self.expected, self.current, self.by = item_id, expected, current, by
        who = f" by {by}" if by else ""
        super().__init__(f"review item {item_id} was changed{who} since you opened it (version "
                         f"{expected}, now {current}); nothing was saved. Look at the current "
                         "copy and apply your change again")


class AlreadyDecided(ReviewError):
    def __init__(self, item_id: str, status: str) -> None:
        self.item_id, self.status = item_id, status
        super().__init__(f"review item {item_id} is already {status}")


class OverrideRequired(ReviewError):
    """Approving copy that still has error findings needs an explicit override and reason."""

    def __init__(self, item_id: str, blocking: Sequence[str]) -> None:
        self.item_id, self.blocking = item_id, tuple(blocking)
        super().__init__(f"review item {item_id} still has {', '.join(blocking)}; approving it "
                         "needs an explicit override with a reason")


class AuthError(ReviewError):
    """A reviewer account problem (unknown name, bad password, disabled, weak password)."""
