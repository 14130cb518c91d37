"""Opening a review store by URL."""

from __future__ import annotations

import os
from datetime import timedelta

from copyguard.plugins import PluginHost
from copyguard.review.db import open_engine, resolve_url
from copyguard.review.errors import ReviewError
from copyguard.review.minimize import MINIMIZE_ENV, Minimization
from copyguard.review.present import parse_duration
from copyguard.review.store import DEFAULT_CLAIM_TTL, DEFAULT_RETRY, Retry, ReviewStore

CLAIM_TTL_ENV = "COPYGUARD_REVIEW_CLAIM_TTL"
RETRY_ENV = "COPYGUARD_REVIEW_RETRY"


def open_store(url: str | None = None, *, minimization: Minimization | str | None = None,
               claim_ttl: timedelta | None = None, hooks: PluginHost | None = None,
               retry: Retry | None = None) -> ReviewStore:
    """Open (creating and migrating when needed) the review store at ``url``.

    ``None`` means ``$COPYGUARD_REVIEW_URL``, else ``./copyguard-review.sqlite3``. What is kept
    of the recipient follows ``minimization`` (else ``$COPYGUARD_REVIEW_RECIPIENT``, else
    ``referenced``); claims last ``claim_ttl`` (else ``$COPYGUARD_REVIEW_CLAIM_TTL`` such as
    ``30m``, else 15 minutes). ``hooks`` hears ``review_decided`` (default: every installed
    plugin). ``submit`` retries a lost database for ``retry`` (else ``$COPYGUARD_REVIEW_RETRY``
    such as ``30s``, ``0s`` for never, else 30 seconds). Raises :class:`StoreUnavailable` when
    the database cannot be reached now (opening does not wait).
    """
    if claim_ttl is None:
        claim_ttl = _duration_env(CLAIM_TTL_ENV, DEFAULT_CLAIM_TTL)
    if retry is None:
        retry = Retry(budget=_duration_env(RETRY_ENV, DEFAULT_RETRY.budget))
    level = minimization or os.environ.get(MINIMIZE_ENV) or Minimization.REFERENCED
    try:
        level = Minimization(level)
    except ValueError:
        choices = ", ".join(m.value for m in Minimization)
        raise ReviewError(f"recipient minimization {level!r} is not one of {choices} "
                          f"(argument or ${MINIMIZE_ENV})") from None
    resolved = resolve_url(url)
    return ReviewStore(open_engine(resolved), url=resolved, minimization=level,
                       claim_ttl=claim_ttl, hooks=hooks, retry=retry)


def _duration_env(name: str, default: timedelta) -> timedelta:
    raw = os.environ.get(name)
    try:
        return parse_duration(raw) if raw else default
    except ValueError as exc:
        raise ReviewError(f"${name}: {exc}") from None
