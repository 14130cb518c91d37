"""What a check sees: the draft, the brand guide as it applies, and shared NLP results."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

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
        self._memo: dict[str, Future[Any]] = {}
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
        with self._lock:
            future = self._memo.get(key)
            owner = future is None
            if future is None:
                future = self._memo[key] = Future()
        if owner:
            try:
                future.set_result(factory())
            except BaseException as exc:
                future.set_exception(exc)
        value: T = future.result()
        return value
