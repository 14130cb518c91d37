"""The review console over HTTP (Starlette's TestClient): login, CSRF, escaping of draft text,
highlighted findings, filters, approve / reject / edit-and-recheck, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from copyguard import Category, Guard, Route, Severity
from copyguard.review import Action, ReviewStore, Status
from copyguard.review.accounts import Accounts
from copyguard.review.web.app import create_app
from copyguard.review.web.throttle import LoginThrottle
from tests.review_support import (
    BACKENDS,
    PASSWORD,
    add_reviewers,
    csrf,
    finding,
    fresh_store,
    light_guard,
    make_verdict,
    web_login,
)

HOSTILE = 'Hi <script>alert("x")</script> "><img src=x onerror=alert(1)> & guaranteed'


@pytest.fixture(scope="module")
def guard() -> Guard:
    return light_guard()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReviewStore]:
    with fresh_store(str(request.param), tmp_path) as opened:
        add_reviewers(opened, "alice", "bob")
        yield opened


@pytest.fixture
def client(store: ReviewStore, guard: Guard) -> TestClient:
    return TestClient(create_app(store, guard_factory=lambda: guard))


def login(client: TestClient, name: str = "alice", password: str = PASSWORD,
          next_path: str = "/") -> TestClient:
    return web_login(client, name, password, next_path)


def hostile_item(store: ReviewStore) -> str:
    start = HOSTILE.index("guaranteed")
    return store.submit(make_verdict(HOSTILE, "h1", findings=(
        finding("guarantee", Severity.WARNING, start, start + 10, suggestion="say 'likely'"),
        finding("script", Severity.WARNING, 3, 11, category=Category.COMPLIANCE))))


# -- access ------------------------------------------------------------------------------

def test_pages_need_a_login(client: TestClient, store: ReviewStore) -> None:
    item_id = hostile_item(store)
    for path in ("/", f"/items/{item_id}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    assert client.post(f"/items/{item_id}/approve", data={"csrf_token": "x"}).status_code == 401
    assert store.get(item_id).status is Status.PENDING


def test_login_checks_password_csrf_and_throttles(client: TestClient) -> None:
    page = client.get("/login")
    token = csrf(page.text)
    wrong = client.post("/login", data={"csrf_token": token, "name": "alice",
                                        "password": "nope", "next": "/"})
    assert wrong.status_code == 401 and "wrong password" in wrong.text
    no_csrf = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert no_csrf.status_code == 403
    client.cookies.clear()
    forged = client.post("/login", data={"csrf_token": token, "name": "alice",
                                         "password": PASSWORD})
    assert forged.status_code == 403  # the token must match this browser's login cookie
    for _ in range(5):
        client.post("/login", data={"csrf_token": csrf(client.get("/login").text),
                                    "name": "bob", "password": "guess", "next": "/"})
    blocked = client.post("/login", data={"csrf_token": csrf(client.get("/login").text),
                                          "name": "bob", "password": PASSWORD, "next": "/"})
    assert blocked.status_code == 401 and "Too many failed logins" in blocked.text
    assert 'id="reviewer">alice<' in login(client).get("/").text


def test_login_never_redirects_off_site(client: TestClient) -> None:
    page = client.get("/login")
    response = client.post("/login", follow_redirects=False, data={
        "csrf_token": csrf(page.text), "name": "alice", "password": PASSWORD,
        "next": "//evil.example/steal"})
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_logout_ends_the_session(client: TestClient) -> None:
    page = login(client).get("/")
    client.post("/logout", data={"csrf_token": csrf(page.text)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_reviewer_is_logged_out_and_cannot_log_in(client: TestClient,
                                                             store: ReviewStore) -> None:
    login(client)
    Accounts(store).disable_reviewer("alice")
    assert client.get("/", follow_redirects=False).status_code == 303
    page = client.get("/login")
    refused = client.post("/login", data={"csrf_token": csrf(page.text), "name": "alice",
                                          "password": PASSWORD, "next": "/"})
    assert refused.status_code == 401


def test_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


# -- pages -------------------------------------------------------------------------------

def test_draft_text_is_always_escaped(client: TestClient, store: ReviewStore) -> None:
    item_id = hostile_item(store)
    login(client)
    for page in (client.get("/"), client.get(f"/items/{item_id}")):
        assert page.status_code == 200
        assert "<script>" not in page.text and "<img" not in page.text
        assert "&lt;script&gt;" in page.text
    detail = client.get(f"/items/{item_id}").text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; " in detail


def test_detail_highlights_spans_and_explains_findings(client: TestClient,
                                                       store: ReviewStore) -> None:
    item_id = hostile_item(store)
    login(client)
    page = client.get(f"/items/{item_id}").text
    assert '<mark class="sev-warning" title="finding 1">guaranteed<sup>1</sup></mark>' in page
    assert '<mark class="sev-warning" title="finding 2">&lt;script&gt;<sup>2</sup></mark>' in page
    assert "brand · <code>test.guarantee</code>" in page
    assert "guarantee found" in page and "Suggestion: say &#39;likely&#39;" in page
    assert "review: test" in page  # the verdict's reasons
    assert ">submitted<" in page  # the audit trail


def test_queue_filters(client: TestClient, store: ReviewStore) -> None:
    acme = store.submit(make_verdict("Acme copy", "a", brand="acme"))
    zenith = store.submit(make_verdict("Zenith copy", "z", brand="zenith", route=Route.BLOCK,
                                       findings=(finding("CREDIT_CARD", Severity.ERROR,
                                                         category=Category.PII),)))
    login(client)

    def shown(query: str) -> list[str]:
        return re.findall(r'id="item-(\d+)"', client.get("/?" + query).text)

    assert shown("") == [acme, zenith]
    assert shown("brand=zenith") == [zenith]
    assert shown("route=block") == [zenith]
    assert shown("category=pii") == [zenith]
    assert shown("status=approved") == []
    assert shown("older_than=1d") == []
    assert "not a duration" in client.get("/?older_than=later").text
    store.reject(acme, "bob")
    assert shown("") == [zenith]
    assert shown("status=rejected") == [acme]
    assert shown("status=all") == [acme, zenith]


# -- actions -----------------------------------------------------------------------------

def test_approve_from_the_console(client: TestClient, store: ReviewStore) -> None:
    item_id = store.submit(make_verdict("A bargain", "ap", findings=(finding(end=1),)))
    page = login(client).get(f"/items/{item_id}")
    claimed = client.post(f"/items/{item_id}/claim", data={"csrf_token": csrf(page.text)})
    assert "Claimed." in claimed.text and "claimed by <b>alice</b>" in claimed.text
    done = client.post(f"/items/{item_id}/approve", data={"csrf_token": csrf(page.text),
                                                           "reason": "fine"})
    assert done.status_code == 200 and "Approved." in done.text
    item = store.get(item_id)
    assert (item.status, item.reviewer, item.decision_reason) == (
        Status.APPROVED, "alice", "fine")
    assert [e.action for e in store.history(item_id)] == [
        Action.SUBMITTED, Action.CLAIMED, Action.APPROVED]


def test_forms_without_the_session_csrf_token_are_refused(client: TestClient,
                                                          store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    page = login(client).get(f"/items/{item_id}")
    for data in ({}, {"csrf_token": "guessed"}):
        assert client.post(f"/items/{item_id}/approve", data=data).status_code == 403
    for origin in ("https://evil.example", "null"):
        cross = client.post(f"/items/{item_id}/approve", headers={"origin": origin},
                            data={"csrf_token": csrf(page.text)})
        assert cross.status_code == 403
    assert store.get(item_id).status is Status.PENDING
    assert [e.action for e in store.history(item_id)] == [Action.SUBMITTED]
    same = client.post(f"/items/{item_id}/approve", headers={"origin": "http://testserver"},
                       data={"csrf_token": csrf(page.text)})
    assert same.status_code == 200 and store.get(item_id).status is Status.APPROVED


def test_error_copy_needs_override_and_reason(client: TestClient, store: ReviewStore) -> None:
    item_id = store.submit(make_verdict("Results guaranteed", "ov", findings=(
        finding("guarantee", Severity.ERROR, 8, 18),)))
    page = login(client).get(f"/items/{item_id}")
    assert 'name="override"' in page.text
    token = csrf(page.text)
    refused = client.post(f"/items/{item_id}/approve", data={"csrf_token": token})
    assert refused.status_code == 409 and "needs an explicit override" in refused.text
    no_reason = client.post(f"/items/{item_id}/approve", data={"csrf_token": token,
                                                                "override": "yes"})
    assert no_reason.status_code == 400 and "needs a reason" in no_reason.text
    assert store.get(item_id).status is Status.PENDING
    client.post(f"/items/{item_id}/approve", data={"csrf_token": token, "override": "yes",
                                                    "reason": "legal approved the claim"})
    item = store.get(item_id)
    assert item.status is Status.APPROVED and item.override
    assert store.history(item_id)[-1].detail["reason"] == "legal approved the claim"


def test_edit_and_recheck_then_approve(client: TestClient, store: ReviewStore,
                                       guard: Guard) -> None:
    item_id = store.submit(guard.check("A cheap and guaranteed deal.", id="ed", brand="acme"))
    page = login(client).get(f"/items/{item_id}")
    token = csrf(page.text)
    still = client.post(f"/items/{item_id}/edit",
                        data={"csrf_token": token, "text": "A <b>guaranteed</b> deal."})
    assert "Edit saved and re-checked." in still.text
    assert "Edited copy (re-checked)" in still.text and "&lt;b&gt;" in still.text
    assert '<mark class="sev-error" title="finding 1">guaranteed' in still.text
    assert client.post(f"/items/{item_id}/approve",
                       data={"csrf_token": token}).status_code == 409
    clean = client.post(f"/items/{item_id}/edit",
                        data={"csrf_token": token, "text": "A fair deal."})
    assert '<span class="route route-pass">pass</span>' in clean.text
    client.post(f"/items/{item_id}/approve", data={"csrf_token": token})
    item = store.get(item_id)
    assert item.status is Status.APPROVED and item.current_text == "A fair deal."
    assert not item.override


def test_another_reviewers_claim_is_respected(client: TestClient, store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    store.claim_item(item_id, "bob")
    page = login(client).get(f"/items/{item_id}")
    assert "claimed by <b>bob</b>" in page.text
    response = client.post(f"/items/{item_id}/reject", data={"csrf_token": csrf(page.text)})
    assert response.status_code == 409 and "claimed by bob" in response.text
    assert store.get(item_id).status is Status.CLAIMED


def test_claim_next_and_reject(client: TestClient, store: ReviewStore) -> None:
    store.submit(make_verdict("Acme", "a", brand="acme"))
    wanted = store.submit(make_verdict("Zenith", "z", brand="zenith"))
    page = login(client).get("/?brand=zenith")
    claimed = client.post("/claim-next", data={"csrf_token": csrf(page.text),
                                               "brand": "zenith"})
    assert claimed.url.path == f"/items/{wanted}"
    client.post(f"/items/{wanted}/reject", data={"csrf_token": csrf(page.text),
                                                 "reason": "tone"})
    assert store.get(wanted).status is Status.REJECTED
    empty = client.post("/claim-next", data={"csrf_token": csrf(page.text), "brand": "zenith"})
    assert "Nothing to claim" in empty.text
    assert client.get("/items/999").status_code == 404


def test_throttle_forgets_after_the_window() -> None:
    now = [0.0]
    throttle = LoginThrottle(limit=2, window=60, clock=lambda: now[0])
    throttle.failed("eve")
    throttle.failed("EVE")
    assert not throttle.allowed("eve") and throttle.allowed("mallory")
    now[0] = 61
    assert throttle.allowed("eve")
