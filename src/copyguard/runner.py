"""Running a draft's checks with a time budget per check.

Checks that only compute (``Check.blocking = False``, every built-in check) run on the
calling thread and are stopped at their budget by :mod:`copyguard.watchdog`. Consecutive
blocking checks (the default for third-party checks) run in order on one runner thread, one
hand-off for the lot. If one overruns its budget the guard abandons it: the thread stays with
the hung check, the checks after it continue, and the late result is dropped. Runner threads
are daemons and a stuck one is never reused, so a hung check can neither starve later drafts
nor keep the process from exiting.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.model import Finding
from copyguard.watchdog import run_limited

Outcome = list[Finding] | BaseException


class Runner:
    """Hands tasks to idle daemon threads, starting a new one when none is idle."""

    def __init__(self, max_idle: int = 8) -> None:
        self._idle: list[queue.SimpleQueue[tuple[Callable[[], None], Future[None]]]] = []
        self._lock = threading.Lock()
        self._max_idle = max_idle

    def submit(self, task: Callable[[], None]) -> Future[None]:
        future: Future[None] = Future()
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(inbox,), daemon=True,
                             name="copyguard-check").start()
        inbox.put((task, future))
        return future

    def _serve(self, inbox: queue.SimpleQueue[tuple[Callable[[], None], Future[None]]]) -> None:
        while True:
            task, future = inbox.get()
            try:
                future.set_result(task())
            except BaseException as exc:  # handed to the waiting guard
                future.set_exception(exc)
            with self._lock:
                if len(self._idle) >= self._max_idle:
                    return
                self._idle.append(inbox)


class _Run:
    """Runs ``checks[start:end]`` in order, writing each outcome; stops once abandoned."""

    def __init__(self, checks: Sequence[Check], start: int, end: int, ctx: CheckContext,
                 budget: float, outcomes: list[Outcome | None], timings: dict[str, float],
                 ) -> None:
        self.checks, self.current, self.end, self.ctx = checks, start, end, ctx
        self.budget, self.outcomes, self.timings = budget, outcomes, timings
        self.started = time.perf_counter()
        self._lock = threading.Lock()
        self._abandoned = False

    def __call__(self) -> None:
        for index in range(self.current, self.end):
            with self._lock:
                if self._abandoned:
                    return
                self.current, self.started = index, time.perf_counter()
            outcome: Outcome
            try:
                outcome = list(self.checks[index].run(self.ctx))
            except BaseException as exc:  # even SystemExit: a check cannot stop the guard
                outcome = exc
            with self._lock:
                if self._abandoned:
                    return
                self.outcomes[index] = outcome
                self.timings[self.checks[index].name] = round(
                    (time.perf_counter() - self.started) * 1000, 3)

    def deadline(self) -> float:
        """When the check now running runs out of its budget."""
        with self._lock:
            return self.started + self.budget

    def abandon_overdue(self) -> int | None:
        """If the running check is past its budget, stop the run there and return its index."""
        with self._lock:
            if time.perf_counter() < self.started + self.budget:
                return None
            self._abandoned = True
            return self.current


def run_checks(runner: Runner, checks: Sequence[Check], ctx: CheckContext, budget: float,
               ) -> tuple[list[Outcome], dict[str, float]]:
    """Each check's findings or exception (a ``TimeoutError`` past ``budget`` seconds), in
    order, and each check's time in milliseconds."""
    outcomes: list[Outcome | None] = [None] * len(checks)
    timings: dict[str, float] = {}
    index = 0
    while index < len(checks):
        check = checks[index]
        if not check.blocking:
            started = time.perf_counter()
            outcomes[index] = _run_here(check, ctx, budget)
            timings[check.name] = round((time.perf_counter() - started) * 1000, 3)
            index += 1
            continue
        end = next((i for i in range(index, len(checks)) if not checks[i].blocking),
                   len(checks))
        index = _run_on_thread(runner, _Run(checks, index, end, ctx, budget, outcomes,
                                            timings))
    assert all(outcome is not None for outcome in outcomes)
    return outcomes, timings  # type: ignore[return-value]


def _run_here(check: Check, ctx: CheckContext, budget: float) -> Outcome:
    try:
        return run_limited(lambda: list(check.run(ctx)), budget)
    except BaseException as exc:  # even SystemExit: a check cannot stop the guard
        return exc


def _run_on_thread(runner: Runner, run: _Run) -> int:
    """Run ``run`` on a runner thread; the index of the first check it did not get to."""
    future = runner.submit(run)
    while True:
        try:
            future.result(timeout=max(0.0, run.deadline() - time.perf_counter()))
            return run.end
        except FutureTimeout:
            hung = run.abandon_overdue()
            if hung is None:
                continue  # that check finished in time; a later one is running
            run.outcomes[hung] = TimeoutError(
                f"took longer than its {run.budget:g} s budget; abandoned")
            run.timings[run.checks[hung].name] = round(run.budget * 1000, 3)
            return hung + 1
