"""The ``review_decided`` hook and the sample plugin ``plugins/copyguard-webhook``, which POSTs
each decision to a webhook: tested against a local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from copyguard import hookspecs
from copyguard.review import Action, ReviewStore, Status
from tests.review_support import fresh_store, make_verdict, quiet_hooks

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "plugins" / "copyguard-webhook"
try:
    import copyguard_webhook
except ImportError:  # not pip-installed in this environment: load it from the repo
    sys.path.insert(0, str(PLUGIN_DIR / "src"))
    import copyguard_webhook


class Receiver:
    """A local webhook endpoint that answers with the given statuses, in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.requests = statuses, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses[min(len(receiver.requests),
                                               len(receiver.statuses)) - 1]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/copyguard"
        self.requests: list[tuple[dict[str, str], bytes]] = []
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_for(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    started: list[Receiver] = []

    def start(*statuses: int) -> Receiver:
        receiver = Receiver(list(statuses))
        started.append(receiver)
        monkeypatch.setenv("COPYGUARD_WEBHOOK_URL", receiver.url)
        return receiver

    monkeypatch.setenv("COPYGUARD_WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("COPYGUARD_WEBHOOK_BACKOFF", "0.01")
    yield start
    for receiver in started:
        receiver.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReviewStore]:
    with fresh_store("sqlite", tmp_path, hooks=quiet_hooks(copyguard_webhook)) as opened:
        yield opened


def test_approval_is_posted_to_the_webhook(store: ReviewStore, receiver_for: Any) -> None:
    receiver = receiver_for(200)
    item_id = store.submit(make_verdict("Spring sale", "w-1"))
    store.approve(item_id, "alice", reason="good to go")
    [(headers, body)] = receiver.requests
    sent = json.loads(body)
    assert sent["event"] == "review_decided"
    decision = sent["decision"]
    assert (decision["item_id"], decision["status"], decision["reviewer"], decision["text"],
            decision["draft_id"], decision["reason"]) == (
        item_id, "approved", "alice", "Spring sale", "w-1", "good to go")
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Copyguard-Signature"] == expected
    assert headers["X-Copyguard-Delivery"] == f"{item_id}:approved"
    assert headers["Content-Type"] == "application/json"
    assert [e.action for e in store.history(item_id)][-1] is Action.APPROVED


def test_rejections_are_posted_too_and_server_errors_are_retried(
        store: ReviewStore, receiver_for: Any) -> None:
    receiver = receiver_for(503, 200)
    item_id = store.submit(make_verdict())
    store.reject(item_id, "bob", "off brand")
    assert len(receiver.requests) == 2
    assert [json.loads(body)["decision"]["status"] for _, body in receiver.requests] == [
        "rejected", "rejected"]
    assert Action.NOTIFY_FAILED not in [e.action for e in store.history(item_id)]


def test_a_failed_delivery_is_in_the_audit_trail_and_the_decision_stands(
        store: ReviewStore, receiver_for: Any) -> None:
    receiver = receiver_for(500)
    item_id = store.submit(make_verdict())
    store.approve(item_id, "alice")
    assert len(receiver.requests) == 3  # the default number of attempts
    assert store.get(item_id).status is Status.APPROVED
    failure = store.history(item_id)[-1]
    assert failure.action is Action.NOTIFY_FAILED
    assert failure.detail["plugin"] == "copyguard_webhook"
    assert "HTTP 500" in failure.detail["error"]


def test_client_errors_are_not_retried(store: ReviewStore, receiver_for: Any) -> None:
    receiver = receiver_for(404)
    item_id = store.submit(make_verdict())
    store.approve(item_id, "alice")
    assert len(receiver.requests) == 1
    assert "HTTP 404" in store.history(item_id)[-1].detail["error"]


def test_without_a_url_the_plugin_does_nothing(store: ReviewStore,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COPYGUARD_WEBHOOK_URL", raising=False)
    item_id = store.submit(make_verdict())
    store.approve(item_id, "alice")
    assert [e.action for e in store.history(item_id)] == [Action.SUBMITTED, Action.APPROVED]


def test_a_bad_url_is_reported_not_posted(store: ReviewStore,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYGUARD_WEBHOOK_URL", "file:///etc/passwd")
    item_id = store.submit(make_verdict())
    store.approve(item_id, "alice")
    assert "not an http(s) URL" in store.history(item_id)[-1].detail["error"]


def test_the_plugin_is_published_under_the_copyguard_entry_point_group() -> None:
    project = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["copyguard"] == {"webhook": "copyguard_webhook"}
    assert "review_decided" in dir(copyguard_webhook)


def test_review_decided_hook_contract_is_pinned() -> None:
    spec = hookspecs.review_decided
    assert list(inspect.signature(spec).parameters) == ["decision"]
    assert spec.copyguard_spec["firstresult"] is False
    assert spec.__doc__ and "audit trail" in spec.__doc__
