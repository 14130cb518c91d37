"""Names in copy: who reports a misaddressed greeting, products that look like people, Korean
modifiers before 고객님, and the recipient's family name in a formal address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard import Guard
from copyguard.model import Route, Verdict
from copyguard.pii.names import name_finder
from tests.test_pii_profile import make_guard

MARIA = {"first_name": "Maria", "last_name": "Rossi"}


@pytest.fixture(scope="module")
def full_guard() -> Guard:
    """Every default check, personalization included."""
    return Guard(brand_dirs=[], load_entrypoints=False)


@pytest.fixture(scope="module")
def guard() -> Guard:
    return make_guard()


def codes(verdict: Verdict, *checks: str) -> list[tuple[str, str, str]]:
    text = verdict.draft.text
    return [(f.check, f.code, text[f.start:f.end]) for f in verdict.findings
            if f.check in checks and f.end > f.start]


@pytest.mark.parametrize(("locale", "text"), [
    ("en-US", "Hi Jennifer, your order has shipped!"),
    ("en-US", "Hello Jennifer! Your order has shipped."),
    ("de-DE", "Hallo Jennifer, deine Bestellung ist unterwegs!"),
    ("fr-FR", "Bonjour Jennifer, votre commande est en route !"),
    ("es-ES", "Hola Jennifer, ¡tu pedido está en camino!"),
])
def test_a_misaddressed_greeting_is_reported_once_by_personalization(
        full_guard: Guard, locale: str, text: str) -> None:
    verdict = full_guard.check(text, locale=locale, recipient={"profile": MARIA})
    assert codes(verdict, "pii", "personalization") == [
        ("personalization", "name_mismatch", "Jennifer")]


def test_a_misaddressed_greeting_stays_with_pii_when_personalization_does_not_run(
        guard: Guard) -> None:
    """``guard`` runs pii without the personalization check: nobody else would report it."""
    verdict = guard.check("Hi Jennifer, your order has shipped!", locale="en-US",
                          recipient={"profile": MARIA})
    assert codes(verdict, "pii", "personalization") == [("pii", "OTHER_PERSON", "Jennifer")]
    assert verdict.route is Route.REVIEW


@pytest.mark.parametrize(("locale", "text", "name"), [
    ("en-US", "Your neighbour Jennifer Smith bought the same tent.", "Jennifer Smith"),
    ("en-US", "Dear Jennifer Smith, thank you for your order.", "Jennifer Smith"),
    ("ja-JP", "田中様、ご注文ありがとうございます。", "田中"),
    ("ko-KR", "김민수님, 주문해 주셔서 감사합니다.", "김민수"),
])
def test_other_people_that_personalization_does_not_report_stay_with_pii(
        full_guard: Guard, locale: str, text: str, name: str) -> None:
    verdict = full_guard.check(text, locale=locale, recipient={"profile": MARIA})
    assert ("pii", "OTHER_PERSON", name) in codes(verdict, "pii")
    assert not [c for c in codes(verdict, "personalization") if c[1] == "name_mismatch"]


def test_product_names_are_not_people(guard: Guard) -> None:
    recipient: dict[str, Any] = {"profile": {"first_name": "Lily"}}
    mid_sentence = "You viewed the Ridgeline Rain Shell yesterday."
    assert codes(guard.check(mid_sentence, locale="en-US", recipient=recipient), "pii") == []
    text = "Rain Shell is back in stock. Shop the Rain Shell now."
    plain = guard.check(text, locale="en-US", recipient=recipient)
    assert [c[2] for c in codes(plain, "pii")] == ["Rain Shell", "Rain Shell"]
    for item in ({"campaign": {"promoted_items": ["Rain Shell"]}},
                 {"recipient": {**recipient, "browsing": [{"item": "rain shell"}]}},
                 {"recipient": {**recipient, "purchases": [{"item": "Rain Shell"}]}}):
        verdict = guard.check(text, locale="en-US", **{"recipient": recipient, **item})
        assert codes(verdict, "pii") == []


@pytest.mark.parametrize("text", [
    "Jennifer Lopez loves this jacket.",
    "Meet Jennifer Lopez at our store.",
    "Yesterday our stylist Jennifer Lopez picked three jackets.",
])
def test_people_in_running_text_are_still_found(guard: Guard, text: str) -> None:
    verdict = guard.check(text, locale="en-US", recipient={"profile": MARIA})
    assert [c[2] for c in codes(verdict, "pii")] == ["Jennifer Lopez"]


@pytest.mark.parametrize(("text", "names"), [
    ("우울증으로 힘드신 고객님께 허브티 세트를 추천합니다.", []),
    ("소중한 고객님께 드리는 선물입니다.", []),
    ("사랑하는 고객님, 감사합니다.", []),
    ("우리 고객님만을 위한 혜택", []),
    ("신규 고객님 환영 쿠폰", []),
    ("김지은 고객님, 안녕하세요.", ["김지은"]),
    ("남궁민수 고객님께 드립니다.", ["남궁민수"]),
    ("민수님, 주문해 주셔서 감사합니다.", ["민수"]),
])
def test_korean_modifiers_before_an_honorific_are_not_names(text: str,
                                                            names: list[str]) -> None:
    assert [m.name for m in name_finder("ko").find(text)] == names


@pytest.fixture(scope="module")
def casual_guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    directory = tmp_path_factory.mktemp("casual")
    (directory / "casual.yaml").write_text(
        "id: casual\nvoice:\n  default: informal\n", encoding="utf-8")
    return make_guard(brand_dirs=[directory])


@pytest.mark.parametrize(("locale", "text", "recipient"), [
    ("ja-JP", "山田様\n\nいつもご愛顧いただき、誠にありがとうございます。",
     {"first_name": "花子", "last_name": "山田"}),
    ("ja-JP", "山田花子様、夏のセールのお知らせです。",
     {"first_name": "花子", "last_name": "山田"}),
    ("ja-JP", "鈴木さん、ご来店お待ちしております。", {"first_name": "健太", "last_name": "鈴木"}),
    ("zh-CN", "尊敬的王先生，感谢您的订购。", {"first_name": "伟", "last_name": "王"}),
    ("zh-CN", "李女士您好，新品上市。", {"first_name": "娜", "last_name": "李"}),
    ("ko-KR", "김지은 고객님, 안녕하세요.", {"first_name": "지은", "last_name": "김"}),
    ("ko-KR", "남궁민수님, 감사합니다.", {"first_name": "민수", "last_name": "남궁"}),
])
def test_family_name_with_an_honorific_is_a_formal_address(
        casual_guard: Guard, locale: str, text: str, recipient: dict[str, str]) -> None:
    for brand in (None, "casual"):  # whatever the brand's register
        verdict = casual_guard.check(text, locale=locale, recipient={"profile": recipient},
                                     brand=brand)
        assert codes(verdict, "pii") == []
        assert verdict.route is Route.PASS


@pytest.mark.parametrize(("locale", "text"), [
    ("de-DE", "Sehr geehrte Frau Müller, Ihre Bestellung ist unterwegs."),
    ("fr-FR", "Chère Madame Müller, votre commande est en route."),
    ("en-GB", "Dear Ms Anna Müller, your order is on its way."),
    ("es-ES", "Estimada Sra. Müller: su pedido está en camino."),
])
def test_title_and_family_name_follow_the_brands_register(
        casual_guard: Guard, locale: str, text: str) -> None:
    recipient = {"profile": {"first_name": "Anna", "last_name": "Müller"}}
    formal = casual_guard.check(text, locale=locale, recipient=recipient)
    assert codes(formal, "pii") == []
    informal = casual_guard.check(text, locale=locale, recipient=recipient, brand="casual")
    assert codes(informal, "pii") == [("pii", "profile.last_name", "Müller")]


@pytest.mark.parametrize(("locale", "text", "name"), [
    ("ja-JP", "ご注文者：山田、お電話します。", "山田"),
    ("de-DE", "Familie Müller hat schon bestellt.", "Müller"),
    ("en-US", "Your order for Anna Müller has shipped.", "Müller"),
])
def test_family_name_outside_an_address_is_still_reported(
        guard: Guard, locale: str, text: str, name: str) -> None:
    recipient = {"profile": {"first_name": "Anna", "last_name": name}}
    verdict = guard.check(text, locale=locale, recipient=recipient)
    assert ("pii", "profile.last_name", name) in codes(verdict, "pii")


def test_guide_terms_are_not_people(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "id: acme\nterms:\n  - preferred: Austin Ridge\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("id: other\n", encoding="utf-8")
    guard = make_guard(brand_dirs=[tmp_path])
    text = "Our new Austin Ridge boots are here."
    assert codes(guard.check(text, locale="en-US", brand="acme"), "pii") == []
    assert codes(guard.check(text, locale="en-US", brand="other"), "pii") == [
        ("pii", "OTHER_PERSON", "Austin Ridge")]
