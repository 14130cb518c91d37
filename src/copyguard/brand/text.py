"""The draft text as the brand matchers see it, with offsets back into the original.

Matching is done on a normalized copy: every kind of space and dash becomes one space, curly
apostrophes become ``'``, zero-width characters and soft hyphens are dropped, and runs of spaces
collapse. So "risk‑free", "risk free" and "risk  free" are one phrase, and "ch\u200beap" cannot
hide "cheap". ``folded`` is the same text in lower case, one character per character.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_SPACES = "\t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_APOSTROPHES = "\u2019\u2018\u02bc\u2032\uff07"
_TRANSLATION = str.maketrans({**dict.fromkeys(_SPACES + _DASHES, " "),
                              **dict.fromkeys(_APOSTROPHES, "'")})
_SQUEEZE = re.compile("[ ]{2,}|[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

# Links and addresses: a brand name inside them is not prose (``shop.northwind.com``). The
# lookbehinds let an address start only where a run of its characters starts: without them
# every position of "a.a.a.a..." starts a scan to the end (quadratic; minutes at 100 KB).
_LINK = re.compile(r"(?i)(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                   r"|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?:/\S*)?")
_SENTENCE_START = re.compile(r"(?:\A|(?<=[.!?\u3002\uff01\uff1f\u2026])[\"'\u201d\u2019)\]]*\s+"
                             r"|\n)\s*[\"'\u201c\u2018\u201e(\[\u00a1\u00bf]*")
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f\u2026])[\"'\u201d\u2019)\]]*\s+|\n\s*")


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


class _WordView(dict[int, int]):
    """``str.translate`` table: word characters stay, every other character becomes a space
    (filled in lazily, one lookup per distinct character)."""

    def __missing__(self, code: int) -> int:
        value = code if is_word_char(chr(code)) else 0x20
        self[code] = value
        return value


WORD_VIEW = _WordView()


def unspaced_script(char: str) -> bool:
    """Scripts written without spaces between words (word boundaries do not apply)."""
    code = ord(char)
    return (0x0E00 <= code <= 0x0EFF or 0x1000 <= code <= 0x109F or 0x1780 <= code <= 0x17FF
            or 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF)


def hangul(char: str) -> bool:
    """Korean words take particles as suffixes, so only their start is a boundary."""
    return 0xAC00 <= ord(char) <= 0xD7AF or 0x1100 <= ord(char) <= 0x11FF


def fold(text: str) -> str:
    """Lower case, keeping exactly one character per input character."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower()[0] for char in text)


def normalize_phrase(phrase: str) -> str:
    """A phrase from a guide, normalized like the draft text (case kept)."""
    return BrandText.of(phrase.strip()).norm.strip()


def match_case(source: str, replacement: str) -> str:
    """``replacement`` in the case pattern of ``source`` (ALL CAPS, Capitalized, as given)."""
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters and letters[0].isupper() and replacement[:1].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


@dataclass(frozen=True, slots=True)
class BrandText:
    """``text`` normalized (``norm``) and lower-cased (``folded``); ``offsets[i]`` is the
    position in ``text`` of ``norm[i]`` (``None`` when nothing moved). ``view`` is ``folded``
    with every non-word character as a space, framed by one space on each side: phrases keyed
    with spaces around them can then only match on word boundaries."""

    text: str
    norm: str
    folded: str
    offsets: tuple[int, ...] | None
    view: str

    @classmethod
    def of(cls, text: str) -> BrandText:
        translated = text.translate(_TRANSLATION)
        if _SQUEEZE.search(translated) is None:
            return cls._make(text, translated, None)
        pieces: list[str] = []
        offsets: list[int] = []
        cursor = 0
        for match in _SQUEEZE.finditer(translated):
            pieces.append(translated[cursor:match.start()])
            offsets.extend(range(cursor, match.start()))
            if match.group().startswith(" "):
                pieces.append(" ")
                offsets.append(match.start())
            cursor = match.end()
        pieces.append(translated[cursor:])
        offsets.extend(range(cursor, len(translated)))
        return cls._make(text, "".join(pieces), tuple(offsets))

    @classmethod
    def _make(cls, text: str, norm: str, offsets: tuple[int, ...] | None) -> BrandText:
        folded = fold(norm)
        return cls(text, norm, folded, offsets, " " + folded.translate(WORD_VIEW) + " ")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``norm[start:end]`` to the span of ``text`` it came from."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class TextLayout:
    """Where sentences start and where links are, computed once per draft when needed."""

    text: str

    @cached_property
    def sentence_starts(self) -> frozenset[int]:
        return frozenset(m.end() for m in _SENTENCE_START.finditer(self.text))

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        spans, cursor = [], 0
        for match in _SENTENCE_END.finditer(self.text):
            if match.start() > cursor:
                spans.append((cursor, match.start()))
            cursor = match.end()
        if cursor < len(self.text):
            spans.append((cursor, len(self.text)))
        return tuple(spans)

    @cached_property
    def links(self) -> tuple[tuple[int, int], ...]:
        return tuple((m.start(), m.end()) for m in _LINK.finditer(self.text))

    def in_link(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` lies inside one link (links do not overlap)."""
        index = bisect.bisect_right(self.links, (start, len(self.text) + 1)) - 1
        return index >= 0 and end <= self.links[index][1]
