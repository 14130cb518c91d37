"""Checks that only compute (``blocking = False``) run on the calling thread and are stopped
at their budget by the watchdog; the exception never escapes the stopped computation."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any

import pytest

from copyguard import CheckContext, Finding, Route, Severity
from copyguard.watchdog import WATCHDOG, CheckTimeout, run_limited
from tests.helpers import ChecksPlugin, WordCheck, codes, isolated_guard


def spin(seconds: float, progress: list[int] | None = None) -> str:
    """Pure-Python work for ``seconds`` (no call that releases the GIL)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if progress is not None:
            progress[0] += 1
    return "done"


# -- run_limited --------------------------------------------------------------------------

def test_a_computation_within_its_budget_returns_its_value() -> None:
    assert run_limited(lambda: spin(0.01), 1.0) == "done"


def test_an_exception_of_the_computation_propagates_unchanged() -> None:
    def fail() -> None:
        raise KeyError("lexicon")

    with pytest.raises(KeyError, match="lexicon"):
        run_limited(fail, 1.0)


def test_a_runaway_loop_is_stopped_at_its_budget_and_stays_stopped() -> None:
    progress = [0]
    started = time.perf_counter()
    with pytest.raises(TimeoutError, match=r"0\.2 s budget"):
        run_limited(lambda: spin(60, progress), 0.2)
    assert 0.2 <= time.perf_counter() - started < 2
    stopped_at = progress[0]
    spin(0.1)
    assert progress[0] == stopped_at  # the loop is not running on somewhere else


def test_except_exception_in_the_computation_does_not_swallow_the_stop() -> None:
    def stubborn() -> None:
        while True:
            with contextlib.suppress(Exception):  # what a careless check would do
                spin(0.01)

    with pytest.raises(TimeoutError):
        run_limited(stubborn, 0.1)


def test_a_stop_never_escapes_when_the_computation_ends_at_its_deadline() -> None:
    """Many computations ending around their deadline: a firing that arrives after the
    computation ended must be cancelled, never raised in the caller."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)  # let the watchdog take the GIL soon after a deadline
    try:
        rng = random.Random(7)
        outcomes = {"done": 0, "stopped": 0}
        for _ in range(300):
            budget = 0.004
            try:
                run_limited(lambda b=budget: spin(b * rng.uniform(0.5, 2.0)), budget)
                outcomes["done"] += 1
            except TimeoutError:
                outcomes["stopped"] += 1
            try:
                spin(0.002)  # caller code after run_limited: nothing may be raised here
            except CheckTimeout:
                pytest.fail("a watchdog firing escaped into the caller")
    finally:
        sys.setswitchinterval(previous)
    assert outcomes["done"] and outcomes["stopped"]  # both sides of the deadline were hit


def test_nested_budgets_stop_the_inner_computation_only() -> None:
    def outer() -> str:
        with pytest.raises(TimeoutError):
            run_limited(lambda: spin(60), 0.1)
        return spin(0.05)

    assert run_limited(outer, 5.0) == "done"


def test_each_thread_is_stopped_on_its_own_budget() -> None:
    results: dict[str, Any] = {}

    def work(name: str, seconds: float, budget: float) -> None:
        try:
            results[name] = run_limited(lambda: spin(seconds), budget)
        except TimeoutError as exc:
            results[name] = exc

    threads = [threading.Thread(target=work, args=("slow", 60, 0.2)),
               threading.Thread(target=work, args=("quick", 0.3, 5.0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert isinstance(results["slow"], TimeoutError)
    assert results["quick"] == "done"


def test_budgets_hold_in_a_forked_child() -> None:
    run_limited(lambda: None, 1.0)  # the parent's watchdog thread is running
    pid = os.fork()
    if pid == 0:  # the child: only this thread survives the fork
        try:
            run_limited(lambda: spin(5), 0.1)
            os._exit(1)
        except TimeoutError:
            os._exit(0)
        except BaseException:
            os._exit(2)
    deadline = time.monotonic() + 10
    done, status = os.waitpid(pid, os.WNOHANG)
    while not done and time.monotonic() < deadline:
        time.sleep(0.05)
        done, status = os.waitpid(pid, os.WNOHANG)
    if not done:  # e.g. the child inherited the watchdog's lock held and hangs arming
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's budget did not stop it within 10 s")
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_watchdog_sleeps_when_nothing_is_armed() -> None:
    run_limited(lambda: None, 1.0)
    deadline = time.monotonic() + 2
    while not WATCHDOG._sleeping and time.monotonic() < deadline:
        time.sleep(0.01)
    assert WATCHDOG._sleeping


# -- in the guard -------------------------------------------------------------------------

class Spinning(WordCheck):
    """A computing check that never ends on its own."""

    blocking = False

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        spin(3600)
        return ()


class SpinningInMemo(Spinning):
    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        ctx.memo("spin.shared", lambda: spin(3600))
        return ()


class ReadsMemo(WordCheck):
    blocking = False

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        ctx.memo("spin.shared", lambda: spin(3600))
        return ()


class Where(WordCheck):
    """Records the thread it ran on."""

    def __init__(self, name: str, blocking: bool) -> None:
        super().__init__(name, "tent", Severity.INFO)
        self.blocking = blocking  # type: ignore[misc]
        self.threads: list[int] = []

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        self.threads.append(threading.get_ident())
        return super().run(ctx)


def test_computing_checks_run_on_the_calling_thread_and_blocking_ones_do_not() -> None:
    computing, blocking = Where("computing", False), Where("blocking", True)
    guard = isolated_guard(ChecksPlugin(computing, blocking))
    verdict = guard.check("A tent")
    assert codes(verdict.findings) == ["computing.word", "blocking.word"]
    assert computing.threads == [threading.get_ident()]
    assert blocking.threads and blocking.threads[0] != threading.get_ident()


def test_a_runaway_computing_check_is_stopped_and_the_checks_after_it_run() -> None:
    guard = isolated_guard(ChecksPlugin(WordCheck("before", "tent", Severity.INFO),
                                        Spinning("spinning", "x"),
                                        WordCheck("after", "stove", Severity.INFO)),
                           check_timeout=0.3)
    started = time.perf_counter()
    verdict = guard.check("A tent and a stove")
    assert time.perf_counter() - started < 3
    assert codes(verdict.findings) == ["before.word", "spinning.check_error", "after.word"]
    assert "0.3 s budget" in verdict.findings[1].message
    assert verdict.route is Route.REVIEW


def test_a_computation_stopped_inside_a_shared_value_fails_its_other_readers() -> None:
    """The stopped check's memo holds the stop as its result: a later reader of the same
    key gets an error at once instead of computing (or waiting) again."""
    guard = isolated_guard(ChecksPlugin(SpinningInMemo("spinning", "x"),
                                        ReadsMemo("reader", "x"),
                                        WordCheck("w", "tent", Severity.INFO)),
                           check_timeout=0.3)
    started = time.perf_counter()
    verdict = guard.check("A tent")
    assert time.perf_counter() - started < 2  # the reader did not spin for a budget too
    assert codes(verdict.findings) == ["spinning.check_error", "reader.check_error", "w.word"]


def test_many_drafts_with_a_runaway_check_leave_no_thread_behind() -> None:
    guard = isolated_guard(ChecksPlugin(Spinning("spinning", "x"),
                                        WordCheck("w", "tent", Severity.INFO)),
                           check_timeout=0.05)
    before = threading.active_count()
    for number in range(20):
        verdict = guard.check(f"Tent number {number}: a tent")
        assert codes(verdict.findings) == ["spinning.check_error", "w.word"], number
    assert threading.active_count() <= before + 1  # the watchdog at most; no stuck threads
