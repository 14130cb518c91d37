"""The `sensitive` check: every category in every lexicon language, recorded values, fallback."""

from __future__ import annotations

import pytest

from copyguard import Guard
from copyguard.model import Route, Severity, Verdict
from copyguard.pii.attributes import attribute_matcher, available_languages
from copyguard.plugins import DEFAULT_PLUGINS
from tests.sensitive_cases import CASES

KEEP = {"copyguard.default_plugins.pii", "copyguard.default_plugins.sensitive",
        "copyguard.default_plugins.routing"}
LOCALES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "it": "it-IT", "es": "es-ES",
           "pt": "pt-BR", "ru": "ru-RU", "ko": "ko-KR"}
REQUIRED = {"health", "pregnancy", "sexual_orientation", "religion", "ethnicity",
            "political_opinion", "trade_union", "genetic_biometric", "criminal_record",
            "immigration", "financial_distress", "bereavement", "life_events"}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(brand_dirs=[], load_entrypoints=False,
                 disabled_plugins=[p for p in DEFAULT_PLUGINS if p not in KEEP])


def sensitive(verdict: Verdict) -> list[str]:
    return [f.code for f in verdict.findings if f.check == "sensitive" and f.end > f.start]


POSITIVES = [(lang, cat, pos) for lang, cats in CASES.items() for cat, (pos, _) in cats.items()]
NEGATIVES = [(lang, cat, neg) for lang, cats in CASES.items() for cat, (_, neg) in cats.items()]


@pytest.mark.parametrize(("language", "category", "text"), POSITIVES)
def test_reader_directed_attribute_blocks(guard: Guard, language: str, category: str,
                                          text: str) -> None:
    verdict = guard.check(text, locale=LOCALES[language])
    assert category in sensitive(verdict)
    assert verdict.route is Route.BLOCK
    assert all(f.severity is Severity.CRITICAL for f in verdict.findings
               if f.check == "sensitive")


@pytest.mark.parametrize(("language", "category", "text"), NEGATIVES)
def test_topic_or_product_words_do_not(guard: Guard, language: str, category: str,
                                       text: str) -> None:
    assert sensitive(guard.check(text, locale=LOCALES[language])) == []


def test_every_lexicon_covers_every_category_and_is_tested() -> None:
    assert set(available_languages()) >= set(LOCALES)
    for language in LOCALES:
        matcher = attribute_matcher(language)
        assert matcher is not None
        assert set(matcher.lexicon.categories) == REQUIRED
        assert matcher.lexicon.age and matcher.lexicon.sources and matcher.lexicon.license
        assert set(CASES[language]) == REQUIRED | {"age"}


def test_the_issue_examples(guard: Guard) -> None:
    assert sensitive(guard.check("Struggling with your diabetes? Try...")) == ["health"]
    assert sensitive(guard.check("Congratulations on your pregnancy!")) == ["pregnancy"]
    assert sensitive(guard.check("Our sugar-free range is back")) == []
    assert sensitive(guard.check("The maternity collection is here")) == []
    assert sensitive(guard.check("Now that you've turned 62, treat yourself.")) == ["age"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Gifts for your pregnant friend are in aisle 3.", []),
    ("Your donation helps fight cancer.", []),
    ("I am a Christian and I want you to handle the funds.", []),
    ("We are so sorry for your loss.", ["bereavement"]),
    ("Happy 40th birthday, Maria!", ["age"]),
    ("Happy 1st birthday to our loyalty club, you made it!", []),
])
def test_reader_versus_third_person(guard: Guard, text: str, expected: list[str]) -> None:
    assert sensitive(guard.check(text, locale="en-GB")) == expected


@pytest.mark.parametrize(("locale", "text", "value"), [
    ("en-US", "Managing type 2 diabetes is easier with our app.", "type 2 diabetes"),
    ("de-DE", "Unsere Diabetes-App hilft im Alltag.", "Diabetes Typ 2"),
    ("ja-JP", "糖尿病の方におすすめの商品です。", "糖尿病"),
    ("zh-CN", "适合糖尿病患者的新品上市。", "糖尿病"),
    ("ko-KR", "당뇨병 환자를 위한 신제품입니다.", "당뇨병"),
    ("ar-SA", "منتجات جديدة لمرضى السكري", "السكري"),
])
def test_recorded_sensitive_values_block_in_any_language(guard: Guard, locale: str, text: str,
                                                         value: str) -> None:
    verdict = guard.check(text, locale=locale, recipient={"sensitive": {"health": value}})
    recorded = [f for f in verdict.findings if f.code == "recorded_value"]
    assert recorded and recorded[0].field == "sensitive.health"
    assert verdict.route is Route.BLOCK
    other = guard.check(text, locale=locale, recipient={"sensitive": {"religion": "Buddhist"}})
    assert [f for f in other.findings if f.code == "recorded_value"] == []


def test_language_without_lexicon_says_so(guard: Guard) -> None:
    verdict = guard.check("新しいコレクションが届きました。", locale="ja-JP")
    notes = [f for f in verdict.findings if f.check == "sensitive"]
    assert [(f.code, f.severity) for f in notes] == [("language_unsupported", Severity.INFO)]
    assert verdict.route is Route.PASS
