"""Profile-aware PII and names that are not the recipient's (with and without a trained NER)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from copyguard import Guard
from copyguard.model import Route, Severity, Verdict
from copyguard.plugins import DEFAULT_PLUGINS

KEEP = {"copyguard.default_plugins.pii", "copyguard.default_plugins.sensitive",
        "copyguard.default_plugins.routing"}
MARIA = {"first_name": "Maria", "last_name": "Müller", "email": "maria.mueller@gmail.com",
         "phone": "+49 30 12345678", "address": "Hauptstraße 5, 10115 Berlin",
         "birth_date": "1961-05-12", "iban": "DE89 3704 0044 0532 0130 00", "city": "Berlin",
         "loyalty_number": "NW-0042-7781"}


def make_guard(brand_dirs: list[Path] | None = None, **kwargs: Any) -> Guard:
    return Guard(brand_dirs=brand_dirs or [], load_entrypoints=False,
                 disabled_plugins=[p for p in DEFAULT_PLUGINS if p not in KEEP], **kwargs)


@pytest.fixture(scope="module")
def guard() -> Guard:
    return make_guard()


def own(verdict: Verdict) -> dict[str, str]:
    """field -> matched text of the recipient-data findings."""
    text = verdict.draft.text
    return {f.field: text[f.start:f.end] for f in verdict.findings
            if f.check == "pii" and f.field}


@pytest.mark.parametrize(("text", "field", "found"), [
    ("Your receipt went to MARIA.MUELLER@GMAIL.COM.", "profile.email", "MARIA.MUELLER@GMAIL.COM"),
    ("We will call 030 / 123 456 78 tomorrow.", "profile.phone", "030 / 123 456 78"),
    ("We will call +49 (0)30 1234 5678 tomorrow.", "profile.phone", "+49 (0)30 1234 5678"),
    ("Parcel for Maria Muller, thank you.", "profile.last_name", "Muller"),
    ("Parcel for Maria Mueller, thank you.", "profile.last_name", "Mueller"),
    ("Shipping to Hauptstr. 5 as usual.", "profile.address", "Hauptstr. 5"),
    ("Shipping to HAUPTSTRASSE 5 as usual.", "profile.address", "HAUPTSTRASSE 5"),
    ("Born 12.05.1961? So were we.", "profile.birth_date", "12.05.1961"),
    ("Born on May 12, 1961? So were we.", "profile.birth_date", "May 12, 1961"),
    ("Your account DE89370400440532013000 is ready.", "profile.iban", "DE89370400440532013000"),
    ("Member NW 0042 7781, your points are waiting.", "profile.loyalty_number", "NW 0042 7781"),
])
def test_recipient_values_are_found_whatever_the_format(guard: Guard, text: str, field: str,
                                                        found: str) -> None:
    verdict = guard.check(text, locale="en-GB", recipient={"profile": MARIA})
    assert own(verdict).get(field) == found


def test_first_name_and_city_are_personalization_only(guard: Guard) -> None:
    verdict = guard.check("Hi Maria, new arrivals are waiting in our Berlin store!",
                          locale="en-GB", recipient={"profile": MARIA})
    assert [f for f in verdict.findings if f.check == "pii"] == []
    assert verdict.route is Route.PASS


def test_other_numbers_are_not_the_recipients(guard: Guard) -> None:
    verdict = guard.check("Call 030 98765432 or visit Hauptstraße 7.", locale="de-DE",
                          recipient={"profile": MARIA})
    assert own(verdict) == {}


def test_severity_follows_the_field_kind(guard: Guard) -> None:
    verdict = guard.check("Maria Müller, we mailed maria.mueller@gmail.com about "
                          "DE89 3704 0044 0532 0130 00.", locale="en-GB",
                          recipient={"profile": MARIA})
    severities = {f.field: f.severity for f in verdict.findings if f.field}
    assert severities == {"profile.last_name": Severity.WARNING,
                          "profile.email": Severity.ERROR, "profile.iban": Severity.CRITICAL}
    assert verdict.route is Route.BLOCK


def test_recipient_fields_in_other_languages(guard: Guard) -> None:
    recipient = {"profile": {"first_name": "太郎", "last_name": "山田",
                             "phone": "090-1234-5678"}}
    verdict = guard.check("ご注文者：山田、09012345678にお電話します。", locale="ja-JP",
                          recipient=recipient)
    assert own(verdict) == {"profile.last_name": "山田", "profile.phone": "09012345678"}


# A greeting naming someone else that the personalization check reports (name_mismatch,
# "Hi Jennifer," to Maria) is left to it: see test_pii_names.py.
@pytest.mark.parametrize(("locale", "text", "name"), [
    ("en-US", "Dear Mrs Thompson, thank you for your order.", "Thompson"),
    ("en-US", "Dear Jennifer Smith, thank you for your order.", "Jennifer Smith"),
    ("de-DE", "Sehr geehrte Frau Schneider, Ihre Bestellung ist unterwegs!", "Schneider"),
    ("fr-FR", "Bonjour Madame Lefebvre, votre commande est en route !", "Lefebvre"),
    ("ja-JP", "田中様、ご注文ありがとうございます。", "田中"),
    ("zh-CN", "尊敬的王先生，感谢您的订购。", "王"),
    ("ko-KR", "김민수님, 주문해 주셔서 감사합니다.", "김민수"),
    ("ar-SA", "عزيزي أحمد، شكرا لطلبك", "أحمد"),
])
def test_greeting_someone_else_is_a_merge_error(guard: Guard, locale: str, text: str,
                                                name: str) -> None:
    recipient = {"profile": {"first_name": "Maria", "last_name": "Rossi"}}
    verdict = guard.check(text, locale=locale, recipient=recipient)
    others = [f for f in verdict.findings if f.code == "OTHER_PERSON"]
    assert [text[f.start:f.end] for f in others] == [name]
    assert others[0].severity is Severity.ERROR
    assert others[0].fix is None  # a person checks the merge; no automatic rename
    assert verdict.route is Route.REVIEW


@pytest.mark.parametrize(("locale", "text", "recipient"), [
    ("en-US", "Hi Maria, your order has shipped!", {"first_name": "Maria"}),
    ("en-US", "Hi María, your order has shipped!", {"first_name": "Maria"}),
    ("en-US", "Hello Summer! Our new collection is here.", {"first_name": "Maria"}),
    ("en-US", "Dear Valued Customer, thanks for shopping.", {"first_name": "Maria"}),
    ("en-US", "Shop the Rose Gold collection today.", {"first_name": "Maria"}),
    ("de-DE", "Hallo zusammen, die Sommer-Kollektion ist da!", {"first_name": "Maria"}),
    ("ja-JP", "お客様、ご注文ありがとうございます。", {"first_name": "太郎"}),
    ("ja-JP", "山田様、ご注文ありがとうございます。", {"last_name": "山田"}),
    ("zh-CN", "亲爱的会员，感谢您的订购。", {"first_name": "伟"}),
    ("ko-KR", "고객님, 주문해 주셔서 감사합니다.", {"first_name": "민수"}),
    ("ar-SA", "عزيزي العميل، شكرا لطلبك", {"first_name": "أحمد"}),
])
def test_no_other_person(guard: Guard, locale: str, text: str,
                         recipient: dict[str, str]) -> None:
    verdict = guard.check(text, locale=locale, recipient={"profile": recipient})
    assert [f for f in verdict.findings if f.code == "OTHER_PERSON"] == []


def test_mentions_of_other_people_are_warnings_with_a_fix(guard: Guard) -> None:
    verdict = guard.check("Jennifer Lopez loves this jacket.", locale="en-US",
                          recipient={"profile": {"first_name": "Maria"}})
    (finding,) = [f for f in verdict.findings if f.code == "OTHER_PERSON"]
    assert finding.severity is Severity.WARNING
    assert verdict.fixed_text == "<PERSON> loves this jacket."


def test_brand_senders_may_sign(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text("id: acme\nsenders: [anna.berg@acme.example]\n",
                                        encoding="utf-8")
    guard = make_guard(brand_dirs=[tmp_path])
    text = "New arrivals are in. Yours, Anna"
    signed = guard.check(text, locale="en-US", brand="acme")
    assert [f for f in signed.findings if f.code == "OTHER_PERSON"] == []
    unsigned = guard.check(text.replace("Anna", "Jennifer"), locale="en-US", brand="acme")
    assert [f.code for f in unsigned.findings if f.check == "pii"] == ["OTHER_PERSON"]


@pytest.fixture(scope="module")
def ner_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small trained-style pipeline: an entity ruler that tags two names as PERSON."""
    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Zorblax Quint"},
                        {"label": "PERSON", "pattern": "Maria Rossi"}])
    path = tmp_path_factory.mktemp("ner") / "en_ner"
    nlp.to_disk(path)
    return path


def test_trained_pipeline_person_entities_are_used(ner_pipeline: Path) -> None:
    text = "Zorblax Quint picked this jacket for you."
    recipient = {"profile": {"first_name": "Maria", "last_name": "Rossi"}}
    blank = make_guard().check(text, locale="en-US", recipient=recipient)
    assert [f for f in blank.findings if f.code == "OTHER_PERSON"] == []

    trained = make_guard(models={"en": str(ner_pipeline)})
    verdict = trained.check(text, locale="en-US", recipient=recipient)
    (finding,) = [f for f in verdict.findings if f.code == "OTHER_PERSON"]
    assert text[finding.start:finding.end] == "Zorblax Quint"
    assert finding.data["how"] == "ner"
    own_name = trained.check("Maria Rossi, this jacket is for you.", locale="en-US",
                             recipient=recipient)
    assert [f for f in own_name.findings if f.code == "OTHER_PERSON"] == []
