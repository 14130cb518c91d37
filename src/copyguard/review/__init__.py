"""Human review: a durable queue of flagged drafts, and the tools reviewers use on it.

>>> from copyguard.review import open_store                    # doctest: +SKIP
>>> store = open_store("postgresql+psycopg://reviews@db:5432/copy")    # doctest: +SKIP
>>> item_id = store.submit(verdict)                             # doctest: +SKIP
>>> store.claim("alice")                                         # doctest: +SKIP

Names load on first use, so importing the package (the ``copyguard`` command does) costs
nothing until a store is opened.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copyguard.review.db import URL_ENV as URL_ENV
    from copyguard.review.errors import AlreadyDecided as AlreadyDecided
    from copyguard.review.errors import AuthError as AuthError
    from copyguard.review.errors import ClaimConflict as ClaimConflict
    from copyguard.review.errors import ItemChanged as ItemChanged
    from copyguard.review.errors import ItemNotFound as ItemNotFound
    from copyguard.review.errors import OverrideRequired as OverrideRequired
    from copyguard.review.errors import ReviewError as ReviewError
    from copyguard.review.errors import StoreUnavailable as StoreUnavailable
    from copyguard.review.minimize import Minimization as Minimization
    from copyguard.review.opening import open_store as open_store
    from copyguard.review.records import Action as Action
    from copyguard.review.records import AuditEntry as AuditEntry
    from copyguard.review.records import QueueFilter as QueueFilter
    from copyguard.review.records import ReviewDecision as ReviewDecision
    from copyguard.review.records import ReviewItem as ReviewItem
    from copyguard.review.records import Status as Status
    from copyguard.review.store import ReviewStore as ReviewStore

_HOMES = {
    "URL_ENV": "db", "open_store": "opening", "Minimization": "minimize",
    "ReviewStore": "store",
    **dict.fromkeys(("AlreadyDecided", "AuthError", "ClaimConflict", "ItemChanged",
                     "ItemNotFound", "OverrideRequired", "ReviewError", "StoreUnavailable"),
                    "errors"),
    **dict.fromkeys(("Action", "AuditEntry", "QueueFilter", "ReviewDecision", "ReviewItem",
                     "Status"), "records"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = sorted(_HOMES)
