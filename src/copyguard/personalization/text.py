"""Text normalisation shared by provenance and the personalization checks.

Everything keeps character offsets of the original text: :func:`fold` maps one character to
exactly one character, so a match in folded text is a match in the draft.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# ISO 639-1 → Snowball algorithm name, for the languages Snowball ships.
_SNOWBALL = {"ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
             "el": "greek", "en": "english", "es": "spanish", "et": "estonian", "eu": "basque",
             "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
             "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
             "nb": "norwegian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
             "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
             "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish"}
# Snowball stemmers that only change the end of a word (the first letter stays): "same stem"
# implies "same first letter" there. (Arabic, Indonesian and Irish strip prefixes.)
_SUFFIX_ONLY = frozenset({"ca", "da", "de", "en", "es", "fi", "fr", "it", "nb", "nl", "no",
                          "pt", "ro", "ru", "sv"})
# Letters also written as two letters ("Müller" / "Mueller"), for comparing names.
_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe",
                           "å": "aa", "œ": "oe"})
# Tokens that end a clause: the unit a personalized fact is counted with (see docs).
CLAUSE_BREAKS = frozenset(".!?…,;:()[]—–\"“”«»„¿¡。！？，；：、")
_ALNUM = re.compile(r"[^\W_]")
# Full-width 。！？ end a sentence where they stand (no space follows in ja, zh); ".!?…" where
# a space or the end follows. Written to start with a character class, which lets the regex
# engine skip to the candidates (the same matches as "[.!?…]*[。！？]+|[.!?…]+(?=\s|$)|\n",
# five times faster).
_SENTENCE_END = re.compile(
    r"[.!?…。！？\n](?:(?<=\n)|(?<=[。！？])[。！？]*|[.!?…]*(?:[。！？]+|(?=\s|$)))")
_local = threading.local()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping exactly one character per input character."""
    if text.isascii():
        return text.lower()
    # Only the non-ASCII runs go through the table (a lookup per character); what the table
    # gives is lower case already, so one lower() for the whole text does the ASCII letters.
    return _NON_ASCII.sub(_fold_run, text).lower()


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD_TABLE)


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
        char = decomposed[0]
    return char.lower()[0]


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that folds each character on first sight."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_pattern(pattern: str) -> str:
    """Fold the non-ASCII letters of a regular expression (escapes like ``\\S`` stay intact)."""
    return "".join(char if char.isascii() else _fold_char(char) for char in pattern)


def name_key(text: str) -> str:
    """A comparison key for names: case, accents and ``ü``/``ue`` spellings ignored."""
    return fold(text.lower().translate(_DIGRAPHS))


def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word (the folded word itself for other languages)."""
    return _stem(fold(word), language)


def keeps_initial(language: str) -> bool:
    """Whether a word and its stem always start with the same letter in ``language``."""
    return language in _SUFFIX_ONLY or language not in _SNOWBALL


@lru_cache(maxsize=32768)  # about 250 bytes an entry
def _stem(folded: str, language: str) -> str:
    algorithm = _SNOWBALL.get(language)
    if algorithm is None:
        return folded
    stemmers: dict[str, snowballstemmer.stemmer] = _local.__dict__.setdefault("stemmers", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return str(stemmers[algorithm].stemWord(folded))


def is_word_text(text: str) -> bool:
    """A token is a word (it counts for the share) when it has a letter or digit."""
    return _ALNUM.search(text) is not None


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence, split at end punctuation and line breaks."""
    return _sentences(text)


@lru_cache(maxsize=64)  # keyed by whole texts: kept for the drafts being checked
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return split_after(_SENTENCE_END, text)


def split_after(ends: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the pieces of ``text`` cut after each match of ``ends``; blank pieces
    are left out."""
    spans, start = [], 0
    for match in ends.finditer(text):
        if text[start:match.end()].strip():
            spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return tuple(spans)


def sentence_at(text: str, position: int) -> tuple[int, int]:
    """The sentence holding ``position`` (the whole text when none does)."""
    spans = _sentences(text)
    index = bisect.bisect_right(spans, (position, len(text) + 1)) - 1
    if index >= 0 and spans[index][0] <= position < spans[index][1]:
        return spans[index]
    return 0, len(text)


class Intervals:
    """Non-overlapping [start, end) intervals; ``overlaps`` and ``add`` in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end)  # intervals starting before ``end``
        return index > 0 and self._ends[index - 1] > start

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
