"""copyguard plugin: POST every review decision to a webhook, so a pipeline can release
approved copy (or drop rejected copy) as soon as a reviewer decides.

Configuration (environment): ``COPYGUARD_WEBHOOK_URL`` (http or https; unset = the plugin does
nothing), ``COPYGUARD_WEBHOOK_SECRET`` (optional: signs the body with HMAC-SHA256 in
``X-Copyguard-Signature: sha256=<hex>``), ``COPYGUARD_WEBHOOK_TIMEOUT`` (seconds per attempt,
default 5), ``COPYGUARD_WEBHOOK_ATTEMPTS`` (default 3) and ``COPYGUARD_WEBHOOK_BACKOFF``
(seconds before the first retry, default 0.5, doubling). 5xx, 429 and network errors are
retried. A delivery that still fails raises, and copyguard records it in the item's audit
trail as ``notify_failed``; the decision itself stands.

Body: ``{"event": "review_decided", "decision": {...}}``; ``X-Copyguard-Delivery`` is stable
per decision (``<item id>:<status>``) so receivers can drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from copyguard import hookimpl

if TYPE_CHECKING:
    from copyguard.review.records import ReviewDecision

__version__ = "1.0.0"
USER_AGENT = f"copyguard-webhook/{__version__}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class WebhookError(RuntimeError):
    """The decision could not be delivered."""


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret: str | None = None
    timeout: float = 5.0
    attempts: int = 3
    backoff: float = 0.5

    @classmethod
    def from_env(cls) -> WebhookConfig | None:
        url = os.environ.get("COPYGUARD_WEBHOOK_URL", "").strip()
        if not url:
            return None
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise WebhookError(f"COPYGUARD_WEBHOOK_URL={url!r} is not an http(s) URL")
        try:
            timeout = float(os.environ.get("COPYGUARD_WEBHOOK_TIMEOUT", "5"))
            attempts = int(os.environ.get("COPYGUARD_WEBHOOK_ATTEMPTS", "3"))
            backoff = float(os.environ.get("COPYGUARD_WEBHOOK_BACKOFF", "0.5"))
        except ValueError as exc:
            raise WebhookError(f"bad COPYGUARD_WEBHOOK_TIMEOUT/ATTEMPTS/BACKOFF: {exc}") from exc
        if timeout <= 0 or attempts < 1 or backoff < 0:
            raise WebhookError("COPYGUARD_WEBHOOK_TIMEOUT must be > 0, ATTEMPTS >= 1 and "
                               "BACKOFF >= 0")
        return cls(url, os.environ.get("COPYGUARD_WEBHOOK_SECRET") or None, timeout, attempts,
                   backoff)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(decision: ReviewDecision) -> dict[str, Any]:
    return {"event": "review_decided", "decision": decision.to_json()}


def deliver(config: WebhookConfig, decision: ReviewDecision) -> int:
    """POST the decision; returns the HTTP status or raises :class:`WebhookError`."""
    body = json.dumps(payload(decision), ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Copyguard-Event": "review_decided",
               "X-Copyguard-Delivery": f"{decision.item_id}:{decision.status.value}"}
    if config.secret:
        headers["X-Copyguard-Signature"] = signature(config.secret, body)
    problem = "no attempt made"
    for attempt in range(config.attempts):
        if attempt:
            time.sleep(config.backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(config.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=config.timeout) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in RETRY_STATUSES:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            problem = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    raise WebhookError(f"webhook {config.url} did not accept the decision on item "
                       f"{decision.item_id}: {problem}")


@hookimpl
def review_decided(decision: ReviewDecision) -> None:
    config = WebhookConfig.from_env()
    if config is not None:
        deliver(config, decision)
