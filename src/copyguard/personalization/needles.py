"""Skip a regular-expression scan when the text lacks the literal words every match needs.

Python's ``re`` tries a pattern such as ``(?<!\\w)(?:we noticed|based on your ...)`` at every
position of the text, so the lexicon's long phrase alternations cost most on the drafts that
hold none of the phrases, which is nearly all of them. :func:`needles` reads the pattern's
parse tree once and finds, for each top-level alternative, literal strings no match can do
without (a run of literal characters, or one of the words of an alternation such as
``(?:noticed|tracked)``). :class:`Phrases` tests them with ``in`` (a fast substring search)
before scanning. The test is a necessary condition only: when it passes, the pattern decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from copyguard.personalization.widen import Prefilter, PrefilterSet

# One of these strings is in every match (of one alternative).
Clause = frozenset[str]
# The pattern's alternatives, each as the clauses all of which it needs.
Needles = tuple[tuple[Clause, ...], ...]

# Shorter texts are scanned at once: the scan costs less than the substring tests ...
SHORT_TEXT = 160
# ... unless the pattern needs no more tests than this.
FEW_TESTS = 8
# Texts this long are tested by the pattern's RE2 superset instead (about 1 µs a call).
PREFILTER_MIN = 32
_IGNORED = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}  # zero-width: no text of their own
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}


def needles(pattern: re.Pattern[str]) -> Needles | None:
    """The literal strings each alternative of ``pattern`` needs; ``None`` when an
    alternative needs none (the scan then always runs)."""
    if pattern.flags & re.IGNORECASE:
        return None
    out = []
    for branch in _alternatives(list(sre_parse.parse(pattern.pattern, pattern.flags))):
        clauses = _clauses(branch)
        if not clauses:
            return None
        out.append(tuple(sorted(set(clauses), key=_weakness)))
    return tuple(out)


def may_match(found: Needles | None, text: str, short: int = SHORT_TEXT) -> bool:
    """Whether ``text`` has the strings some alternative needs (a text shorter than ``short``
    is not tested: it is scanned at once)."""
    if found is None or len(text) < short:
        return True
    has = text.__contains__
    for alternative in found:
        for clause in alternative:
            if not any(map(has, clause)):
                break
        else:
            return True
    return False


def needle_tests(found: Needles | None) -> int:
    """How many substring tests :func:`may_match` makes at most before its first verdict
    on each alternative (the size of each alternative's first clause)."""
    return 0 if found is None else sum(len(alternative[0]) for alternative in found)


class Phrases:
    """A compiled pattern that scans only texts it may match (``finditer``, ``search`` and
    ``match`` as on :class:`re.Pattern`).

    A text of :data:`PREFILTER_MIN` characters or more is first searched by the pattern's
    RE2 superset (:mod:`~copyguard.personalization.widen`, one pass however many phrases),
    through the set of the lexicon's patterns when it belongs to one (:func:`join`: one pass
    for all of them); a shorter text has its needles tested. ``prefilter=False`` for a
    pattern that matches most texts (the test would only add to the scan). ``match`` tests
    the needles only: a match at one position costs less than a pass over the text.
    """

    __slots__ = ("group", "member", "needles", "prefilter", "regex", "short")

    def __init__(self, regex: re.Pattern[str], *, prefilter: bool = True) -> None:
        self.regex, self.needles = regex, needles(regex)
        # A few substring tests cost less than scanning even a short text.
        self.short = 0 if self.needles is not None and needle_tests(self.needles) <= FEW_TESTS \
            else SHORT_TEXT
        self.prefilter = Prefilter.of(regex) if prefilter else None
        self.group: PrefilterSet | None = None  # set by :func:`join`
        self.member = -1

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def may_match(self, text: str) -> bool:
        """Whether the pattern may match in ``text`` (or in any part of it); ``False`` only
        where it cannot."""
        if self.prefilter is not None and len(text) >= PREFILTER_MIN:
            found = self.group.matching(text) if self.group is not None else None
            return self.member in found if found is not None \
                else self.prefilter.may_match(text)
        return may_match(self.needles, text, self.short)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, pos) if self.may_match(text) else iter(())

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.search(text, pos) if self.may_match(text) else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos) if may_match(self.needles, text, self.short) \
            else None


def join(phrases: Iterable[Phrases]) -> None:
    """Let the prefiltered ``phrases`` test a text in one pass of an RE2 set (each keeps
    its own prefilter for when the set cannot tell)."""
    members = [p for p in dict.fromkeys(phrases) if p.prefilter is not None]
    built = PrefilterSet.of([p.regex for p in members])
    if built is None:
        return
    group, numbers = built
    for phrases_, number in zip(members, numbers, strict=True):
        if number is not None:
            phrases_.group, phrases_.member = group, number


def _weakness(clause: AbstractSet[str]) -> tuple[int, int]:
    """Test the rarest clause first: long strings, few of them."""
    return -min(map(len, clause)), len(clause)


def _alternatives(items: list[Any]) -> list[list[Any]]:
    """The top-level alternatives (through groups and around zero-width assertions)."""
    core = [item for item in items if item[0] not in _IGNORED]
    if len(core) == 1 and core[0][0] is sre.BRANCH:
        return [alt for branch in core[0][1][1] for alt in _alternatives(list(branch))]
    if len(core) == 1 and core[0][0] in {sre.SUBPATTERN, sre.ATOMIC_GROUP}:
        return _alternatives(list(core[0][1][-1]))
    return [items]


def _clauses(items: list[Any]) -> list[Clause]:
    """Clauses every match of the sequence ``items`` satisfies."""
    out: list[Clause] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(frozenset({"".join(run)}))
            run = []
        if op in {sre.SUBPATTERN, sre.ATOMIC_GROUP}:
            out += _clauses(list(av[-1]))
        elif op in _REPEATS and av[0] >= 1:
            out += _clauses(list(av[2]))
        elif op is sre.BRANCH and (clause := _any_of(av[1])) is not None:
            out.append(clause)
    if run:
        out.append(frozenset({"".join(run)}))
    return out


def _any_of(branches: list[Any]) -> Clause | None:
    """One clause for an alternation: the union of each alternative's best clause."""
    chosen: set[str] = set()
    for branch in branches:
        clauses = _clauses(list(branch))
        if not clauses:
            return None
        chosen |= min(clauses, key=_weakness)
    return frozenset(chosen)
