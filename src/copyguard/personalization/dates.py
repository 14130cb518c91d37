"""Dates in copy ("last Tuesday", "yesterday", "14 May", "05/14") resolved against the send date.

Each mention becomes a set of calendar dates it can mean, so provenance can tie it to a
purchase, a visit or a birthday. Relative phrases and weekday names come from the language
lexicon and CLDR; numeric dates are read day-first unless the region writes month-first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from copyguard.personalization.lexicon import Lexicon
from copyguard.personalization.needles import Phrases

_ORDINAL = r"(?:st|nd|rd|th|er|eme|ème|º|ª|o)?\.?"
# Both start with what they match, not with the look-behind (which is checked after the first
# characters): the regex engine then skips to the digits instead of trying every position.
# The same matches as r"(?<![\w/.\-])(\d{1,2})([./-])..." and r"(?<!\d)(?:19|20)\d{2}(?!\d)".
_NUMERIC = re.compile(
    r"(\d(?<![\w/.\-]\d)\d?)([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/\-]|\.\d)")
_YEAR = re.compile(r"(?:19|20)(?<!\d..)\d{2}(?!\d)")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class DateMention:
    """Text that names a day: either concrete dates, or a month and day without a year."""

    start: int
    end: int
    dates: frozenset[date] = frozenset()
    month_day: tuple[int, int] | None = None
    year: int | None = None

    def means(self, day: date) -> bool:
        if day in self.dates:
            return True
        if self.month_day is not None and (day.month, day.day) == self.month_day:
            return self.year is None or self.year == day.year
        return False


@dataclass(frozen=True, slots=True)
class BirthDate:
    month: int
    day: int
    year: int | None = None

    def age_on(self, when: date) -> int | None:
        if self.year is None:
            return None
        return when.year - self.year - ((when.month, when.day) < (self.month, self.day))


def parse_birthdate(value: str) -> BirthDate | None:
    """ISO ``1990-05-14``, ``--05-14`` (no year), ``14.05.1990`` or ``1990/05/14``."""
    text = value.strip()
    patterns = ((r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", (1, 2, 3)),
                (r"--?(\d{1,2})-(\d{1,2})", (0, 1, 2)),
                (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1)))
    for pattern, (y, m, d) in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            try:
                year = int(match.group(y)) if y else None
                month, day = int(match.group(m)), int(match.group(d))
                date(year or 2000, month, day)  # validates
            except ValueError:
                return None
            return BirthDate(month, day, year)
    return None


def _weekday_back(ref: date, weekday: int) -> frozenset[date]:
    """The last two such weekdays strictly before ``ref`` ("last Tuesday" is either)."""
    back = (ref.weekday() - weekday) % 7 or 7
    first = ref - timedelta(days=back)
    return frozenset({first, first - timedelta(days=7)})


def _with_time(folded: str, end: int, lex: Lexicon) -> int:
    """Extend a date mention over a following "at 9pm"."""
    if lex.at_time is None:
        return end
    gap = len(folded[end:]) - len(folded[end:].lstrip(" ,"))
    match = lex.at_time.match(folded, end + gap)
    return match.end() if match else end


def relative_mentions(folded: str, lex: Lexicon, ref: date,
                      days: Collection[date] | None = None) -> Iterator[DateMention]:
    """"yesterday", "last Tuesday", "3 days ago" resolved against ``ref``. With ``days``, only
    the phrase families that can mean one of those days are looked for."""
    offsets = None if days is None else {day.toordinal() - ref.toordinal() for day in days}
    if lex.relative_day is not None and (
            offsets is None or not offsets.isdisjoint(lex.relative_days.values())):
        for match in lex.relative_day.finditer(folded):
            offset = lex.relative_days.get(" ".join(match.group().split()))
            if offset is not None:
                day = ref + timedelta(days=offset)
                yield DateMention(match.start(), _with_time(folded, match.end(), lex),
                                  frozenset({day}))
    if offsets is None or any(-14 <= offset <= -1 for offset in offsets):  # _weekday_back
        for pattern in lex.past_weekday:
            for match in pattern.finditer(folded):
                weekday = lex.weekdays.get(match.group("weekday"))
                if weekday is not None:
                    yield DateMention(match.start(), _with_time(folded, match.end(), lex),
                                      _weekday_back(ref, weekday))
    for pattern, unit_days in lex.days_ago:
        for match in pattern.finditer(folded):
            count = lex.number(match.group("num"))
            if count is None:
                continue
            center = ref - timedelta(days=count * unit_days)
            yield DateMention(match.start(), match.end(), frozenset(
                center + timedelta(days=d) for d in (-1, 0, 1)))


def _month_pattern(lex: Lexicon) -> Phrases | None:
    return _month_patterns(frozenset(lex.months))[1] if lex.months else None


@lru_cache(maxsize=64)
def _month_patterns(months: frozenset[str]) -> tuple[Phrases, Phrases]:
    """Month names alone, and in a date ("14 May", "May 14th, 2026")."""
    names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    return (Phrases(re.compile(rf"(?<!\w)(?:{names})(?!\w)")), Phrases(re.compile(
        rf"(?<!\w)(?:(?P<d1>\d{{1,2}}){_ORDINAL}\s*(?:de |of |di |du )?(?P<m1>{names})\.?"
        rf"|(?P<m2>{names})\.?\s+(?P<d2>\d{{1,2}}){_ORDINAL})"
        rf"(?:,?\s*(?:de |del |of )?(?P<y>\d{{4}}))?(?!\w)")))


def explicit_mentions(folded: str, lex: Lexicon, region: str | None,
                      months: Collection[int] | None = None) -> Iterator[DateMention]:
    """Dates written with a day number ("05/14", "14 May", "May 14th, 2026"). With
    ``months``, dates that name another month are not looked for."""
    if _DIGIT.search(folded) is None:  # every form has the day in digits
        return
    month_first = (region or "") in lex.month_first_regions
    for match in _NUMERIC.finditer(folded):
        a, sep, b, year_text = match.groups()
        if sep == "." and year_text is None and not folded[match.end():].startswith("."):
            continue  # "3.5" is a number, "14.05." a German date
        day, month = (int(b), int(a)) if month_first else (int(a), int(b))
        year = _full_year(year_text)
        if 1 <= day <= 31 and 1 <= month <= 12:
            yield DateMention(match.start(), _with_time(folded, match.end(), lex),
                              month_day=(month, day), year=year)
    if months is not None and not any(
            name in folded for month in months for name in lex.month_names.get(month, ())):
        return
    pattern = _month_pattern(lex)
    if pattern is None:
        return
    for match in pattern.finditer(folded):
        day = int(match.group("d1") or match.group("d2"))
        month = lex.months[match.group("m1") or match.group("m2")]
        if 1 <= day <= 31:
            yield DateMention(match.start(), _with_time(folded, match.end(), lex),
                              month_day=(month, day), year=_full_year(match.group("y")))


def _full_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def month_mentions(text: str, folded: str, lex: Lexicon) -> Iterator[tuple[int, int, int]]:
    """(start, end, month) for every month name; in English a short one ("May") only when
    capitalised, since "may" is also a verb."""
    if not lex.months:
        return
    for match in _month_patterns(frozenset(lex.months))[0].finditer(folded):
        short = len(match.group()) <= 3
        if short and lex.language == "en" and not text[match.start()].isupper():
            continue
        yield match.start(), match.end(), lex.months[match.group()]


def year_mentions(folded: str) -> Iterator[tuple[int, int, int]]:
    for match in _YEAR.finditer(folded):
        yield match.start(), match.end(), int(match.group())
