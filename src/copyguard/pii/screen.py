"""Screening a draft for the recipient's values before their patterns are built.

Building and compiling a value's tolerant patterns (case, accents, ``ü``/``ue``, spacing,
phone prefixes, date formats) costs far more than looking at a draft, and almost no draft
contains the recipient's data. So each value gets *anchors*: plain strings that every match
of its patterns contains once the text is reduced to its lower-cased, accent-free letters and
digits (``letters``) or to its digits (``digits``). A value's patterns are built, compiled and
run only when one of its anchors is in the draft; the patterns still decide what matches.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

Key = Literal["letters", "digits"]
# An anchor holds when, for every (key, spellings) part, one of the spellings is in the text.
Anchor = tuple[tuple[Key, frozenset[str]], ...]

_NOT_ALNUM = re.compile(r"[\W_]+")  # after NFD this also drops combining accents
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_DIGIT = re.compile(r"\d")
# Letters also written as two letters; the patterns accept either (see text.tolerant_pattern).
_DIGRAPHS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"}
_MAX_DIGRAPHS = 8


def letters(text: str) -> str:
    """Lower-cased letters and digits of ``text``, accents removed, everything else dropped."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    if not any(c.isalnum() for c in _NON_ASCII.findall(decomposed)):
        # only ASCII letters and digits to keep (English with ’ or —): the same, byte-wise
        ascii_only = decomposed.encode("ascii", "ignore")
        return ascii_only.translate(None, _ASCII_NOT_ALNUM).decode()
    return _NOT_ALNUM.sub("", decomposed)


def digits(text: str) -> str:
    """The digits of ``text`` as ASCII digits (Arabic-Indic, fullwidth ... converted)."""
    found = "".join(_DIGIT.findall(text))
    return found if found.isascii() else "".join(str(unicodedata.digit(c)) for c in found)


@lru_cache(maxsize=8192)
def spellings(value: str) -> frozenset[str]:
    """``letters(value)`` with each ä, ö, ü, ß ... written either way ("müller", "mueller")."""
    parts = re.split(f"([{''.join(_DIGRAPHS)}])", value.lower())
    choices = [(part, _DIGRAPHS[part]) if part in _DIGRAPHS else (part,) for part in parts]
    if len(choices) > 2 * _MAX_DIGRAPHS + 1:
        return frozenset({""})  # too many to spell out: the anchor always holds
    forms = {letters("".join(form)) for form in itertools.product(*choices)}
    return frozenset(f for f in forms if f) or frozenset({""})


def any_of(key: Key, *values: str) -> Anchor:
    """An anchor holding when one of ``values`` (letters: in any spelling) is in the text."""
    needles = frozenset(itertools.chain.from_iterable(
        spellings(v) if key == "letters" else (v,) for v in values))
    return ((key, needles),)


@dataclass(frozen=True)
class Reduced:
    """A draft reduced once for anchor lookups."""

    text: str

    @cached_property
    def letters(self) -> str:
        return letters(self.text)

    @cached_property
    def digits(self) -> str:
        return digits(self.text)

    def holds(self, anchor: Anchor) -> bool:
        for key, needles in anchor:
            reduced = self.letters if key == "letters" else self.digits
            if not any(n in reduced for n in needles):
                return False
        return True
