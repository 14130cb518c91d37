"""Text helpers shared by the PII and sensitive-attribute detectors.

Everything works on character offsets of the original text: :func:`fold` keeps one character
per input character, and :func:`tolerant_pattern` builds a regular expression that finds a value
whatever its case, accents, spacing or hyphenation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from copyguard.provenance import fold

__all__ = ["fold", "has_cjk", "sentence_spans", "tolerant_pattern", "url_spans"]

# Scripts written without spaces between words: word-boundary assertions are meaningless there.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SEPARATOR = r"[\s\-‐‑–.,/]*"
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()]+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/[^\s<>\"'()]*",
                  re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…。！？؟]+[\"'”’)\]]*(?:\s+|$)|\n\s*\n|\n(?=\s*[-*•])|$")
# German and Nordic letters that are also written as two letters.
_DIGRAPHS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"}


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Every Latin letter with diacritics, grouped under the plain letter it folds to."""
    groups: dict[str, set[str]] = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if base.isascii() and base.isalpha() and base != char.lower():
            groups.setdefault(base, {base}).add(char.lower())
    return {base: "".join(sorted(chars)) for base, chars in groups.items()}


def _char_pattern(char: str) -> str:
    lower = char.lower()
    if lower in _DIGRAPHS:
        plain = fold(lower)
        letters = _variants().get(plain, plain) if plain.isalpha() and plain != lower else lower
        return f"(?:{_DIGRAPHS[lower]}|[{re.escape(letters + lower)}])"
    base = fold(lower)
    variants = _variants().get(base)
    return f"[{re.escape(variants)}]" if variants else re.escape(char)


@lru_cache(maxsize=4096)
def tolerant_pattern(value: str, *, boundaries: bool | None = None) -> str:
    """A regex (to be compiled case-insensitively) matching ``value`` in running text.

    Accents and case are ignored (``Muller`` finds ``Müller``), ``ß``/``ss`` and ``ü``/``ue``
    are interchangeable, runs of spaces, hyphens, dots and commas between words may differ.
    Word boundaries are required unless the value is written in a script without spaces.
    """
    words = [w for w in re.split(r"[\s\-‐‑–.,/]+", value.strip()) if w]
    if not words:
        raise ValueError("cannot build a pattern for an empty value")
    body = _SEPARATOR.join("".join(_char_pattern(c) for c in word) for word in words)
    if boundaries is None:
        boundaries = not has_cjk(value)
    return rf"(?<![\w@.]){body}(?![\w@])" if boundaries else body


def url_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, host) of each URL or bare ``domain/path`` in the text."""
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE)
        host = re.split(r"[/:?#]", host, maxsplit=1)[0].lower()
        yield match.start(), match.start() + len(url), host


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: split at end punctuation, blank lines and bullets."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start and text[start:end].strip():
            yield start, end
        start = end
        if end >= len(text):
            break
