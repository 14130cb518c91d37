"""spaCy pipelines and Presidio's NLP engine, built by copyguard and never downloaded.

Presidio's default configuration downloads ``en_core_web_lg`` at first use; copyguard never
uses it. Per language we load, in order: a pipeline named in ``models`` (or
``$COPYGUARD_SPACY_MODELS="en=en_core_web_lg,de=/path/to/pipeline"``), else an installed
trained pipeline (``en_core_web_lg``/``md``/``sm``, ``de_core_news_*`` ...), else a blank
pipeline (tokenizer only). Pipelines are built lazily, once, and shared by every check.

A blank pipeline's vocabulary keeps every string it has seen (each new word, name, number or
address costs ~400 bytes, for good), so a long-running service would grow without end. When
the vocabularies together have taken ``vocab_budget`` new strings, the one that grew most gets
a fresh vocabulary and tokenizer (:class:`_RenewingTokenizer`). Docs made before keep the old
vocabulary alive until they are dropped, so no Doc is ever invalidated: unlike spaCy's
``memory_zone()``, which frees strings that Docs still in use on other threads (or in an
abandoned check) point to. Tokenization does not depend on what the vocabulary has seen: the
tokens are the same after. One budget for all languages: a service's working vocabulary (the
benchmark drafts: ~30,000 strings, mostly English) fits without renewals, which cost ~0.2 s.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

log = logging.getLogger("copyguard.nlp")

MODELS_ENV = "COPYGUARD_SPACY_MODELS"
# Languages whose blank pipeline needs a tokenizer override (mecab is not a Python wheel).
_BLANK_CONFIG: Mapping[str, dict[str, Any]] = {
    "ko": {"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}},
}
# SudachiPy (spaCy's Japanese tokenizer) refuses input over 49,149 bytes; longer text is
# tokenized in pieces cut after a sentence end or line break.
_MAX_BYTES: Mapping[str, int] = {"ja": 49_149}
_BREAKS = "\n。！？!?"
_TRAINED_SUFFIXES = ("core_web_lg", "core_web_md", "core_web_sm", "core_news_lg",
                     "core_news_md", "core_news_sm")
# New strings all blank pipelines' vocabularies may take together (~20 MB) before renewal.
VOCAB_BUDGET = 50_000


def _offline_tldextract() -> None:
    """Presidio's e-mail validator calls tldextract, which fetches the public-suffix list.

    Replace its module-level extractor with one that only uses the bundled snapshot.
    """
    import tldextract.tldextract as tld

    if tld.TLD_EXTRACTOR.suffix_list_urls:
        tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                           fallback_to_snapshot=True)


def _chunks(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-8 bytes, after a break if one is near."""
    pieces, start = [], 0
    while start < len(text):
        end = start + limit // 4  # at most 4 bytes a character: always within the limit
        if end < len(text):
            cut = max(text.rfind(mark, start, end) for mark in _BREAKS)
            end = cut + 1 if cut > start + limit // 16 else end
        pieces.append(text[start:end])
        start = end
    return pieces


def models_from_env() -> dict[str, str]:
    raw = os.environ.get(MODELS_ENV, "")
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {lang.strip(): name.strip() for lang, name in pairs}


class _Serialized:
    """A tokenizer written in Python, called by one thread at a time: SudachiPy (Japanese)
    raises ``SudachiError`` when two threads use it at once. spaCy's own tokenizer runs in
    Cython under the GIL and needs no lock."""

    def __init__(self, tokenizer: Any) -> None:
        self.inner = tokenizer
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Doc:
        with self._lock:
            return self.inner(text)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _serialized(tokenizer: Any) -> Any:
    return tokenizer if isinstance(tokenizer, Tokenizer) else _Serialized(tokenizer)


class _RenewingTokenizer:
    """A blank pipeline's tokenizer, always the same object (callers may key caches on it),
    delegating to ``current``; :meth:`renew` swaps in a fresh tokenizer and vocab."""

    def __init__(self, nlp: Language, fresh: Callable[[Any], Language]) -> None:
        self._nlp, self._fresh = nlp, fresh
        self.current: Any = nlp.tokenizer
        self._size = len(nlp.vocab.strings)
        self.renewals = 0
        # A Python tokenizer's clones after renewal share its engine, so they share one lock.
        self._lock = None if isinstance(self.current, Tokenizer) else threading.Lock()

    def __call__(self, text: str) -> Doc:
        if self._lock is None:
            return self.current(text)  # type: ignore[no-any-return]
        with self._lock:
            return self.current(text)  # type: ignore[no-any-return]

    def pieces(self, texts: list[str]) -> list[Doc]:
        """Each text tokenized, all on one vocabulary (none renewed midway)."""
        current = self.current
        if self._lock is None:
            return [current(text) for text in texts]
        with self._lock:
            return [current(text) for text in texts]

    def __getattr__(self, name: str) -> Any:  # vocab, explain, pipe ...
        return getattr(self.current, name)

    def growth(self) -> int:
        """Strings added to the vocabulary since it was made."""
        return len(self.current.vocab.strings) - self._size

    def renew(self) -> None:
        growth, fresh = self.growth(), self._fresh(self.current)
        self.current = fresh.tokenizer
        self._nlp.vocab = fresh.vocab  # what Presidio's stop-word test reads
        self._size = len(fresh.vocab.strings)
        self.renewals += 1
        log.info("renewed the %s vocabulary after %d new strings", self._nlp.lang, growth)


def _fresh(cls: type[Language], tokenizer: Any) -> Language:
    """A new blank pipeline of ``cls``. A tokenizer written in Python (Japanese: SudachiPy
    and its 70 MB dictionary) is copied onto the new vocab, not loaded again."""
    if isinstance(tokenizer, Tokenizer):  # spaCy's own: quick to build again
        lang = cls.lang or "xx"
        return spacy.blank(lang, config=_BLANK_CONFIG.get(lang, {}))
    return cls(create_tokenizer=lambda new: _onto(tokenizer, new.vocab))


def _onto(tokenizer: Any, vocab: Vocab) -> Any:
    # not copy.copy(): their __reduce__ builds a new tokenizer, loading the dictionary again
    clone = object.__new__(type(tokenizer))
    clone.__dict__.update(vars(tokenizer))
    clone.vocab = vocab
    return clone


class NlpService:
    """One spaCy pipeline per language, plus Presidio NLP engines over the same pipelines."""

    def __init__(self, models: Mapping[str, str] | None = None, *, auto_trained: bool = True,
                 vocab_budget: int | None = None):
        _offline_tldextract()
        self._models = {**models_from_env(), **(models or {})}
        self._auto_trained = auto_trained
        self._vocab_budget = VOCAB_BUDGET if vocab_budget is None else vocab_budget
        self._pipelines: dict[str, Language] = {}
        self._renewing: tuple[_RenewingTokenizer, ...] = ()
        self._lock = threading.Lock()
        self._renew_lock = threading.Lock()

    def pipeline(self, language: str) -> Language:
        with self._lock:
            if language not in self._pipelines:
                nlp = self._build(language)
                if not nlp.pipe_names:  # trained components hold strings of their vocab
                    nlp.tokenizer = _RenewingTokenizer(nlp, partial(_fresh, type(nlp)))
                    self._renewing += (nlp.tokenizer,)
                else:
                    nlp.tokenizer = _serialized(nlp.tokenizer)
                self._pipelines[language] = nlp
            return self._pipelines[language]

    def _keep_vocab_budget(self) -> None:
        """Renew the vocabulary that grew most once they together exceed the budget."""
        if sum(t.growth() for t in self._renewing) <= self._vocab_budget:
            return
        with self._renew_lock:
            if sum(t.growth() for t in self._renewing) > self._vocab_budget:  # not yet done
                max(self._renewing, key=_RenewingTokenizer.growth).renew()

    def vocab_sizes(self) -> dict[str, int]:
        """Strings in each built pipeline's vocabulary (they grow with every new token)."""
        with self._lock:
            return {lang: len(nlp.vocab.strings) for lang, nlp in self._pipelines.items()}

    def is_trained(self, language: str) -> bool:
        return bool(self.pipeline(language).pipe_names)

    def _build(self, language: str) -> Language:
        name = self._models.get(language) or (self._installed(language) if self._auto_trained
                                              else None)
        if name:
            if not (spacy.util.is_package(name) or Path(name).exists()):
                raise LookupError(f"spaCy pipeline {name!r} for {language!r} is not installed "
                                  "(copyguard never downloads models)")
            log.info("using spaCy pipeline %s for %s", name, language)
            return spacy.load(name)
        try:
            return spacy.blank(language, config=_BLANK_CONFIG.get(language, {}))
        except (ImportError, KeyError, ValueError) as exc:  # unknown code or missing tokenizer
            log.warning("no spaCy tokenizer for %r (%s); using the multi-language one",
                        language, exc)
            return spacy.blank("xx")

    @staticmethod
    def _installed(language: str) -> str | None:
        for suffix in _TRAINED_SUFFIXES:
            name = f"{language}_{suffix}"
            if spacy.util.is_package(name):
                return name
        return None

    def doc(self, text: str, language: str) -> Doc:
        nlp = self.pipeline(language)
        tokenizer = nlp.tokenizer
        if isinstance(tokenizer, _RenewingTokenizer):
            self._keep_vocab_budget()
        limit = _MAX_BYTES.get(language)
        if limit is None or len(text.encode("utf-8")) <= limit:
            return nlp(text)
        parts = _chunks(text, limit)
        docs = (tokenizer.pieces(parts) if isinstance(tokenizer, _RenewingTokenizer)
                else [nlp(part) for part in parts])
        return Doc.from_docs(docs, ensure_whitespace=False)

    def presidio_engine(self, language: str) -> Any:
        """A Presidio ``NlpEngine`` over our pipeline for ``language`` (no download, ever)."""
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        service = self

        class _Engine(SpacyNlpEngine):  # type: ignore[misc]
            def load(self) -> None:
                self.nlp = {language: service.pipeline(language)}  # type: ignore[assignment]

        engine = _Engine(models=[{"lang_code": language, "model_name": f"copyguard-{language}"}],
                         ner_model_configuration=NerModelConfiguration())
        engine.load()
        return engine
