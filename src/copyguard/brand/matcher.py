"""Phrase matching for term lists of any size: one Aho-Corasick automaton per compiled guide.

The automaton is the Rust ``aho-corasick`` crate (via ``ahocorasick_rs``) in its contiguous-NFA
form, whose compact state table keeps a 10,000-phrase guide nearly as fast as a 10-phrase one
(see benchmarks/bench_brand_terms.py). Matches respect word boundaries (except in scripts
written without spaces, and at the end of Korean words, which take particles) and case rules:
every phrase is found case-insensitively, and a case-sensitive one must also match as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

from copyguard.brand.text import (
    WORD_VIEW,
    BrandText,
    fold,
    hangul,
    is_word_char,
    normalize_phrase,
    unspaced_script,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pattern(Generic[T]):
    phrase: str  # normalized, case kept
    folded: str
    case_sensitive: bool
    payload: T
    left: int  # boundary spaces framing the phrase in its key
    right: int


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    start: int  # span in the original text
    end: int
    matched: str
    payload: T


def _needs_left_boundary(char: str) -> bool:
    return is_word_char(char) and not unspaced_script(char)


def _needs_right_boundary(char: str) -> bool:
    return is_word_char(char) and not unspaced_script(char) and not hangul(char)


class PhraseIndex(Generic[T]):
    """Finds every phrase of a (possibly huge) list in a text in one pass.

    Phrases are keyed on the text's word view (non-word characters as spaces) with a space on
    each side that must be a word boundary, so the automaton itself only reports matches on
    word boundaries; each one is then checked against the real characters and case.
    """

    def __init__(self, patterns: Iterable[tuple[str, bool, T]]) -> None:
        grouped: dict[str, list[Pattern[T]]] = {}
        for phrase, case_sensitive, payload in patterns:
            norm = normalize_phrase(phrase)
            if not norm:
                continue
            folded = fold(norm)
            left = " " if _needs_left_boundary(folded[0]) else ""
            right = " " if _needs_right_boundary(folded[-1]) else ""
            key = left + folded.translate(WORD_VIEW) + right
            grouped.setdefault(key, []).append(
                Pattern(norm, folded, case_sensitive, payload, len(left), len(right)))
        self.size = len(grouped)
        self._groups = [tuple(group) for group in grouped.values()]
        self._automaton = AhoCorasick(list(grouped), matchkind=MatchKind.Standard,
                                      implementation=Implementation.ContiguousNFA,
                                      ) if grouped else None

    def find(self, text: BrandText) -> list[Hit[T]]:
        if self._automaton is None:
            return []
        folded, norm = text.folded, text.norm
        hits: list[Hit[T]] = []
        groups = self._groups
        for index, key_start, key_end in self._automaton.find_matches_as_indexes(
                text.view, overlapping=True):
            for pattern in groups[index]:
                # the view is the folded text framed by one space: view index i is folded i - 1
                start, end = key_start + pattern.left - 1, key_end - pattern.right - 1
                if folded[start:end] != pattern.folded:
                    continue
                if pattern.case_sensitive and norm[start:end] != pattern.phrase:
                    continue
                orig_start, orig_end = text.span(start, end)
                hits.append(Hit(orig_start, orig_end, text.text[orig_start:orig_end],
                                pattern.payload))
        return hits
