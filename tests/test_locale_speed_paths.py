"""The fast paths of the locale check find what the plain computations find.

Each shortcut (an ASCII fold table, patterns tried only where a run of digits starts, rules
skipped on drafts without digits, numbers or money not computed when no rule can use them)
is compared with the straightforward computation it replaces.
"""

from __future__ import annotations

import random
import re
from functools import partial
from typing import Any

import pytest

from copyguard import Guard
from copyguard.guides import DEFAULT_GUIDE
from copyguard.io import coerce_draft
from copyguard.locales import formats, numbers
from copyguard.locales.engine import DIGIT_KINDS, EVALUATORS, LocaleEngine
from copyguard.locales.matching import SEASON_CONCEPTS, RuleMatch, Scan
from copyguard.locales.packs import SEASONS
from copyguard.locales.text import fold, fold_char
from copyguard.model import Draft
from tests.helpers import eval_drafts, random_texts

# digits of three scripts, every separator the number patterns know, clock and money marks
NUMERIC = "0123456789١٢٥०५１２ .,'’\u00a0\u202f\u2009:/-%％$€£¥円₹ apmAPMUSDEURxZ\n"
LOCALES = ["en-US", "en-GB", "en-AU", "de-DE", "fr-FR", "fr-CH", "it-IT", "es-ES", "pt-BR",
           "ja-JP", "zh-CN", "ko-KR", "ar-SA", "hi-IN", "ru-RU", "tr-TR", "en-IN"]


def _corpus_texts() -> list[str]:
    return [draft["text"] for draft in eval_drafts()]


@pytest.fixture(scope="module")
def engine() -> LocaleEngine:
    return LocaleEngine()


def _scan(engine: LocaleEngine, guard: Guard, text: str, locale: str,
          **fields: Any) -> tuple[Scan, Draft]:
    draft = coerce_draft(text, locale=locale, **fields)
    guided = engine.rules_for(locale, DEFAULT_GUIDE)
    assert guided is not None
    return Scan(draft, guided.pack, lambda: guard.nlp.doc(text, draft.language)), draft


# -- text ----------------------------------------------------------------------------------


def test_ascii_fold_is_the_per_character_fold() -> None:
    every = "".join(map(chr, range(128)))
    texts = [every, *random_texts(every, 2000, 40, seed=1)]
    texts += random_texts("aZ`'’é Ü東 1", 500, 20, seed=2)  # not ASCII: the plain way
    for text in texts:
        assert fold(text) == "".join(map(fold_char, text)), repr(text)


# -- numbers -------------------------------------------------------------------------------


def test_digit_runs_are_the_maximal_runs_of_decimal_digits() -> None:
    ascii_texts = random_texts("".join(map(chr, range(128))), 1000, 30, seed=10)
    ascii_texts += random_texts("0123456789 \t\n\x0b\x1fa.", 3000, 30, seed=11)
    for text in random_texts(NUMERIC + "²½", 3000, 30, seed=3) + ascii_texts:
        plain = [i for i, c in enumerate(text)
                 if c.isdecimal() and (i == 0 or not text[i - 1].isdecimal())]
        runs = numbers.digit_runs(text)
        assert [start for start, _ in runs] == plain, repr(text)
        assert all(text[s:e].isdecimal() and (e == len(text) or not text[e].isdecimal())
                   for s, e in runs)


PATTERNS = [formats._DATE_RE, formats._TIME12_RE, formats._TIME24_RE,
            *numbers._NUMBER_RES.values()]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_patterns_tried_at_digit_runs_match_like_finditer(pattern: re.Pattern[str]) -> None:
    texts = random_texts(NUMERIC, 6000, 24, seed=4)
    texts += random_texts("12:./- apm", 3000, 16, seed=5) + _corpus_texts()
    for text in texts:
        tried = numbers.matches_at(pattern, text, numbers.digit_runs(text))
        plain = list(pattern.finditer(text))
        assert [(m.span(), m.groups()) for m in tried] == \
            [(m.span(), m.groups()) for m in plain], repr(text)


@pytest.mark.parametrize("space_grouping", [False, True])
def test_numbers_are_split_like_the_plain_way(space_grouping: bool) -> None:
    for text in random_texts(NUMERIC, 4000, 24, seed=6) + _corpus_texts():
        plain = []
        for match in numbers._NUMBER_RES[space_grouping].finditer(text):
            parts = re.split(r"(\D)", match.group(1))
            plain.append(numbers.NumberSpan(match.start(1), match.end(1), match.group(1),
                                            tuple(parts[0::2]), tuple(parts[1::2])))
        for space in (False, True):
            found = numbers.find_numbers(text, space_grouping=space)
            if space is space_grouping:
                assert found == plain, repr(text)
        found_spans = numbers.find_numbers(text, space_grouping=space_grouping)
        if not numbers.may_have_separators(text, numbers.digit_runs(text)):
            assert not any(n.seps for n in found_spans), repr(text)


def test_currency_sign_screen_is_exact() -> None:
    signs = numbers.currency_signs()
    texts = list(signs) + random_texts(NUMERIC + "¢₩﷼abc", 3000, 20, seed=7)
    for text in texts:
        assert numbers.may_have_sign(text) == any(c in signs for c in text), repr(text)


def test_money_needs_a_sign_for_a_symbol_and_separators_for_decimals() -> None:
    """What the currency rules skip on: a symbol marker is a sign or holds one; a decimal
    part needs a separator; every amount's number is one of the text's numbers."""
    for text in random_texts(NUMERIC, 6000, 24, seed=8):
        found = numbers.find_numbers(text)
        money = numbers.find_money(text, found, [])
        assert {m.number for m in money} <= set(found)
        assert set(numbers.percent_numbers(text, found)) <= set(found)
        if not numbers.may_have_sign(text):
            assert all(m.kind != "symbol" for m in money), repr(text)
        assert all(m.number.seps for m in money if m.number.fraction), repr(text)


# -- rules ---------------------------------------------------------------------------------


def test_season_concepts_are_those_the_packs_name() -> None:
    assert {f"season_{name}" for name in SEASONS} == SEASON_CONCEPTS


@pytest.mark.parametrize("locale", LOCALES)
def test_rules_that_need_digits_find_nothing_without_them(engine: LocaleEngine, guard: Guard,
                                                          locale: str) -> None:
    guided = engine.rules_for(locale, DEFAULT_GUIDE)
    assert guided is not None
    digit_rules = [r for r in guided.rules if r.spec.kind in DIGIT_KINDS]
    texts = [re.sub(r"\d", "", t) for t in _corpus_texts()]
    texts += random_texts(re.sub(r"\d", "", NUMERIC) + "°FfoztT", 300, 30, seed=9)
    texts += ["5 °F in 3 oz", "from 4 to 5 ft"]  # with digits: the rules can match here
    for text in texts:
        scan, _ = _scan(engine, guard, text, locale)
        if not scan.digit_runs:
            for rule in digit_rules:
                assert EVALUATORS[rule.spec.kind](rule, scan) == [], (rule.id, text)


def _plain(engine: LocaleEngine, guard: Guard, text: str, locale: str,
           **fields: Any) -> list[RuleMatch]:
    """Every rule of the locale run on the draft, no rule skipped."""
    scan, _ = _scan(engine, guard, text, locale, **fields)
    guided = engine.rules_for(locale, DEFAULT_GUIDE)
    assert guided is not None
    found = [m for rule in guided.rules for m in EVALUATORS[rule.spec.kind](rule, scan)]
    return sorted(found, key=lambda m: (m.start, m.end, m.rule.id))


@pytest.mark.parametrize("locale", LOCALES)
def test_engine_finds_what_running_every_rule_finds(engine: LocaleEngine, guard: Guard,
                                                    locale: str) -> None:
    rng = random.Random(locale)
    texts = _corpus_texts()
    texts += ["Only $5.50 today!", "£2,000 prize: call 0871-872-9758 by 10pm",
              "It is 75 °F at 6:30 pm on 02/09/03", "Save 12,5 % or 1 234,56 €",
              "Winter deals: 4 for 1,99 €", "10 ft, 3 oz and 2 pints", "Buy 4, get 9 free"]
    texts += ["".join(rng.choice([*NUMERIC, " winter ", " gift ", " mi ", " of "])
                      for _ in range(rng.randrange(20))) for _ in range(200)]
    for text in texts:
        fields = {"campaign": {"sent_at": "2026-07-01T09:00:00"}}
        draft = coerce_draft(text, locale=locale, **fields)
        outcome = engine.evaluate(draft, DEFAULT_GUIDE,
                                  partial(guard.nlp.doc, text, draft.language))
        assert list(outcome.matches) == _plain(engine, guard, text, locale, **fields), text
