"""``copyguard check --batch --review-store`` and the reviewer's ``copyguard review`` commands."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from copyguard import Guard, Route, Severity
from copyguard.cli import main
from copyguard.review import Action, QueueFilter, ReviewStore, Status, open_store
from copyguard.review.present import marked, parse_duration, segments, terminal_safe
from copyguard.review.store import utcnow
from tests.review_support import (
    BACKENDS,
    Clock,
    finding,
    fresh_store,
    light_guard,
    make_verdict,
    quiet_hooks,
)

DRAFTS = [
    {"id": "ok-1", "text": "Fresh coffee, every morning.", "brand": None},
    {"id": "cheap-1", "text": "A cheap deal for you.", "brand": None},
    {"id": "ok-2", "text": "See you soon.", "brand": None},
    {"id": "promise-1", "text": "Results guaranteed, a bargain.", "brand": None},
    {"id": "bargain-1", "text": "Today's bargain.", "brand": None},
]
FLAGGED = {"cheap-1", "promise-1", "bargain-1"}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return light_guard()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReviewStore]:
    with fresh_store(str(request.param), tmp_path) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch, guard: Guard) -> None:
    """Every CLI run uses the light guard, and no installed plugin hears decisions."""
    monkeypatch.setattr("copyguard.cli._guard", lambda args: guard)
    monkeypatch.setattr("copyguard.review.cli.make_guard", lambda args: guard)
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")
    monkeypatch.setenv("COPYGUARD_REVIEWER", "alice")


def batch_file(tmp_path: Path, drafts: list[dict[str, Any]] = DRAFTS) -> Path:
    path = tmp_path / "drafts.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in drafts), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- check --batch --review-store -----------------------------------------------------------

def test_batch_sends_every_non_pass_verdict_to_the_queue(
        store: ReviewStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = batch_file(tmp_path)
    code, out, _ = run(capsys, "check", "--batch", str(source), "--review-store", store.url,
                       "--quiet")
    assert code == 1
    routes = {line["id"]: line["route"] for line in map(json.loads, out.splitlines())}
    assert set(routes) == {d["id"] for d in DRAFTS}
    queued = store.list(QueueFilter(statuses=()))
    assert {item.draft_id for item in queued} == FLAGGED
    assert {item.draft_id: item.route.value for item in queued} == {
        i: routes[i] for i in FLAGGED}
    # running the same batch again queues nothing twice
    assert run(capsys, "check", "--batch", str(source), "--review-store", store.url)[0] == 1
    assert store.count(QueueFilter(statuses=())) == 3


def test_batch_stops_when_the_store_fails_midway_and_a_rerun_completes_it(
        store: ReviewStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_submit = ReviewStore.submit
    calls = {"n": 0}

    def flaky_submit(self: ReviewStore, verdict: Any, **kwargs: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("INSERT", {}, ConnectionError("server closed the connection"))
        return real_submit(self, verdict, **kwargs)

    monkeypatch.setattr(ReviewStore, "submit", flaky_submit)
    source = batch_file(tmp_path)
    code, out, err = run(capsys, "check", "--batch", str(source), "--review-store", store.url)
    assert code == 2
    assert "the batch stopped here" in err and "'promise-1'" in err
    # only the drafts before the failure were reported; nothing after it claims to have passed
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["ok-1", "cheap-1", "ok-2"]
    assert {i.draft_id for i in store.list()} == {"cheap-1"}
    monkeypatch.setattr(ReviewStore, "submit", real_submit)
    assert run(capsys, "check", "--batch", str(source), "--review-store", store.url)[0] == 1
    assert sorted(i.draft_id or "" for i in store.list()) == sorted(FLAGGED)


def test_batch_with_an_unreachable_store_checks_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--batch", str(batch_file(tmp_path)),
                         "--review-store", "postgresql://postgres@127.0.0.1:1/test")
    assert code == 2 and out == ""
    assert "cannot open review store" in err and "Connection refused" in err


def test_batch_with_an_unknown_sink_scheme(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--batch", str(batch_file(tmp_path)),
                         "--review-store", "redis://localhost:6379/0")
    assert code == 2 and out == ""
    assert "no review sink handles 'redis' URLs" in err and "postgresql" in err


# -- copyguard review -----------------------------------------------------------------------

@pytest.fixture
def queued(store: ReviewStore) -> dict[str, str]:
    """Three items: a warning, an error and another brand's item."""
    clock = Clock()
    clock.now = utcnow() - timedelta(hours=5)
    store.clock = clock
    ids = {"warn": store.submit(make_verdict("A bargain for you", "w", findings=(
        finding("bargain", Severity.WARNING, 2, 9),)))}
    clock.advance(hours=4)
    ids["error"] = store.submit(make_verdict("Results guaranteed", "e", route=Route.REVIEW,
                                             findings=(finding("guarantee", Severity.ERROR,
                                                               8, 18),)))
    ids["other"] = store.submit(make_verdict("\x1b[2JHi there", "o", brand="zenith",
                                             route=Route.BLOCK, findings=()))
    store.clock = utcnow
    return ids


def listed(out: str) -> list[str]:
    return [line.split("\t")[0] for line in out.splitlines()]


def test_review_list_with_filters(store: ReviewStore, queued: dict[str, str],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--store", store.url]
    assert listed(run(capsys, "review", "list", *url)[1]) == list(queued.values())
    assert listed(run(capsys, "review", "list", *url, "--brand", "zenith")[1]) == [
        queued["other"]]
    assert listed(run(capsys, "review", "list", *url, "--route", "block")[1]) == [
        queued["other"]]
    assert listed(run(capsys, "review", "list", *url, "--category", "brand")[1]) == [
        queued["warn"], queued["error"]]
    assert listed(run(capsys, "review", "list", *url, "--older-than", "2h")[1]) == [
        queued["warn"]]
    assert listed(run(capsys, "review", "list", *url, "--newer-than", "2h")[1]) == [
        queued["error"], queued["other"]]
    code, out, _ = run(capsys, "review", "list", *url, "--format", "json")
    assert code == 0 and [item["draft_id"] for item in json.loads(out)] == ["w", "e", "o"]
    # draft text cannot drive the terminal: the escape sequence is shown, not sent
    assert "\x1b" not in out and "\x1b" not in run(capsys, "review", "list", *url)[1]
    code, _, err = run(capsys, "review", "list", *url, "--older-than", "soon")
    assert code == 2 and "not a duration" in err


def test_review_show_explains_the_item(store: ReviewStore, queued: dict[str, str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", "show", queued["error"], "--store", store.url)
    assert code == 0
    assert "Results [[guaranteed]]^1" in out
    assert "error      brand/test.guarantee: guarantee found" in out
    assert "approving needs --override --reason" in out
    assert "submitted" in out.split("history:")[1]
    code, _, err = run(capsys, "review", "show", "999", "--store", store.url)
    assert code == 2 and "999" in err


def test_review_claim_approve_reject(store: ReviewStore, queued: dict[str, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--store", store.url]
    code, out, _ = run(capsys, "review", "claim", *url, "--reviewer", "bob")
    assert code == 0 and listed(out) == [queued["warn"]] and "claimed:bob" in out
    code, _, err = run(capsys, "review", "approve", queued["warn"], *url)  # alice
    assert code == 1 and "claimed by bob" in err
    assert run(capsys, "review", "approve", queued["warn"], *url, "--reviewer", "bob")[0] == 0
    assert run(capsys, "review", "reject", queued["other"], *url, "--reason", "spam")[0] == 0
    assert store.get(queued["warn"]).status is Status.APPROVED
    assert store.get(queued["other"]).decision_reason == "spam"
    code, _, err = run(capsys, "review", "claim", *url, "--brand", "zenith")
    assert code == 1 and "nothing to claim" in err


def test_review_approve_of_error_copy_needs_override_and_reason(
        store: ReviewStore, queued: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--store", store.url]
    code, _, err = run(capsys, "review", "approve", queued["error"], *url)
    assert code == 1 and "override" in err
    code, _, err = run(capsys, "review", "approve", queued["error"], *url, "--override")
    assert code == 2 and "--override needs --reason" in err
    code, out, _ = run(capsys, "review", "approve", queued["error"], *url, "--override",
                       "--reason", "claim verified by legal")
    assert code == 0 and "(override)" in out
    entry = store.history(queued["error"])[-1]
    assert (entry.action, entry.actor, entry.detail["reason"]) == (
        Action.APPROVED, "alice", "claim verified by legal")
    assert entry.detail["override"] == ["test.guarantee (error)"]


def test_review_edit_rechecks_before_approval(store: ReviewStore, queued: dict[str, str],
                                              capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    url = ["--store", store.url]
    item = queued["error"]
    code, out, _ = run(capsys, "review", "edit", item, *url, "--text", "Results vary, "
                       "but it is still guaranteed")
    assert code == 0 and "edited (re-check: review)" in out
    assert "approving needs --override" in out
    assert run(capsys, "review", "approve", item, *url)[0] == 1
    new_copy = tmp_path / "copy.txt"
    new_copy.write_text("Results vary.", encoding="utf-8")
    code, out, _ = run(capsys, "review", "edit", item, *url, "--file", str(new_copy))
    assert code == 0 and "edited (re-check: pass)" in out
    assert run(capsys, "review", "approve", item, *url)[0] == 0
    approved = store.get(item)
    assert approved.current_text == "Results vary." and not approved.override
    texts = [e.detail["text"] for e in store.history(item) if e.action is Action.EDITED]
    assert texts == ["Results vary, but it is still guaranteed", "Results vary."]


def test_review_if_version_refuses_stale_edits_and_decisions(
        store: ReviewStore, queued: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, item = ["--store", store.url], queued["warn"]
    code, out, _ = run(capsys, "review", "show", item, *url)
    assert code == 0 and "version 0" in out
    code, _, _ = run(capsys, "review", "edit", item, *url, "--reviewer", "bob", "--text",
                     "A fair offer for you", "--if-version", "0")
    assert code == 0
    run(capsys, "review", "release", item, *url, "--reviewer", "bob")
    for argv in (("edit", item, "--text", "Alice's offer"), ("approve", item),
                 ("reject", item)):
        code, _, err = run(capsys, "review", *argv, *url, "--if-version", "0")
        assert code == 1 and "changed by bob since you opened it" in err, argv
    assert store.get(item).edited_text == "A fair offer for you"
    assert run(capsys, "review", "approve", item, *url, "--if-version", "1")[0] == 0
    assert store.get(item).status is Status.APPROVED


def test_review_edit_can_take_the_automatic_fixes(guard: Guard, store: ReviewStore,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    item = store.submit(guard.check("A cheap deal and a bargain.", id="fx"))
    assert store.get(item).route is Route.REVIEW  # "bargain" has no fix
    code, out, _ = run(capsys, "review", "edit", item, "--store", store.url, "--use-fix")
    assert code == 0 and "A [[affordable]]" not in out and "bargain" in out
    assert store.get(item).edited_text == "A affordable deal and a bargain."
    unfixable = store.submit(make_verdict("x", "nofix"))
    code, _, err = run(capsys, "review", "edit", unfixable, "--store", store.url, "--use-fix")
    assert code == 2 and "no automatic fixes" in err


def test_add_reviewer(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    from copyguard.review.accounts import Accounts
    from copyguard.review.models import reviewers

    store = open_store(f"sqlite:///{tmp_path / 'accounts.sqlite3'}", hooks=quiet_hooks())
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long passphrase\n"))
    code, out, _ = run(capsys, "review", "add-reviewer", "dana", "--store", store.url,
                       "--password-stdin")
    assert code == 0 and "reviewer dana added" in out
    with store.engine.connect() as conn:
        stored = conn.execute(reviewers.select()).one().password_hash
    assert stored.startswith("scrypt$131072$8$1$") and "passphrase" not in stored
    assert Accounts(store).authenticate("dana", "a long passphrase")
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "review", "add-reviewer", "erin", "--store", store.url,
                       "--password-stdin")
    assert code == 2 and "at least 10 characters" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("another passphrase\n"))
    code, _, err = run(capsys, "review", "add-reviewer", "dana", "--store", store.url,
                       "--password-stdin")
    assert code == 2 and "already exists" in err
    code, out, _ = run(capsys, "review", "disable-reviewer", "dana", "--store", store.url)
    assert code == 0 and not Accounts(store).authenticate("dana", "a long passphrase")
    code, _, err = run(capsys, "review", "disable-reviewer", "nobody", "--store", store.url)
    assert code == 2 and "does not exist" in err
    store.close()


# -- presentation helpers ---------------------------------------------------------------------

def test_segments_cut_overlapping_spans() -> None:
    findings = [{"start": 0, "end": 5}, {"start": 3, "end": 8}, {"start": 9, "end": 99}]
    cut = segments("abcdefghij", findings)
    assert [(s.text, s.findings) for s in cut] == [
        ("abc", (1,)), ("de", (1, 2)), ("fgh", (2,)), ("ij", ())]
    assert marked("abcdefghij", findings) == "[[abc]]^1[[de]]^1,2[[fgh]]^2ij"


def test_terminal_safe_and_durations() -> None:
    assert terminal_safe("a\x1b[31mb\rc\nd\u202ee") == "a\\x1b[31mb\\rc\nd\\u202ee"
    assert terminal_safe("x\ny", keep_newlines=False) == "x\\ny"
    assert parse_duration("1d12h").total_seconds() == 36 * 3600
    assert parse_duration("90m").total_seconds() == 5400
    for bad in ("", "soon", "5", "3 parsecs"):
        with pytest.raises(ValueError):
            parse_duration(bad)
