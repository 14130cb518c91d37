"""The fast paths of the ``pii`` and ``sensitive`` checks find what the plain ways find.

Each shortcut (a scan tried only where a match can start, a screen that skips a recognizer) is
compared with the straightforward computation it replaces, on the evaluation corpus and on
random texts built from the characters the shortcut depends on.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from functools import cache
from typing import Any

import phonenumbers
import pytest
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumberFormat,
    PhoneNumberType,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from copyguard import Guard
from copyguard.pii import names, screen
from copyguard.pii.analyzer import POOL, _Text
from copyguard.pii.attributes import _TermIndex
from copyguard.pii.languages import pii_languages
from copyguard.pii.names import FULL_NAME_MIN_FREQUENCY, NameFinder, name_finder
from copyguard.pii.recognizers import (
    PRESIDIO_SCREENS,
    _PhoneMatching,
    fewest_international_digits,
    fewest_phone_digits,
)
from tests.helpers import eval_drafts, random_texts
from tests.test_pii_profile import make_guard

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "ja", "zh", "ko", "ar")


def _name_texts() -> list[str]:
    """Corpus drafts and random texts of names, greetings, titles and separators."""
    words = ["Maria", "Anna", "Lopez", "O'Brien", "D’Angelo", "Mary-Jane", "McDonald", "Hi",
             "hi", "Dear", "Mrs", "Ms.", "Herr", "Shell", "Rain", "The", "Élodie", "Zoë", "x",
             "John", "Smith", "Jean-Luc", "İlker", "ǅemal", "and", "'", "’", "-"]
    separators = [" ", " ", "  ", "\t", "\n", ", ", ". ", "! ", "? ", "¡", "¿", "\r", "\u2028",
                  "\x0c", ",", "-", "'", ""]
    rng = random.Random(11)
    made = ["".join(rng.choice(words) + rng.choice(separators)
                    for _ in range(rng.randrange(12))) for _ in range(4000)]
    return [d["text"] for d in eval_drafts()] + made + \
        random_texts("Ma rí-a'’\t\nH.,!Ǆ", 3000, 25, seed=12) + \
        random_texts(["hi", "HI", "ſ", "K", "İ", "ẞ", "Hı", "dear", "DEAR", "Maria", "Anna",
                       "hallo", "liebe", "cher", "hola", "olá", "ciao", " ", "\t", "\n", ".",
                       "! ", ", ", "¡", "¿", "ſervus", "ſehr geehrte", "Sehr geehrter", "ǅemal",
                       "Hola", "Chère", "CHÈRE", "Grüezi", "ǰ"], 3000, 12, seed=16)


# -- names ---------------------------------------------------------------------------------


def _plain_full_names(finder: NameFinder, text: str) -> list[names.NameMention]:
    found = []
    for match in finder._full.finditer(text, overlapped=True):
        first, last = match.group("name").split()
        if finder.is_name(first, FULL_NAME_MIN_FREQUENCY) and \
                names.fold(last) not in finder.not_names and \
                not finder._inside_title(text, match.start("name")):
            found.append(NameFinder._mention(match, "full_name"))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_full_names_are_those_an_overlapped_search_finds(language: str) -> None:
    finder = name_finder(language)
    for text in _name_texts():
        assert list(finder._from_full_names(text)) == _plain_full_names(finder, text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_salutations_are_those_a_search_of_the_whole_text_finds(language: str) -> None:
    finder = name_finder(language)
    if finder._greeting is None:
        return
    for text in _name_texts():
        expected = [m.span() for m in finder._greeting.finditer(text)]
        assert [m.span() for m in finder._greetings(finder._greeting, text)] == expected, text


# -- screening the recipient's values ------------------------------------------------------


def test_the_digits_of_a_text_are_counted_as_the_digit_pattern_counts_them() -> None:
    for text in random_texts("a1٣４ 9\n.²", 3000, 20, seed=15) + [d["text"] for d in eval_drafts()]:
        assert _Text(text).digits == len(re.findall(r"\d", text)), text


def test_the_letters_of_a_text_are_its_word_characters_after_decomposition() -> None:
    alphabet = "aZ9_ é Ü İ ß ø ’—£€ 東 ١ ² Ⅻ \u0301\n\t.,'-@"
    texts = random_texts(alphabet, 5000, 30, seed=13) + \
        random_texts("aB1 .,!?'-_\t\n\x00\x7f", 2000, 30, seed=14) + \
        [d["text"] for d in eval_drafts()]
    for text in texts:
        plain = re.sub(r"[\W_]+", "", unicodedata.normalize("NFD", text.lower()))
        assert screen.letters(text) == plain, repr(text)


# -- which recognizers run -----------------------------------------------------------------

ANALYZERS = [("en", ("US",)), ("en", ("GB",)), ("en", ("US", "GB", "CA", "AU", "IE", "NZ", "IN",
             "ZA", "SG")), ("de", ("DE",)), ("fr", ("FR",)), ("ja", ("JP",)), ("pt", ("BR",)),
             ("nl", ("ZZ",))]
NUMBER_TOKENS = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "00", "01", "44", "20", "70", "912",
    "7946", "0018", "415", "555", "0132", "1961", "2005", "12", "05", "31", "4111", "1111", "٣",
    "４", "AB", "QQ", "C", "D", "S", "T", "GB", "+", "＋", "(", ")", "-", "‐", ".", "/", " ", " ",
    " ", "  ", "\t", "\n", "x", "X", "ext", "ext.", "#", ",", ":", "ー", "a", "Main St", "GB82",
    "WEST", "gb82west", "call", "phone", "tel", "born", "date of birth", "card", "visa", "iban",
    "bank", "passport", "us", "ssn", "number", "ip", "Telefon", "電話",
    # whole ids and account numbers, to be cut and joined by the tokens around them
    "gb82west12345698765432", "GB82 WEST 1234 5698 7654 32", "AB 12 34 56 C", "AB123456C",
    "943 476 5919", "912-70-1234", "078-05-1120", "A12345678", "046 454 286", "123 456 782",
    "2123 45670 1", "2345 6789 0123", "S1234567D", "8001015009087", "4111 1111 1111 1111",
    "4222222222222", "203.0.113.42", "2001:db8::1", "::", "fe80::1%eth0", "::ffff:10.0.0.1",
    "1:2:3:4:5:6:7:8", "64:ff9b::192.0.2.33", "10.0.0.0/8"]


@cache
def _short_numbers() -> list[str]:
    """Valid numbers as short as the regions have them, written nationally and with their
    country code (national-prefix rules of NF, SM and MG add digits)."""
    rng = random.Random(24)
    found = []
    for region in ("DE", "AT", "LU", "AU", "NZ", "ZA", "US", "GB", "CA", "SH", "NU", "SM", "NF",
                   "MG", "JP", "BR", "IR", "KR"):
        code = phonenumbers.country_code_for_region(region)
        for length, form in itertools.product(range(3, 9), ("{}", f"+{code} {{}}")):
            for _ in range(150):
                text = form.format("".join(rng.choice("0123456789") for _ in range(length)))
                try:
                    valid = phonenumbers.is_valid_number(phonenumbers.parse(text, region))
                except NumberParseException:
                    continue
                if valid:
                    found.append(text)
                    break
    return found


@cache
def _number_texts(count: int, seed: int) -> list[str]:
    """Random runs of digits, phone punctuation and context words, the shortest valid numbers
    and every example number of phonenumbers in its usual formats."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice(NUMBER_TOKENS) for _ in range(rng.randrange(24)))
             for _ in range(count)]
    for number in _short_numbers():
        texts += [f"call {number} now", f"tel: 00 {number.lstrip('+')}",
                  f"011 {number.lstrip('+')}"]
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE,
                     PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            for style in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL,
                          PhoneNumberFormat.E164):
                texts.append(f"call {phonenumbers.format_number(number, style)} now")
            national = phonenumbers.national_significant_number(number)
            texts.append(f"tel {national} / 00{number.country_code} {national}")
    return texts


ADDRESS_TOKENS = ["1600", "221B", "12", "7", "3rd", "42nd", "Main", "Baker", "Pennsylvania",
                  "Élysée", "Ørsted", "North", "N.", "NW", "Street", "St", "st.", "Avenue", "ave",
                  "Road", "Rd", "Lane", "Way", "Close", "Crescent", "Mews", "Apt", "Suite", "#4",
                  "Unit", "P.O. Box", "PO Box", "Post Office Box", "box", "PSC", "CMR",
                  "USNS Comfort", "Box", "APO AE", "FPO AP", "DPO", "AA", "NW1 6XE", "SW1A 1AA",
                  "EC1A1BB", "DC", "20500", "20500-1234", "London", "the", "at", ",", ".", "-",
                  "\n", "\t", "  "]


@cache
def _address_texts(count: int, seed: int) -> list[str]:
    """Random runs of house numbers, capitalized words, street types, boxes and postcodes."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(ADDRESS_TOKENS) for _ in range(rng.randrange(3, 14)))
            for _ in range(count)]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return make_guard()


@pytest.mark.parametrize(("language", "regions"), [
    *ANALYZERS, ("en", ("AU",)), ("en", ("CA",)), ("en", ("IN",)), ("en", ("SG",)),
    ("en", ("ZA",))])
def test_a_recognizer_finds_nothing_where_its_screen_fails(
        guard: Guard, language: str, regions: tuple[str, ...]) -> None:
    screened = [c for c in POOL.get(guard.nlp, language, regions).candidates
                if c.screen is not None]
    expected = {"RegionalPhoneRecognizer", "CompactIbanRecognizer", "CreditCardRecognizer",
                "IbanRecognizer", "IpRecognizer"}
    if language in pii_languages().languages:
        expected |= {"ForeignPhoneRecognizer", "PhoneShapeRecognizer", "LuhnCardRecognizer",
                     "DateOfBirthRecognizer", "AddressRecognizer"}
    expected |= {name for name in pii_languages().national.get(regions[0], [])
                 if name in PRESIDIO_SCREENS}
    assert {c.recognizer.name for c in screened} == expected
    texts = _number_texts(1500, seed=21) + _address_texts(1500, seed=25) + \
        [d["text"] for d in eval_drafts()]
    for candidate in screened:
        recognizer, found = candidate.recognizer, 0
        for text in texts:
            results = recognizer.analyze(text, recognizer.supported_entities, None)
            found += bool(results)
            assert not results or (candidate.screen(text) and  # and it has enough digits
                                   _Text(text).digits >= candidate.min_digits), \
                (recognizer.name, text)
        if recognizer.name != "AddressRecognizer" or language == "en":  # (English shapes)
            assert found, recognizer.name  # the texts exercise every recognizer


def test_phone_numbers_need_as_many_digits_as_the_shortest_valid_one() -> None:
    # national numbers of the US and GB have 7 digits at least; written with a country code,
    # 6 (Germany's 4-digit numbers); Australia and New Zealand have 5-digit numbers
    assert fewest_international_digits() == 6
    assert (fewest_phone_digits("US"), fewest_phone_digits("GB"), fewest_phone_digits("AU"),
            fewest_phone_digits("ZZ")) == (7, 7, 5, 7)
    # national-prefix rules write no backreference twice (added digits are counted once)
    for region in phonenumbers.SUPPORTED_REGIONS:
        rule = PhoneMetadata.metadata_for_region(region).national_prefix_transform_rule or ""
        assert rule.count("\\") <= 1, region


def _run(guard: Guard, language: str, analyzer: Any, recognizers: list[Any], text: str,
         threshold: float) -> list[tuple[Any, ...]]:
    if not recognizers:
        return []
    artifacts = NlpArtifacts(entities=[], tokens=guard.nlp.doc(text, language),
                             tokens_indices=[], lemmas=[], nlp_engine=None, language=language)
    results = analyzer.engine.analyze(
        text, language, entities=sorted({e for r in recognizers for e in r.supported_entities}),
        nlp_artifacts=artifacts, ad_hoc_recognizers=recognizers, score_threshold=threshold)
    return sorted((r.entity_type, r.start, r.end, r.score,
                   r.recognition_metadata["recognizer_name"]) for r in results)


@pytest.mark.parametrize(("language", "regions", "threshold"), [
    *((language, regions, 0.5) for language, regions in ANALYZERS),
    ("en", ANALYZERS[2][1], 0.3), ("en", ("US",), 0.2), ("de", ("DE",), 0.0)])
def test_skipping_recognizers_that_cannot_report_changes_no_result(
        guard: Guard, language: str, regions: tuple[str, ...], threshold: float) -> None:
    """The recognizers an analysis runs report what all recognizers of the entities the text
    can hold report."""
    analyzer = POOL.get(guard.nlp, language, regions)
    found = 0
    for text in _number_texts(700, seed=22)[:1500] + _address_texts(300, seed=26) + \
            [d["text"] for d in eval_drafts()[:150]]:
        screened = _Text(text)
        plain = [c.recognizer for c in analyzer.candidates
                 if c.policy.possible_in(text, screened.digits)]
        chosen = [c.recognizer for c in analyzer.candidates
                  if c.may_report(screened, threshold)]
        expected = _run(guard, language, analyzer, plain, text, threshold)
        assert _run(guard, language, analyzer, chosen, text, threshold) == expected, text
        found += bool(expected)
    assert found > 100


# -- sensitive attributes ------------------------------------------------------------------


def test_ascii_separators_are_those_the_separator_pattern_replaces() -> None:
    index = _TermIndex
    ascii_chars = "".join(chr(c) for c in range(128))
    texts = random_texts(ascii_chars, 3000, 20, seed=31) + [d["text"] for d in eval_drafts()]
    for text in (t for t in texts if t.isascii()):
        assert text.translate(index._ASCII_SEPARATORS) == index._SEPARATORS.sub(" ", text)


@pytest.mark.parametrize(("language", "regions"), [ANALYZERS[i] for i in (0, 2, 3, 7)])
def test_phone_matching_finds_what_presidios_phone_recognizer_finds(
        guard: Guard, language: str, regions: tuple[str, ...]) -> None:
    def found(results: list[Any]) -> list[tuple[Any, ...]]:
        return [(r.start, r.end, r.score, r.recognition_metadata["recognizer_name"],
                 r.analysis_explanation.textual_explanation) for r in results]

    phones = [c.recognizer for c in POOL.get(guard.nlp, language, regions).candidates
              if isinstance(c.recognizer, _PhoneMatching)]
    assert [r.name for r in phones] == ["RegionalPhoneRecognizer"]
    texts = _number_texts(300, seed=27) + [d["text"] for d in eval_drafts()]
    for recognizer in phones:
        matched = 0
        for text in texts:
            plain = found(PhoneRecognizer.analyze(recognizer, text, ["PHONE_NUMBER"]))
            assert found(_PhoneMatching.analyze(recognizer, text, ["PHONE_NUMBER"])) == plain
            matched += bool(plain)
        assert matched > 50, recognizer.name
