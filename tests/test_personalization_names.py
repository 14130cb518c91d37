"""Name checks: repeated, full, last-alone and middle names; misspelt and wrong names;
gendered titles when the profile holds none. Labeled cases in en, de, fr, it, es, pt."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.personalization import PersonalizationCheck
from copyguard.guard import apply_fixes
from copyguard.guides import BrandGuide, Personalization
from copyguard.io import coerce_draft
from copyguard.model import Finding, Severity

CHECK = PersonalizationCheck()
NAME_CODES = {"name_repeated", "full_name", "middle_name", "last_name_alone", "name_misspelt",
              "name_mismatch", "gendered_title", "title_mismatch"}
MARIA = {"first_name": "Maria", "middle_name": "Luisa", "last_name": "Garcia"}


def name_findings(guard: Guard, text: str, locale: str = "en-US",
                  profile: dict[str, str] | None = None, guide: BrandGuide | None = None,
                  ) -> list[Finding]:
    draft = coerce_draft(text, locale=locale, recipient={
        "profile": MARIA if profile is None else profile, "consents": ["personalization"]})
    ctx = CheckContext(draft, (guide or guard.guide()).resolve(draft.locale, draft.channel),
                       guard.nlp)
    return [f for f in CHECK.run(ctx) if f.code in NAME_CODES]


def summary(text: str, findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.code, text[f.start:f.end], f.fix) for f in findings]


def fixed(text: str, findings: list[Finding]) -> str | None:
    return apply_fixes(text, findings)


# -- repeated names -------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "after"), [
    ("en-US", "Hi Maria, the new range is here. Shop it today, Maria!",
     "Hi Maria, the new range is here. Shop it today!"),
    ("de-DE", "Hallo Maria, die neue Kollektion ist da. Maria, schau sie dir an.",
     "Hallo Maria, die neue Kollektion ist da. Schau sie dir an."),
    ("fr-FR", "Bonjour Maria, la collection est arrivée. Découvrez-la, Maria !",
     "Bonjour Maria, la collection est arrivée. Découvrez-la !"),
    ("it-IT", "Ciao Maria, la collezione è arrivata. Maria, scoprila ora.",
     "Ciao Maria, la collezione è arrivata. Scoprila ora."),
    ("es-ES", "Hola Maria, la colección ya llegó. ¡Descúbrela, Maria!",
     "Hola Maria, la colección ya llegó. ¡Descúbrela!"),
    ("pt-BR", "Olá Maria, a coleção chegou. Maria, confira agora.",
     "Olá Maria, a coleção chegou. Confira agora."),
])
def test_a_second_use_of_the_name_is_removed(guard: Guard, locale: str, text: str,
                                             after: str) -> None:
    findings = name_findings(guard, text, locale)
    assert [f.code for f in findings] == ["name_repeated"]
    assert findings[0].data == {"uses": 2, "max_name_uses": 1}
    assert fixed(text, findings) == after


def test_max_name_uses_comes_from_the_guide(guard: Guard) -> None:
    text = "Hi Maria, the new range is here. Shop it today, Maria!"
    two = BrandGuide(id="two-names", personalization=Personalization(max_name_uses=2))
    assert name_findings(guard, text, guide=two) == []
    none = BrandGuide(id="no-names", personalization=Personalization(max_name_uses=0))
    assert [f.code for f in name_findings(guard, "Hi Maria, welcome.", guide=none)] == [
        "name_repeated"]


def test_one_use_of_the_first_name_is_fine(guard: Guard) -> None:
    for locale, text in [("en-US", "Hi Maria, the new range is here."),
                         ("de-DE", "Hallo Maria, die neue Kollektion ist da."),
                         ("es-ES", "¡Hola Maria! La colección ya llegó.")]:
        assert name_findings(guard, text, locale) == []


# -- more of the name than needed -----------------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("en-US", "Hi Maria Garcia, your picks are in.", ("full_name", "Maria Garcia", "Maria")),
    ("de-DE", "Hallo Maria Garcia, deine Auswahl ist da.", ("full_name", "Maria Garcia", "Maria")),
    ("en-US", "Dear Garcia, your picks are in.", ("last_name_alone", "Garcia", "Maria")),
    ("fr-FR", "Bonjour Garcia, votre sélection est prête.", ("last_name_alone", "Garcia",
                                                            "Maria")),
    ("en-US", "Hi Maria Luisa, your picks are in.", ("middle_name", "Maria Luisa", "Maria")),
    ("pt-BR", "Olá Maria Luisa, sua seleção chegou.", ("middle_name", "Maria Luisa", "Maria")),
])
def test_more_of_the_name_than_a_greeting_needs(guard: Guard, locale: str, text: str,
                                                expected: tuple[str, str, str]) -> None:
    assert summary(text, name_findings(guard, text, locale)) == [expected]


def test_surname_address_is_normal_in_japanese(guard: Guard) -> None:
    profile = {"first_name": "花子", "last_name": "田中"}
    assert name_findings(guard, "田中様、新商品をご用意しました。", "ja-JP", profile) == []


KIM = {"first_name": "지은", "last_name": "김"}
YAMADA = {"first_name": "太郎", "last_name": "山田"}


@pytest.mark.parametrize(("locale", "profile", "text"), [
    ("ko-KR", KIM, "김지은 고객님, 안녕하세요."),
    ("ko-KR", KIM, "김지은님, 주문하신 상품이 출발했어요."),
    ("ja-JP", YAMADA, "山田太郎様、いつもありがとうございます。"),
    ("ja-JP", YAMADA, "山田 太郎 様、新商品のご案内です。"),
    ("zh-CN", {"first_name": "芳", "last_name": "王"}, "王芳女士，您好！新品已到店。"),
])
def test_family_name_given_name_and_honorific_is_formal_address(
        guard: Guard, locale: str, profile: dict[str, str], text: str) -> None:
    assert name_findings(guard, text, locale, profile) == []


@pytest.mark.parametrize(("locale", "profile", "text", "shown"), [
    # no honorific: the full name where the family name (+ honorific) would do
    ("ko-KR", KIM, "김지은, 이번 주 세일을 확인하세요.", "김지은"),
    # given name first is not the family-first formal order
    ("ja-JP", {"first_name": "Taro", "last_name": "Yamada"}, "Taro Yamada様、新商品です。",
     "Taro Yamada"),
])
def test_a_full_name_without_the_formal_order_and_honorific_is_flagged(
        guard: Guard, locale: str, profile: dict[str, str], text: str, shown: str) -> None:
    assert [(f.code, text[f.start:f.end]) for f in name_findings(guard, text, locale, profile)
            ] == [("full_name", shown)]


# -- misspelt and wrong names ---------------------------------------------------------------


@pytest.mark.parametrize(("locale", "first", "text", "written"), [
    ("en-US", "John", "Hi Jon, your picks are in.", "Jon"),
    ("en-US", "Maria", "Thanks for shopping with us, Mariah.", "Mariah"),
    ("de-DE", "Maria", "Hallo Marie, deine Auswahl ist da.", "Marie"),
    ("fr-FR", "Jean", "Merci pour votre commande, Jena.", "Jena"),
    ("it-IT", "Giulia", "Ciao Giula, la tua selezione è pronta.", "Giula"),
    ("es-ES", "Maria", "Hola Mariah, tu selección está lista.", "Mariah"),
    ("pt-BR", "Joana", "Olá Joanna, sua seleção chegou.", "Joanna"),
])
def test_misspelt_names_are_errors_fixed_to_the_profile(guard: Guard, locale: str, first: str,
                                                        text: str, written: str) -> None:
    findings = name_findings(guard, text, locale, {"first_name": first})
    assert summary(text, findings) == [("name_misspelt", written, first)]
    assert findings[0].severity is Severity.ERROR


def test_lost_accents_are_a_warning(guard: Guard) -> None:
    findings = name_findings(guard, "Hola Jose, tu selección está lista.", "es-ES",
                             {"first_name": "José"})
    assert summary("Hola Jose, tu selección está lista.", findings) == [
        ("name_misspelt", "Jose", "José")]
    assert findings[0].severity is Severity.WARNING
    # accents the profile does not have are not flagged: many systems store plain names
    assert name_findings(guard, "Hola María, tu selección está lista.", "es-ES",
                         {"first_name": "Maria"}) == []


@pytest.mark.parametrize(("locale", "text", "other"), [
    ("en-US", "Hi Jennifer, your loyalty points are waiting.", "Jennifer"),
    ("de-DE", "Hallo Thomas, deine Punkte warten.", "Thomas"),
    ("fr-FR", "Bonjour Sophie, vos points vous attendent.", "Sophie"),
    ("it-IT", "Ciao Francesca, i tuoi punti ti aspettano.", "Francesca"),
    ("es-ES", "Hola Carmen, tus puntos te esperan.", "Carmen"),
    ("pt-BR", "Olá Beatriz, seus pontos estão esperando.", "Beatriz"),
])
def test_a_greeting_naming_someone_else(guard: Guard, locale: str, text: str,
                                        other: str) -> None:
    findings = name_findings(guard, text, locale)
    assert summary(text, findings) == [("name_mismatch", other, None)]
    assert findings[0].severity is Severity.ERROR
    # also when the profile has no name at all: the model made one up
    assert [f.code for f in name_findings(guard, text, locale, {})] == ["name_mismatch"]


@pytest.mark.parametrize(("locale", "text"), [
    ("en-US", "Hello Summer! The new range is here."),
    ("en-US", "Hi there, the new range is here."),
    ("de-DE", "Hallo zusammen, die neue Kollektion ist da."),
    ("fr-FR", "Bonjour à tous, la collection est arrivée."),
    ("en-US", "Mark your calendar: the sale starts Friday."),
])
def test_greetings_without_a_person_are_fine(guard: Guard, locale: str, text: str) -> None:
    assert name_findings(guard, text, locale, {"first_name": "Marc"}) == []


# -- titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("en-US", "Dear Ms Garcia, your picks are in.", [("gendered_title", "Ms Garcia", "Maria")]),
    ("en-US", "Hi Mrs. Maria, your picks are in.", [("gendered_title", "Mrs. ", "")]),
    ("de-DE", "Sehr geehrte Frau Garcia, Ihre Auswahl ist da.", [("gendered_title", "Frau",
                                                                  None)]),
    ("de-DE", "Hallo Frau Garcia, Ihre Auswahl ist da.", [("gendered_title", "Frau Garcia",
                                                           "Maria")]),
    ("fr-FR", "Bonjour Madame Garcia, votre sélection est prête.",
     [("gendered_title", "Madame Garcia", "Maria")]),
    ("it-IT", "Gentile Sig.ra Garcia, la sua selezione è pronta.",
     [("gendered_title", "Sig.ra Garcia", "Maria")]),
    ("es-ES", "Estimada Sra. Garcia, su selección está lista.", [("gendered_title", "Sra.",
                                                                  None)]),
    ("pt-BR", "Prezada Sra. Garcia, sua seleção chegou.", [("gendered_title", "Sra.", None)]),
    ("en-US", "Dear Sir or Madam, your picks are in.", [("gendered_title", "Sir or Madam",
                                                          None)]),
    ("fr-FR", "Merci, Madame !", [("gendered_title", "Madame", None)]),
])
def test_gendered_titles_without_a_profile_title(guard: Guard, locale: str, text: str,
                                                 expected: list[tuple[str, str, str | None]],
                                                 ) -> None:
    assert summary(text, name_findings(guard, text, locale)) == expected


@pytest.mark.parametrize(("locale", "text"), [
    ("en-US", "Don't miss our autumn sale."),
    ("en-US", "Miss out on nothing this autumn."),
    ("de-DE", "Mode für die moderne Frau und den modernen Mann."),
    ("fr-FR", "Une collection pour madame et monsieur."),
    ("es-ES", "Un don para regalar."),
])
def test_title_words_used_as_ordinary_words(guard: Guard, locale: str, text: str) -> None:
    assert name_findings(guard, text, locale) == []


def test_a_title_the_recipient_chose_is_fine_and_must_match(guard: Guard) -> None:
    profile = {"first_name": "Maria", "last_name": "Garcia", "title": "Ms"}
    assert name_findings(guard, "Dear Ms Garcia, your picks are in.", profile=profile) == []
    text = "Dear Mrs Garcia, your picks are in."
    assert summary(text, name_findings(guard, text, profile=profile)) == [
        ("title_mismatch", "Mrs", "Ms")]


def test_fixes_leave_a_readable_sentence(guard: Guard) -> None:
    text = "Hi Maria Garcia, thanks for your order. Enjoy it, Maria!"
    assert fixed(text, name_findings(guard, text)) == (
        "Hi Maria, thanks for your order. Enjoy it!")


def assert_no_fix(findings: list[Finding], **_: Any) -> None:
    assert all(f.fix is None for f in findings)


def test_names_after_gendered_greetings_are_not_removed(guard: Guard) -> None:
    text = "Liebe Maria, schön dass du da bist. Liebe Maria, bis bald."
    findings = name_findings(guard, text, "de-DE")
    assert [f.code for f in findings] == ["name_repeated"]
    assert_no_fix(findings)
