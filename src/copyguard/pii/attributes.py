"""Sensitive attributes of the recipient asserted, implied or asked about in copy.

A term of a category ("diabetes", "pregnancy") is a finding only when the sentence is directed
at the recipient: a second-person word near it ("Struggling with *your* diabetes?"), or a cue
phrase that addresses the reader without one ("Congratulations on the pregnancy!", "As
someone living with diabetes"). A bare product mention ("Our sugar-free range", "The maternity
collection") is not. Exact-age phrases ("now that you've turned 62") are patterns of their own.

Lexicons are data files per language (data/sensitive/<lang>.yaml). Term syntax: words are
matched whole, case- and accent-insensitively; ``word*`` matches any ending ("diabet*"),
``*word`` any beginning ("*schwangerschaft" for German compounds); ``{a|b}`` stands for each
alternative ("behind on {rent|your bills}").
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from pydantic import BaseModel, ConfigDict, Field, field_validator

from copyguard.pii.data import data_path, load_model
from copyguard.pii.text import fold, sentence_spans


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def expand(term: str) -> list[str]:
    """Every spelling of a term with ``{a|b}`` groups ("behind on {rent|bills}")."""
    match = _ALTERNATIVES.search(term)
    if match is None:
        return [" ".join(term.split())]
    return [spelled for choice in match.group(1).split("|")
            for spelled in expand(term[:match.start()] + choice + term[match.end():])]


def _plain_terms(terms: list[str]) -> list[str]:
    for term in terms:
        spelled = expand(term)
        if any(re.search(r"[\[\](){}|?+\\^$]|\*\w|\w\*(?=\S)", t.lstrip("*"))
               for t in spelled):
            raise ValueError(f"term {term!r}: only words, spaces, hyphens, apostrophes, "
                             "{a|b} alternatives, a leading * and word-final * are allowed")
    return terms


class Recipient(_Model):
    """Words and phrases that make a sentence about the reader."""

    markers: list[str]                       # second-person words, any case
    case_sensitive_markers: list[str] = []   # formal "Sie"/"Ihr", "Lei"/"Suo": capitalized only
    near_markers: list[str] = []             # ambiguous possessives (es/pt "su", "seu"): right
    near_window: int = Field(2, ge=1)        # before the term, at most this many words away
    cues: list[str] = []                     # regexes on folded text ("congratulations on")
    # Phrases that open a sentence about the reader: "As a (proud) Latina, ...", "Como
    # inmigrante, ..." (the term at most near_window words after them).
    lead_ins: list[str] = []
    # Possessives ("your"): "your best friend" makes the term the friend's. Other markers
    # ("you know family") are not read that way. Empty: every marker is.
    possessives: list[str] = []

    check_terms = field_validator("markers", "near_markers", "lead_ins",
                                  "possessives")(_plain_terms)


class Question(_Model):
    """A short question without a subject asks the reader ("Starting over after prison?",
    "Recently divorced?", "Struggling with debt?"), when it opens with one of ``openers``
    (a regex on folded text: participles, "recently", "just" ...)."""

    openers: str
    max_words: int = Field(8, ge=1)

    @field_validator("openers")
    @classmethod
    def _valid(cls, value: str) -> str:
        re.compile(value)
        return value


class Category(_Model):
    description: str
    terms: list[str]
    # A third person near the term makes it theirs ("your pregnant friend"), except where the
    # attribute is the reader's because of them ("the death of your father": bereavement).
    about_others: bool = True

    check_terms = field_validator("terms")(_plain_terms)


class Lexicon(_Model):
    language: str
    sources: list[str]
    license: str
    window: int = Field(6, ge=1)
    recipient: Recipient
    neutral: list[str] = []    # words that make a mention about a cause, not a person
    others: list[str] = []     # third persons ("your friend"): the attribute is not the reader's
    self_markers: list[str] = []  # first person right before a term: the sender's attribute
    age: list[str] = []        # regexes whose one group is the age, already reader-directed
    min_age: int = 16
    question: Question | None = None
    categories: dict[str, Category]

    check_terms = field_validator("neutral", "others", "self_markers")(_plain_terms)

    @field_validator("age")
    @classmethod
    def _one_group(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if re.compile(pattern).groups != 1:
                raise ValueError(f"age pattern {pattern!r} needs exactly one group (the age)")
        return patterns


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
    spelled = {_fold(t.strip()) for term in terms for t in expand(term) if t.strip()}
    for term in sorted(spelled, key=len, reverse=True):
        left = r"\w*" if term.startswith("*") else r"(?<!\w)"
        right = "" if term.endswith("*") else r"(?!\w)"
        body = r"[\s\-]+".join(re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
                               for w in term.lstrip("*").split())
        parts.append(left + body + right)
    return "|".join(parts) or r"(?!)"


class AttributeMatcher:
    """One language's lexicon, compiled once; :meth:`find` is thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._terms = _TermIndex({name: cat.terms for name, cat in lexicon.categories.items()})
        rec = lexicon.recipient
        self._markers = re.compile(_term_regex(rec.markers))
        self._possessives = re.compile(_term_regex(rec.possessives)) if rec.possessives \
            else None
        self._case_markers = re.compile(
            "|".join(rf"(?<!\w){re.escape(m)}(?!\w)" for m in rec.case_sensitive_markers)
            or r"(?!)")
        self._near = re.compile(_term_regex(rec.near_markers))
        self._lead_ins = re.compile(_term_regex(rec.lead_ins))
        self._cues = re.compile("|".join(f"(?:{_fold_pattern(c)})" for c in rec.cues) or r"(?!)")
        self._neutral = re.compile(_term_regex(lexicon.neutral))
        self._others = re.compile(_term_regex(lexicon.others))
        self._self = re.compile(_term_regex(lexicon.self_markers))
        # One scan for all age patterns; each has one group, the age.
        self._age = re.compile("|".join(f"(?:{_fold_pattern(p)})" for p in lexicon.age)
                               or r"(?!)")
        question = lexicon.question
        self._opener = re.compile(_fold_pattern(question.openers)) if question else None

    def find(self, text: str, token_starts: Callable[[], list[int]]) -> Iterator[AttributeHit]:
        """Hits in ``text``; ``token_starts`` gives the shared doc's token offsets (to count
        words), called only when a term is found."""
        folded = _fold(text)
        yield from self._ages(text, folded)
        terms = self._terms.find(folded)
        if not terms:
            return
        draft = _Draft(text, folded, token_starts(), list(sentence_spans(text)),
                       _spans(self._markers, folded) + _spans(self._case_markers, text),
                       _spans(self._near, folded), _spans(self._cues, folded),
                       _spans(self._self, folded), _spans(self._lead_ins, folded))
        for category, start, end in terms:
            cue = self._directed(draft, start, end, self.lexicon.categories[category].about_others)
            if cue is not None:
                yield AttributeHit(category, start, end, cue)

    def _ages(self, text: str, folded: str) -> Iterator[AttributeHit]:
        if not _DIGIT.search(folded):
            return  # every age pattern holds a number
        for match in self._age.finditer(folded):
            age = next(group for group in match.groups() if group is not None)
            start, end = match.span()
            if int(age) >= self.lexicon.min_age:
                yield AttributeHit("age", start, end, text[start:end])

    def _directed(self, d: _Draft, s: int, e: int, others_apply: bool) -> str | None:
        """The word or cue that points the term ``[s, e)`` at the reader, or None."""
        index = bisect_right(d.sentences, (s, len(d.text) + 1)) - 1
        start, end = d.sentences[index] if index >= 0 else (0, len(d.text))
        window = self.lexicon.window
        markers = d.nearby(d.markers, max(start, s - _REACH), min(end, e + _REACH))
        for ms, me in markers:
            if ms < e and s < me:
                return d.text[ms:me]  # the term names the reader ("sorry for your loss")
        # "your DNA": a possessive right before the term wins over a cause word nearby
        # ("risk"); "whether you're Buddhist, ..." does not
        attached = self._possessives is not None and any(
            me <= s and d.words(me, s) == 0 and self._possessives.fullmatch(d.folded, ms, me)
            for ms, me in markers)
        if not attached and self._neutral.search(d.folded, max(start, s - 60),
                                                 min(end, e + 60)):
            return None
        if any(me <= s and d.words(me, s) <= 2 for _, me in d.nearby(d.own, max(start, s - 40), s)):
            return None  # "I am a Christian", "our Christian bookshop": the sender's
        for ms, me in markers:
            if self._names_other(d.folded, ms, me, end):
                continue  # "your company", "your best friend": a third party's
            a, b = (me, s) if me <= s else (e, ms)
            if d.words(a, b) <= window and not (
                    others_apply and self._about_others(d.folded, a, b, e, end)):
                return d.text[ms:me]
        near = self.lexicon.recipient.near_window
        for ms, me in d.nearby(d.near, max(start, s - _REACH), s):
            if me <= s and d.words(me, s) <= near:
                return d.text[ms:me]
        for ms, me in d.nearby(d.lead_ins, start, s):
            if me <= s and d.words(me, s) <= near and not d.folded[start:ms].strip(_LEADING):
                return d.text[ms:me]
        for ms, me in d.nearby(d.cues, max(start, s - _REACH), s):
            if me <= s and d.words(me, s) <= window:
                return d.text[ms:me]
        if self._asks_reader(d, start, end) and not (
                others_apply and self._about_others(d.folded, start, s, e, end)):
            return d.text[start:end].strip()
        return None

    def _asks_reader(self, d: _Draft, start: int, end: int) -> bool:
        """Whether the sentence is a short question without a subject that opens with a
        reader-directed word ("Starting over after prison?", "Recently divorced?")."""
        question = self.lexicon.question
        if question is None or self._opener is None:
            return False
        sentence = d.folded[start:end].strip().rstrip("\"'”’)]")
        # A question mark opening a line is a bullet ("? Diagnosed at 23" in a list).
        if not sentence.endswith("?") or sentence[:-1].rstrip(" \t").endswith("\n") or \
                d.words(start - 1, end) > question.max_words:
            return False
        return self._opener.match(sentence.lstrip(_LEADING)) is not None

    def _names_other(self, folded: str, marker_start: int, marker_end: int, end: int) -> bool:
        """Whether the marker is a possessive of a third party ("your company")."""
        space = re.match(r"[\s\-]+", folded[marker_end:end])
        if space is None:
            return False
        start = marker_end + space.end()
        if self._others.match(folded, start, end):
            return True
        if self._possessives is not None and \
                not self._possessives.fullmatch(folded, marker_start, marker_end):
            return False  # "you know family": only a possessive takes an adjective
        word = re.match(r"[\w']+[\s\-]+", folded[start:end])  # "your best friend"
        return word is not None and self._others.match(folded, start + word.end(), end) is not None

    def _about_others(self, folded: str, a: int, b: int, term_end: int, end: int) -> bool:
        """A third person between marker and term, or within three words after the term
        ("your pregnant friend"): the attribute is someone else's."""
        after = re.match(r"(?:[\s\-]+[\w']+){1,3}", folded[term_end:end])
        tail = (term_end, term_end + after.end()) if after else (term_end, term_end)
        return any(self._others.search(folded, x, y) for x, y in ((a, b), tail))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


class _TermIndex:
    """All terms of all categories in one Aho-Corasick automaton: linear in the text length,
    whatever the lexicon size. Spaces and hyphens inside terms match any one separator. A
    term with a wildcard inside ("рассеянн* склероз*") is indexed up to that word; the words
    after it are checked where it is found."""

    _SEPARATORS = re.compile(r"[\s\-‐‑–]")
    # The same for ASCII text, as a table (ASCII whitespace and the hyphen)
    _ASCII_SEPARATORS = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f -", " "))

    def __init__(self, categories: dict[str, list[str]]) -> None:
        entries: dict[str, list[tuple[str, bool, bool, re.Pattern[str] | None]]] = {}
        for category, terms in categories.items():
            for raw in (spelled for term in terms for spelled in expand(term)):
                words = self._SEPARATORS.sub(" ", _fold(raw.strip())).split()
                inner = next((i for i, w in enumerate(words[:-1]) if w.endswith("*")), None)
                head, tail = (words, []) if inner is None else \
                    (words[:inner + 1], words[inner + 1:])
                key = " ".join(head).strip("*")
                if key:
                    entries.setdefault(key, []).append(
                        (category, head[0].startswith("*"), head[-1].endswith("*"),
                         _tail_regex(tail)))
        self._automaton = ahocorasick.Automaton()
        for key, values in entries.items():
            self._automaton.add_word(key, (len(key), values))
        self._empty = not entries
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, folded: str) -> list[tuple[str, int, int]]:
        """(category, start, end) of each term, longest first where two overlap."""
        if self._empty:
            return []
        text = folded.translate(self._ASCII_SEPARATORS) if folded.isascii() else \
            self._SEPARATORS.sub(" ", folded)
        found = []
        for last, (size, values) in self._automaton.iter(text):
            for category, any_start, any_end, tail in values:
                start, end = last - size + 1, last + 1
                if not any_start and start > 0 and _is_word(text[start - 1]):
                    continue
                while any_start and start > 0 and _is_word(text[start - 1]):
                    start -= 1
                while any_end and end < len(text) and _is_word(text[end]):
                    end += 1
                if tail is not None:
                    rest = tail.match(text, end)
                    if rest is None:
                        continue
                    end = rest.end()
                elif not any_end and end < len(text) and _is_word(text[end]):
                    continue
                found.append((category, start, end))
        kept: list[tuple[str, int, int]] = []
        for hit in sorted(found, key=lambda h: (h[1], h[1] - h[2])):
            if not kept or hit[1] >= kept[-1][2]:
                kept.append(hit)
        return kept


def _tail_regex(words: list[str]) -> re.Pattern[str] | None:
    """The words after an inner wildcard, each after one separator, ending on a boundary."""
    if not words:
        return None
    body = "".join(r" +" + re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
                   for w in words)
    return re.compile(body + r"(?!\w)")


# Markers and cues further than this many characters from a term are never within the window.
_REACH = 200
_DIGIT = re.compile(r"\d")
# What may precede the first word of a sentence.
_LEADING = " \t\n¿¡\"'“‘«(-–—•*"


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
    own: list[tuple[int, int]]
    lead_ins: list[tuple[int, int]]

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
