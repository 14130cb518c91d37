"""Shared pieces of the review-queue tests: a store per test on SQLite or on the real
PostgreSQL (a fresh schema each time), a controllable clock, a light guard, verdict builders."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from copyguard import (
    BrandGuide,
    Category,
    Draft,
    Finding,
    Guard,
    Route,
    Severity,
    Verdict,
    hookimpl,
)
from copyguard.model import Campaign, Recipient, frozen_map
from copyguard.plugins import PluginHost, build_plugin_manager
from copyguard.review import ReviewDecision, ReviewStore, open_store
from copyguard.review.accounts import Accounts
from tests.helpers import HEURISTIC_PLUGINS, ChecksPlugin, WordCheck

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class DecisionRecorder:
    """A plugin that records every ``review_decided`` call."""

    __name__ = "decision-recorder"

    def __init__(self) -> None:
        self.decisions: list[ReviewDecision] = []

    @hookimpl
    def review_decided(self, decision: ReviewDecision) -> None:
        self.decisions.append(decision)


def quiet_hooks(*plugins: object) -> PluginHost:
    """A plugin host without entry points (an installed webhook plugin must not fire)."""
    return build_plugin_manager(load_entrypoints=False, extra_plugins=plugins,
                                disabled=HEURISTIC_PLUGINS)


def store_url(backend: str, tmp_path: Path) -> tuple[str, str | None]:
    """A URL for a new empty store, and the PostgreSQL schema to drop afterwards."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'review.sqlite3'}", None
    schema = f"cg_test_{uuid.uuid4().hex[:12]}"
    return f"{PG_SERVER}?schema={schema}", schema


def drop_schema(schema: str) -> None:
    engine = create_engine(PG_SERVER)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@contextmanager
def fresh_store(backend: str, tmp_path: Path, **kwargs: Any) -> Iterator[ReviewStore]:
    url, schema = store_url(backend, tmp_path)
    kwargs.setdefault("hooks", quiet_hooks())
    store = open_store(url, **kwargs)
    try:
        yield store
    finally:
        store.close()
        if schema is not None:
            drop_schema(schema)


def finding(code: str = "banned", severity: Severity = Severity.WARNING, start: int = 0,
            end: int = 0, category: Category = Category.BRAND, **extra: Any) -> Finding:
    return Finding(check="test", code=code, category=category, severity=severity,
                   message=f"{code} found", start=start, end=end, **extra)


def make_verdict(text: str = "Hello there, buy now.", draft_id: str | None = "d1", *,
                 route: Route = Route.REVIEW, findings: tuple[Finding, ...] | None = None,
                 brand: str | None = "acme", **draft: Any) -> Verdict:
    found = (finding(end=5),) if findings is None else findings
    return Verdict(draft=Draft(text, draft_id, brand=brand, **draft), route=route,
                   findings=found, reasons=(f"{route.value}: test",))


def rich_recipient() -> Recipient:
    return Recipient(id="r-7", profile=frozen_map({"first_name": "Maria", "email": "m@x.org",
                                                   "city": "Porto"}),
                     consents=frozenset({"email"}), opt_outs=frozenset({"sms"}),
                     sensitive=frozen_map({"health": "diabetes"}))


def rich_campaign() -> Campaign:
    return Campaign(id="spring", tags=("sale",), industry="retail")


# Words the light guard flags: "cheap" has a fix (warning), "guaranteed" is an error without
# one, "bargain" a warning without one.
LIGHT_CHECKS = (WordCheck("cheap-word", "cheap", Severity.WARNING, fix="affordable"),
                WordCheck("guarantee-word", "guaranteed", Severity.ERROR),
                WordCheck("bargain-word", "bargain", Severity.WARNING))


class TestBrands:
    """Registers the plain guides of the brands the tests use."""

    __name__ = "test-brands"

    @hookimpl
    def register_brand_guides(self, register: Any) -> None:
        for brand in ("acme", "zenith"):
            register(BrandGuide(id=brand, name=brand.title()))


def light_guard(*plugins: object) -> Guard:
    """Only the word checks above, built-in routing and the built-in review sink."""
    disabled = [p for p in HEURISTIC_PLUGINS if not p.endswith(".review_sink")]
    return Guard(load_entrypoints=False, disabled_plugins=disabled, brand_dirs=[],
                 plugins=(ChecksPlugin(*LIGHT_CHECKS, name="light-checks"), TestBrands(),
                          *plugins))


# -- the web console ----------------------------------------------------------------------

PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    """The CSRF token of the first form in a console page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def web_login(client: TestClient, name: str = "alice", password: str = PASSWORD,
               next_path: str = "/") -> TestClient:
    """Log ``client`` (a Starlette TestClient) in through the login form."""
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf(page.text), "name": name,
                                           "password": password, "next": next_path})
    assert response.status_code == 200, response.text
    return client


def add_reviewers(store: ReviewStore, *names: str) -> None:
    """Reviewer accounts with ``PASSWORD`` (a low hashing cost: fast tests)."""
    accounts = Accounts(store, password_cost=2**14)
    for name in names:
        accounts.add_reviewer(name, PASSWORD)
