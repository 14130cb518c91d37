"""The review console against hostile input and hostile or careless use, on SQLite and
PostgreSQL: markup in drafts and findings renders inert on every page, nothing happens without
a login or without the session's CSRF token, another reviewer's claim holds for every action,
passwords and session tokens are stored hashed, an expired session never loses or applies an
edit, and two reviewers editing one draft never overwrite each other silently."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from copyguard import Category, Guard, Route, Severity
from copyguard.review import Action, ReviewStore, Status
from copyguard.review.accounts import SESSION_TTL
from copyguard.review.models import reviewers, sessions
from copyguard.review.passwords import verify_password
from copyguard.review.web.app import SESSION_COOKIE, create_app
from tests.review_support import (
    BACKENDS,
    PASSWORD,
    Clock,
    add_reviewers,
    csrf,
    finding,
    fresh_store,
    light_guard,
    make_verdict,
    web_login,
)

PAYLOADS = (
    "{{ 7*7 }}{% raw %}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg/onload=alert(3)>",
    "</textarea><script>alert(4)</script>",
    "</pre><iframe srcdoc='<script>alert(5)</script>'></iframe>",
    '<a href="javascript:alert(6)">click</a>',
    "<style>body{display:none}</style>",
)
HOSTILE = " ".join(PAYLOADS) + " guaranteed"
# the only elements the console's own templates use
ALLOWED_TAGS = {"html", "head", "meta", "title", "link", "body", "header", "main", "a", "span",
                "b", "form", "input", "button", "h1", "h2", "p", "section", "pre", "mark",
                "sup", "ol", "li", "code", "div", "ul", "dl", "dt", "dd", "label", "textarea",
                "table", "thead", "tbody", "tr", "th", "td", "select", "option", "nav"}
ACTIONS = ("claim", "release", "approve", "reject", "edit")


class Markup(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        self.links += [value or "" for name, value in attrs if name in ("href", "src", "action")]


def assert_inert(html: str, *, shows_draft: bool = True) -> None:
    markup = Markup(html)
    assert markup.tags <= ALLOWED_TAGS, markup.tags - ALLOWED_TAGS
    assert not {a for a in markup.attributes if a.startswith("on") or a == "srcdoc"}
    assert not [link for link in markup.links if "javascript:" in link.lower()]
    if shows_draft:
        assert "{{ 7*7 }}" in html  # shown as text, not evaluated as a template


@pytest.fixture(scope="module")
def guard() -> Guard:
    return light_guard()


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.now = datetime.now(UTC)
    return clock


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock,
          ) -> Iterator[ReviewStore]:
    with fresh_store(str(request.param), tmp_path) as opened:
        opened.clock = clock
        add_reviewers(opened, "alice", "bob")
        yield opened


@pytest.fixture
def app(store: ReviewStore, guard: Guard) -> ASGIApp:
    return create_app(store, guard_factory=lambda: guard)


@pytest.fixture
def alice(app: ASGIApp) -> TestClient:
    return web_login(TestClient(app), "alice")


@pytest.fixture
def bob(app: ASGIApp) -> TestClient:
    return web_login(TestClient(app), "bob")


def hostile_item(store: ReviewStore, draft_id: str = "h1", brand: str = PAYLOADS[2]) -> str:
    start = HOSTILE.index("guaranteed")
    payload = PAYLOADS[2]
    return store.submit(make_verdict(
        HOSTILE, draft_id, brand=brand, route=Route.REVIEW, findings=(
            finding("guarantee", Severity.ERROR, start, start + 10, suggestion=payload,
                    fix=PAYLOADS[1]),
            finding(PAYLOADS[3], Severity.WARNING, 0, 25, category=Category.COMPLIANCE,
                    data={"note": PAYLOADS[4]}),)))


def trail(store: ReviewStore, item_id: str) -> list[tuple[Action, str]]:
    return [(e.action, e.actor) for e in store.history(item_id)]


# -- markup renders inert -----------------------------------------------------------------

def test_payloads_in_drafts_and_findings_render_inert_on_every_page(
        store: ReviewStore, alice: TestClient, guard: Guard) -> None:
    item_id = hostile_item(store)
    acme_id = hostile_item(store, "h2", brand="acme")  # a brand the re-check knows
    pages = {"queue": alice.get("/"), "item": alice.get(f"/items/{item_id}")}
    token = csrf(pages["item"].text)
    pages["filtered queue"] = alice.get("/", params={"brand": PAYLOADS[2],
                                                     "category": "compliance"})
    pages["empty queue"] = alice.get("/", params={"brand": PAYLOADS[4],
                                                  "category": PAYLOADS[1]})
    pages["bad filter"] = alice.get("/", params={"older_than": PAYLOADS[3]})
    pages["edited"] = alice.post(f"/items/{acme_id}/edit",
                                 data={"csrf_token": token, "text": HOSTILE + " cheap"})
    pages["unknown brand"] = alice.post(f"/items/{item_id}/edit",
                                        data={"csrf_token": token, "text": HOSTILE})
    pages["refused approval"] = alice.post(f"/items/{item_id}/approve",
                                           data={"csrf_token": token, "reason": PAYLOADS[5]})
    pages["rejected"] = alice.post(f"/items/{item_id}/reject",
                                   data={"csrf_token": token, "reason": PAYLOADS[6]})
    pages["decided queue"] = alice.get("/", params={"status": "all"})
    pages["login"] = TestClient(alice.app).get("/login", params={"next": PAYLOADS[2]})
    assert pages["unknown brand"].status_code == 400
    assert "could not be re-checked, so it was not saved" in pages["unknown brand"].text
    assert "Edited copy (re-checked)" in pages["edited"].text
    for name, page in pages.items():
        assert page.status_code in (200, 400, 409), name
        assert page.headers["content-type"].startswith("text/html"), name
        assert "default-src 'none'" in page.headers["content-security-policy"], name
        assert_inert(page.text, shows_draft=name not in ("login", "empty queue"))
    assert 'id="item-' in pages["filtered queue"].text
    item_page = pages["rejected"].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in item_page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(4)" in item_page
    assert store.get(item_id).status is Status.REJECTED


def test_the_expired_session_login_page_shows_a_hostile_edit_inert(
        store: ReviewStore, alice: TestClient, clock: Clock) -> None:
    item_id = hostile_item(store)
    token = csrf(alice.get(f"/items/{item_id}").text)
    clock.advance(seconds=SESSION_TTL.total_seconds() + 1)
    page = alice.post(f"/items/{item_id}/edit", data={"csrf_token": token, "text": HOSTILE})
    assert page.status_code == 401
    assert_inert(page.text)


# -- no login, no action ------------------------------------------------------------------

@pytest.mark.parametrize("cookie", [None, "forged-token", "expired"])
def test_requests_without_a_live_session_are_refused(
        store: ReviewStore, app: ASGIApp, cookie: str | None, clock: Clock) -> None:
    item_id = store.submit(make_verdict())
    client = TestClient(app)
    if cookie == "expired":
        web_login(client, "alice")
        token = csrf(client.get("/").text)
        clock.advance(seconds=SESSION_TTL.total_seconds() + 1)
    elif cookie is not None:
        client.cookies.set(SESSION_COOKIE, cookie)
        token = "anything"
    else:
        token = "anything"
    for path in ("/", f"/items/{item_id}", "/?status=all"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/login?next="), path
    posts = [f"/items/{item_id}/{action}" for action in ACTIONS] + ["/claim-next", "/logout"]
    for path in posts:
        response = client.post(path, data={"csrf_token": token, "text": "Taken over",
                                           "reason": "x"}, follow_redirects=False)
        assert response.status_code == 401, path
        assert "Log in" in response.text
    item = store.get(item_id)
    assert (item.status, item.claimed_by, item.edited_text) == (Status.PENDING, None, None)
    assert trail(store, item_id) == [(Action.SUBMITTED, "copyguard")]


# -- CSRF ---------------------------------------------------------------------------------

def test_every_form_needs_this_sessions_csrf_token(store: ReviewStore, alice: TestClient,
                                                   bob: TestClient) -> None:
    item_id = store.submit(make_verdict())
    bobs_token = csrf(bob.get("/").text)
    alices_token = csrf(alice.get("/").text)
    assert bobs_token != alices_token
    posts = [f"/items/{item_id}/{action}" for action in ACTIONS] + ["/claim-next", "/logout"]
    for path in posts:
        for token in (None, "", "0" * 43, bobs_token, alices_token[:-1]):
            data = {"text": "Changed", "reason": "x"}
            if token is not None:
                data["csrf_token"] = token
            response = alice.post(path, data=data)
            assert response.status_code == 403, (path, token)
            assert "CSRF token missing or wrong" in response.text
        # the right token in the query string instead of the form is not accepted either
        assert alice.post(f"{path}?csrf_token={alices_token}", data={}).status_code == 403
    assert trail(store, item_id) == [(Action.SUBMITTED, "copyguard")]
    assert alice.get("/", follow_redirects=False).status_code == 200  # still logged in


# -- claims -------------------------------------------------------------------------------

def test_a_reviewer_cannot_act_on_an_item_another_has_claimed(
        store: ReviewStore, alice: TestClient, bob: TestClient) -> None:
    item_id = store.submit(make_verdict("A bargain for you", "c1"))
    claim = bob.post(f"/items/{item_id}/claim", data={"csrf_token": csrf(bob.get("/").text)})
    assert claim.status_code == 200 and "claimed by <b>bob</b>" in claim.text
    token = csrf(alice.get("/").text)
    for action in ACTIONS:
        response = alice.post(f"/items/{item_id}/{action}",
                              data={"csrf_token": token, "text": "Alice's copy", "reason": "x"})
        assert response.status_code == 409, action
        assert "bob" in response.text
    empty = alice.post("/claim-next", data={"csrf_token": token})
    assert "Nothing to claim" in empty.text
    item = store.get(item_id)
    assert (item.status, item.claimed_by, item.edited_text) == (Status.CLAIMED, "bob", None)
    assert trail(store, item_id) == [(Action.SUBMITTED, "copyguard"), (Action.CLAIMED, "bob")]


# -- stored secrets -----------------------------------------------------------------------

def test_passwords_and_session_tokens_are_stored_hashed(store: ReviewStore,
                                                        alice: TestClient) -> None:
    with store.engine.connect() as conn:
        rows = {r.name: r.password_hash for r in conn.execute(select(reviewers))}
        stored_sessions = conn.execute(select(sessions)).all()
    assert set(rows) == {"alice", "bob"}
    for stored in rows.values():
        assert PASSWORD not in stored and PASSWORD.encode().hex() not in stored
        scheme, cost, block, parallel, _salt, _key = stored.split("$")
        assert (scheme, int(cost), int(block), int(parallel)) == ("scrypt", 2**14, 8, 1)
        assert verify_password(PASSWORD, stored) and not verify_password("wrong" * 3, stored)
    assert rows["alice"] != rows["bob"]  # same password, different salt
    cookie = alice.cookies[SESSION_COOKIE]
    assert [s.token_hash for s in stored_sessions] == [hashlib.sha256(cookie.encode()).hexdigest()]
    assert all(cookie not in str(tuple(s)) for s in stored_sessions)


# -- an expired session mid-edit ----------------------------------------------------------

def test_a_session_expiring_mid_edit_neither_loses_nor_applies_the_edit(
        store: ReviewStore, alice: TestClient, clock: Clock) -> None:
    item_id = store.submit(make_verdict("A cheap deal", "x1"))
    page = alice.get(f"/items/{item_id}")
    token, rewrite = csrf(page.text), "A fair deal, <b>today</b>."
    clock.advance(seconds=SESSION_TTL.total_seconds() + 1)  # the reviewer went for lunch
    refused = alice.post(f"/items/{item_id}/edit",
                         data={"csrf_token": token, "text": rewrite, "version": "0"})
    assert refused.status_code == 401
    assert "session has expired" in refused.text and "nothing was saved" in refused.text
    assert "A fair deal, &lt;b&gt;today&lt;/b&gt;." in refused.text  # the edit is kept
    item = store.get(item_id)
    assert item.edited_text is None and item.status is Status.PENDING
    assert trail(store, item_id) == [(Action.SUBMITTED, "copyguard")]
    # log in again from that page: the edit comes back in the edit box, still unsaved
    again = alice.post("/login", data={
        "csrf_token": csrf(refused.text), "name": "alice", "password": PASSWORD,
        "next": f"/items/{item_id}", "pending_text": rewrite, "pending_version": "0"})
    assert again.status_code == 200 and "was NOT saved yet" in again.text
    assert '<textarea name="text" id="edit-text" rows="8">A fair deal, &lt;b&gt;today' in again.text
    assert store.get(item_id).edited_text is None
    saved = alice.post(f"/items/{item_id}/edit", data={
        "csrf_token": csrf(again.text), "text": rewrite, "version": "0"})
    assert saved.status_code == 200 and "Edit saved and re-checked." in saved.text
    assert store.get(item_id).edited_text == rewrite
    assert trail(store, item_id)[-1] == (Action.EDITED, "alice")


def test_an_edit_refused_because_the_item_was_decided_is_still_shown(
        store: ReviewStore, alice: TestClient, bob: TestClient, clock: Clock) -> None:
    item_id = store.submit(make_verdict("A cheap deal", "x3"))
    token = csrf(alice.get(f"/items/{item_id}").text)
    bob.post(f"/items/{item_id}/reject", data={"csrf_token": csrf(bob.get("/").text)})
    late = alice.post(f"/items/{item_id}/edit", data={"csrf_token": token,
                                                      "text": "Alice's <fair> deal"})
    assert late.status_code == 409 and "already rejected" in late.text
    assert '<textarea id="unsaved-text" rows="6" readonly>Alice&#39;s &lt;fair&gt; deal' \
        in late.text
    # the same after an expired session: the login brings it back, next to the decision
    clock.advance(seconds=SESSION_TTL.total_seconds() + 1)
    refused = alice.post(f"/items/{item_id}/edit", data={"csrf_token": token,
                                                         "text": "Alice's second try"})
    again = alice.post("/login", data={
        "csrf_token": csrf(refused.text), "name": "alice", "password": PASSWORD,
        "next": f"/items/{item_id}", "pending_text": "Alice's second try"})
    assert again.status_code == 200 and "Alice&#39;s second try</textarea>" in again.text
    assert store.get(item_id).edited_text is None


def test_an_expired_session_on_a_decision_does_nothing(store: ReviewStore, alice: TestClient,
                                                       clock: Clock) -> None:
    item_id = store.submit(make_verdict("A cheap deal", "x2"))
    token = csrf(alice.get(f"/items/{item_id}").text)
    clock.advance(seconds=SESSION_TTL.total_seconds() + 1)
    for action in ("approve", "reject"):
        refused = alice.post(f"/items/{item_id}/{action}", data={"csrf_token": token})
        assert refused.status_code == 401 and "nothing was saved" in refused.text
        assert f'name="next" value="/items/{item_id}"' in refused.text
    assert store.get(item_id).status is Status.PENDING


# -- two reviewers, one draft -------------------------------------------------------------

def test_two_reviewers_editing_one_draft_the_second_is_told_and_nothing_is_overwritten(
        store: ReviewStore, alice: TestClient, bob: TestClient) -> None:
    item_id = store.submit(make_verdict("A cheap deal", "two"))
    alice_page, bob_page = alice.get(f"/items/{item_id}"), bob.get(f"/items/{item_id}")
    assert 'name="version" value="0"' in alice_page.text
    saved = bob.post(f"/items/{item_id}/edit", data={
        "csrf_token": csrf(bob_page.text), "text": "Bob's fair deal.", "version": "0"})
    assert saved.status_code == 200
    bob.post(f"/items/{item_id}/release", data={"csrf_token": csrf(bob_page.text)})
    # alice still has the page from before bob's edit
    late = alice.post(f"/items/{item_id}/edit", data={
        "csrf_token": csrf(alice_page.text), "text": "Alice's fair deal.", "version": "0"})
    assert late.status_code == 409
    assert "changed by bob since you opened it" in late.text
    assert "Bob&#39;s fair deal." in late.text  # she sees what is there now ...
    assert '<textarea name="text" id="edit-text" rows="8">Alice&#39;s fair deal.' in late.text
    stale_approval = alice.post(f"/items/{item_id}/approve", data={
        "csrf_token": csrf(alice_page.text), "version": "0"})
    assert stale_approval.status_code == 409  # ... and cannot approve copy she has not seen
    item = store.get(item_id)
    assert (item.edited_text, item.status, item.version) == ("Bob's fair deal.",
                                                             Status.EDITED, 1)
    assert [a for a, _ in trail(store, item_id)].count(Action.EDITED) == 1
    # on the current version her decision goes through
    assert alice.post(f"/items/{item_id}/approve", data={
        "csrf_token": csrf(late.text), "version": "1"}).status_code == 200
    assert store.get(item_id).status is Status.APPROVED
