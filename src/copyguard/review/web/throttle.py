"""Slowing down password guessing on the console: after ``limit`` failed logins for one
name within ``window``, that name is refused until the window has passed (per process)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_NAMES = 10_000


class LoginThrottle:
    def __init__(self, limit: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str) -> deque[float]:
        failures = self._failures.setdefault(name.casefold(), deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        return failures

    def allowed(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name)) < self.limit

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name).append(self.clock())
            if len(self._failures) > MAX_NAMES:  # forget names whose failures have aged out
                cutoff = self.clock() - self.window
                self._failures = {k: v for k, v in self._failures.items() if v[-1] > cutoff}

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.casefold(), None)
