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
from copyguard.pii.text import fold, has_cjk, tolerant_pattern

SENSITIVE_PREFIX = "sensitive."
PROFILE_PREFIX = "profile."
_NAME_PARTICLES = frozenset({"van", "von", "de", "da", "di", "del", "della", "der", "den", "du",
                             "le", "la", "dos", "das", "bin", "al", "el", "y", "e", "zu"})
_SEP = r"[\s\-‐.()/]*"


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


def watched_values(recipient: Recipient) -> Iterator[WatchedValue]:
    """Profile values with a severity, then every ``sensitive`` value (always critical)."""
    fields = profile_fields()
    for name, raw in recipient.profile.items():
        kind = fields.kind_of(name)
        severity = fields.kinds[kind].severity
        if severity is not None and raw not in (None, ""):
            yield WatchedValue(PROFILE_PREFIX + name, kind, severity, str(raw))
    for name, raw in recipient.sensitive.items():
        if raw not in (None, ""):
            yield WatchedValue(SENSITIVE_PREFIX + name, "sensitive", Severity.CRITICAL, str(raw))


def profile_recognizers(recipient: Recipient, language: str,
                        region: str | None) -> tuple[PatternRecognizer, ...]:
    """One ad-hoc recognizer per watched field (cached: the same recipient costs nothing)."""
    key = tuple((v.field, v.kind, v.value) for v in watched_values(recipient))
    return _recognizers(key, language, region) if key else ()


@lru_cache(maxsize=2048)
def _recognizers(values: tuple[tuple[str, str, str], ...], language: str,
                 region: str | None) -> tuple[PatternRecognizer, ...]:
    fields = profile_fields()
    patterns: dict[str, list[str]] = {}
    for field, kind, value in values:
        match = "words" if kind == "sensitive" else fields.kinds[kind].match
        patterns.setdefault(field, []).extend(value_patterns(match, value, language, region))
    return tuple(
        PatternRecognizer(supported_entity=field, name=f"profile:{field}",
                          supported_language=language,
                          patterns=[Pattern(f"{field} {i}", p, 1.0) for i, p in enumerate(found)])
        for field, found in patterns.items() if found)


def value_patterns(match: str, value: str, language: str, region: str | None) -> list[str]:
    """Regexes (case-insensitive) finding ``value`` in copy, per matching strategy."""
    value = value.strip()
    if len(fold(value)) < 2:
        return []
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


def _name_patterns(value: str) -> list[str]:
    """The value, and for multi-word values each significant word of it ("Rossi")."""
    patterns = [tolerant_pattern(value)]
    words = [w for w in re.split(r"[\s,]+", value) if w]
    if len(words) > 1:
        patterns += [tolerant_pattern(w) for w in words[1:]
                     if len(w) > 1 and fold(w) not in _NAME_PARTICLES]
    return patterns


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


def _address_patterns(value: str) -> list[str]:
    """Each part of the address that carries a number (street line, postcode + town)."""
    abbreviations = address_data().abbreviations
    patterns = []
    for part in re.split(r"[,\n;]+", value):
        if not re.search(r"\d", part) or len(fold(part.strip())) < 3:
            continue
        words = [w for w in re.split(r"[\s\-.,/]+", part.strip()) if w]
        patterns.append(r"(?<![\w])" + r"[\s\-.,/]*".join(_address_word(w, abbreviations)
                                                          for w in words) + r"(?![\w])")
    return patterns


def _address_word(word: str, abbreviations: dict[str, list[str]]) -> str:
    folded = fold(word)
    for full in sorted(abbreviations, key=len, reverse=True):
        forms = [full, *abbreviations[full]]
        for form in sorted(forms, key=len, reverse=True):
            if folded == fold(form) or (len(form) > 3 and folded.endswith(fold(form))):
                stem = tolerant_pattern(word[:len(word) - len(form)], boundaries=False) \
                    if folded != fold(form) else ""
                alternatives = "|".join(tolerant_pattern(f, boundaries=False) for f in forms)
                return rf"{stem}(?:{alternatives})\.?"
    return tolerant_pattern(word, boundaries=False)


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
    patterns = [tolerant_pattern(value)]
    if has_cjk(value):
        return patterns
    stop_words = _stop_words(language)
    for word in re.findall(r"\w+", value):
        if len(word) >= 4 and not word.isdigit() and fold(word) not in stop_words:
            patterns.append(tolerant_pattern(word))
    return list(dict.fromkeys(patterns))


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    try:
        words = spacy.util.get_lang_class(language).Defaults.stop_words
    except ImportError:
        words = set()
    return frozenset(fold(w) for w in words)
