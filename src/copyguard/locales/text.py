"""Script-aware matching: folding, word boundaries, lexicon search and word distances.

Chinese and Japanese are written without spaces, so their lexicon entries match as substrings
of the raw text; Korean separates words but attaches particles (``선물을``), so Hangul entries
must start a word but may continue; every other script needs a word boundary on both sides
(``gift*`` opts into any ending). Distances between matches are counted in tokens of the shared
spaCy ``Doc`` (SudachiPy words for Japanese, characters for Chinese, space-separated words
elsewhere), ignoring punctuation, and never across a sentence end.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import accumulate

import ahocorasick
from spacy.tokens import Doc


class Script(Enum):
    HAN = "han"
    KANA = "kana"
    HANGUL = "hangul"
    WORD = "word"  # letters of space-separated scripts (Latin, Cyrillic, Arabic, Devanagari ...)
    OTHER = "other"  # digits, punctuation, symbols, emoji, spaces


UNSPACED = frozenset({Script.HAN, Script.KANA})
_STRIPPABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
_APOSTROPHES = frozenset("’‘ʼ`´")
SENTENCE_ENDS = frozenset({".", "!", "?", "。", "！", "？", "…", "؟", "।", "\n"})
MAX_TERM_CHARS = 64  # lexicon terms are short: bounds the search for overlapping hits


@lru_cache(maxsize=8192)
def script_of(char: str) -> Script:
    code = ord(char)
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF \
            or 0x20000 <= code <= 0x2FFFF or char in "々〆":
        return Script.HAN
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return Script.KANA
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return Script.HANGUL
    if unicodedata.category(char)[0] in "LM":
        return Script.WORD
    return Script.OTHER


_ORDINAL_INDICATORS = "ºª"


@lru_cache(maxsize=16384)
def fold_char(char: str) -> str:
    """One character in, one out: width-normalized, lower-cased, Latin/Greek/Cyrillic accents
    removed (``é``→``e``, ``ё``→``е``), curly apostrophes straightened. Kana keep their
    voicing marks."""
    if char in _ORDINAL_INDICATORS:
        return char  # NFKC makes them "o" and "a": the "ºF" of a temperature would read "of"
    normalized = unicodedata.normalize("NFKC", char)
    if len(normalized) == 1:
        char = normalized
    if char in _APOSTROPHES:
        return "'"
    decomposed = unicodedata.normalize("NFD", char)
    if (len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:])
            and unicodedata.name(decomposed[0], "").startswith(_STRIPPABLE_SCRIPTS)):
        char = decomposed[0]
    lowered = char.lower()
    return lowered[0] if lowered else char


# ASCII text folds through one table lookup per character (``str.translate``'s fast path).
ASCII_FOLDS = str.maketrans({chr(code): fold_char(chr(code)) for code in range(128)})


def fold(text: str) -> str:
    """Fold every character; the result has the length of the input (offsets carry over)."""
    if text.isascii():
        return text.translate(ASCII_FOLDS)
    return "".join(map(fold_char, text))


def is_cjk(text: str) -> bool:
    """True when the text has Chinese or Japanese characters (matched without word breaks)."""
    return any(script_of(char) in UNSPACED for char in text)


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon entry found in the text: ``text[start:end]`` belongs to ``concept``."""

    concept: str
    start: int
    end: int
    value: int | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    concept: str
    open_end: bool
    value: int | None


def start_ok(text: str, start: int, first: Script, clitics: Sequence[str] = ()) -> bool:
    """Whether a match may begin at ``start`` (see the module docstring)."""
    if start == 0:
        return True
    if text[start].isdigit():  # "1" in "NO.19" is no match for a term starting with a digit
        return not text[start - 1].isdigit()
    if first in UNSPACED or first is Script.OTHER:
        return True
    before = script_of(text[start - 1])
    if first is Script.HANGUL:
        return before is not Script.HANGUL
    if before is not Script.WORD:
        return True
    for clitic in clitics:  # Arabic و/ب/ال...: "والنبيذ" still contains the word "نبيذ"
        head = start - len(clitic)
        if head >= 0 and text.startswith(clitic, head) and (
                head == 0 or script_of(text[head - 1]) is not Script.WORD):
            return True
    return False


def end_ok(text: str, end: int, last: Script, open_end: bool = False) -> bool:
    if open_end or end >= len(text):
        return True
    if text[end - 1].isdigit():  # "NO.1" does not end inside "NO.19"
        return not text[end].isdigit()
    return last is not Script.WORD or script_of(text[end]) is not Script.WORD


class Lexicon:
    """All terms of a locale's concepts in one Aho-Corasick automaton over folded text.

    ``entries`` maps a concept to its terms; ``valued`` maps a concept to ``{value: terms}``
    (number words such as ``четыре`` → 4).
    """

    def __init__(self, entries: Mapping[str, Iterable[str]],
                 valued: Mapping[str, Mapping[int, Iterable[str]]] | None = None,
                 clitics: Sequence[str] = ()) -> None:
        self.clitics = tuple(fold(c) for c in clitics)
        collected: dict[str, list[_Entry]] = {}
        self.concepts: set[str] = set()
        for concept, terms in entries.items():
            self._collect(collected, concept, terms, None)
        for concept, by_value in (valued or {}).items():
            for value, terms in by_value.items():
                self._collect(collected, concept, terms, value)
        self._automaton = ahocorasick.Automaton()
        for key, found in collected.items():  # a key's scripts at its ends, for find()
            self._automaton.add_word(
                key, (len(key), script_of(key[0]), script_of(key[-1]), tuple(found)))
        self._empty = not collected
        if collected:
            self._automaton.make_automaton()

    def _collect(self, collected: dict[str, list[_Entry]], concept: str, terms: Iterable[str],
                 value: int | None) -> None:
        for term in terms:
            open_end = term.endswith("*")
            key = fold(term.rstrip("*").strip())
            if not key:
                continue
            entry = _Entry(concept, open_end, value)
            bucket = collected.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            self.concepts.add(concept)

    def find(self, text: str) -> list[Hit]:
        """Every entry found in ``text`` (overlaps included), in text order."""
        if self._empty:
            return []
        folded = fold(text)
        hits: list[Hit] = []
        for last, (length, first, final, entries) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if not start_ok(folded, start, first, self.clitics):
                continue
            for entry in entries:
                if end_ok(folded, end, final, entry.open_end):
                    hits.append(Hit(entry.concept, start, end, entry.value))
        hits.sort(key=lambda hit: (hit.start, -hit.end))
        return hits


class TokenIndex:
    """Word distances over a spaCy ``Doc``: how many words lie between two character offsets,
    or ``None`` when a sentence ends in between."""

    def __init__(self, doc: Doc) -> None:
        self._starts, self._ends, words, breaks = [], [], [], []
        for token in doc:
            text = token.text
            self._starts.append(token.idx)
            self._ends.append(token.idx + len(text))
            other = token.is_punct or token.is_space
            words.append(0 if other else 1)
            breaks.append(1 if other and _is_break(text) else 0)
        self._words = [0, *accumulate(words)]
        self._breaks = [0, *accumulate(breaks)]

    def gap(self, left_end: int, right_start: int) -> int | None:
        """Words wholly inside ``[left_end, right_start)``; ``None`` across a sentence end."""
        if right_start < left_end:
            return 0
        first = bisect.bisect_left(self._starts, left_end)
        stop = bisect.bisect_right(self._ends, right_start)
        if stop <= first:
            return 0
        if self._breaks[stop] - self._breaks[first]:
            return None
        return self._words[stop] - self._words[first]

    def distance(self, a: Hit, b: Hit) -> tuple[int, int] | None:
        """(direction, words) from ``a`` to ``b``: direction 1 when ``b`` follows ``a``, -1
        when it precedes, 0 when they overlap; ``None`` across a sentence end."""
        a_start, a_end, b_start, b_end = a.start, a.end, b.start, b.end
        if b_start >= a_end:
            words = self.gap(a_end, b_start)
            return None if words is None else (1, words)
        if b_end <= a_start:
            words = self.gap(b_end, a_start)
            return None if words is None else (-1, words)
        return 0, 0


def _is_break(token_text: str) -> bool:
    stripped = token_text.strip(" \t")
    return "\n" in token_text or (bool(stripped) and set(stripped) <= SENTENCE_ENDS)


class HitIndex:
    """Hits of some concepts, searchable by position in O(log n) per query."""

    def __init__(self, hits: Iterable[Hit]) -> None:
        self._by_start = sorted(hits, key=lambda h: (h.start, h.end))
        self._starts = [h.start for h in self._by_start]
        self._by_end = sorted(self._by_start, key=lambda h: (h.end, h.start))
        self._ends = [h.end for h in self._by_end]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self._by_start)

    def __bool__(self) -> bool:
        return bool(self._by_start)

    def near(self, anchor: Hit, tokens: TokenIndex, before: int | None,
             after: int | None) -> Hit | None:
        """A hit overlapping ``anchor``, else the nearest one following it within ``after``
        words, else the nearest one preceding it within ``before`` words (same sentence).
        ``None`` windows look for overlaps only."""
        i = bisect.bisect_left(self._starts, anchor.start - MAX_TERM_CHARS)
        while i < len(self._by_start) and self._by_start[i].start < anchor.end:
            other = self._by_start[i]
            if other.end > anchor.start and (other.start, other.end) != (anchor.start, anchor.end):
                return other
            i += 1
        if after is not None and i < len(self._by_start):
            following = self._by_start[i]
            words = tokens.gap(anchor.end, following.start)
            if words is not None and words <= after:
                return following
        j = bisect.bisect_right(self._ends, anchor.start) - 1
        if before is not None and j >= 0:
            preceding = self._by_end[j]
            words = tokens.gap(preceding.end, anchor.start)
            if words is not None and words <= before:
                return preceding
        return None
