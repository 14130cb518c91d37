"""Two reviewers drain one queue at the same time: nobody gets an item twice, nothing is lost,
and every action is in the audit trail; two reviewers editing one draft: one edit wins, the
other is refused (never overwritten silently), and a decision on copy the reviewer has not
seen is refused. Runs on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from copyguard import Draft, Route, Verdict
from copyguard.review import (
    Action,
    AlreadyDecided,
    ClaimConflict,
    ItemChanged,
    QueueFilter,
    ReviewStore,
    Status,
    open_store,
)
from tests.review_support import (
    BACKENDS,
    PG_SERVER,
    Clock,
    fresh_store,
    make_verdict,
    quiet_hooks,
)

ITEMS = 60


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_reviewers_drain_the_queue_without_sharing_an_item(backend: str,
                                                                tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        ids = {store.submit(make_verdict(f"Draft {n} text", f"q{n}")) for n in range(ITEMS)}
        # each reviewer has its own store object (own engine and pool), like two processes
        reviewers = {name: open_store(store.url, hooks=quiet_hooks()) for name in ("ann", "ben")}
        handled: dict[str, list[str]] = {name: [] for name in reviewers}
        errors: list[BaseException] = []
        start = threading.Barrier(len(reviewers))
        holding = {name: threading.Event() for name in reviewers}

        def drain(name: str, own: ReviewStore) -> None:
            try:
                start.wait()
                while claimed := own.claim(name, count=2):
                    holding[name].set()  # both hold claims at once before anyone decides
                    for event in holding.values():
                        event.wait(timeout=60)
                    for item in claimed:
                        if int(item.id) % 3:
                            own.approve(item.id, name)
                        else:
                            own.reject(item.id, name, "not on brand")
                        handled[name].append(item.id)
            except BaseException as exc:  # reported below, a thread must not swallow it
                errors.append(exc)

        threads = [threading.Thread(target=drain, args=(name, own))
                   for name, own in reviewers.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for own in reviewers.values():
            own.close()
        assert errors == []
        assert not set(handled["ann"]) & set(handled["ben"])
        assert set(handled["ann"]) | set(handled["ben"]) == ids
        assert handled["ann"] and handled["ben"]  # both really worked the queue
        assert store.count() == 0
        assert store.count(QueueFilter(statuses=(Status.APPROVED, Status.REJECTED))) == ITEMS
        for item_id in ids:
            trail = store.history(item_id)
            counts = Counter(entry.action for entry in trail)
            decided = Action.APPROVED if int(item_id) % 3 else Action.REJECTED
            assert counts == Counter({Action.SUBMITTED: 1, Action.CLAIMED: 1, decided: 1})
            claimer = next(e.actor for e in trail if e.action is Action.CLAIMED)
            assert trail[-1].actor == claimer and item_id in handled[claimer]


@pytest.mark.parametrize("backend", BACKENDS)
def test_racing_decisions_on_one_item_let_exactly_one_win(backend: str,
                                                          tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        item_ids = [store.submit(make_verdict(f"Race {n}", f"r{n}")) for n in range(10)]
        stores = [open_store(store.url, hooks=quiet_hooks()) for _ in range(2)]
        outcomes: list[tuple[str, str]] = []
        lock = threading.Lock()

        def decide(own: ReviewStore, name: str) -> None:
            for item_id in item_ids:
                try:
                    own.approve(item_id, name)
                    result = "won"
                except (AlreadyDecided, ClaimConflict):
                    result = "lost"
                with lock:
                    outcomes.append((item_id, result))

        threads = [threading.Thread(target=decide, args=(own, name))
                   for own, name in zip(stores, ("ann", "ben"), strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for own in stores:
            own.close()
        wins = Counter(item_id for item_id, result in outcomes if result == "won")
        assert wins == Counter(dict.fromkeys(item_ids, 1))
        for item_id in item_ids:
            assert [e.action for e in store.history(item_id)].count(Action.APPROVED) == 1


@pytest.mark.postgres
def test_postgres_claims_skip_rows_another_transaction_has_locked(tmp_path: Path) -> None:
    with fresh_store("postgresql", tmp_path) as store:
        first = store.submit(make_verdict("First", "s1"))
        second = store.submit(make_verdict("Second", "s2"))
        schema = store.url.rsplit("schema=", 1)[1]
        store.engine.dispose()  # new connections give up on a lock after 2 s instead of hanging
        event.listen(store.engine, "connect", _lock_timeout)
        engine = create_engine(PG_SERVER)
        with engine.connect() as other, other.begin():  # a worker mid-claim holds the oldest row
            other.execute(text(f'SET LOCAL search_path TO "{schema}"'))
            other.execute(text("SELECT id FROM review_items WHERE id = :id FOR UPDATE"),
                          {"id": int(first)})
            claimed = store.claim("ben")  # must not wait for it, nor take it
            assert [item.id for item in claimed] == [second]
        engine.dispose()
        assert [item.id for item in store.claim("ann")] == [first]


def _lock_timeout(dbapi_conn: Any, _record: Any) -> None:
    with dbapi_conn.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    dbapi_conn.commit()


# -- two reviewers, one draft: optimistic concurrency -----------------------------------------

def _slow_recheck(seconds: float) -> Any:
    """A re-check that takes a while, so two edits overlap (the verdict: a clean pass)."""
    def recheck(draft: Draft) -> Verdict:
        time.sleep(seconds)
        return Verdict(draft=draft, route=Route.PASS)
    return recheck


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_reviewers_editing_one_draft_at_once_one_wins_and_the_other_is_told(
        backend: str, tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        item_ids = [store.submit(make_verdict(f"Cheap offer {n}", f"e{n}")) for n in range(5)]
        stores = {name: open_store(store.url, hooks=quiet_hooks()) for name in ("ann", "ben")}
        outcomes: list[tuple[str, str, str]] = []
        lock = threading.Lock()
        start = threading.Barrier(2)

        def edit(name: str, own: ReviewStore) -> None:
            for item_id in item_ids:
                start.wait(timeout=60)  # both start each item together
                try:
                    own.edit(item_id, name, f"{name}'s copy", _slow_recheck(0.2), version=0)
                    result = "saved"
                except (ItemChanged, ClaimConflict) as exc:
                    result = type(exc).__name__
                with lock:
                    outcomes.append((item_id, name, result))

        threads = [threading.Thread(target=edit, args=pair) for pair in stores.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for own in stores.values():
            own.close()
        assert len(outcomes) == 2 * len(item_ids)
        for item_id in item_ids:
            results = {name: result for i, name, result in outcomes if i == item_id}
            winners = [name for name, result in results.items() if result == "saved"]
            assert len(winners) == 1, results  # exactly one saved, the other was refused
            item = store.get(item_id)
            assert (item.edited_text, item.claimed_by, item.version) == (
                f"{winners[0]}'s copy", winners[0], 1)
            edits = [e.actor for e in store.history(item_id) if e.action is Action.EDITED]
            assert edits == winners


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_decision_on_a_stale_version_is_refused_even_after_the_claim_moved_on(
        backend: str, tmp_path: Path) -> None:
    clock = Clock()
    with fresh_store(backend, tmp_path, claim_ttl=timedelta(minutes=10)) as store:
        store.clock = clock
        item_id = store.submit(make_verdict("A cheap deal", "v1"))
        seen_by_ann = store.get(item_id).version
        store.claim_item(item_id, "ann")
        clock.advance(minutes=11)  # ann's claim ran out; ben takes over and rewrites
        store.edit(item_id, "ben", "Ben's deal", _slow_recheck(0), version=seen_by_ann)
        store.release(item_id, "ben")
        with pytest.raises(ItemChanged, match="changed by ben since you opened it"):
            store.approve(item_id, "ann", version=seen_by_ann)  # she never saw ben's copy
        with pytest.raises(ItemChanged):
            store.edit(item_id, "ann", "Ann's deal", _slow_recheck(0), version=seen_by_ann)
        with pytest.raises(ItemChanged):
            store.reject(item_id, "ann", "off brand", version=seen_by_ann)
        item = store.get(item_id)
        assert (item.edited_text, item.status, item.version) == ("Ben's deal", Status.EDITED, 1)
        decision = store.approve(item_id, "ann", version=item.version)
        assert decision.text == "Ben's deal" and store.get(item_id).version == 2
        with pytest.raises(AlreadyDecided):
            store.reject(item_id, "ben", version=2)


@pytest.mark.postgres
def test_a_small_console_load_decides_every_item_exactly_once() -> None:
    """The small version of benchmarks/load_console.py: 10 reviewers over HTTP at once."""
    from benchmarks.load_console import run

    result = run(sessions=10, items=40, password_cost=2**14)
    assert result["error_samples"] == [] and result["errors"] == 0
    assert result["decided_in_db"] == result["decisions_by_sessions"] == 40
    assert result["decided_twice_by_sessions"] == 0
    assert result["items_with_not_exactly_one_decision_event"] == 0
    assert result["reviewer_mismatches"] == 0
    assert result["latency"]["login"]["n"] == 10
