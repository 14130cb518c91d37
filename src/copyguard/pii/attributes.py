"""Sensitive attributes of the recipient asserted, implied or asked about in copy.

A term of a category ("diabetes", "pregnancy") is a finding only when the sentence is directed
at the recipient: a second-person word near it ("Struggling with *your* diabetes?"), or a cue
phrase that addresses the reader without one ("Congratulations on the pregnancy!", "As
someone living with diabetes"). A bare product mention ("Our sugar-free range", "The maternity
collection") is not. Exact-age phrases ("now that you've turned 62") are patterns of their own.

Lexicons are data files per language (data/sensitive/<lang>.yaml). Term syntax: words are
matched whole, case- and accent-insensitively; ``word*`` matches any ending ("diabet*"),
``*word`` any beginning ("*schwangerschaft" for German compounds).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from copyguard.pii.data import data_path, load_model
from copyguard.pii.text import fold, sentence_spans


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Recipient(_Model):
    """Words and phrases that make a sentence about the reader."""

    markers: list[str]                       # second-person words, any case
    case_sensitive_markers: list[str] = []   # formal "Sie"/"Ihr", "Lei"/"Suo": capitalized only
    near_markers: list[str] = []             # ambiguous possessives (es/pt "su", "seu"): right
    near_window: int = Field(2, ge=1)        # before the term, at most this many words away
    cues: list[str] = []                     # regexes on folded text ("congratulations on")


class Category(_Model):
    description: str
    terms: list[str]


class Lexicon(_Model):
    language: str
    sources: list[str]
    license: str
    window: int = Field(6, ge=1)
    recipient: Recipient
    neutral: list[str] = []    # words that make a mention about a cause, not a person
    others: list[str] = []     # third persons ("your friend"): the attribute is not the reader's
    age: list[str] = []        # regexes whose first group is the age, already reader-directed
    min_age: int = 16
    categories: dict[str, Category]


@dataclass(frozen=True, slots=True)
class AttributeHit:
    category: str
    start: int
    end: int
    cue: str


def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in data_path("sensitive").glob("*.yaml")))


def _fold(text: str) -> str:
    return fold(text).replace("’", "'")


def _fold_pattern(pattern: str) -> str:
    """Fold a regex's literal characters, leaving escapes (``\\S``, ``\\D``) alone."""
    out: list[str] = []
    for i, char in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\" and (i < 2 or pattern[i - 2] != "\\")
        out.append(char if escaped else _fold(char))
    return "".join(out)


def _term_regex(terms: list[str]) -> str:
    """One alternation for a term list (see the module doc for the ``*`` syntax)."""
    parts = []
    for term in sorted({_fold(t.strip()) for t in terms if t.strip()}, key=len, reverse=True):
        left = r"\w*" if term.startswith("*") else r"(?<!\w)"
        right = r"\w*" if term.endswith("*") else r"(?!\w)"
        body = r"[\s\-]+".join(re.escape(w) for w in term.strip("*").split())
        parts.append(left + body + right)
    return "|".join(parts) or r"(?!)"


class AttributeMatcher:
    """One language's lexicon, compiled once; :meth:`find` is thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        groups = [f"(?P<{name}>{_term_regex(cat.terms)})"
                  for name, cat in lexicon.categories.items()]
        self._terms = re.compile("|".join(groups))
        rec = lexicon.recipient
        self._markers = re.compile(_term_regex(rec.markers))
        self._case_markers = re.compile(
            "|".join(rf"(?<!\w){re.escape(m)}(?!\w)" for m in rec.case_sensitive_markers)
            or r"(?!)")
        self._near = re.compile(_term_regex(rec.near_markers))
        self._cues = re.compile("|".join(f"(?:{_fold_pattern(c)})" for c in rec.cues) or r"(?!)")
        self._neutral = re.compile(_term_regex(lexicon.neutral))
        self._others = re.compile(_term_regex(lexicon.others))
        self._age = [re.compile(_fold_pattern(p)) for p in lexicon.age]

    def find(self, text: str, token_starts: list[int]) -> Iterator[AttributeHit]:
        """Hits in ``text``; ``token_starts`` are the shared doc's token offsets (word counts)."""
        folded = _fold(text)
        yield from self._ages(folded)
        terms = list(self._terms.finditer(folded))
        if not terms:
            return
        draft = _Draft(text, folded, token_starts, list(sentence_spans(text)),
                       _spans(self._markers, folded) + _spans(self._case_markers, text),
                       _spans(self._near, folded), _spans(self._cues, folded))
        for match in terms:
            cue = self._directed(draft, match.start(), match.end())
            if cue is not None:
                yield AttributeHit(match.lastgroup or "", match.start(), match.end(), cue)

    def _ages(self, folded: str) -> Iterator[AttributeHit]:
        for pattern in self._age:
            for match in pattern.finditer(folded):
                if int(match.group(1)) >= self.lexicon.min_age:
                    yield AttributeHit("age", match.start(), match.end(), match.group(0))

    def _directed(self, d: _Draft, s: int, e: int) -> str | None:
        """The word or cue that points the term ``[s, e)`` at the reader, or None."""
        index = bisect_right(d.sentences, (s, len(d.text) + 1)) - 1
        start, end = d.sentences[index] if index >= 0 else (0, len(d.text))
        window = self.lexicon.window
        if self._neutral.search(d.folded, max(start, s - 60), min(end, e + 60)):
            return None
        for ms, me in d.nearby(d.markers, max(start, s - _REACH), min(end, e + _REACH)):
            if ms < e and s < me:
                return d.text[ms:me]  # the term contains it ("your loss")
            a, b = (me, s) if me <= s else (e, ms)
            if d.words(a, b) <= window and not self._about_others(d.folded, a, b, e, end):
                return d.text[ms:me]
        near = self.lexicon.recipient.near_window
        for ms, me in d.nearby(d.near, max(start, s - _REACH), s):
            if me <= s and d.words(me, s) <= near:
                return d.text[ms:me]
        for ms, me in d.nearby(d.cues, max(start, s - _REACH), s):
            if me <= s and d.words(me, s) <= window:
                return d.text[ms:me]
        return None

    def _about_others(self, folded: str, a: int, b: int, term_end: int, end: int) -> bool:
        """A third person between marker and term, or within three words after the term
        ("your pregnant friend"): the attribute is someone else's."""
        after = re.match(r"(?:[\s\-]+[\w']+){1,3}", folded[term_end:end])
        tail = (term_end, term_end + after.end()) if after else (term_end, term_end)
        return any(self._others.search(folded, x, y) for x, y in ((a, b), tail))


# Markers and cues further than this many characters from a term are never within the window.
_REACH = 200


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Draft:
    """One text with its marker, near-marker and cue positions, found once."""

    text: str
    folded: str
    token_starts: list[int]
    sentences: list[tuple[int, int]]
    markers: list[tuple[int, int]]
    near: list[tuple[int, int]]
    cues: list[tuple[int, int]]

    def __post_init__(self) -> None:
        self.markers.sort()

    def words(self, a: int, b: int) -> int:
        """Tokens strictly between offsets ``a`` and ``b``."""
        starts = self.token_starts
        return max(0, bisect_right(starts, b) - bisect_right(starts, a) - 1)

    @staticmethod
    def nearby(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
        first = bisect_right(spans, (lo, -1))
        last = bisect_right(spans, (hi, sys.maxsize))
        return spans[first:last]


@lru_cache(maxsize=16)
def attribute_matcher(language: str) -> AttributeMatcher | None:
    """The compiled lexicon for a language, or None when there is none."""
    if language not in available_languages():
        return None
    return AttributeMatcher(load_model(Lexicon, "sensitive", f"{language}.yaml"))
