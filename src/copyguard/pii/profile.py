"""Profile-aware detection: the recipient's own data, found in the copy as Presidio ad-hoc
recognizers.

Every profile field is classified by name (data/pii/profile_fields.yaml) into a kind that says
how its value is searched and how bad it is to print it. Each field with a severity becomes one
ad-hoc :class:`PatternRecognizer` whose entity type is the field path (``profile.email``,
``sensitive.health``), so a single ``AnalyzerEngine.analyze`` call finds generic PII and the
recipient's own values together. The first name is personalization and never searched here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

import phonenumbers
import spacy
from babel.dates import format_date, get_month_names
from presidio_analyzer import Pattern, PatternRecognizer
from pydantic import BaseModel, ConfigDict, field_validator

from copyguard.model import Recipient, Severity
from copyguard.pii.data import load_model
from copyguard.pii.recognizers import address_data
from copyguard.pii.screen import Anchor, Reduced, any_of, digits
from copyguard.pii.text import fold, has_cjk, tolerant_pattern

SENSITIVE_PREFIX = "sensitive."
PROFILE_PREFIX = "profile."
_NAME_PARTICLES = frozenset({"van", "von", "de", "da", "di", "del", "della", "der", "den", "du",
                             "le", "la", "dos", "das", "bin", "al", "el", "y", "e", "zu"})
_SEP = r"[\s\-‐.()/]*"
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#)\s*\d{1,6}\s*$")


class FieldKind(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    match: Literal["text", "phone", "address", "date", "account"]
    severity: Severity | None


class ProfileFields(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kinds: dict[str, FieldKind]
    fields: list[tuple[str, str]]

    @field_validator("fields")
    @classmethod
    def _valid_patterns(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for _kind, pattern in value:
            re.compile(pattern)
        return value

    def kind_of(self, field: str) -> str:
        name = field.lower()
        for kind, pattern in self.fields:
            if re.search(pattern, name):
                return kind
        return "personalization"


@lru_cache(maxsize=1)
def profile_fields() -> ProfileFields:
    fields = load_model(ProfileFields, "pii", "profile_fields.yaml")
    unknown = {kind for kind, _ in fields.fields} - set(fields.kinds)
    if unknown:
        raise ValueError(f"data/pii/profile_fields.yaml: fields use undefined kinds {unknown}")
    return fields


@dataclass(frozen=True, slots=True)
class WatchedValue:
    """A recipient datum that must not appear in copy, with the field it came from."""

    field: str
    kind: str
    severity: Severity
    value: str


@lru_cache(maxsize=1024)
def field_kind(name: str) -> str:
    """The kind of a profile field, by its name (see data/pii/profile_fields.yaml)."""
    return profile_fields().kind_of(name)


def watched_values(recipient: Recipient) -> Iterator[WatchedValue]:
    """Profile values with a severity, then every ``sensitive`` value (always critical)."""
    kinds = profile_fields().kinds
    for name, raw in recipient.profile.items():
        kind = field_kind(name)
        severity = kinds[kind].severity
        if severity is not None and raw not in (None, ""):
            yield WatchedValue(PROFILE_PREFIX + name, kind, severity, str(raw))
    for name, raw in recipient.sensitive.items():
        if raw not in (None, ""):
            yield WatchedValue(SENSITIVE_PREFIX + name, "sensitive", Severity.CRITICAL, str(raw))


def profile_recognizers(recipient: Recipient, language: str, region: str | None,
                        text: str) -> tuple[PatternRecognizer, ...]:
    """One ad-hoc recognizer per watched field whose value may be in ``text`` (screened by
    :mod:`copyguard.pii.screen`; built once per value, language and region)."""
    reduced, kinds = Reduced(text), profile_fields().kinds
    found = []
    for watched in watched_values(recipient):
        match = "words" if watched.kind == "sensitive" else kinds[watched.kind].match
        if any(reduced.holds(anchor) for anchor in value_anchors(match, watched.value)):
            recognizer = _recognizer(watched.field, match, watched.value, language, region)
            if recognizer is not None:
                found.append(recognizer)
    return tuple(found)


@lru_cache(maxsize=512)
def _recognizer(field: str, match: str, value: str, language: str,
                region: str | None) -> PatternRecognizer | None:
    patterns = value_patterns(match, value, language, region)
    if not patterns:
        return None
    return PatternRecognizer(supported_entity=field, name=f"profile:{field}",
                             supported_language=language,
                             patterns=[Pattern(f"{field} {i}", p, 1.0)
                                       for i, p in enumerate(patterns)])


def value_patterns(match: str, value: str, language: str, region: str | None) -> list[str]:
    """Regexes (case-insensitive) finding ``value`` in copy, per matching strategy."""
    value = value.strip()
    if _alnum(value) < 2:
        return []  # fewer than two letters or digits ("//", "-", "李"): nothing to look for
    if match == "phone":
        return [_phone_pattern(value, region)]
    if match == "account":
        return [_account_pattern(value)]
    if match == "date":
        return _date_patterns(value, language)
    if match == "address":
        return _address_patterns(value)
    if match == "words":
        return _words_patterns(value, language)
    return _name_patterns(value)


@lru_cache(maxsize=4096)
def value_anchors(match: str, value: str) -> tuple[Anchor, ...]:
    """What every match of :func:`value_patterns` contains (see :mod:`copyguard.pii.screen`):
    the value is looked for only in a draft where one of these anchors holds."""
    value = value.strip()
    if _alnum(value) < 2:
        return ()
    if match == "phone":  # the national number's last digits end every match
        tail = digits(_EXTENSION.sub("", value))[-4:]
        return (any_of("digits", tail),) if tail else ()
    if match == "account":
        return (any_of("letters", value),)
    if match == "date":  # every written form carries the year
        when = parse_date(value)
        return (any_of("digits", str(when.year)),) if when else (any_of("letters", value),)
    if match == "address":  # a part matches with all its words (or their stems)
        abbreviations = address_data().abbreviations
        return tuple(tuple(need for word in words if (stem := _address_stem(word, abbreviations))
                           for need in any_of("letters", stem))
                     for words in _address_parts(value))
    words = _content_words(value) if match == "words" else _name_words(value)
    return tuple(any_of("letters", w) for w in (value, *words))


def _name_patterns(value: str) -> list[str]:
    """The value, and for multi-word values each significant word of it ("Rossi")."""
    return [tolerant_pattern(value), *(tolerant_pattern(w) for w in _name_words(value))]


def _name_words(value: str) -> list[str]:
    """The words after the first of a multi-word name, except particles ("da", "von")."""
    words = [w for w in re.split(r"[\s,]+", value) if w]
    return [w for w in words[1:] if _alnum(w) > 1 and fold(w) not in _NAME_PARTICLES]


def _alnum(value: str) -> int:
    """How many letters and digits ``value`` has (a Hangul syllable counts once)."""
    return sum(c.isalnum() for c in value)


def _phone_pattern(value: str, region: str | None) -> str:
    try:
        number = phonenumbers.parse(value, region or "ZZ")
        national = phonenumbers.national_significant_number(number)
        country = str(number.country_code)
    except phonenumbers.NumberParseException:
        national, country = re.sub(r"\D", "", value), ""
    body = _SEP.join(national)
    prefix = rf"(?:(?:\+|00){_SEP}{_SEP.join(country)}{_SEP}(?:\(0\){_SEP})?|0{_SEP})?" \
        if country else r"(?:0" + _SEP + ")?"
    return rf"(?<![\d+]){prefix}{body}(?!\d)"


def _account_pattern(value: str) -> str:
    chars = re.sub(r"[\W_]", "", value)
    return r"(?<![\w])" + r"[\s\-.]?".join(re.escape(c) for c in chars) + r"(?![\w])"


def _address_parts(value: str) -> list[list[str]]:
    """The words of each part of the address that carries a number (street line, postcode
    and town)."""
    return [[w for w in re.split(r"[\s\-.,/]+", part.strip()) if w]
            for part in re.split(r"[,\n;]+", value)
            if re.search(r"\d", part) and len(fold(part.strip())) >= 3]


def _address_patterns(value: str) -> list[str]:
    abbreviations = address_data().abbreviations
    return [r"(?<![\w])" + r"[\s\-.,/]*".join(_address_word(w, abbreviations) for w in words)
            + r"(?![\w])" for words in _address_parts(value)]


def _street_type(word: str, abbreviations: dict[str, list[str]]) -> tuple[str, list[str]] | None:
    """(stem, forms) of a word that is or ends with a street type ("Haupt", [straße, str ...])."""
    folded = fold(word)
    for full in sorted(abbreviations, key=len, reverse=True):
        forms = [full, *abbreviations[full]]
        for form in sorted(forms, key=len, reverse=True):
            if folded == fold(form):
                return "", forms
            if len(form) > 3 and folded.endswith(fold(form)):
                return word[:len(word) - len(form)], forms
    return None


def _address_word(word: str, abbreviations: dict[str, list[str]]) -> str:
    street = _street_type(word, abbreviations)
    if street is None:
        return tolerant_pattern(word, boundaries=False)
    stem, forms = street
    alternatives = "|".join(tolerant_pattern(f, boundaries=False) for f in forms)
    return rf"{tolerant_pattern(stem, boundaries=False) if stem else ''}(?:{alternatives})\.?"


def _address_stem(word: str, abbreviations: dict[str, list[str]]) -> str:
    """What every spelling of an address word contains: the word, or its street-type stem."""
    street = _street_type(word, abbreviations)
    return word if street is None else street[0]


def parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


def _date_patterns(value: str, language: str) -> list[str]:
    when = parse_date(value)
    if when is None:
        return [tolerant_pattern(value)]
    d, m, y = rf"0?{when.day}", rf"0?{when.month}", str(when.year)
    months: set[str] = set()
    written: set[str] = set()
    for lang in {language, "en"}:
        try:
            for width in ("wide", "abbreviated"):
                months.add(get_month_names(width, locale=lang)[when.month].rstrip("."))
            written.update(format_date(when, fmt, locale=lang) for fmt in ("long", "full"))
        except (ValueError, LookupError):
            continue
    names = "|".join(tolerant_pattern(name, boundaries=False)
                     for name in sorted(months, key=len, reverse=True))
    return [
        rf"(?<!\d){d}[./\-\s]{m}[./\-\s]{y}(?!\d)",
        rf"(?<!\d){m}/{d}/{y}(?!\d)",
        rf"(?<!\d){y}[./\-]{m}[./\-]{d}(?!\d)",
        rf"(?<!\d){d}(?:\.|st|nd|rd|th|er|º)?\s+(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{y}",
        rf"(?:{names})\.?\s+{d}(?:st|nd|rd|th)?,?\s+{y}",
        rf"{y}\s?[年년]\s?{m}\s?[月월]\s?{d}\s?[日일]",
        *(tolerant_pattern(text, boundaries=False) for text in sorted(written)),
    ]


def _words_patterns(value: str, language: str) -> list[str]:
    """A sensitive value, and each content word of it ("diabetes" of "type 2 diabetes")."""
    stop_words = _stop_words(language)
    return list(dict.fromkeys([tolerant_pattern(value), *(
        tolerant_pattern(w) for w in _content_words(value) if fold(w) not in stop_words)]))


def _content_words(value: str) -> list[str]:
    """Words of four letters or more (stop words are left out by the caller)."""
    if has_cjk(value):
        return []
    return [w for w in re.findall(r"\w+", value) if len(w) >= 4 and not w.isdigit()]


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    try:
        words = spacy.util.get_lang_class(language).Defaults.stop_words
    except ImportError:
        words = set()
    return frozenset(fold(w) for w in words)
