"""copyguard's own Presidio recognizers: regional phones, phone shapes, dates of birth, street
addresses, and e-mail addresses in scripts written without spaces.

Scores follow Presidio's convention: a pattern that is only plausible scores below the
analysis threshold (0.5 by default) and needs a context word nearby (``+0.35``) to count.
Such a recognizer says so in ``ALONE_SCORE`` (its highest score without a context word), and
``can_match(text)`` tells cheaply whether the text holds anything it can find at all (a run of
enough digits, a year): the analyzer runs neither kind where it cannot report anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

import regex
from babel.dates import get_month_names
from phonenumbers import (
    COUNTRY_CODES_FOR_NON_GEO_REGIONS,
    SUPPORTED_REGIONS,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberMatcher,
    country_code_for_region,
    is_valid_number,
    national_significant_number,
    parse,
    region_code_for_country_code,
    region_code_for_number,
    region_codes_for_country_code,
)
from phonenumbers.phonenumberutil import _PLUS_CHARS, _VALID_PUNCTUATION
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer
from pydantic import BaseModel, ConfigDict, Field

from copyguard.pii.context import PREFIX_CHARS, SUFFIX_CHARS, context_regex
from copyguard.pii.data import load_model
from copyguard.pii.text import fold

DATE_OF_BIRTH = "DATE_OF_BIRTH"
_DIGIT = re.compile(r"\d")
ADDRESS = "ADDRESS"
# Recipients of marketing mail are at least this old; a "birth date" later than that is a
# coupon expiry or an order date, not a date of birth.
MIN_AGE_YEARS = 13


def digit_run(count: int, between: str = "", digit: str = r"\d") -> re.Pattern[str]:
    """A regex finding ``count`` digits with only characters of the class ``between`` (a class
    body, "": none) between them."""
    gap = f"[{between}]*" if between else ""
    return re.compile(f"{digit}(?:{gap}{digit}){{{count - 1}}}")


# What every match of Presidio's own pattern recognizers holds (mostly digits in a row, only
# these separators between them), by class: the patterns of presidio-analyzer 2.2 (checked by
# tests/test_pii_speed_paths.py). Recognizers not listed are screened by their entity only.
PRESIDIO_SCREENS: dict[str, tuple[int, re.Pattern[str]]] = {
    "UsSsnRecognizer": (9, digit_run(9, "- .")),
    "UsItinRecognizer": (9, digit_run(9, "- ")),
    "UsPassportRecognizer": (8, digit_run(8)),
    "UsBankRecognizer": (8, digit_run(8)),
    "NhsRecognizer": (10, digit_run(10, "- ")),
    "UkNinoRecognizer": (6, digit_run(6, " ")),
    "CaSinRecognizer": (9, digit_run(9, "- ")),
    "AuTfnRecognizer": (9, digit_run(9, r"\s")),
    "AuMedicareRecognizer": (10, digit_run(10, r"\s")),
    "InAadhaarRecognizer": (12, digit_run(12, "- :")),
    "SgFinRecognizer": (7, digit_run(7)),
    "ZaIdNumberRecognizer": (13, digit_run(13)),
    "CreditCardRecognizer": (13, digit_run(13, "- ")),
    "IbanRecognizer": (2, re.compile("[A-Z]{2}[0-9]{2}")),  # case-sensitive
    # four numbers with dots (IPv4, also inside IPv6), or two colons with hex digits between
    "IpRecognizer": (0, re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d|:[0-9A-Fa-f]{0,4}:")),
}


def screen_of(recognizer: EntityRecognizer) -> tuple[int, Callable[[str], bool] | None]:
    """What a text needs for the recognizer to find anything in it: this many digits at least,
    and (unless None) to pass this test."""
    fewest: int = getattr(recognizer, "FEWEST_DIGITS", 0)
    can_match: Callable[[str], bool] | None = getattr(recognizer, "can_match", None)
    if can_match is not None:
        return fewest, can_match
    presidio = type(recognizer).__module__.startswith("presidio_analyzer.")
    fewest, screen = PRESIDIO_SCREENS.get(type(recognizer).__name__, (0, None)) \
        if presidio else (0, None)
    return fewest, None if screen is None else (lambda text: screen.search(text) is not None)


# How phonenumbers' matcher reads the number part of a candidate: digits, and between them its
# punctuation and plus signs. "x" is punctuation to it, and a letter it reads as 9 in a vanity
# number, so it counts as a digit here.
_NUMBER_DIGIT = r"[\dxX]"
_NUMBER_PUNCTUATION = _VALID_PUNCTUATION + _PLUS_CHARS


def _fewest_digits(code: int, parsed_as: str) -> int:
    """The fewest digits of a number with country code ``code`` read by ``parsed_as``'s rules:
    the shortest valid national number of a region with that code (phonenumbers' validity
    check starts with the lengths of the general description), less the digits the national-
    prefix rule may add ("268\\1": 3, the group number counted too, so never fewer)."""
    shortest = []
    for region in region_codes_for_country_code(code):
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
        general = metadata.general_desc if metadata is not None else None
        lengths = [n for n in general.possible_length if n > 0] if general is not None else []
        shortest.append(min(lengths, default=1))
    rules = PhoneMetadata.metadata_for_region_or_calling_code(code, parsed_as)
    rule = rules.national_prefix_transform_rule if rules is not None else None
    return min(shortest, default=1) - sum(c.isdigit() for c in rule or "")


@lru_cache(maxsize=1)
def fewest_international_digits() -> int:
    """The fewest digits of a valid number written with its country code (after a plus sign
    or an international call prefix), read by the rules of the code's main region."""
    codes = {country_code_for_region(r) for r in SUPPORTED_REGIONS} | \
        set(COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    return max(1, min(len(str(code)) + _fewest_digits(code, region_code_for_country_code(code))
                      for code in codes))


@lru_cache(maxsize=64)
def fewest_phone_digits(region: str) -> int:
    """The fewest digits of a valid number the matcher finds for ``region`` written without a
    plus sign: a number of the region's country code (valid in any region sharing it), or any
    country's after an international call prefix (a digit at least)."""
    abroad = 1 + fewest_international_digits()
    code = country_code_for_region(region)
    if not code:  # "ZZ": only numbers with a country code
        return abroad
    return max(1, min(_fewest_digits(code, region), abroad))


def fewest_number_chars(regions: tuple[str, ...]) -> int:
    """The fewest characters of a candidate holding a valid number for one of the regions: its
    digits, and a plus sign or international prefix before another country's."""
    return min(min(fewest_phone_digits(r) for r in regions), 1 + fewest_international_digits())


# The matcher gives up after this many failed attempts, at most this many per character of text
# (one per candidate, one per piece of it for each of its six inner patterns, candidates never
# overlap): on shorter texts it tries every candidate.
_MATCHER_TRIES, _TRIES_PER_CHAR = 65535, 15


class _PhoneMatching(PhoneRecognizer):  # type: ignore[misc]
    """Presidio's PhoneRecognizer, its matcher told to pass over candidates too short to hold
    a valid number (``min_candidate_length``) instead of parsing each."""

    @cached_property
    def _shortest(self) -> int:
        return fewest_number_chars(tuple(self.supported_regions))

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        # PhoneRecognizer.analyze, with min_candidate_length where it changes nothing found:
        # on a text so long that tries may run out, skipping would leave tries for later ones
        shortest = self._shortest if len(text) * _TRIES_PER_CHAR < _MATCHER_TRIES else 1
        results = []
        for region in self.supported_regions:
            for match in PhoneNumberMatcher(text, region, leniency=self.leniency,  # type: ignore[arg-type]
                                            min_candidate_length=shortest):
                with suppress(NumberParseException):  # as Presidio: the last region parsed
                    region = region_code_for_number(parse(text[match.start:match.end]))
                results.append(self._get_recognizer_result(  # type: ignore[no-untyped-call]
                    match, text, region, nlp_artifacts))
        found: list[RecognizerResult] = EntityRecognizer.remove_duplicates(results)
        return found


class RegionalPhoneRecognizer(_PhoneMatching):
    """Presidio's ``phonenumbers``-based recognizer, limited to the draft's regions.

    A match is a *valid* number (leniency 1). Valid for the draft's own region (or, when the
    locale names none, the language's main region), or written with its country code ("+44
    20 ...", "0044 20 ...", "91-415-555-0132"), it is strong evidence and scores at the
    threshold (0.5). Numbers valid only in one of the language's other regions keep
    Presidio's 0.4 and need context: across many regions lots of digit strings are valid
    somewhere (a ZIP+4, a licence number).
    """

    STRONG_SCORE = 0.5

    def __init__(self, *, primary_region: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.primary_region = primary_region
        plain = min(fewest_phone_digits(region) for region in self.supported_regions)
        self._national = digit_run(plain, _NUMBER_PUNCTUATION, _NUMBER_DIGIT)
        self._international = re.compile(
            f"[{_PLUS_CHARS}](?:[{_NUMBER_PUNCTUATION}]*{_NUMBER_DIGIT})"
            f"{{{fewest_international_digits()}}}")

    def can_match(self, text: str) -> bool:
        """Whether a stretch of digits and the matcher's punctuation holds enough digits for a
        valid number of the regions (or, after a plus sign, of any country)."""
        return self._national.search(text) is not None or \
            self._international.search(text) is not None

    def _get_recognizer_result(self, match: Any, text: str, region: str,
                               nlp_artifacts: NlpArtifacts | None) -> RecognizerResult:
        result: RecognizerResult = super()._get_recognizer_result(match, text, region,
                                                                  nlp_artifacts)  # type: ignore[no-untyped-call]
        if (region_code_for_number(match.number) == self.primary_region
                or with_country_code(text[match.start:match.end], match.number)):
            result.score = self.STRONG_SCORE
        return result


def with_country_code(raw: str, number: PhoneNumber) -> bool:
    """Whether the number is written with its country code (with or without ``+``/``00``)."""
    digits = re.sub(r"\D", "", raw)
    full = f"{number.country_code}{national_significant_number(number)}"
    return raw.lstrip("( ").startswith("+") or digits.removeprefix("00") == full


class ForeignPhoneRecognizer(PhoneRecognizer):  # type: ignore[misc]
    """Valid numbers of other countries in their national format ("090-1234-5678" in an
    English draft). They keep Presidio's score (0.4), so they count only next to a context
    word (Presidio's own list, with "number", plus the language's). The matcher therefore
    runs only on digit groups close enough to such a word, one character of text around each,
    and not on a group that is a valid number of the draft's home region (the regional
    recognizer reports those whatever the context).
    """

    # Another country's national number in copy has an area or mobile prefix: at least this
    # many digits (a 4-digit "valid" DE or 5-digit KR number next to "number" is an order or
    # ticket number).
    MIN_DIGITS = FEWEST_DIGITS = 7
    ALONE_SCORE = PhoneRecognizer.SCORE
    _GROUP = re.compile(r"[+(]?\d[\d \t().\-‐/]*\d")
    _LONG_GROUP = digit_run(MIN_DIGITS, r" \t().\-‐/")

    def __init__(self, supported_language: str, regions: tuple[str, ...],
                 context: list[str], home_region: str | None = None) -> None:
        words = sorted({*PhoneRecognizer.CONTEXT, *context})
        super().__init__(supported_language=supported_language, supported_regions=regions,
                         context=words, name="ForeignPhoneRecognizer")
        self._context = context_regex(tuple(words), True)  # any spelling the enhancer finds
        self._home_region = home_region

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        results: dict[tuple[int, int], RecognizerResult] = {}
        for start, end in self._slices(text):
            for result in super().analyze(text[start:end], entities,
                                          nlp_artifacts):  # type: ignore[arg-type]
                result.start, result.end = result.start + start, result.end + start
                results.setdefault((result.start, result.end), result)
        return list(results.values())

    def can_match(self, text: str) -> bool:
        """Whether a digit group holds MIN_DIGITS digits."""
        return self._LONG_GROUP.search(text) is not None

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """Each digit group (with one character around it) that a context word is near enough
        to raise (the enhancer's window: PREFIX_CHARS before the number, SUFFIX_CHARS after)."""
        if self._context is None:
            return []
        words = [w.span() for w in self._context.finditer(fold(text))]
        slices = []
        for group in self._GROUP.finditer(text) if words else ():
            start, end = group.span()
            if len(_DIGIT.findall(text, start, end)) >= self.MIN_DIGITS and any(
                    start - PREFIX_CHARS <= we and ws <= end + SUFFIX_CHARS for ws, we in words
            ) and not PhoneShapeRecognizer.DATE_LIKE.match(group.group().strip()) \
                    and not self._home_number(group.group()):
                slices.append((max(0, start - 1), min(len(text), end + 1)))
        return slices

    def _home_number(self, group: str) -> bool:
        if self._home_region is None:
            return False
        try:
            return bool(is_valid_number(parse(group, self._home_region)))
        except NumberParseException:
            return False


class LuhnCardRecognizer(PatternRecognizer):  # type: ignore[misc]
    """Payment card numbers Presidio's brand patterns miss (Mastercard 2-series, 19-digit Visa,
    12-digit Maestro, 15-digit JCB ...): 12 to 19 digits with a valid Luhn checksum.

    Any long number passes Luhn one time in ten, so these need a card context word.
    """

    ALONE_SCORE = 0.3
    FEWEST_DIGITS = 12
    _DIGITS = digit_run(FEWEST_DIGITS, " -")

    def __init__(self, supported_language: str, context: list[str]) -> None:
        pattern = r"(?<![\w.,-])\d{4}(?:[ -]?\d{2,4}){2,4}(?:[ -]?\d{1,3})?(?![\w-]|[.,]\d)"
        super().__init__(supported_entity="CREDIT_CARD", name="LuhnCardRecognizer",
                         patterns=[Pattern("card digits", pattern, self.ALONE_SCORE)],
                         context=context, supported_language=supported_language)

    def can_match(self, text: str) -> bool:
        """Whether 12 digits are in a row (a space or hyphen between two of them at most)."""
        return self._DIGITS.search(text) is not None

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = [int(c) for c in pattern_text if c.isdigit()]
        if not 12 <= len(digits) <= 19:
            return False
        odd = sum(digits[-1::-2])
        even = sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
        return None if (odd + even) % 10 == 0 else False


class PhoneShapeRecognizer(PatternRecognizer):  # type: ignore[misc]
    """Digit groups shaped like a phone number (any country, partial or unusual formats).

    Too weak alone (order numbers look the same): it only counts with a phone context word.
    """

    PATTERNS = (
        r"(?<![\w+./-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(0?\d{1,4}\)[ .-]?)?\d{1,5}"
        r"(?:[ .-]\d{2,8}){1,4}"
        r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w,/-]?\d)",
        r"(?<![\w+./-])(?:\+|00)?\d{8,13}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w.,/-]?\d)",
    )
    DATE_LIKE = re.compile(r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[:.]\d{2})$")
    _DECIMAL = re.compile(r"^\d+[.,]\d{1,2}$")
    ALONE_SCORE = 0.2
    # The characters of a match (extensions in any case); seven of its digits count at least.
    FEWEST_DIGITS = 7
    _SHAPE = digit_run(FEWEST_DIGITS, " .()+\\-xXeEtT")

    def __init__(self, supported_language: str, context: list[str]) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER", name="PhoneShapeRecognizer",
            patterns=[Pattern(f"phone shape {i}", p, self.ALONE_SCORE)
                      for i, p in enumerate(self.PATTERNS)],
            context=context, supported_language=supported_language)

    def can_match(self, text: str) -> bool:
        return self._SHAPE.search(text) is not None

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = sum(c.isdigit() for c in pattern_text.split("x")[0].split("ext")[0])
        if not 7 <= digits <= 15:
            return False
        if self.DATE_LIKE.match(pattern_text) or self._DECIMAL.match(pattern_text):
            return False
        return None  # plausible: keep the pattern score, context decides


class CompactIbanRecognizer(PatternRecognizer):  # type: ignore[misc]
    """IBANs written without spaces in lower or mixed case ("gb42nawi0445..."), which Presidio's
    upper-case patterns miss. Validated by the ISO 13616 mod-97 check."""

    FEWEST_DIGITS = 2
    _SHAPE = re.compile(r"\d\d\w{11}")  # what every match holds (letters in any script)

    def __init__(self, supported_language: str, context: list[str]) -> None:
        super().__init__(supported_entity="IBAN_CODE", name="CompactIbanRecognizer",
                         patterns=[Pattern("IBAN compact", r"(?<![\w])[a-z]{2}\d{2}[a-z0-9]{11,30}"
                                           r"(?![\w])", 0.5)],
                         context=context, supported_language=supported_language)

    def can_match(self, text: str) -> bool:
        return self._SHAPE.search(text) is not None

    def validate_result(self, pattern_text: str) -> bool:
        code = pattern_text.upper()
        if code.isupper() and pattern_text == code:
            return False  # upper case: Presidio's IbanRecognizer already reports it
        digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
        return int(digits) % 97 == 1


_ASCII_BOUNDARY = r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))"


def ascii_bounded(patterns: list[Pattern]) -> list[Pattern]:
    """Presidio's patterns for text written without spaces: ``\\b`` and ``\\w`` count only
    ASCII letters and digits, so the number in ``カード番号4111...`` still has a boundary."""
    return [Pattern(p.name, p.regex.replace(r"\b", _ASCII_BOUNDARY)
                    .replace(r"[\w:]", "[A-Za-z0-9_:]"), p.score) for p in patterns]


class AsciiEmailRecognizer(EmailRecognizer):  # type: ignore[misc]
    """E-mail addresses inside text without spaces (``メールはtaro@example.jpまで``).

    Presidio's pattern uses ``\\w`` boundaries, which swallow the surrounding kana or hanzi.
    """

    PATTERNS = [Pattern("Email (ASCII bounded)",  # noqa: RUF012 (Presidio's own convention)
                        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+"
                        r"(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])", 0.5)]


@lru_cache(maxsize=32)
def _month_names(language: str) -> tuple[str, ...]:
    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        try:
            names.update(get_month_names(width, locale=language).values())
        except (ValueError, LookupError):
            continue
        names.update(get_month_names(width, "stand-alone", locale=language).values())
    names.update(get_month_names("wide", locale="en").values())
    return tuple(sorted((n.rstrip(".") for n in names), key=len, reverse=True))


class DateOfBirthRecognizer(PatternRecognizer):  # type: ignore[misc]
    """A full date (day, month and year) in a birth context: "born on 12.05.1961".

    Dates score 0.2 and need a birth context word; the year must make the person at least
    :data:`MIN_AGE_YEARS` old, so "happy birthday, your voucher expires 12/05/2026" is not one.
    """

    ALONE_SCORE = 0.2
    FEWEST_DIGITS = 4
    _YEAR = re.compile(r"(?:19|20)\d{2}")  # in every pattern, and what validation reads

    def __init__(self, supported_language: str, context: list[str]) -> None:
        months = "|".join(regex.escape(m) for m in _month_names(supported_language))
        day, month, year = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d{2}"
        patterns = [
            rf"\b{day}[./-]{month}[./-]{year}\b",
            rf"\b{month}/{day}/{year}\b",
            rf"\b{year}[./-]{month}[./-]{day}\b",
            rf"\b{day}(?:\.|st|nd|rd|th|er|º)?\s+(?:de\s+)?(?:{months})\.?,?\s+(?:de\s+)?{year}\b",
            rf"\b(?:{months})\.?\s+{day}(?:st|nd|rd|th)?,?\s+{year}\b",
            rf"{year}\s?[年년]\s?{month}\s?[月월]\s?{day}\s?[日일]",
        ]
        super().__init__(
            supported_entity=DATE_OF_BIRTH, name="DateOfBirthRecognizer",
            patterns=[Pattern(f"date {i}", p, self.ALONE_SCORE) for i, p in enumerate(patterns)],
            context=context, supported_language=supported_language)

    def can_match(self, text: str) -> bool:
        return self._YEAR.search(text) is not None

    def validate_result(self, pattern_text: str) -> bool | None:
        years = [int(y) for y in self._YEAR.findall(pattern_text)]
        if not years or not 1900 <= years[0] <= date.today().year - MIN_AGE_YEARS:
            return False
        return None


class _AddressData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    score: float = Field(ge=0, le=1)
    abbreviations: dict[str, list[str]]
    shapes: dict[str, list[str]]


@lru_cache(maxsize=1)
def address_data() -> _AddressData:
    return load_model(_AddressData, "pii", "addresses.yaml")


# What every match of a shape's patterns holds, for a quick look before they run (a shape
# without one always runs; tests/test_pii_speed_paths.py checks them against the patterns).
SHAPE_SCREENS = {
    # a house number before a capitalized word or an ordinal ("12 Main", "7 3rd"), a (P.O.) Box
    # number, a military "APO AE"
    "us": [r"\d[A-Z]?[ \t]+(?:[A-Z\d]|[^\x00-\x7f])", r"[Bb][Oo][Xx][ \t]+\d", r"PO[ \t]+A"],
    # a house number before a capitalized word, a postcode's inward code ("6XE" of "NW1 6XE")
    "gb": [r"\d[A-Za-z]?,?[ \t]+(?:[A-Z]|[^\x00-\x7f])", r"\d[A-Z]{2}"],
}


class AddressRecognizer(PatternRecognizer):  # type: ignore[misc]
    """Street addresses of the given shapes (``us``, ``gb``, ``de`` ...: see addresses.yaml)."""

    def __init__(self, supported_language: str, shapes: list[str]) -> None:
        data = address_data()
        unknown = sorted(set(shapes) - set(data.shapes))
        if unknown:
            raise KeyError(f"no address shapes {unknown} in data/pii/addresses.yaml")
        patterns = [Pattern(f"address {shape} {i}", p, data.score)
                    for shape in shapes for i, p in enumerate(data.shapes[shape])]
        super().__init__(supported_entity=ADDRESS, name="AddressRecognizer", patterns=patterns,
                         supported_language=supported_language,
                         global_regex_flags=regex.MULTILINE)
        screens = [SHAPE_SCREENS.get(shape) for shape in shapes]
        self._screens = [re.compile(p) for s in screens if s for p in s] \
            if screens and all(screens) else None  # (one search each: faster than an "|")

    def can_match(self, text: str) -> bool:
        return self._screens is None or any(p.search(text) for p in self._screens)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts,
                                                          regex_flags)
        for result in results:  # trailing separators are not part of the address
            while result.end > result.start and text[result.end - 1] in " \t,.;:-":
                result.end -= 1
        return results

