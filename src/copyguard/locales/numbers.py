"""Numbers and money amounts in copy, with their separators read the way a reader would.

A number's last separator is a decimal mark when fewer or more than three digits follow it, or
when the number mixes separators (``1,234.50``); a lone separator followed by exactly three
digits (``1,234``) is ambiguous and never resolved automatically.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from babel.numbers import list_currencies

SPACES = "\u0020\u00a0\u202f\u2009"
_GROUP_CHARS = ",.'’\u00a0\u202f\u2009"


@cache
def currency_signs() -> str:
    """Every Unicode currency sign (category Sc) in the basic plane, for regex classes."""
    return "".join(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Sc")


def _number_re(space_grouping: bool) -> re.Pattern[str]:
    group = f"[{re.escape(_GROUP_CHARS)}]" + ("|(?<=\\d) " if space_grouping else "")
    # Groups of three digits; comma groups of two before another group (Indian 12,34,567).
    grouped = rf"\d{{1,3}}(?:(?:{group})\d{{3}}(?!\d)|,\d{{2}}(?=,\d))+"
    # (?=\d) first: positions without a digit fail before the look-behinds run
    return re.compile(
        rf"(?=\d)(?<![\dA-Za-z])(?<!\d[.,])({grouped}(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)")


_NUMBER_RES = {flag: _number_re(flag) for flag in (False, True)}
_DIGITS = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"(\D)")
_SEPARATORS = frozenset(_GROUP_CHARS + " ")  # every separator the number patterns accept

Runs = Sequence[tuple[int, int]]


# ASCII text with its digits kept and every other character a space (str.translate's fast
# path): its runs of digits are then found by splitting, without a regular expression.
_ASCII_DIGITS = str.maketrans({chr(c): chr(c) if chr(c) in "0123456789" else " "
                               for c in range(128)})


def digit_runs(text: str) -> list[tuple[int, int]]:
    """The spans of the runs of digits (of any script) in ``text``."""
    if not text.isascii():
        return [match.span() for match in _DIGITS.finditer(text)]
    masked = text.translate(_ASCII_DIGITS)
    runs: list[tuple[int, int]] = []
    end = 0
    for run in masked.split():
        start = masked.find(run, end)  # the next run: only spaces lie between
        end = start + len(run)
        runs.append((start, end))
    return runs


def may_have_separators(text: str, runs: Runs) -> bool:
    """Whether a number of ``text`` may have a separator: a separator joins two runs of
    digits (``runs``, from :func:`digit_runs`)."""
    return any(end + 1 == start and text[end] in _SEPARATORS
               for (_, end), (start, _) in pairwise(runs))


def matches_at(pattern: re.Pattern[str], text: str, runs: Runs) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern that can only match where a run of
    digits starts (it opens with a digit that no digit precedes), trying only the starts of
    ``runs`` (:func:`digit_runs`) instead of every position."""
    found: list[re.Match[str]] = []
    reach = 0
    for start, _ in runs:
        if start >= reach and (match := pattern.match(text, start)) is not None:
            found.append(match)
            reach = match.end()
    return found


def normalize_separator(sep: str) -> str:
    if sep in SPACES:
        return " "
    return "'" if sep in "'’" else sep


@dataclass(frozen=True, slots=True)
class NumberSpan:
    start: int
    end: int
    text: str
    groups: tuple[str, ...]  # runs of digits
    seps: tuple[str, ...]  # the separators between them

    @property
    def ascii(self) -> bool:
        return all(c.isascii() for c in self.text)

    @property
    def decimal_index(self) -> int | None:
        """Index in ``seps`` of the decimal mark, or ``None`` (no mark, or only grouping)."""
        if not self.seps:
            return None
        kinds = {normalize_separator(s) for s in self.seps}
        if len(self.groups[-1]) != 3 or len(kinds) > 1:
            return len(self.seps) - 1
        return None

    @property
    def ambiguous(self) -> bool:
        """A lone separator before exactly three digits: ``1,234`` or ``1.234``."""
        return len(self.seps) == 1 and len(self.groups[-1]) == 3

    @property
    def integer(self) -> int:
        index = self.decimal_index
        digits = self.groups if index is None else self.groups[:index + 1]
        return int("".join(digits))

    @property
    def fraction(self) -> str:
        return self.groups[-1] if self.decimal_index is not None else ""

    def rebuilt(self, decimal: str, group: str) -> str:
        """The same digits with the given decimal and grouping separators."""
        index = self.decimal_index
        out = [self.groups[0]]
        for i, digits in enumerate(self.groups[1:]):
            out += [decimal if i == index else group, digits]
        return "".join(out)


def find_numbers(text: str, *, space_grouping: bool = False,
                 runs: Runs | None = None) -> list[NumberSpan]:
    """Numbers written with digits (any script's digits). ``space_grouping`` lets a plain
    space group thousands (``1 234``), as in locales whose grouping mark is a space.
    ``runs``: the text's :func:`digit_runs`, when already known."""
    spans = []
    pattern = _NUMBER_RES[space_grouping]
    for match in matches_at(pattern, text, digit_runs(text) if runs is None else runs):
        raw = match.group(1)
        if raw.isdecimal():  # one run of digits (\d is exactly the decimal characters)
            spans.append(NumberSpan(match.start(1), match.end(1), raw, (raw,), ()))
            continue
        parts = _NON_DIGIT.split(raw)
        spans.append(NumberSpan(match.start(1), match.end(1), raw, tuple(parts[0::2]),
                                tuple(parts[1::2])))
    return spans


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its currency marker (a symbol, an ISO code or a currency word)."""

    number: NumberSpan
    marker: str
    marker_start: int
    marker_end: int
    kind: str  # "symbol", "code" or "word"

    @property
    def start(self) -> int:
        return min(self.number.start, self.marker_start)

    @property
    def end(self) -> int:
        return max(self.number.end, self.marker_end)


@cache
def currency_sign_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(currency_signs())}]")


def may_have_sign(text: str) -> bool:
    """Whether ``text`` may hold a currency sign of :func:`currency_signs` (in ASCII text
    only ``$`` is one)."""
    return "$" in text if text.isascii() else currency_sign_re().search(text) is not None


@cache
def _marker_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    sign = currency_sign_re().pattern
    symbol = rf"(?:[A-Z]{{1,3}})?{sign}"
    before = re.compile(rf"(?<![A-Za-z])(?P<m>{symbol}|[A-Z]{{3}})[{SPACES}]?$")
    after = re.compile(rf"^[{SPACES}]?(?P<m>{symbol}|[A-Z]{{3}}(?![A-Za-z]))")
    return before, after


def find_money(text: str, numbers: list[NumberSpan],
               word_spans: list[tuple[int, int]]) -> list[Money]:
    """Amounts: a number with a currency symbol or ISO code right before or after it, or a
    currency word (``円``, ``원``) right after it."""
    before_re, after_re = _marker_res()
    words = {start: end for start, end in word_spans}
    found = []
    for number in numbers:
        head = before_re.search(text[max(0, number.start - 6):number.start])
        tail = after_re.match(text[number.end:number.end + 6])
        if head and _is_marker(head.group("m")):
            start = number.start - (len(head.group(0)))
            found.append(Money(number, head.group("m"), start, start + len(head.group("m")),
                               _marker_kind(head.group("m"))))
        elif tail and _is_marker(tail.group("m")):
            start = number.end + tail.start("m")
            found.append(Money(number, tail.group("m"), start, start + len(tail.group("m")),
                               _marker_kind(tail.group("m"))))
        else:
            for start in (number.end, number.end + 1):
                if start in words and not text[number.end:start].strip(SPACES):
                    found.append(Money(number, text[start:words[start]], start, words[start],
                                       "word"))
                    break
    return found


def _is_marker(marker: str) -> bool:
    return not marker.isalpha() or marker in currency_codes()


def _marker_kind(marker: str) -> str:
    return "code" if marker.isalpha() else "symbol"


def percent_numbers(text: str, numbers: list[NumberSpan]) -> list[NumberSpan]:
    """Numbers written as percentages (``12.5 %``, ``%20`` in Turkish, ``40％``)."""
    out = []
    for number in numbers:
        after = text[number.end:number.end + 2].lstrip(SPACES)
        before = text[max(0, number.start - 1):number.start]
        if after.startswith(("%", "％")) or before in ("%", "％"):
            out.append(number)
    return out
