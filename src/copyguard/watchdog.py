"""Stopping a computation on the calling thread when it overruns its time budget.

A check that only computes (``Check.blocking = False``) runs on the thread that called the
guard, with no hand-off to another thread. One watchdog thread per process polls the armed
deadlines and, when one has passed, raises :class:`CheckTimeout` in that thread
(``PyThreadState_SetAsyncExc``): it arrives at the next Python instruction the thread runs, so
a runaway loop in Python code stops there. Code that holds the GIL in C for the whole time
(one huge regex search) cannot be interrupted by this or by any other thread; it is no worse
than a hand-off, which would wait on the same GIL.

The watchdog fires at most once per arming, and :meth:`Watchdog.disarm` cancels a firing not
yet delivered, so the exception never reaches code outside the armed region (see
:func:`run_limited`).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")



def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Make ``exc`` pending in ``thread`` (``None``: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), None if exc is None else ctypes.py_object(exc))


POLL = 0.05  # seconds between looks at the deadlines (shorter for shorter budgets)


class CheckTimeout(BaseException):
    """Raised inside a computation the watchdog stopped at its deadline. A BaseException so
    that ``except Exception`` in the stopped code does not swallow it."""


class _Slot:
    __slots__ = ("armed", "deadline", "fired", "previous", "thread")

    def __init__(self, thread: int, deadline: float, previous: _Slot | None) -> None:
        self.thread, self.deadline, self.previous = thread, deadline, previous
        self.fired = False
        self.armed = True


class Watchdog:
    """Raises :class:`CheckTimeout` in threads whose armed deadline has passed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # arm and disarm take it directly: they run per check
        self._cond = threading.Condition(self._lock)
        self._slots: dict[int, _Slot] = {}  # thread id -> innermost armed slot
        self._poll = POLL
        self._armings = 0  # bumped on every arming: a busy watchdog keeps polling
        self._thread: threading.Thread | None = None
        self._sleeping = False  # idle until the next arming notifies it

    def arm(self, seconds: float) -> _Slot:
        thread = threading.get_ident()
        with self._lock:
            slot = _Slot(thread, time.monotonic() + seconds, self._slots.get(thread))
            self._slots[thread] = slot
            self._armings += 1
            poll = min(POLL, max(seconds / 4, 0.001))
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True,
                                                name="copyguard-watchdog")
                self._thread.start()
            if self._sleeping or poll < self._poll:
                self._poll = poll
                self._cond.notify()
        return slot

    def disarm(self, slot: _Slot) -> bool:
        """End ``slot``; cancel its exception if fired but not yet raised. Returns whether the
        watchdog fired for it."""
        with self._lock:  # in this order, so a firing raised midway leaves it redoable
            if self._slots.get(slot.thread) is slot:
                if slot.previous is None:
                    del self._slots[slot.thread]
                else:
                    self._slots[slot.thread] = slot.previous
            if slot.armed:
                slot.armed = False
                if slot.fired:
                    _raise_in(slot.thread, None)
            return slot.fired

    def _watch(self) -> None:
        seen = -1
        with self._cond:
            while True:
                if not self._slots and seen == self._armings:
                    self._sleeping = True
                    self._cond.wait()
                    self._sleeping = False
                seen = self._armings
                now = time.monotonic()
                for slot in self._slots.values():
                    if not slot.fired and slot.deadline <= now:
                        slot.fired = True
                        _raise_in(slot.thread, CheckTimeout)
                if not self._slots:
                    self._poll = POLL
                self._cond.wait(self._poll)


WATCHDOG = Watchdog()


def _after_fork_in_child() -> None:
    # A forked child has only the forking thread: no watchdog thread, and no slot of the
    # parent's threads is its business. Start afresh (the thread starts on the next arming).
    WATCHDOG.__init__()  # type: ignore[misc]


os.register_at_fork(after_in_child=_after_fork_in_child)


def run_limited(fn: Callable[[], T], seconds: float) -> T:
    """``fn()`` on this thread, stopped with a :class:`TimeoutError` if it overruns
    ``seconds``. Any other exception of ``fn`` propagates as it is."""
    slot = WATCHDOG.arm(seconds)
    try:
        try:
            return fn()
        finally:
            WATCHDOG.disarm(slot)  # after this returns, nothing can be raised in this thread
    except CheckTimeout:
        # The firing arrived in fn or in the disarm above; disarm again in case it was the
        # latter (a firing is delivered once, so none can arrive now).
        if WATCHDOG.disarm(slot):
            raise TimeoutError(f"took longer than its {seconds:g} s budget; stopped") from None
        raise
