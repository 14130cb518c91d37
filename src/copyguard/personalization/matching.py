"""Finding a recipient value among the words of a draft.

Words are compared on folded text (case and accents ignored), names also on their ``ü``/``ue``
spelling, other values on Snowball stems (inflection), places on derived forms ("Berliner"),
item names by weighted token overlap (light paraphrase: "your Alpine Shell" for "Alpine Shell
jacket"), and names by edit distance for misspellings ("Jon" for "John").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from spacy.tokens import Doc

from copyguard.personalization.text import clause_ids, fold, is_word, name_key, stem

# Share of an item name's weight the draft must repeat to count as a (paraphrased) mention.
PARAPHRASE_MIN = 0.6
# Similarity (rapidfuzz ratio, 0-100) at which two stems count as the same word.
STEM_SIMILAR = 88
# Minimum rapidfuzz ratio for a misspelt name, and the edit budget by name length.
MISSPELT_MIN = 75
SENTENCE_ENDS = frozenset(".!?…。！？¡¿")


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the draft (or of a recipient value) in the forms matching needs."""

    index: int
    start: int
    end: int
    text: str
    norm: str
    stem: str
    key: str
    clause: int
    is_stop: bool
    has_digit: bool
    after_break: bool  # opens a sentence (after . ! ? or a line break)

    @property
    def is_titlecase(self) -> bool:
        return self.text[:1].isupper()


def words_of(doc: Doc) -> list[Word]:
    """The draft's words (tokens with a letter or digit) with their clause index."""
    clauses = clause_ids(doc)
    words: list[Word] = []
    previous_break = True  # whether the word opens a sentence
    for token in doc:
        if not is_word(token):
            previous_break = previous_break or token.text in SENTENCE_ENDS or "\n" in token.text
            continue
        words.append(Word(
            index=token.i, start=token.idx, end=token.idx + len(token.text), text=token.text,
            norm=fold(token.text), stem=stem(token.text, doc.lang_), key=name_key(token.text),
            clause=clauses[token.i], is_stop=token.is_stop,
            has_digit=any(c.isdigit() for c in token.text), after_break=previous_break))
        previous_break = False
    return words


def value_words(value: str, tokenize: Callable[[str], Doc]) -> list[Word]:
    """A recipient value tokenized like the draft, so both sides split words alike."""
    return words_of(tokenize(value))


def strip_suffix(norm: str, suffixes: Sequence[str]) -> str | None:
    """``maria`` for ``maria's`` or German ``marias`` (possessive suffixes of the language)."""
    for suffix in suffixes:
        folded = fold(suffix)
        if norm.endswith(folded) and len(norm) > len(folded) + 1:
            return norm[: -len(folded)]
    return None


def same_name(word: Word, value: Word, suffixes: Sequence[str]) -> int | None:
    """How many characters of ``word`` are the name (``None`` when it is not that name)."""
    if word.norm == value.norm or word.key == value.key:
        return len(word.text)
    bare = strip_suffix(word.norm, suffixes)
    if bare is not None and (bare == value.norm or name_key(bare) == value.key):
        return len(bare)
    return None


def find_sequence(words: Sequence[Word], value: Sequence[Word],
                  same: Callable[[Word, Word], int | None]) -> Iterator[tuple[int, int]]:
    """(start, end) character offsets where ``value`` occurs as consecutive words."""
    n = len(value)
    if n == 0:
        return
    for i in range(len(words) - n + 1):
        last = same(words[i], value[0])
        if last is None:
            continue
        for k in range(1, n):
            if words[i + k].clause != words[i].clause:
                last = None
                break
            last = same(words[i + k], value[k])
            if last is None:
                break
        if last is not None:
            yield words[i].start, words[i + n - 1].start + last


def same_stem(word: Word, value: Word) -> bool:
    if word.stem == value.stem or word.norm == value.norm:
        return True
    return _similar_stems(word.stem, value.stem)


@lru_cache(maxsize=65536)
def _similar_stems(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= STEM_SIMILAR


def derived_place(word: Word, value: Word) -> bool:
    """``berliner`` from ``berlin``, ``parisienne`` from ``paris`` (a place's adjective)."""
    root = value.norm
    return (len(root) >= 4 and word.norm.startswith(root[:-1] if len(root) > 5 else root)
            and len(word.norm) - len(root) <= 5)


def paraphrase_matches(words: Sequence[Word], value: Sequence[Word]
                       ) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of windows repeating most of an item name's content words.

    Content words are the value's non-stop words (model numbers weigh double); a window may
    skip stop words and one other word, and must stay within one clause.
    """
    content = [v for v in value if not v.is_stop] or list(value)
    weights = [2.0 if v.has_digit else 1.0 for v in content]
    total = sum(weights)
    if total == 0:
        return
    budget = len(value) + 2
    anchors: dict[tuple[str, str], bool] = {}  # (stem, norm) -> shares a word with the value
    i = 0
    while i < len(words):
        key = (words[i].stem, words[i].norm)
        if key not in anchors:
            anchors[key] = any(same_stem(words[i], v) for v in content)
        if not anchors[key]:
            i += 1
            continue
        used: set[int] = set()
        got, last, skipped = 0.0, i, 0
        for j in range(i, min(len(words), i + budget)):
            if words[j].clause != words[i].clause:
                break
            hit = next((k for k, v in enumerate(content)
                        if k not in used and same_stem(words[j], v)), None)
            if hit is not None:
                used.add(hit)
                got += weights[hit]
                last = j
            elif not words[j].is_stop:
                skipped += 1
                if skipped > 1:
                    break
        score = got / total
        if score >= PARAPHRASE_MIN:
            yield words[i].start, words[last].end, round(score, 3)
            i = last + 1
        else:
            i += 1


def item_similarity(a: Sequence[Word], b: Sequence[Word]) -> float:
    """Weighted share of ``b``'s content words found in ``a`` (0..1), for item names."""
    content = [v for v in b if not v.is_stop] or list(b)
    if not content:
        return 0.0
    found = sum(1 for v in content if any(same_stem(w, v) for w in a))
    return found / len(content)


def misspelling(word: Word, value: Word) -> bool:
    """``Jon`` for ``John``, ``Mariah`` for ``Maria``: close, but not the same name."""
    if word.norm == value.norm or word.key == value.key or len(value.norm) < 3:
        return False
    budget = 1 if len(value.norm) <= 6 else 2  # edits; a swap of two letters is one
    return (OSA.distance(word.norm, value.norm) <= budget
            and fuzz.ratio(word.norm, value.norm) >= MISSPELT_MIN)


def accent_differs(word: Word, value: Word) -> bool:
    """``Jose`` for ``José``: the profile's accents lost or changed. (Accents added to a
    plain profile value are not flagged: many systems store names without them.)"""
    return (word.norm == value.norm and word.text.casefold() != value.text.casefold()
            and not value.text.isascii())


DIGITS = re.compile(r"\+?\d[\d\s().\-/]{4,}\d")


def digit_matches(text: str, value: str) -> Iterator[tuple[int, int]]:
    """Phone-like values: the same digits whatever the separators, allowing a different
    country code or trunk prefix (``030 1234567`` for ``+49 30 1234567``)."""
    wanted = re.sub(r"\D", "", value)
    if len(wanted) < 6:
        return
    for match in DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        common = _common_suffix(digits, wanted)
        if digits == wanted or (common >= 7 and common >= min(len(digits), len(wanted)) - 2):
            yield match.start(), match.end()


def _common_suffix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count
