"""Phone numbers: the draft's regions, numbers written with a country code, and other
countries' national formats next to a phone context word (Presidio's PhoneRecognizer)."""

from __future__ import annotations

from typing import Any

import pytest
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from copyguard import Guard
from copyguard.pii.languages import foreign_regions
from copyguard.pii.recognizers import ForeignPhoneRecognizer
from tests.test_pii_profile import make_guard


@pytest.fixture(scope="module")
def guard() -> Guard:
    return make_guard()


def phones(guard: Guard, text: str, locale: str) -> list[str]:
    verdict = guard.check(text, locale=locale)
    return [text[f.start:f.end] for f in verdict.findings if f.code == "PHONE_NUMBER"]


@pytest.mark.parametrize(("locale", "text", "number"), [
    ("en", "My Israeli number is 09-7625400", "09-7625400"),
    ("en", "My Japanese number is 090-1234-5678", "090-1234-5678"),
    ("en", "My CN number is 13812345678", "13812345678"),
    ("en-US", "For the London office, call 020 7946 0018.", "020 7946 0018"),
    ("de-DE", "Unsere Nummer in Paris: Telefon 01 42 68 53 00", "01 42 68 53 00"),
    ("fr-FR", "Au Japon, appelez le 03-1234-5678.", "03-1234-5678"),
])
def test_other_countries_national_numbers_next_to_a_phone_word(
        guard: Guard, locale: str, text: str, number: str) -> None:
    assert phones(guard, text, locale) == [number]


@pytest.mark.parametrize(("locale", "text"), [
    ("en", "Ticket 090-1234-5678 is confirmed for Friday."),
    ("en", "Batch 13812345678 left the warehouse."),
    ("de-DE", "Bestellung 01 42 68 53 00 ist unterwegs."),
])
def test_without_a_phone_word_they_are_not_phones(guard: Guard, locale: str,
                                                  text: str) -> None:
    assert phones(guard, text, locale) == []


@pytest.mark.parametrize("text", [
    "Her line abroad: 91-415-555-0132, mornings only.",
    "Her line abroad: +91 4155550132, mornings only.",
    "Her line abroad: 0044 20 7946 0018, mornings only.",
])
def test_a_number_written_with_its_country_code_needs_no_context(guard: Guard,
                                                                 text: str) -> None:
    assert len(phones(guard, text, "en")) == 1


def test_foreign_regions_are_presidios_defaults_and_each_languages_main_region() -> None:
    regions = foreign_regions(("US",))
    assert {"IL", "GB", "DE", "FR", "IN", "BR", "JP", "CN", "KR", "IT", "ES"} <= set(regions)
    assert "US" not in regions


def test_no_phone_word_no_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the phonenumbers matcher ran")

    recognizer = ForeignPhoneRecognizer("en", ("JP",), ["call"])
    monkeypatch.setattr(PhoneRecognizer, "analyze", fail)
    assert recognizer.analyze("Ticket 090-1234-5678", ["PHONE_NUMBER"]) == []
    with pytest.raises(AssertionError):
        recognizer.analyze("Call 090-1234-5678", ["PHONE_NUMBER"])
