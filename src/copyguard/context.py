"""What a check sees: the draft, the brand guide as it applies, and shared NLP results."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from spacy.tokens import Doc

from copyguard.guides import ResolvedGuide
from copyguard.model import Draft, PersonalizedSpan
from copyguard.nlp import NlpService

T = TypeVar("T")


class CheckContext:
    """Built once per draft and shared by every check, so the text is tokenized once.

    ``memo(key, factory)`` lets checks share any other per-draft computation.
    """

    def __init__(self, draft: Draft, guide: ResolvedGuide, nlp: NlpService) -> None:
        self.draft = draft
        self.guide = guide
        self.nlp = nlp
        self._memo: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def text(self) -> str:
        return self.draft.text

    @cached_property
    def doc(self) -> Doc:
        """The draft tokenized by the language's spaCy pipeline (blank or trained)."""
        return self.nlp.doc(self.draft.text, self.draft.language)

    @cached_property
    def personalized_spans(self) -> tuple[PersonalizedSpan, ...]:
        """Which words come from the recipient's data (see :mod:`copyguard.provenance`)."""
        from copyguard.provenance import personalized_spans

        return personalized_spans(self)

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._memo:
                self._memo[key] = factory()
            value: T = self._memo[key]
            return value
