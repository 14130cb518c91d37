"""Language data for the personalization checks, loaded once per language and compiled.

``data/personalization/<lang>.yaml`` holds the phrases (surveillance, win-back, greetings,
titles, relative dates ...) as regular expressions over folded text (see :func:`fold`);
``fields.yaml`` says what each recipient field is (a name part, a location, an identifier ...).
Weekday and month names come from CLDR through Babel. A language without a file still gets
CLDR names; its phrase families are empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from babel.core import UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from pydantic import BaseModel, ConfigDict, ValidationError

from copyguard.errors import CopyguardError
from copyguard.personalization.needles import Phrases, join
from copyguard.personalization.text import fold, fold_pattern
from copyguard.yamlpos import text_line

DATA_DIR = "data/personalization"
SURVEILLANCE_FAMILIES = ("observation", "detail", "detail_always", "location", "inference")
WHOLE_TEXT_FAMILIES = ("observation", "location", "inference", "detail_always")


class LexiconError(CopyguardError, ValueError):
    """A personalization data file that does not load (names the file, line and field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str
    url: str | None = None
    license: str | None = None
    note: str | None = None


class Titles(_Strict):
    gendered: list[str] = []
    ambiguous: list[str] = []
    neutral: list[str] = []


class Surveillance(_Strict):
    observation: list[str] = []
    detail: list[str] = []
    detail_always: list[str] = []
    location: list[str] = []
    inference: list[str] = []


class LanguageFile(_Strict):
    """The schema of ``data/personalization/<lang>.yaml``."""

    language: str
    sources: list[Source]
    # False for scripts written without spaces (ja, zh) or with particles attached to words
    # (ko): patterns then match anywhere, not only between word boundaries.
    word_boundaries: bool = True
    numbers: dict[str, int] = {}
    time: str = r"\d{1,2}:\d{2}"
    month_first_regions: list[str] = []
    weekday_aliases: dict[str, int] = {}
    second_person: list[str] = []
    behaviour_verbs: list[str] = []
    behaviour: list[str] = []
    inference_predicates: list[str] = []
    greetings: list[str] = []
    gendered_greetings: list[str] = []
    greeting_fillers: list[str] = []
    titles: Titles = Titles()
    # Words after a name that make family name + given name the formal address ("様", "님").
    honorifics: list[str] = []
    possessive_suffixes: list[str] = []
    birthday_words: list[str] = []
    age: list[str] = []
    relative_days: dict[str, int] = {}
    past_weekday: list[str] = []
    days_ago: list[str] = []
    weeks_ago: list[str] = []
    at_time: str | None = None
    surveillance: Surveillance = Surveillance()
    winback: list[str] = []
    promo_cues: list[str] = []


class FieldsFile(_Strict):
    """The schema of ``data/personalization/fields.yaml``."""

    sources: list[Source]
    names: dict[str, list[str]]
    titles: list[str]
    locations: list[str]
    birthdays: list[str]
    dates: list[str]
    contact: list[str]
    identifiers: list[str]
    sensitive: list[str]
    ignored: list[str]
    relevance_hints: dict[str, list[str]] = {}
    surname_address_languages: list[str] = []


NAME_ROLES = ("first", "preferred", "middle", "last", "full")


@dataclass(frozen=True, slots=True)
class FieldRoles:
    """What each profile field is. Keys are lower-case field names without ``profile.``."""

    name_role: Mapping[str, str]
    titles: frozenset[str]
    locations: frozenset[str]
    birthdays: frozenset[str]
    dates: frozenset[str]
    contact: frozenset[str]
    identifiers: frozenset[str]
    sensitive: frozenset[str]
    ignored: frozenset[str]
    relevance_hints: Mapping[str, tuple[str, ...]]
    surname_address_languages: frozenset[str]

    def role(self, field: str) -> str:
        """``name:first`` ... ``title``, ``location``, ``birthday``, ``date``, ``contact``,
        ``ignored`` or ``text`` for a field path such as ``profile.first_name``."""
        key = profile_key(field)
        if key is None:
            return "item"
        if key in self.name_role:
            return f"name:{self.name_role[key]}"
        for role, members in (("title", self.titles), ("location", self.locations),
                              ("birthday", self.birthdays), ("date", self.dates),
                              ("contact", self.contact), ("ignored", self.ignored)):
            if key in members:
                return role
        return "text"


def profile_key(field: str) -> str | None:
    """``first_name`` for ``profile.first_name``; ``None`` for non-profile fields."""
    if not field.startswith("profile."):
        return None
    return field.removeprefix("profile.").lower()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's compiled phrase families (all patterns run on folded text)."""

    language: str
    numbers: Mapping[str, int]
    weekdays: Mapping[str, int]
    months: Mapping[str, int]
    month_names: Mapping[int, tuple[str, ...]]  # ``months`` by month number
    month_first_regions: frozenset[str]
    time: str
    second_person: Phrases | None
    behaviour: Phrases | None
    greeting_end: EndPhrases | None
    gendered_greeting_end: EndPhrases | None
    greeting_fillers: frozenset[str]
    titles: Mapping[str, str]
    gendered_titles: frozenset[str]  # the ``titles`` that are gendered
    ambiguous_titles: frozenset[str]
    honorifics: tuple[str, ...]
    possessive_suffixes: tuple[str, ...]
    birthday: Phrases | None
    age: tuple[Phrases, ...]
    relative_days: Mapping[str, int]
    relative_day: Phrases | None
    past_weekday: tuple[Phrases, ...]
    days_ago: tuple[tuple[Phrases, int], ...]
    at_time: Phrases | None
    surveillance: Mapping[str, Phrases]
    # One pattern for the families matched over the whole text (observation, location,
    # inference, detail_always): where it finds nothing, none of them does.
    surveillance_any: Phrases | None
    winback: Phrases | None
    promo: Phrases | None

    def number(self, text: str) -> int | None:
        text = " ".join(fold(text).split())
        return int(text) if text.isdigit() else self.numbers.get(text)


def _read(name: str) -> str:
    path = f"{DATA_DIR}/{name}"
    resource = resources.files("copyguard").joinpath(path)
    if not resource.is_file():
        raise FileNotFoundError(path)
    return resource.read_text(encoding="utf-8")


def _line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    return text_line(text, loc)


def validate(name: str, text: str, model: type[_Strict]) -> Any:
    """Parse and validate one data file; errors name the file, the line and the field."""
    path = f"{DATA_DIR}/{name}"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LexiconError(f"{path}{line}: invalid YAML ({exc})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(part) for part in loc)
        raise LexiconError(f"{path}:{_line(text, loc)}: field {field!r}: {error['msg']}"
                           ) from exc


@cache
def field_roles() -> FieldRoles:
    data = validate("fields.yaml", _read("fields.yaml"), FieldsFile)
    assert isinstance(data, FieldsFile)
    unknown = set(data.names) - set(NAME_ROLES)
    if unknown:
        raise LexiconError(f"{DATA_DIR}/fields.yaml: field 'names': unknown roles "
                           f"{sorted(unknown)}; expected {list(NAME_ROLES)}")

    def lower(values: list[str]) -> frozenset[str]:
        return frozenset(v.lower() for v in values)

    return FieldRoles(
        name_role={f.lower(): role for role, fields in data.names.items() for f in fields},
        titles=lower(data.titles), locations=lower(data.locations),
        birthdays=lower(data.birthdays), dates=lower(data.dates), contact=lower(data.contact),
        identifiers=lower(data.identifiers), sensitive=lower(data.sensitive),
        ignored=lower(data.ignored),
        relevance_hints={k.lower(): tuple(fold(w) for w in v)
                         for k, v in data.relevance_hints.items()},
        surname_address_languages=frozenset(data.surname_address_languages))


def available_languages() -> list[str]:
    folder = resources.files("copyguard").joinpath(DATA_DIR)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml") and p.name != "fields.yaml")


class _Compiler:
    """Expands placeholders and compiles patterns, naming the file and key on errors."""

    def __init__(self, name: str, text: str, data: LanguageFile, weekdays: list[str]) -> None:
        self.name, self.text = name, text
        self.before, self.after = (r"(?<!\w)", r"(?!\w)") if data.word_boundaries else ("", "")
        numbers = sorted((re.escape(fold(w)) for w in data.numbers), key=len, reverse=True)
        self.macros = {
            "{num}": "(?:" + "|".join([r"\d+", *numbers]) + ")",
            "{time}": "(?:" + fold_pattern(data.time) + ")",
            "{weekday}": "(?:" + "|".join(sorted(map(re.escape, weekdays), key=len,
                                                 reverse=True)) + ")",
            "{you}": "(?:" + "|".join(fold_pattern(p) for p in data.second_person) + ")",
            "{verb}": "(?:" + "|".join(fold_pattern(p) for p in data.behaviour_verbs) + ")",
            "{life}": "(?:" + "|".join(fold_pattern(p) for p in data.inference_predicates) + ")",
        }

    def expand(self, pattern: str, named: tuple[str, ...] = ()) -> str:
        out = fold_pattern(pattern)
        for macro in named:  # the first occurrence becomes a named group
            out = out.replace(macro, f"(?P<{macro[1:-1]}>{self.macros[macro][3:]}", 1)
        for macro, body in self.macros.items():
            out = out.replace(macro, body)
        return out

    def one(self, pattern: str, loc: tuple[Any, ...], named: tuple[str, ...] = ()
            ) -> Phrases:
        return Phrases(self._compile(pattern, loc, named))

    def _compile(self, pattern: str, loc: tuple[Any, ...], named: tuple[str, ...] = ()
                 ) -> re.Pattern[str]:
        try:
            return re.compile(self.before + "(?:" + self.expand(pattern, named) + ")"
                              + self.after)
        except re.error as exc:
            field = ".".join(str(p) for p in loc)
            raise LexiconError(f"{DATA_DIR}/{self.name}:{_line(self.text, loc)}: field "
                               f"{field!r}: bad pattern {pattern!r} ({exc})") from exc

    def union(self, patterns: list[str], key: str) -> Phrases | None:
        for i, pattern in enumerate(patterns):  # compile one by one for precise errors
            self._compile(pattern, (*key.split("."), i))
        if not patterns:
            return None
        return Phrases(re.compile(self.before + "(?:" + "|".join(
            f"(?:{self.expand(p)})" for p in patterns) + ")" + self.after))

    def each(self, patterns: list[str], key: str, named: tuple[str, ...]
             ) -> tuple[Phrases, ...]:
        return tuple(self.one(p, (key, i), named) for i, p in enumerate(patterns))


def _cldr_names(language: str) -> tuple[dict[str, int], dict[str, int]]:
    try:
        days = get_day_names("wide", locale=language)
        months = {**{fold(n).rstrip("."): m
                     for m, n in get_month_names("abbreviated", locale=language).items()},
                  **{fold(n): m for m, n in get_month_names("wide", locale=language).items()}}
    except (UnknownLocaleError, ValueError):
        return {}, {}
    return {fold(name): int(day) for day, name in days.items()}, months


class EndPhrases(Phrases):
    """Literal phrases at the end of a text, where only spaces and commas may follow ("Hi",
    "Dear"): searched for in the last characters only (every match starts there)."""

    __slots__ = ("longest",)

    def __init__(self, phrases: list[str]) -> None:
        alternatives = "|".join(sorted(map(re.escape, phrases), key=len, reverse=True))
        super().__init__(re.compile(r"(?:^|[^\w])(?:" + alternatives + r")[\s,]*$"),
                         prefilter=False)  # only the end of the text is scanned
        self.longest = max(map(len, phrases))

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        end = len(text)
        while end and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        # A match is one character (or the start), a phrase ending at ``end`` or later, then
        # spaces and commas: it starts at ``end - longest - 1`` or later.
        return super().search(text, max(pos, end - self.longest - 1))


def _greeting_end(words: list[str]) -> EndPhrases | None:
    return EndPhrases([fold(w) for w in words]) if words else None


@cache
def lexicon(language: str) -> Lexicon:
    """The compiled lexicon for ``language`` (ISO 639-1), cached for the process."""
    name = f"{language}.yaml"
    try:
        text = _read(name)
    except FileNotFoundError:
        return build_lexicon(language, "", name)
    return build_lexicon(language, text, name)


def build_lexicon(language: str, text: str, name: str) -> Lexicon:
    """Compile the lexicon file ``name`` (its ``text``; empty for a language without one)."""
    data = validate(name, text, LanguageFile) if text else LanguageFile(language=language,
                                                                        sources=[])
    assert isinstance(data, LanguageFile)
    if data.language != language:
        raise LexiconError(f"{DATA_DIR}/{name}:{_line(text, ('language',))}: field "
                           f"'language': {data.language!r} does not match the file name")
    weekdays, months = _cldr_names(language)
    weekdays.update({fold(alias): day for alias, day in data.weekday_aliases.items()})
    c = _Compiler(name, text, data, list(weekdays))
    you = [fold_pattern(p) for p in data.second_person]
    titles = {fold(t): "gendered" for t in data.titles.gendered}
    titles.update({fold(t): "neutral" for t in data.titles.neutral})
    relative = {" ".join(fold(k).split()): v for k, v in data.relative_days.items()}
    lex = Lexicon(
        language=language,
        numbers={fold(k): v for k, v in data.numbers.items()},
        weekdays=weekdays, months=months,
        month_names={m: tuple(n for n, k in months.items() if k == m)
                     for m in set(months.values())},
        month_first_regions=frozenset(r.upper() for r in data.month_first_regions),
        time=c.macros["{time}"],
        second_person=Phrases(re.compile(r"(?<!\w)(?:" + "|".join(you) + r")(?!\w)"),
                              prefilter=False)  # in nearly every draft
        if you else None,
        behaviour=c.union(data.behaviour, "behaviour"),
        greeting_end=_greeting_end(data.greetings + data.gendered_greetings),
        gendered_greeting_end=_greeting_end(data.gendered_greetings),
        greeting_fillers=frozenset(fold(w) for w in data.greeting_fillers),
        titles=titles,
        gendered_titles=frozenset(t for t, kind in titles.items() if kind == "gendered"),
        ambiguous_titles=frozenset(fold(t) for t in data.titles.ambiguous),
        honorifics=tuple(sorted((fold(h) for h in data.honorifics), key=len, reverse=True)),
        possessive_suffixes=tuple(sorted(data.possessive_suffixes, key=len, reverse=True)),
        birthday=c.union(data.birthday_words, "birthday_words"),
        age=c.each(data.age, "age", ("{num}",)),
        relative_days=relative,
        relative_day=c.union(sorted((re.escape(k) for k in relative), key=len, reverse=True),
                             "relative_days"),
        past_weekday=c.each(data.past_weekday, "past_weekday", ("{weekday}",)),
        days_ago=(*((p, 1) for p in c.each(data.days_ago, "days_ago", ("{num}",))),
                  *((p, 7) for p in c.each(data.weeks_ago, "weeks_ago", ("{num}",)))),
        at_time=c.one(data.at_time, ("at_time",)) if data.at_time else None,
        surveillance={family: pattern for family in SURVEILLANCE_FAMILIES
                      if (pattern := c.union(getattr(data.surveillance, family),
                                             f"surveillance.{family}")) is not None},
        surveillance_any=c.union([p for family in WHOLE_TEXT_FAMILIES
                                  for p in getattr(data.surveillance, family)], "surveillance"),
        winback=c.union(data.winback, "winback"),
        promo=c.union(data.promo_cues, "promo_cues"),
    )
    join(_whole_text_phrases(lex))
    return lex


def _whole_text_phrases(lex: Lexicon) -> list[Phrases]:
    """The patterns the checks run over a draft's whole folded text: one RE2 pass tells
    which of them may match (see :func:`join`). (The surveillance families run only where
    their joined pattern may match, ``at_time`` is matched at one position, ``promo`` in
    short segments.)"""
    found = [lex.behaviour, lex.birthday, lex.relative_day, lex.winback, lex.surveillance_any,
             *lex.age, *lex.past_weekday, *(p for p, _ in lex.days_ago)]
    return [p for p in found if p is not None]
