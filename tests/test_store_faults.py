"""The batch path under review-store faults, against the real PostgreSQL behind a proxy the
tests break (tests/fault_proxy.py): a restart mid-batch (retried, nothing lost or doubled), a
commit whose answer is lost (retried, not doubled), a store that dies for good (the batch
stops cleanly and a re-run completes it) and a store that is not there at all."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from copyguard import Guard
from copyguard.cli import main
from copyguard.review import ReviewStore, StoreUnavailable
from tests.fault_proxy import FaultProxy
from tests.review_support import PG_SERVER, drop_schema, light_guard

pytestmark = pytest.mark.postgres

WORDS = ("cheap", "bargain", "guaranteed", "fresh", "calm")  # the last two pass


def drafts(count: int) -> list[dict[str, Any]]:
    return [{"id": f"f{n}", "text": f"Offer {n}: a {WORDS[n % len(WORDS)]} deal.", "brand": None}
            for n in range(count)]


def flagged_ids(count: int) -> set[str]:
    return {d["id"] for d in drafts(count) if d["text"].split()[3] not in ("fresh", "calm")}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return light_guard()


@pytest.fixture(autouse=True)
def _light(monkeypatch: pytest.MonkeyPatch, guard: Guard) -> None:
    monkeypatch.setattr("copyguard.cli._guard", lambda args: guard)
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    opened = FaultProxy()
    yield opened
    opened.close()


@pytest.fixture
def schema() -> Iterator[str]:
    name = f"cg_fault_{uuid.uuid4().hex[:10]}"
    yield name
    drop_schema(name)


def batch_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in drafts(count)), encoding="utf-8")
    return path


def queue_rows(schema: str) -> dict[str, int]:
    """Straight from the database (not through the proxy): draft id -> rows, and events."""
    engine = create_engine(PG_SERVER)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'SET search_path TO "{schema}"'))
            rows = conn.execute(text("SELECT draft_id, count(*) FROM review_items "
                                     "GROUP BY draft_id")).all()
            events = conn.execute(text("SELECT count(*) FROM review_events "
                                       "WHERE action = 'submitted'")).scalar_one()
    finally:
        engine.dispose()
    return {**{str(draft_id): n for draft_id, n in rows}, "<submitted events>": events}


def on_submit(monkeypatch: pytest.MonkeyPatch, call: int, fault: Any,
              schema: str | None = None) -> dict[str, Any]:
    """Run ``fault()`` just before the ``call``-th submit; record failed attempts (and, with
    ``schema``, how many rows the failed draft had in the database right after)."""
    seen: dict[str, Any] = {"calls": 0, "failed": [], "rows_after_failure": []}
    submit, once = ReviewStore.submit, ReviewStore._submit_once

    def counting_submit(self: ReviewStore, verdict: Any, **kwargs: Any) -> str:
        seen["calls"] += 1
        if seen["calls"] == call:
            fault()
        return submit(self, verdict, **kwargs)

    def counting_once(self: ReviewStore, verdict: Any, actor: str) -> str:
        try:
            return once(self, verdict, actor)
        except StoreUnavailable:
            seen["failed"].append(verdict.draft.id)
            if schema is not None:
                seen["rows_after_failure"].append(queue_rows(schema).get(verdict.draft.id, 0))
            raise

    monkeypatch.setattr(ReviewStore, "submit", counting_submit)
    monkeypatch.setattr(ReviewStore, "_submit_once", counting_once)
    return seen


def run_batch(capsys: pytest.CaptureFixture[str], source: Path, url: str,
              ) -> tuple[int, list[dict[str, Any]], str]:
    code = main(["check", "--batch", str(source), "--review-store", url, "--quiet"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_a_restart_mid_batch_is_retried_and_nothing_is_lost_or_doubled(
        proxy: FaultProxy, schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYGUARD_REVIEW_RETRY", "30s")
    timers = []
    seen = on_submit(monkeypatch, 25, lambda: timers.append(proxy.down_for(1.5)))
    started = time.monotonic()
    code, lines, err = run_batch(capsys, batch_file(tmp_path, 150), proxy.url(schema))
    for timer in timers:
        timer.join()
    assert code == 1, err
    assert [line["id"] for line in lines] == [d["id"] for d in drafts(150)]
    assert seen["failed"], "the outage never reached a submit"
    assert set(seen["failed"]) == {seen["failed"][0]}  # only the draft at the outage waited
    assert time.monotonic() - started >= 1.5
    rows = queue_rows(schema)
    expected = flagged_ids(150)
    assert rows.pop("<submitted events>") == len(expected)
    assert rows == dict.fromkeys(expected, 1)  # every flagged draft once, nothing else
    assert {line["id"] for line in lines if line["route"] != "pass"} == expected


def test_a_commit_whose_answer_is_lost_is_not_queued_twice(
        proxy: FaultProxy, schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = on_submit(monkeypatch, 10, proxy.lose_next_commit, schema)
    code, lines, err = run_batch(capsys, batch_file(tmp_path, 40), proxy.url(schema))
    assert code == 1, err
    assert proxy.lost_commits == 1 and len(seen["failed"]) == 1
    assert seen["rows_after_failure"] == [1]  # it was committed although the client failed
    rows = queue_rows(schema)
    expected = flagged_ids(40)
    assert seen["failed"][0] in expected
    assert rows.pop("<submitted events>") == len(expected)
    assert rows == dict.fromkeys(expected, 1)
    assert len(lines) == 40


def test_a_store_that_dies_stops_the_batch_and_a_rerun_completes_it(
        proxy: FaultProxy, schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYGUARD_REVIEW_RETRY", "1s")
    seen = on_submit(monkeypatch, 8, proxy.down)
    source = batch_file(tmp_path, 40)
    code, lines, err = run_batch(capsys, source, proxy.url(schema))
    assert code == 2
    failed = seen["failed"][0]
    assert f"127.0.0.1:{proxy.port}/test" in err and f"draft {failed!r}" in err
    assert "gave up after" in err and "stopped at input line" in err
    ids = [d["id"] for d in drafts(40)]
    # the output is exactly the drafts before the one that could not be queued ...
    assert [line["id"] for line in lines] == ids[:ids.index(failed)]
    # ... and every flagged line in it is queued, nothing more
    rows = queue_rows(schema)
    rows.pop("<submitted events>")
    assert rows == dict.fromkeys((line["id"] for line in lines if line["route"] != "pass"), 1)
    proxy.up()
    code, lines, err = run_batch(capsys, source, proxy.url(schema))
    assert code == 1, err
    assert [line["id"] for line in lines] == ids
    rows = queue_rows(schema)
    assert rows.pop("<submitted events>") == len(flagged_ids(40))
    assert rows == dict.fromkeys(flagged_ids(40), 1)


def test_an_unreachable_store_fails_at_once_and_checks_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    code, lines, err = run_batch(capsys, batch_file(tmp_path, 5),
                                 f"postgresql://postgres@127.0.0.1:{port}/test")
    assert code == 2 and lines == []
    assert f"cannot open review store postgresql://postgres@127.0.0.1:{port}/test" in err
    assert "Connection refused" in err
    assert time.monotonic() - started < 10  # opening does not sit in the retry loop


def test_a_small_batch_load_queues_every_flagged_draft_exactly_once(
        schema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The small version of benchmarks/load_batch_store.py (light checks, one process)."""
    url = f"{PG_SERVER}?schema={schema}"
    code, lines, err = run_batch(capsys, batch_file(tmp_path, 300), url)
    assert code == 1, err
    assert [line["id"] for line in lines] == [d["id"] for d in drafts(300)]
    rows = queue_rows(schema)
    assert rows.pop("<submitted events>") == len(flagged_ids(300))
    assert rows == dict.fromkeys(flagged_ids(300), 1)
