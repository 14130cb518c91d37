"""Where ``copyguard check --batch --review-store URL`` sends flagged verdicts: the review sink
registered for the URL's scheme (``register_review_sinks``; the built-in store handles
``sqlite`` and ``postgresql``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from copyguard.model import Verdict
from copyguard.plugins import PluginHost
from copyguard.review.db import describe, safe_url
from copyguard.review.errors import ReviewError, StoreUnavailable

Sink = Callable[[Verdict], str]


def open_sink(host: PluginHost, url: str) -> Sink:
    """A function that queues one verdict and returns its item id; it raises
    :class:`StoreUnavailable` (stop the batch) when the sink fails."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    registration = host.review_sinks.get(scheme) or host.review_sinks.get(scheme.split("+")[0])
    if registration is None:
        known = ", ".join(sorted(host.review_sinks)) or "none"
        raise ReviewError(f"no review sink handles {scheme or url!r} URLs (registered: {known})")
    try:
        sink: Any = registration.item(url)
    except ReviewError:
        raise
    except Exception as exc:
        raise StoreUnavailable(f"review sink {safe_url(url)} ({registration.plugin}) did not "
                               f"open: {describe(exc)}") from exc
    if not callable(getattr(sink, "submit", None)):
        raise ReviewError(f"review sink of plugin {registration.plugin!r} has no submit()")

    def submit(verdict: Verdict) -> str:
        try:
            return str(sink.submit(verdict))
        except Exception as exc:
            raise StoreUnavailable(
                f"review store {safe_url(url)} failed while queueing draft "
                f"{verdict.draft.id!r} ({describe(exc)}); the batch stopped here. Re-run it: "
                "drafts already queued are not queued twice") from exc

    return submit
