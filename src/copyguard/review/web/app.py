"""The review console: a small Starlette app with server-rendered (autoescaped) pages.

Reviewers log in with the accounts of ``copyguard review add-reviewer``. Every form carries
the session's CSRF token (the login form a double-submit cookie), cookies are HttpOnly and
SameSite=Strict, cross-origin posts are refused, and a strict Content-Security-Policy allows
no script at all, so draft text (LLM output that may hold markup) is only ever shown escaped.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copyguard.guard import Guard
from copyguard.model import Route as CopyRoute
from copyguard.model import Severity
from copyguard.review.accounts import Accounts, WebSession
from copyguard.review.errors import (
    AlreadyDecided,
    AuthError,
    ClaimConflict,
    ItemChanged,
    ItemNotFound,
    OverrideRequired,
    ReviewError,
)
from copyguard.review.passwords import MAX_CONCURRENT as MAX_HASHING
from copyguard.review.present import age, parse_duration, segments, snippet
from copyguard.review.records import OPEN_STATUSES, QueueFilter, ReviewItem, Status
from copyguard.review.store import ReviewStore
from copyguard.review.web.throttle import LoginThrottle

HERE = Path(__file__).parent
SESSION_COOKIE, LOGIN_COOKIE = "copyguard_session", "copyguard_login"
PAGE_SIZE, COUNT_CAP = 50, 10_000
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make Origin "null"
    (b"cache-control", b"no-store"),
]
EXPIRED = ("Your session has expired or you were logged out, so nothing was saved. Log in "
           "again to continue.")
KEPT_EDIT = ("Your edit is kept below; after you log in it is back in the edit box, to check "
             "and save.")
RELOGIN_EDIT = ("Your session had expired, so your edit was NOT saved yet. It is in the edit "
                "box below: check it and press “Save and re-check”.")
ITEM_PATH = re.compile(r"^/items/(\d+)$")
NOTICES = {"approved": "Approved.", "rejected": "Rejected.", "claimed": "Claimed.",
           "released": "Claim released.", "edited": "Edit saved and re-checked.",
           "empty": "Nothing to claim with these filters.", "bye": "Logged out."}


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["age"] = age
    env.filters["snippet"] = snippet
    return env


class Console:
    """The console's state: the store, the accounts, the guard that re-checks edits."""

    def __init__(self, store: ReviewStore, guard_factory: Callable[[], Guard] | None,
                 secure_cookies: bool) -> None:
        self.store, self.accounts = store, Accounts(store)
        self.guard_factory, self.secure_cookies = guard_factory, secure_cookies
        self.templates = Jinja2Templates(env=_environment())
        self.throttle = LoginThrottle()
        self._login_gate: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._guard: Guard | None = None
        self._guard_lock = threading.Lock()

    def login_gate(self) -> asyncio.Semaphore:
        """Logins wait here, not in the thread pool, so a burst of logins (each a 128 MiB
        scrypt) cannot take every worker thread from reviewers who are already in. (One per
        event loop: a test client may run each request in a new loop.)"""
        loop = asyncio.get_running_loop()
        if self._login_gate is None or self._login_gate[0] is not loop:
            self._login_gate = (loop, asyncio.Semaphore(MAX_HASHING))
        return self._login_gate[1]

    def guard(self) -> Guard:
        with self._guard_lock:
            if self._guard is None:
                self._guard = (self.guard_factory or Guard)()
            return self._guard

    # -- pages ----------------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **context: Any,
               ) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def _cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                            secure=self.secure_cookies, path="/")

    async def session(self, request: Request) -> WebSession | None:
        return await run_in_threadpool(self.accounts.session,
                                       request.cookies.get(SESSION_COOKIE))

    def _login_form(self, request: Request, status: int, *, next_path: str,
                    error: str | None, pending: dict[str, str] | None = None) -> Response:
        """The login page with a fresh double-submit token (and any unsaved edit)."""
        token = secrets.token_urlsafe(32)
        response = self.render(request, "login.html", status, csrf_token=token, error=error,
                               next=next_path, pending=pending)
        self._cookie(response, LOGIN_COOKIE, token, 3600)
        return response

    async def login_page(self, request: Request) -> Response:
        return self._login_form(request, 200, error=None,
                                next_path=_local_path(request.query_params.get("next")))

    async def expired(self, request: Request) -> Response:
        """A form posted without a live session: nothing is done. The reviewer logs in again;
        an edit's text comes back with the login form instead of being dropped."""
        path = request.url.path
        item_path = path.rsplit("/", 1)[0] if path.startswith("/items/") else "/"
        pending = None
        if path.endswith("/edit"):
            form = await request.form()
            pending = {"text": str(form.get("text", "")),
                       "version": str(form.get("version", ""))}
        error = EXPIRED + (" " + KEPT_EDIT if pending else "")
        return self._login_form(request, 401, next_path=_local_path(item_path), error=error,
                                pending=pending)

    async def login(self, request: Request) -> Response:
        form = await request.form()
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf_token", ""))):
            return PlainTextResponse("CSRF token missing or wrong", status_code=403)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        next_path = _local_path(str(form.get("next", "")))
        pending = ({"text": str(form["pending_text"]),
                    "version": str(form.get("pending_version", ""))}
                   if "pending_text" in form and ITEM_PATH.match(next_path) else None)
        error = None
        if not self.throttle.allowed(name):
            error = "Too many failed logins; try again later."
        else:
            try:
                async with self.login_gate():
                    token, session = await run_in_threadpool(self.accounts.login, name,
                                                             password)
            except AuthError:
                self.throttle.failed(name)
                error = "Unknown reviewer or wrong password."
        if error is not None:
            return self._login_form(request, 401, next_path=next_path, error=error,
                                    pending=pending)
        self.throttle.succeeded(name)
        response: Response = RedirectResponse(next_path, status_code=303)
        match = ITEM_PATH.match(next_path)
        if pending is not None and match:
            response = await self.item_response(
                request, session, match.group(1), notice=RELOGIN_EDIT,
                pending_text=pending["text"], pending_version=pending["version"])
        ttl = int((session.expires_at - self.store.clock()).total_seconds())
        self._cookie(response, SESSION_COOKIE, token, ttl)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    async def logout(self, request: Request, session: WebSession, form: FormData) -> Response:
        await run_in_threadpool(self.accounts.logout, request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login?" + urlencode({"notice": "bye"}), status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def queue(self, request: Request, session: WebSession) -> Response:
        params = request.query_params
        error = None
        try:
            where = _filter(params)
        except ValueError as exc:
            error, where = str(exc), QueueFilter()
        offset = max(0, _int(params.get("offset"), 0))
        found, total = await run_in_threadpool(self._page, where, offset)
        return self.render(request, "queue.html", session=session, items=found, total=total,
                           offset=offset, page_size=PAGE_SIZE, count_cap=COUNT_CAP,
                           filters=_filter_values(params),
                           statuses=[s.value for s in Status], routes=[r.value for r in CopyRoute],
                           now=self.store.clock(), error=error, notice=_notice(params),
                           query=urlencode(_filter_values(params)))

    def _page(self, where: QueueFilter, offset: int) -> tuple[list[ReviewItem], int]:
        return (self.store.list(where, limit=PAGE_SIZE, offset=offset),
                self.store.count(where, cap=COUNT_CAP))

    async def item_page(self, request: Request, session: WebSession) -> Response:
        return await self.item_response(request, session, request.path_params["item_id"],
                                        notice=_notice(request.query_params))

    async def item_response(self, request: Request, session: WebSession, item_id: str | int,
                            *, status: int = 200, error: str | None = None,
                            notice: str | None = None, pending_text: str | None = None,
                            pending_version: str | None = None) -> Response:
        """The item page; ``pending_text`` (an edit not saved yet) fills the edit box, and
        its form keeps ``pending_version``, the version that edit was made on."""
        try:
            item = await run_in_threadpool(self.store.get, item_id)
        except ItemNotFound:
            return PlainTextResponse(f"review item {item_id} does not exist", status_code=404)
        history = await run_in_threadpool(self.store.history, item.id)
        edit_version = _int(pending_version, item.version) if pending_text is not None \
            else item.version
        return self.render(request, "item.html", status, session=session, item=item,
                           history=history, now=self.store.clock(), error=error,
                           notice=notice, edit_text=item.current_text if pending_text is None
                           else pending_text, edit_version=edit_version, unsaved=pending_text,
                           **_item_view(item))

    # -- actions --------------------------------------------------------------------------

    async def claim_next(self, request: Request, session: WebSession, form: FormData,
                         ) -> Response:
        try:
            where = _filter(form)
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        claimed = await run_in_threadpool(self.store.claim, session.reviewer, where)
        if not claimed:
            return RedirectResponse("/?" + urlencode({**_filter_values(form), "notice": "empty"}),
                                    status_code=303)
        return _to_item(claimed[0].id, "claimed")

    async def act(self, request: Request, session: WebSession, form: FormData) -> Response:
        item_id, action = request.path_params["item_id"], request.path_params["action"]
        reviewer, reason = session.reviewer, str(form.get("reason", "")).strip() or None
        text = str(form.get("text", ""))
        try:  # the version the reviewer saw; absent means "whatever is current"
            version = int(str(form["version"])) if form.get("version") else None
        except ValueError:
            return PlainTextResponse("version must be a whole number", status_code=400)
        store = self.store
        calls: dict[str, Callable[[], object]] = {
            "claim": lambda: store.claim_item(item_id, reviewer),
            "release": lambda: store.release(item_id, reviewer),
            "approve": lambda: store.approve(item_id, reviewer, reason=reason,
                                             override=form.get("override") == "yes",
                                             version=version),
            "reject": lambda: store.reject(item_id, reviewer, reason, version=version),
            "edit": lambda: store.edit(item_id, reviewer, text, self.guard().check,
                                       version=version),
        }
        if action not in calls:
            return PlainTextResponse("unknown action", status_code=404)
        # a refused edit comes back in the edit box, never dropped
        kept = {"pending_text": text} if action == "edit" else {}
        try:
            await run_in_threadpool(calls[action])
        except ItemNotFound as exc:
            return PlainTextResponse(str(exc), status_code=404)
        except (ClaimConflict, AlreadyDecided, OverrideRequired, ItemChanged) as exc:
            return await self.item_response(request, session, item_id, status=409,
                                            error=str(exc), **kept)
        except ReviewError as exc:
            return await self.item_response(request, session, item_id, status=400,
                                            error=str(exc), **kept)
        notice = {"claim": "claimed", "release": "released", "approve": "approved",
                  "reject": "rejected", "edit": "edited"}[action]
        return _to_item(item_id, notice)


# -- request plumbing -------------------------------------------------------------------------

Page = Callable[[Request, WebSession], Awaitable[Response]]
Action = Callable[[Request, WebSession, FormData], Awaitable[Response]]


def _page(console: Console, handler: Page) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        session = await console.session(request)
        if session is None:
            return RedirectResponse("/login?" + urlencode({"next": request.url.path}),
                                    status_code=303)
        return await handler(request, session)
    return endpoint


def _action(console: Console, handler: Action) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint: logged in, same origin, and the session's CSRF token in the form."""
    async def endpoint(request: Request) -> Response:
        session = await console.session(request)
        if session is None:
            return await console.expired(request)
        if not _same_origin(request):
            return PlainTextResponse("cross-origin request refused", status_code=403)
        form = await request.form()
        if not hmac.compare_digest(session.csrf_token, str(form.get("csrf_token", ""))):
            return PlainTextResponse("CSRF token missing or wrong", status_code=403)
        return await handler(request, session, form)
    return endpoint


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")


def _local_path(value: str | None) -> str:
    """Only same-site paths are followed after login (no open redirects)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _to_item(item_id: str, notice: str) -> Response:
    return RedirectResponse(f"/items/{int(item_id)}?" + urlencode({"notice": notice}),
                            status_code=303)


def _notice(params: Any) -> str | None:
    return NOTICES.get(str(params.get("notice", "")))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


FILTER_KEYS = ("status", "brand", "route", "category", "older_than", "newer_than")


def _filter_values(params: Any) -> dict[str, str]:
    return {key: str(params.get(key)) for key in FILTER_KEYS if params.get(key)}


def _filter(params: Any) -> QueueFilter:
    """A queue filter from query or form fields (ValueError names a bad field)."""
    values = _filter_values(params)
    status = values.get("status", "open")
    if status == "open":
        statuses: tuple[Status, ...] = tuple(sorted(OPEN_STATUSES))
    elif status == "all":
        statuses = ()
    elif status in {s.value for s in Status}:
        statuses = (Status(status),)
    else:
        raise ValueError(f"unknown status {status!r}")
    route = values.get("route")
    if route is not None and route not in {r.value for r in CopyRoute}:
        raise ValueError(f"unknown route {route!r}")
    older, newer = (parse_duration(values[key]) if key in values else None
                    for key in ("older_than", "newer_than"))
    return QueueFilter(statuses=statuses, brand=values.get("brand"),
                       route=CopyRoute(route) if route else None,
                       category=values.get("category"), older_than=older, newer_than=newer)


def _item_view(item: ReviewItem) -> dict[str, Any]:
    """What the detail page shows: highlighted segments and explained findings."""
    def view(text: str, verdict: Any) -> dict[str, Any]:
        findings = list(verdict.get("findings", ()))
        runs = [{"text": s.text, "numbers": s.findings,
                 "severity": max((findings[n - 1]["severity"] for n in s.findings),
                                 key=lambda v: Severity(v).rank) if s.findings else None}
                for s in segments(text, findings)]
        explained = [{"suggestion": None, "fix": None, **f, "number": n,
                      "excerpt": text[f["start"]:f["end"]]} for n, f in enumerate(findings, 1)]
        return {"runs": runs, "findings": explained, "reasons": verdict.get("reasons", ()),
                "route": verdict.get("route"), "fixed_text": verdict.get("fixed_text")}

    return {"original": view(item.text, item.verdict),
            "edited": view(item.edited_text, item.recheck)
            if item.edited_text is not None and item.recheck is not None else None}


def create_app(store: ReviewStore, *, guard_factory: Callable[[], Guard] | None = None,
               secure_cookies: bool = False) -> ASGIApp:
    """The console as an ASGI app. ``guard_factory`` builds the guard that re-checks edits
    (on first use; default: ``Guard()``)."""
    console = Console(store, guard_factory, secure_cookies)
    routes = [
        Route("/login", console.login_page, methods=["GET"]),
        Route("/login", console.login, methods=["POST"]),
        Route("/logout", _action(console, console.logout), methods=["POST"]),
        Route("/", _page(console, console.queue), methods=["GET"]),
        Route("/claim-next", _action(console, console.claim_next), methods=["POST"]),
        Route("/items/{item_id:int}", _page(console, console.item_page), methods=["GET"]),
        Route("/items/{item_id:int}/{action}", _action(console, console.act), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.console = console
    return SecurityHeaders(app)
