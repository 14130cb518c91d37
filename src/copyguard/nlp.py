"""spaCy pipelines and Presidio's NLP engine, built by copyguard and never downloaded.

Presidio's default configuration downloads ``en_core_web_lg`` at first use; copyguard never
uses it. Per language we load, in order: a pipeline named in ``models`` (or
``$COPYGUARD_SPACY_MODELS="en=en_core_web_lg,de=/path/to/pipeline"``), else an installed
trained pipeline (``en_core_web_lg``/``md``/``sm``, ``de_core_news_*`` ...), else a blank
pipeline (tokenizer only). Pipelines are built lazily, once, and shared by every check.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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


class NlpService:
    """One spaCy pipeline per language, plus Presidio NLP engines over the same pipelines."""

    def __init__(self, models: Mapping[str, str] | None = None, *, auto_trained: bool = True):
        _offline_tldextract()
        self._models = {**models_from_env(), **(models or {})}
        self._auto_trained = auto_trained
        self._pipelines: dict[str, Language] = {}
        self._lock = threading.Lock()

    def pipeline(self, language: str) -> Language:
        with self._lock:
            if language not in self._pipelines:
                self._pipelines[language] = self._build(language)
            return self._pipelines[language]

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
        limit = _MAX_BYTES.get(language)
        if limit is None or len(text.encode("utf-8")) <= limit:
            return nlp(text)
        return Doc.from_docs([nlp(part) for part in _chunks(text, limit)], ensure_whitespace=False)

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
