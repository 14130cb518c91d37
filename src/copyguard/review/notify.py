"""Telling plugins a review was decided: the ``review_decided`` hook and a ``record_event``
observer event, each implementation called in isolation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from copyguard.events import Event
from copyguard.plugins import PluginHost
from copyguard.review.records import ReviewDecision

log = logging.getLogger("copyguard.review")


@dataclass(frozen=True, slots=True)
class ReviewDecided(Event):
    """Sent to ``record_event`` observers after a decision is stored."""

    decision: ReviewDecision


@dataclass(frozen=True, slots=True)
class NotifyFailure:
    plugin: str
    error: str


def notify_decided(host: PluginHost, decision: ReviewDecision) -> list[NotifyFailure]:
    """Call every ``review_decided`` implementation, then every observer; a failing
    ``review_decided`` implementation is returned (for the audit trail), never raised."""
    failures: list[NotifyFailure] = []
    for impl in reversed(host.pm.hook.review_decided.get_hookimpls()):
        try:
            impl.function(*[decision for _ in impl.argnames])
        except Exception as exc:
            log.exception("review_decided of plugin %s failed for item %s",
                          impl.plugin_name, decision.item_id)
            failures.append(NotifyFailure(impl.plugin_name, f"{type(exc).__name__}: {exc}"))
    event = ReviewDecided(decision)
    for impl in host.pm.hook.record_event.get_hookimpls():
        try:
            impl.function(*[event for _ in impl.argnames])
        except Exception:
            log.exception("observer %s failed on %s", impl.plugin_name, event.name)
    return failures
