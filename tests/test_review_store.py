"""The review store, on SQLite and on the real PostgreSQL: migrations, idempotent submit,
minimization, filters, claims and their expiry, decisions, overrides, edits and the audit
trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from copyguard import Category, Draft, Route, Severity, Verdict
from copyguard.hookspecs import hookimpl
from copyguard.model import PersonalizedSpan
from copyguard.review import (
    Action,
    AlreadyDecided,
    ClaimConflict,
    ItemNotFound,
    Minimization,
    OverrideRequired,
    QueueFilter,
    ReviewError,
    ReviewStore,
    Status,
    StoreUnavailable,
    open_store,
)
from copyguard.review.db import current_revision, downgrade, head_revision, upgrade
from copyguard.review.models import Base
from copyguard.review.notify import ReviewDecided
from tests.review_support import (
    BACKENDS,
    Clock,
    DecisionRecorder,
    finding,
    fresh_store,
    make_verdict,
    quiet_hooks,
    rich_campaign,
    rich_recipient,
)

TABLES = {"review_items", "review_item_categories", "review_events", "reviewers",
          "review_sessions"}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(backend: str, tmp_path: Path, clock: Clock) -> Iterator[ReviewStore]:
    with fresh_store(backend, tmp_path, claim_ttl=timedelta(minutes=10)) as opened:
        opened.clock = clock
        yield opened


def actions(store: ReviewStore, item_id: str) -> list[str]:
    return [entry.action.value for entry in store.history(item_id)]


# -- schema ---------------------------------------------------------------------------------

def test_opening_an_empty_database_migrates_it_to_head(store: ReviewStore) -> None:
    assert current_revision(store.engine) == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []  # the models describe exactly what the migrations built


def test_downgrade_and_upgrade_again(store: ReviewStore) -> None:
    downgrade(store.engine, "base")
    assert current_revision(store.engine) is None
    assert not TABLES & set(inspect(store.engine).get_table_names())
    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    assert store.submit(make_verdict()) == "1"


def test_unreachable_or_bad_store_urls_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1:1/"):
        open_store("postgresql://postgres@127.0.0.1:1/test")
    with pytest.raises(StoreUnavailable, match="use sqlite"):
        open_store("mysql://x@localhost/db")
    with pytest.raises(StoreUnavailable, match="schema"):
        open_store(f"sqlite:///{tmp_path / 'x.db'}?schema=abc")
    with pytest.raises(ReviewError, match="minimization"):
        open_store(f"sqlite:///{tmp_path / 'x.db'}", minimization="everything")


def test_claim_time_comes_from_the_environment(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'ttl.db'}"
    monkeypatch.setenv("COPYGUARD_REVIEW_CLAIM_TTL", "45m")
    with open_store(url, hooks=quiet_hooks()) as store:
        assert store.claim_ttl == timedelta(minutes=45)
    with open_store(url, claim_ttl=timedelta(minutes=5), hooks=quiet_hooks()) as store:
        assert store.claim_ttl == timedelta(minutes=5)
    monkeypatch.setenv("COPYGUARD_REVIEW_CLAIM_TTL", "a while")
    with pytest.raises(ReviewError, match="COPYGUARD_REVIEW_CLAIM_TTL"):
        open_store(url)


def test_default_store_is_a_sqlite_file_in_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COPYGUARD_REVIEW_URL", raising=False)
    with open_store(hooks=quiet_hooks()) as store:
        store.submit(make_verdict())
    assert (tmp_path / "copyguard-review.sqlite3").is_file()
    monkeypatch.setenv("COPYGUARD_REVIEW_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with open_store(hooks=quiet_hooks()):
        pass
    assert (tmp_path / "env.db").is_file()


# -- submitting ----------------------------------------------------------------------------

def test_submit_is_idempotent_by_draft_id_and_content(store: ReviewStore) -> None:
    first = store.submit(make_verdict("Buy now", "d1"))
    assert store.submit(make_verdict("Buy now", "d1")) == first
    changed = store.submit(make_verdict("Buy now!", "d1"))
    other_id = store.submit(make_verdict("Buy now", "d2"))
    assert len({first, changed, other_id}) == 3
    no_id = store.submit(make_verdict("Anonymous copy", None))
    assert store.submit(make_verdict("Anonymous copy", None)) == no_id
    assert store.count(QueueFilter(statuses=())) == 4
    assert actions(store, first) == ["submitted"]


def test_submit_keeps_what_the_reviewer_needs(store: ReviewStore) -> None:
    verdict = make_verdict("Hi Maria, a guaranteed bargain", "d9", findings=(
        finding("guarantee", Severity.ERROR, 19, 29, category=Category.COMPLIANCE),
        finding("bargain", Severity.WARNING, 30, 37)), campaign=rich_campaign())
    item = store.get(store.submit(verdict))
    assert (item.status, item.route, item.brand, item.draft_id) == (
        Status.PENDING, Route.REVIEW, "acme", "d9")
    assert item.categories == ("brand", "compliance")
    assert item.max_severity is Severity.ERROR
    assert item.verdict["findings"][0]["code"] == "guarantee"
    assert item.draft["campaign"] == {"id": "spring", "tags": ["sale"], "industry": "retail",
                                      "promoted_items": [], "sent_at": None}
    assert item.as_draft("New text").text == "New text"
    assert item.as_draft().campaign.id == "spring"
    assert item.blocking == ["test.guarantee (error)"]
    history = store.history(item.id)
    assert history[0].action is Action.SUBMITTED and history[0].detail["route"] == "review"


@pytest.mark.parametrize(("level", "profile", "sensitive"), [
    (Minimization.FULL, {"first_name", "email", "city"}, {"health"}),
    (Minimization.REFERENCED, {"first_name"}, {"health"}),
    (Minimization.ID, None, None)])
def test_recipient_data_is_minimized_as_configured(
        backend: str, tmp_path: Path, level: Minimization, profile: set[str] | None,
        sensitive: set[str] | None) -> None:
    base = make_verdict("Hi Maria, stay well with your diabetes care", "m1",
                        findings=(finding("health", Severity.ERROR, 25, 33,
                                          category=Category.SENSITIVE, field="sensitive.health"),),
                        recipient=rich_recipient())
    verdict = Verdict(draft=base.draft, route=Route.BLOCK, findings=base.findings,
                      personalized_spans=(PersonalizedSpan(3, 8, "profile.first_name"),))
    with fresh_store(backend, tmp_path, minimization=level) as store:
        stored = store.get(store.submit(verdict)).draft["recipient"]
    assert stored["id"] == "r-7"
    if profile is None:
        assert stored == {"id": "r-7"}
        return
    assert set(stored["profile"]) == profile
    assert set(stored["sensitive"]) == sensitive
    assert stored["opt_outs"] == ["sms"] and stored["consents"] == ["email"]


def test_a_failed_submit_leaves_nothing_behind(store: ReviewStore,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_log(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_log", broken_log)
    with pytest.raises(RuntimeError):
        store.submit(make_verdict())
    monkeypatch.undo()
    assert store.count(QueueFilter(statuses=())) == 0
    assert store.submit(make_verdict()) and store.count() == 1


def test_a_rerun_after_a_crash_adds_no_duplicates(backend: str, tmp_path: Path) -> None:
    verdicts = [make_verdict(f"Copy number {n}", f"b{n}") for n in range(30)]
    with fresh_store(backend, tmp_path) as store:
        for verdict in verdicts[:17]:  # the batch "crashes" after 17 drafts
            store.submit(verdict)
        reopened = open_store(store.url, hooks=quiet_hooks())
        ids = [reopened.submit(verdict) for verdict in verdicts]  # re-run the whole batch
        assert len(set(ids)) == 30 and reopened.count() == 30
        assert sum(actions(reopened, i).count("submitted") for i in ids) == 30
        reopened.close()


# -- listing -------------------------------------------------------------------------------

def test_list_filters_and_orders_oldest_first(store: ReviewStore, clock: Clock) -> None:
    old = store.submit(make_verdict("Old bargain", "o", brand="acme", route=Route.REVIEW))
    clock.advance(hours=3)
    blocked = store.submit(make_verdict("Card 4111", "b", brand="acme", route=Route.BLOCK,
                                        findings=(finding("CREDIT_CARD", Severity.ERROR,
                                                          category=Category.PII),)))
    clock.advance(minutes=30)
    other = store.submit(make_verdict("Other brand", "x", brand="zenith", route=Route.REVISE))
    everything = [i.id for i in store.list()]
    assert everything == [old, blocked, other]
    assert [i.id for i in store.list(QueueFilter(brand="acme"))] == [old, blocked]
    assert [i.id for i in store.list(QueueFilter(route=Route.BLOCK))] == [blocked]
    assert [i.id for i in store.list(QueueFilter(category="pii"))] == [blocked]
    assert [i.id for i in store.list(QueueFilter(category="locale"))] == []
    assert [i.id for i in store.list(QueueFilter(older_than=timedelta(hours=1)))] == [old]
    assert [i.id for i in store.list(QueueFilter(newer_than=timedelta(hours=1)))] == [
        blocked, other]
    assert store.count(QueueFilter(brand="acme", route=Route.REVIEW)) == 1
    assert (store.count(), store.count(cap=2), store.count(cap=10)) == (3, 2, 3)
    assert [i.id for i in store.list(limit=1, offset=1)] == [blocked]
    store.reject(old, "alice")
    assert [i.id for i in store.list()] == [blocked, other]
    assert [i.id for i in store.list(QueueFilter(statuses=(Status.REJECTED,)))] == [old]
    assert store.count(QueueFilter(statuses=())) == 3


def test_bad_page_and_claim_sizes_are_refused(store: ReviewStore) -> None:
    with pytest.raises(ReviewError, match="limit"):
        store.list(limit=0)
    with pytest.raises(ReviewError, match="offset"):
        store.list(offset=-1)
    with pytest.raises(ReviewError, match="at least one"):
        store.claim("alice", count=0)


def test_unknown_items_are_reported(store: ReviewStore) -> None:
    for bad in ("999", "abc"):
        with pytest.raises(ItemNotFound, match=bad):
            store.get(bad)
    with pytest.raises(ItemNotFound):
        store.approve("42", "alice")


# -- claiming ------------------------------------------------------------------------------

def test_claims_hand_out_each_item_once_oldest_first(store: ReviewStore, clock: Clock) -> None:
    ids = []
    for n in range(3):
        ids.append(store.submit(make_verdict(f"Copy {n}", f"c{n}")))
        clock.advance(seconds=1)
    alice = store.claim("alice")
    bob = store.claim("bob", count=5)
    assert [i.id for i in alice] == ids[:1] and [i.id for i in bob] == ids[1:]
    assert alice[0].status is Status.CLAIMED and alice[0].claimed_by == "alice"
    assert store.claim("carol") == []
    assert [i.id for i in store.list(QueueFilter(claimed_by="bob"))] == ids[1:]


def test_claims_respect_filters(store: ReviewStore) -> None:
    store.submit(make_verdict("A", "a", brand="acme"))
    wanted = store.submit(make_verdict("Z", "z", brand="zenith"))
    assert [i.id for i in store.claim("alice", QueueFilter(brand="zenith"))] == [wanted]
    assert store.claim("alice", QueueFilter(brand="zenith")) == []


def test_claims_expire_and_the_item_can_be_claimed_again(store: ReviewStore,
                                                         clock: Clock) -> None:
    item_id = store.submit(make_verdict())
    store.claim("alice")
    with pytest.raises(ClaimConflict, match="alice"):
        store.claim_item(item_id, "bob")
    with pytest.raises(ClaimConflict):
        store.approve(item_id, "bob")
    clock.advance(minutes=9)
    assert store.claim("bob") == []
    clock.advance(minutes=2)  # alice's 10-minute claim has run out
    assert [i.id for i in store.claim("bob")] == [item_id]
    claims = [e for e in store.history(item_id) if e.action is Action.CLAIMED]
    assert [c.actor for c in claims] == ["alice", "bob"]
    assert claims[1].detail["previous_claim"] == "alice"
    with pytest.raises(ClaimConflict):
        store.reject(item_id, "alice")


def test_release_puts_the_item_back(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    store.claim("alice")
    with pytest.raises(ClaimConflict, match="bob holds no claim"):
        store.release(item_id, "bob")
    assert store.release(item_id, "alice").status is Status.PENDING
    assert [i.id for i in store.claim("bob")] == [item_id]
    assert actions(store, item_id) == ["submitted", "claimed", "released", "claimed"]


# -- deciding ------------------------------------------------------------------------------

def test_approve_warning_copy_without_override(store: ReviewStore) -> None:
    recorder = DecisionRecorder()
    store._hooks = quiet_hooks(recorder)
    item_id = store.submit(make_verdict(campaign=rich_campaign(), recipient=rich_recipient()))
    decision = store.approve(item_id, "alice", reason="reads fine")
    assert decision.status is Status.APPROVED and not decision.override
    assert (decision.campaign_id, decision.recipient_id, decision.text) == (
        "spring", "r-7", "Hello there, buy now.")
    item = store.get(item_id)
    assert (item.status, item.reviewer, item.decision_reason) == (
        Status.APPROVED, "alice", "reads fine")
    assert item.decided_at == store.clock() and item.claimed_by is None
    assert recorder.decisions == [decision]
    with pytest.raises(AlreadyDecided):
        store.approve(item_id, "bob")
    with pytest.raises(AlreadyDecided):
        store.claim_item(item_id, "bob")
    assert store.claim("bob") == []
    assert actions(store, item_id) == ["submitted", "approved"]


def test_approving_error_findings_needs_an_explicit_override(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict(findings=(finding(severity=Severity.ERROR, end=5),)))
    with pytest.raises(OverrideRequired, match=r"test.banned \(error\)"):
        store.approve(item_id, "alice", reason="looks fine to me")
    with pytest.raises(ReviewError, match="needs a reason"):
        store.approve(item_id, "alice", override=True)
    assert store.get(item_id).status is Status.PENDING
    decision = store.approve(item_id, "alice", override=True, reason="legal signed off")
    assert decision.override
    approved = store.history(item_id)[-1]
    assert approved.action is Action.APPROVED
    assert approved.detail["override"] == ["test.banned (error)"]
    assert approved.detail["reason"] == "legal signed off"
    assert store.get(item_id).override


def test_block_verdicts_need_an_override_too(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict(route=Route.BLOCK, findings=(
        finding("health", Severity.WARNING, category=Category.SENSITIVE),)))
    with pytest.raises(OverrideRequired, match="route is block"):
        store.approve(item_id, "alice")


def test_reject_records_the_reason(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    decision = store.reject(item_id, "bob", "off-brand tone")
    assert decision.status is Status.REJECTED and decision.reason == "off-brand tone"
    entry = store.history(item_id)[-1]
    assert (entry.action, entry.actor, entry.detail["reason"]) == (
        Action.REJECTED, "bob", "off-brand tone")


def test_edits_are_rechecked_before_approval(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict("A guaranteed win", "e1", findings=(
        finding("guarantee", Severity.ERROR, 2, 12),)))
    seen: list[Draft] = []

    def recheck(draft: Draft) -> Verdict:
        seen.append(draft)
        bad = "guaranteed" in draft.text
        found = (finding("guarantee", Severity.ERROR, 0, 5),) if bad else ()
        return Verdict(draft=draft, route=Route.REVIEW if bad else Route.PASS, findings=found,
                       reasons=("recheck",))

    still_bad = store.edit(item_id, "alice", "Still guaranteed", recheck)
    assert still_bad.status is Status.EDITED and still_bad.claimed_by == "alice"
    assert seen[0].text == "Still guaranteed" and seen[0].id == "e1" and seen[0].brand == "acme"
    with pytest.raises(OverrideRequired):
        store.approve(item_id, "alice")
    with pytest.raises(ClaimConflict):
        store.edit(item_id, "bob", "Bob's version", recheck)
    fixed = store.edit(item_id, "alice", "A likely win", recheck)
    assert fixed.current_text == "A likely win" and fixed.recheck is not None
    assert fixed.recheck["route"] == "pass" and fixed.blocking == []
    decision = store.approve(item_id, "alice")  # the edit is clean: no override needed
    assert decision.text == "A likely win" and decision.edited and not decision.override
    edits = [e for e in store.history(item_id) if e.action is Action.EDITED]
    assert [e.detail["text"] for e in edits] == ["Still guaranteed", "A likely win"]
    assert edits[0].detail["blocking"] == ["test.guarantee (error)"]
    with pytest.raises(ReviewError, match="some text"):
        store.edit(store.submit(make_verdict("x", "e2")), "alice", "  ", recheck)


def test_released_edit_stays_edited(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())

    def clean(draft: Draft) -> Verdict:
        return Verdict(draft=draft, route=Route.PASS, reasons=("pass: nothing found",))

    store.edit(item_id, "alice", "Better copy", clean)
    item = store.release(item_id, "alice")
    assert item.status is Status.EDITED and item.claimed_by is None
    assert store.claim("bob")[0].status is Status.EDITED


# -- the audit trail and notifications -------------------------------------------------------

def test_the_audit_trail_is_append_only(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    store.reject(item_id, "alice", "no")
    for statement in ("UPDATE review_events SET actor = 'mallory'", "DELETE FROM review_events"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in store.history(item_id)] == ["copyguard", "alice"]


class FailingHook:
    __name__ = "failing-hook"

    @hookimpl
    def review_decided(self) -> None:
        raise ConnectionError("pipeline down")


class EventRecorder:
    __name__ = "event-recorder"

    def __init__(self) -> None:
        self.events: list[object] = []

    @hookimpl
    def record_event(self, event: object) -> None:
        self.events.append(event)


def test_a_failing_decision_hook_is_recorded_and_the_decision_stands(
        store: ReviewStore) -> None:
    recorder, observer = DecisionRecorder(), EventRecorder()
    store._hooks = quiet_hooks(FailingHook(), recorder, observer)
    item_id = store.submit(make_verdict())
    decision = store.approve(item_id, "alice")
    assert store.get(item_id).status is Status.APPROVED
    assert recorder.decisions == [decision]  # the other plugin still heard about it
    assert [e.decision for e in observer.events if isinstance(e, ReviewDecided)] == [decision]
    failed = store.history(item_id)[-1]
    assert failed.action is Action.NOTIFY_FAILED
    assert failed.detail == {"plugin": "failing-hook", "error": "ConnectionError: pipeline down"}


def test_reviewer_names_are_required(store: ReviewStore) -> None:
    item_id = store.submit(make_verdict())
    for name in ("", " ", "x" * 101):
        with pytest.raises(ReviewError, match="reviewer name"):
            store.approve(item_id, name)
