"""Regular expressions from brand guides: RE2 only, and small enough to stay fast.

RE2 matches in time linear in the text and has no backtracking, so the classic catastrophic
patterns (``(a+)+$``, ``(a|aa)+$``) cannot hang the guard; what needs backtracking
(backreferences, lookaround, atomic groups, possessive quantifiers) does not compile, and a
guide using it is rejected when it is loaded, saying why.

Linear is not yet cheap: RE2 expands a counted repetition into copies, and a match costs up to
(text length x live copies): ``(\\w+\\s?){1000}`` takes ~18 s on a 100,000-character draft. So
a pattern is also rejected when its *shape* (see :func:`shape`: each run of literals and
classes as one letter, so that words and large Unicode classes cost nothing extra) compiles to
more than :data:`MAX_SHAPE` RE2 instructions. See docs/hardening.md for the measurements.
"""

from __future__ import annotations

import re
from typing import Any

import re2

MAX_SHAPE = 200  # RE2 instructions of a pattern's shape: < 1 s on 100,000 hostile chars

_ANCHOR_ESCAPES = frozenset("bBAz")
_META = frozenset("()|*+?^$")
_REPEAT = re.compile(r"\{\d*(?:,\d*)?\}")
# RE2's own message -> what a guide author needs to know.
_WHY = (
    (re.compile(r"invalid perl operator: \(\?<?[=!]"), "lookaround ((?=...), (?!...), (?<=...), "
     "(?<!...)) is not supported"),
    (re.compile(r"invalid escape sequence: \\[1-9]|invalid perl operator: \(\?P(=|$)"),
     "backreferences (\\1, (?P=name)) are not supported"),
    (re.compile(r"invalid perl operator: \(\?>"), "atomic groups ((?>...)) are not supported"),
    (re.compile(r"bad repetition operator: [*+?]\+"),
     "possessive quantifiers (*+, ++, ?+) are not supported"),
    (re.compile(r"invalid repetition size"), "a counted repetition may not exceed {1000}"),
    (re.compile(r"pattern too large"), "the pattern is too large for RE2"),
)
_PROBES = ("", "a", " a b ", "a\nb.")  # texts on which a pattern that can match empty does
_ENGINE = ("guide patterns run on RE2, a linear-time engine without backtracking, so that no "
           "pattern can hang the guard")


class PatternError(ValueError):
    """A guide pattern that RE2 cannot compile or that would be too slow; says why."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would also log every rejected pattern to stderr
    return options


def _message(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else exc
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _class_end(pattern: str, start: int) -> int:
    """Index just past the bracket class opening at ``pattern[start] == "["``."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):  # a leading "]" is a literal
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += _escape_length(pattern, i)
        elif pattern.startswith("[:", i) and (end := pattern.find(":]", i + 2)) != -1:
            i = end + 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return len(pattern)


def _escape_length(pattern: str, start: int) -> int:
    """Length of the escape at ``pattern[start] == "\\"`` (``\\p{Greek}``, ``\\pL``, ``\\d``)."""
    kind = pattern[start + 1:start + 2]
    if kind in ("p", "P", "x") and pattern.startswith("{", start + 2):
        end = pattern.find("}", start + 3)
        return (end + 1 - start) if end != -1 else len(pattern) - start
    return 3 if kind in ("p", "P") else 2


def _group_open_end(pattern: str, start: int) -> int:
    """Index past a group opening: ``(``, ``(?:``, ``(?i)``, ``(?i:``, ``(?P<name>``."""
    if not pattern.startswith("(?", start):
        return start + 1
    i = start + 2
    if pattern.startswith(("P<", "<"), i):
        end = pattern.find(">", i)
        return end + 1 if end != -1 else len(pattern)
    while i < len(pattern) and pattern[i] not in ":)":
        i += 1
    return i + 1


def shape(pattern: str) -> str:
    """The pattern's structure: each run of literals and character classes becomes one ``x``
    (a class or a word costs one step whatever its size); operators and anchors stay."""
    out: list[str] = []
    literal = False  # was the last token a literal or a class?

    def atom() -> None:
        nonlocal literal
        if not literal:
            out.append("x")
        literal = True

    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and pattern.startswith("Q", i + 1):  # \Q...\E quotes literally
            end = pattern.find("\\E", i + 2)
            atom()
            i = len(pattern) if end == -1 else end + 2
        elif char == "\\":
            length = _escape_length(pattern, i)
            if pattern[i + 1:i + 2] in _ANCHOR_ESCAPES:
                out.append(pattern[i:i + length])
                literal = False
            else:
                atom()
            i += length
        elif char == "[":
            atom()
            i = _class_end(pattern, i)
        elif char == "(":
            end = _group_open_end(pattern, i)
            out.append(pattern[i:end])
            literal = False
            i = end
        elif char == "{" and (repeat := _REPEAT.match(pattern, i)):
            out.append(repeat.group())
            literal = False
            i = repeat.end()
        elif char in _META:
            out.append(char)
            literal = False
            i += 1
        else:
            atom()
            i += 1
    return "".join(out)


def compile_pattern(pattern: str, *, case_sensitive: bool = False) -> Any:
    """Compile a guide pattern with RE2 (raises :class:`PatternError` saying why not)."""
    flags = "" if case_sensitive else "(?i)"
    try:
        compiled = re2.compile(flags + pattern, _options())
    except re2.error as exc:
        problem = _message(exc)
        why = next((text for regex, text in _WHY if regex.search(problem)), None)
        detail = f"{why} (RE2: {problem})" if why else f"not a valid RE2 pattern: {problem}"
        raise PatternError(f"{detail}; {_ENGINE}") from exc
    try:
        size = re2.compile(flags + shape(pattern), _options()).programsize
    except re2.error:  # a shape this simplifier got wrong: measure the pattern itself
        size = compiled.programsize
    if any(m.end() == m.start() for probe in _PROBES for m in compiled.finditer(probe)):
        raise PatternError("it can match the empty string, which flags nothing and costs a "
                           "match at every position of a draft; make it match some text")
    if size > MAX_SHAPE:
        raise PatternError(
            f"its shape compiles to {size:,} RE2 instructions, more than {MAX_SHAPE:,}: "
            "matching could take seconds per draft (a counted repetition of a group, like "
            "(\\w+\\s?){100}, is copied that many times); use + or * instead of a large {n}")
    return compiled
