"""What a check sees: the draft, the brand guide as it applies, and shared NLP results."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from spacy.tokens import Doc

from copyguard.guides import ResolvedGuide
from copyguard.model import Draft, PersonalizedSpan
from copyguard.nlp import NlpService

T = TypeVar("T")


class CheckContext:
    """Built once per draft and shared by every check, so the text is tokenized once.

    ``memo(key, factory)`` lets checks share any other per-draft computation; ``runs(name)``
    tells whether another check runs on this draft (so a check can leave a finding to it).
    """

    def __init__(self, draft: Draft, guide: ResolvedGuide, nlp: NlpService,
                 checks: Iterable[str] | None = None) -> None:
        self.draft = draft
        self.guide = guide
        self.nlp = nlp
        self._checks = None if checks is None else frozenset(checks)
        self._memo: dict[str, _Cell] = {}
        self._lock = threading.Lock()

    def runs(self, check: str) -> bool:
        """Whether the check named ``check`` runs on this draft (``True`` when the context
        was built without the list of checks)."""
        return self._checks is None or check in self._checks

    @property
    def text(self) -> str:
        return self.draft.text

    @property
    def doc(self) -> Doc:
        """The draft tokenized by the language's spaCy pipeline (blank or trained)."""
        draft = self.draft
        return self.memo("copyguard.doc", lambda: self.nlp.doc(draft.text, draft.language))

    @property
    def personalized_spans(self) -> tuple[PersonalizedSpan, ...]:
        """Which words come from the recipient's data (see :mod:`copyguard.provenance`)."""
        from copyguard.provenance import personalized_spans

        return self.memo("copyguard.personalized_spans", lambda: personalized_spans(self))

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """``factory()``, computed once per draft: the first caller computes it, later callers
        wait for that result (or its exception). Only callers of the same key wait, so a
        computation that hangs holds up no other."""
        cell = self._memo.get(key)
        if cell is None:
            with self._lock:
                cell = self._memo.get(key)
                owner = cell is None
                if cell is None:
                    cell = self._memo[key] = _Cell()
            if owner:
                try:
                    try:
                        cell.value = factory()
                    except BaseException as exc:
                        cell.error = exc
                finally:  # even if a stop arrives here, waiters are let go
                    cell.done = True
                    cell.busy.release()
        if not cell.done:  # another thread is computing it: wait until it lets go
            with cell.busy:
                pass
        if cell.error is not None:
            raise cell.error
        return cast(T, cell.value)


class _Cell:
    """One memo entry, written once by the thread that holds ``busy`` (taken when the cell is
    made, released when it is done); read without a lock once ``done``."""

    __slots__ = ("busy", "done", "error", "value")

    def __init__(self) -> None:
        self.busy = threading.Lock()
        self.busy.acquire()
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None
