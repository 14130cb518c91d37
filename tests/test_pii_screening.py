"""Speed gates of the `pii` analysis: they skip work, never matches.

* an entity's recognizers run only on a text that can hold a match (data/pii/entities.yaml);
* a recipient value's patterns are built only when the draft holds one of its anchors
  (copyguard.pii.screen).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from presidio_analyzer import AnalyzerEngine

from copyguard import Guard
from copyguard.model import Recipient
from copyguard.pii.policy import entity_policies
from copyguard.pii.profile import profile_recognizers, value_anchors
from copyguard.pii.screen import Reduced, digits, letters, spellings
from tests.test_pii import POSITIVE
from tests.test_pii_profile import MARIA, make_guard


@pytest.fixture(scope="module")
def guard() -> Guard:
    return make_guard()


@pytest.mark.parametrize(("locale", "text", "code", "value"), POSITIVE)
def test_every_known_value_passes_its_entity_gate(locale: str, text: str, code: str,
                                                  value: str) -> None:
    assert entity_policies().of(code).possible_in(value, len(re.findall(r"\d", value)))


@pytest.mark.parametrize(("value", "possible"), [
    ("203.0.113.42", True), ("2001:db8::1", True), ("fe80::1", True), ("::", True),
    ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", True),
    ("Open 10:00-18:00, see https://acme.example", False), ("Version 2", False),
])
def test_ip_gate(value: str, possible: bool) -> None:
    assert entity_policies().of("IP_ADDRESS").possible_in(value, 1) is possible


def test_a_text_without_digits_or_at_sign_is_not_analyzed(
        guard: Guard, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    original = AnalyzerEngine.analyze

    def spy(self: AnalyzerEngine, text: str, language: str, **kwargs: Any) -> Any:
        calls.append(kwargs.get("entities"))
        return original(self, text, language, **kwargs)

    monkeypatch.setattr(AnalyzerEngine, "analyze", spy)
    guard.check("Our summer collection is here. Enjoy!", locale="en-US")
    assert calls == []
    guard.check("Enjoy 20% off: write to jane.doe@gmail.com.", locale="en-US")
    entities = calls[0]  # (the fixed text is checked again)
    assert "EMAIL_ADDRESS" in entities and "PHONE_NUMBER" not in entities
    assert "CREDIT_CARD" not in entities


def test_spellings_cover_digraphs_accents_and_separators() -> None:
    assert spellings("Müller") == {"muller", "mueller"}
    assert spellings("Straße 5") == {"straße5", "strasse5"}
    assert letters("Hi MÜLLER, café!") == "himullercafe"
    assert digits("٢٠٢٦ / 12") == "202612"


# Every format test_pii_profile finds: the screen must let each of them through.
FOUND = [
    ("Your receipt went to MARIA.MUELLER@GMAIL.COM.", "email"),
    ("We will call 030 / 123 456 78 tomorrow.", "phone"),
    ("We will call +49 (0)30 1234 5678 tomorrow.", "phone"),
    ("Parcel for Maria Muller, thank you.", "last_name"),
    ("Parcel for Maria Mueller, thank you.", "last_name"),
    ("Shipping to Hauptstr. 5 as usual.", "address"),
    ("Shipping to HAUPTSTRASSE 5 as usual.", "address"),
    ("Born 12.05.1961? So were we.", "birth_date"),
    ("Born on May 12, 1961? So were we.", "birth_date"),
    ("Born on 12 mai 1961.", "birth_date"),
    ("Your account DE89370400440532013000 is ready.", "iban"),
    ("Member NW 0042 7781, your points are waiting.", "loyalty_number"),
]
MATCH = {"email": "text", "phone": "phone", "last_name": "text", "address": "address",
         "birth_date": "date", "iban": "account", "loyalty_number": "account"}


@pytest.mark.parametrize(("text", "field"), FOUND)
def test_anchors_hold_wherever_the_value_is_written(text: str, field: str) -> None:
    anchors = value_anchors(MATCH[field], MARIA[field])
    assert any(Reduced(text).holds(anchor) for anchor in anchors)


def test_values_absent_from_the_draft_build_nothing() -> None:
    recipient = Recipient(id="r", profile=MARIA, sensitive={"health": "type 2 diabetes"})
    text = "Hi Maria, our Berlin store has new boots. 20% off until Friday!"
    assert profile_recognizers(recipient, "en", "GB", text) == ()
    found = profile_recognizers(recipient, "en", "GB", "Ms Müller, about your diabetes")
    assert {r.supported_entities[0] for r in found} == {"profile.last_name",
                                                        "sensitive.health"}


@pytest.mark.parametrize("value", ["//", "-", " . ", "Maria //", "@@"])
def test_values_without_letters_or_digits_are_not_looked_for(guard: Guard, value: str) -> None:
    for field in ("last_name", "email", "phone", "address", "birth_date", "iban"):
        verdict = guard.check(f"Hi {value} //", locale="en-US",
                              recipient={"profile": {field: value}})
        assert not [f for f in verdict.findings if f.code == "check_error"]


@pytest.mark.parametrize(("text", "last_name"), [("인기 상품 최대 30% 할인.", "최"),
                                                ("李子新品上市。", "李")])
def test_one_character_family_names_are_not_looked_for(guard: Guard, text: str,
                                                       last_name: str) -> None:
    verdict = guard.check(text, locale="ko-KR" if last_name == "최" else "zh-CN",
                          recipient={"profile": {"last_name": last_name}})
    assert not [f for f in verdict.findings if f.field == "profile.last_name"]
