"""Showing review items to people: flagged-span segments, terminal-safe text, durations."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DURATION_RE = re.compile(r"(\d+)\s*([wdhms])")
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of draft text and the (1-based) numbers of the findings that cover it."""

    text: str
    findings: tuple[int, ...] = ()


def segments(text: str, findings: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Cut ``text`` at every finding boundary, so overlapping spans highlight correctly."""
    spans = [(int(f["start"]), int(f["end"]), number) for number, f in enumerate(findings, 1)
             if 0 <= int(f["start"]) < int(f["end"]) <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for start, end in itertools.pairwise(cuts):
        covering = tuple(n for s, e, n in spans if s <= start and end <= e)
        out.append(Segment(text[start:end], covering))
    return out


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """Control characters (ANSI escapes, carriage returns...) shown as ``\\x1b``, never run."""
    def safe(char: str) -> str:
        if char == "\n" and keep_newlines:
            return char
        if char != "\t" and unicodedata.category(char) in ("Cc", "Cf"):
            return char.encode("unicode_escape").decode("ascii")
        return char
    return "".join(safe(char) for char in text)


def marked(text: str, findings: Sequence[Mapping[str, Any]]) -> str:
    """The text with flagged runs as ``[[run]]^1,2``."""
    return "".join(f"[[{s.text}]]^{','.join(map(str, s.findings))}" if s.findings else s.text
                   for s in segments(text, findings))


def parse_duration(value: str) -> timedelta:
    """``90m``, ``2h``, ``1d12h``, ``1w`` into a timedelta (ValueError otherwise)."""
    compact = value.strip().lower()
    parts = DURATION_RE.findall(compact)
    if not parts or DURATION_RE.sub("", compact).strip():
        raise ValueError(f"{value!r} is not a duration like 30m, 2h, 1d12h or 1w")
    return sum((timedelta(**{UNITS[unit]: int(amount)}) for amount, unit in parts),
               timedelta())


def age(since: datetime, now: datetime) -> str:
    """A short age: ``45s``, ``12m``, ``5h``, ``3d``."""
    seconds = max(0, int((now - since).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def snippet(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
