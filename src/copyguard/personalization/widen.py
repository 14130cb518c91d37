"""A linear-time test that a phrase pattern cannot match a text, run before the regex scan.

Python's ``re`` tries a lexicon pattern such as ``(?<!\\w)(?:we noticed|based on your ...)``
at every position of the text, so its long alternations cost most on the drafts that hold
none of the phrases, which is nearly all of them. :func:`superset` rewrites the pattern for
RE2 (an automaton: one pass over the text, whatever the alternation's size) so that it
matches *at least* wherever the pattern matches: what RE2 lacks or what only narrows a match
is dropped or widened. :class:`Prefilter` runs it; when it finds nothing, neither would the
pattern; when it finds something, the pattern decides.

Widening, for every construct of :mod:`re`'s parse tree:

* look-arounds, anchors and word boundaries are dropped (they only reject matches);
* a back-reference becomes "any text", a conditional group either branch, an atomic group or
  a possessive, lazy or counted repeat a plain repeat (counts above RE2's limit unbounded);
* ``.`` matches any character (line breaks too);
* ``\\w``, ``\\d``, ``\\s`` and their negations keep their exact ASCII members and take
  every non-ASCII character (no Unicode table to agree on); inside a negated class, where
  widening the class would narrow the match, they take their ASCII members only.

Patterns compiled case-insensitively (or with a case-insensitive group) get no prefilter.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import re2

_NON_ASCII = r"\x{80}-\x{10ffff}"
# The ASCII members of each category (exact: Python's classes agree with these on ASCII).
_ASCII = {
    sre.CATEGORY_WORD: r"0-9A-Z_a-z",
    sre.CATEGORY_NOT_WORD: r"\x00-/:-@\[-\^`{-\x7f",
    sre.CATEGORY_DIGIT: r"0-9",
    sre.CATEGORY_NOT_DIGIT: r"\x00-/:-\x7f",
    sre.CATEGORY_SPACE: r"\t-\r\x1c- ",
    sre.CATEGORY_NOT_SPACE: r"\x00-\x08\x0e-\x1b!-\x7f",
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_DROPPED = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_RE2_MAX_REPEAT = 1000
_ANY = "(?s:.)"


class Unsupported(Exception):
    """The pattern has a construct :func:`superset` does not widen."""


def superset(pattern: re.Pattern[str]) -> str | None:
    """RE2 syntax matching wherever ``pattern`` matches (``None`` when not written)."""
    if pattern.flags & (re.IGNORECASE | re.LOCALE) or not isinstance(pattern.pattern, str):
        return None
    try:
        return _sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except Unsupported:
        return None


def _sequence(items: list[Any]) -> str:
    return "".join(_item(op, av) for op, av in items)


def _item(op: Any, av: Any) -> str:
    if op is sre.LITERAL:
        return _char(av)
    if op is sre.NOT_LITERAL:
        return f"[^{_char(av)}]"
    if op is sre.ANY:
        return _ANY
    if op is sre.IN:
        return _class(av)
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(list(branch)) for branch in av[1]) + ")"
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = av
        if add_flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
            raise Unsupported("case-insensitive group")
        return "(?:" + _sequence(list(body)) + ")"
    if op is sre.ATOMIC_GROUP:
        return "(?:" + _sequence(list(av)) + ")"
    if op in _REPEATS:
        low, high, body = av
        low = min(low, _RE2_MAX_REPEAT)
        top = "" if high is sre.MAXREPEAT or high > _RE2_MAX_REPEAT else str(high)
        return "(?:" + _sequence(list(body)) + "){" + f"{low},{top}" + "}"
    if op in _DROPPED:
        return ""
    if op is sre.GROUPREF:
        return _ANY + "*"
    if op is sre.GROUPREF_EXISTS:
        _, yes, no = av
        return "(?:" + _sequence(list(yes)) + "|" + _sequence(list(no or [])) + ")"
    raise Unsupported(str(op))


def _char(code: int) -> str:
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate: not in any UTF-8 text RE2 reads
        raise Unsupported("surrogate")
    return f"\\x{{{code:x}}}"


def _class(items: list[Any]) -> str:
    negated = bool(items) and items[0][0] is sre.NEGATE
    parts = []
    for op, av in items[1:] if negated else items:
        if op is sre.LITERAL:
            parts.append(_char(av))
        elif op is sre.RANGE:
            parts.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is sre.CATEGORY and av in _ASCII:
            # In a negated class the category's ASCII members only (the complement then holds
            # every character the category might not); else all non-ASCII characters too.
            parts.append(_ASCII[av] if negated else _ASCII[av] + _NON_ASCII)
        else:
            raise Unsupported(f"class item {op}")
    return ("[^" if negated else "[") + "".join(parts) + "]"


def _options() -> Any:
    options = re2.Options()
    options.never_capture = True
    options.log_errors = False
    return options


class Prefilter:
    """A pattern's RE2 superset, compiled; :meth:`may_match` is ``False`` only where the
    pattern cannot match."""

    __slots__ = ("_regexp",)

    def __init__(self, regexp: Any) -> None:
        self._regexp = regexp

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Prefilter | None:
        """The pattern's prefilter, or ``None`` when it has none (see :func:`superset`)."""
        widened = superset(pattern)
        if widened is None:
            return None
        try:
            return cls(re2.compile(widened, _options()))
        except re2.error:  # RE2 refuses it (a program too large, say)
            return None

    def may_match(self, text: str) -> bool:
        try:
            data = text.encode()
        except UnicodeEncodeError:  # lone surrogates: let the pattern decide
            return True
        return self._regexp.search(data) is not None


class PrefilterSet:
    """The RE2 supersets of several patterns in one RE2 set: one pass over a text tells which
    patterns may match in it (:meth:`matching`), however many there are.

    An empty pattern that matches every text is added first: a set whose automaton runs out
    of memory reports no match at all, and then not even that one, so a failed pass is told
    from a text where nothing matches. The last text's answer is kept: the checks of one
    draft ask about the same folded text many times.
    """

    __slots__ = ("_last", "_set")

    def __init__(self, regexp_set: Any) -> None:
        self._set = regexp_set
        self._last: tuple[str, frozenset[int] | None] = ("", None)

    @classmethod
    def of(cls, patterns: list[re.Pattern[str]]) -> tuple[PrefilterSet, list[int | None]] | None:
        """The set, and each pattern's number in it (``None`` for a pattern without a
        superset); ``None`` when RE2 cannot compile the set."""
        options = _options()
        options.max_mem = _SET_MEMORY
        regexp_set = re2.Set.SearchSet(options)
        if regexp_set.Add(b"") != _SENTINEL:
            return None
        numbers: list[int | None] = []
        for pattern in patterns:
            widened = superset(pattern)
            numbers.append(None if widened is None else _added(regexp_set, widened))
        if not any(number is not None for number in numbers):
            return None
        try:
            regexp_set.Compile()
        except re2.error:
            return None  # (an uncompiled set must not be matched: RE2 would crash)
        return cls(regexp_set), numbers

    def matching(self, text: str) -> frozenset[int] | None:
        """The numbers of the patterns that may match in ``text``; ``None`` when the set
        cannot tell (then ask each pattern's own prefilter)."""
        last = self._last
        if last[0] == text and last[1] is not None:
            return last[1]
        try:
            found = self._set.Match(text.encode())
        except UnicodeEncodeError:  # lone surrogates
            return None
        numbers = frozenset(found) if found and _SENTINEL in found else None
        self._last = (text, numbers)
        return numbers


def _added(regexp_set: Any, pattern: str) -> int | None:
    try:
        number: int = regexp_set.Add(pattern.encode())
    except re2.error:  # RE2 refuses it
        return None
    return number


_SENTINEL = 0
_SET_MEMORY = 16 << 20  # RE2's budget for the set's automaton (used as states are made)
