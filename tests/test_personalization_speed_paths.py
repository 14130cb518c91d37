"""The fast paths of provenance and the personalization check find what the plain ways find.

Each shortcut (a rewritten regular expression, a test that skips a scan, a lookup that skips
the words) is compared with the straightforward computation it replaces.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins import personalization as personalization_plugin
from copyguard.io import coerce_draft
from copyguard.personalization import dates, names
from copyguard.personalization.lexicon import (
    WHOLE_TEXT_FAMILIES,
    EndPhrases,
    available_languages,
    lexicon,
)
from copyguard.personalization.matching import (
    WordIndex,
    lazy,
    misspelling,
    same_stem,
    value_words,
    words_of,
)
from copyguard.personalization.text import (
    _FOLD_TABLE,
    fold,
    keeps_initial,
    sentence_spans,
    split_after,
)
from copyguard.provenance import share_breakdown, trace
from tests.helpers import eval_drafts, random_texts

SENT = "2026-11-22T09:00:00"  # a Sunday


# -- text ----------------------------------------------------------------------------------


def test_fold_of_mixed_text_is_the_per_character_fold() -> None:
    alphabet = "aZ é Ü İ Σσ ẞß Æ ﬁ Ω ı 東 ١ \n.,'’-"
    for text in random_texts(alphabet, 3000, 30, seed=1):
        expected = text.lower() if text.isascii() else text.translate(_FOLD_TABLE)
        assert fold(text) == expected, text
        assert len(fold(text)) == len(text)


def test_sentences_split_where_the_plain_pattern_splits() -> None:
    plain = re.compile(r"[.!?…]*[。！？]+|[.!?…]+(?=\s|$)|\n")
    for text in random_texts(".!?…。！？\n a\tb", 5000, 14, seed=2):
        assert sentence_spans(text) == split_after(plain, text), repr(text)


def test_date_patterns_match_like_their_look_behind_first_forms() -> None:
    numeric = re.compile(
        r"(?<![\w/.\-])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/\-]|\.\d)")
    year = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
    for text in random_texts("0123456789./- a_\n٣", 20000, 16, seed=3) + \
            random_texts("1290. a", 5000, 12, seed=4):
        assert [(m.span(), m.groups()) for m in dates._NUMERIC.finditer(text)] == \
            [(m.span(), m.groups()) for m in numeric.finditer(text)], repr(text)
        assert [m.span() for m in dates._YEAR.finditer(text)] == \
            [m.span() for m in year.finditer(text)], repr(text)


# -- lexicon shortcuts ---------------------------------------------------------------------


def test_an_end_phrase_is_found_where_a_whole_text_search_finds_it() -> None:
    phrases = EndPhrases(["hi", "dear", "good morning", "hallo liebe", "x,"])
    for text in random_texts("hi dear good morning x,.\n\t", 5000, 30, seed=5):
        plain = phrases.regex.search(text)
        found = phrases.search(text)
        assert (found and found.span()) == (plain and plain.span()), repr(text)


@pytest.mark.parametrize("language", available_languages())
def test_the_joined_surveillance_pattern_matches_wherever_a_family_does(language: str) -> None:
    lex = lexicon(language)
    if lex.surveillance_any is None:
        assert not any(lex.surveillance.get(f) for f in WHOLE_TEXT_FAMILIES)
        return
    texts = [fold(d["text"]) for d in eval_drafts()
             if d.get("locale", "en-US").split("-")[0] == language]
    assert texts
    for text in texts:
        some_family = any(lex.surveillance[f].regex.search(text)
                          for f in WHOLE_TEXT_FAMILIES if f in lex.surveillance)
        if some_family:
            assert lex.surveillance_any.regex.search(text), text


# -- dates ---------------------------------------------------------------------------------


def test_relative_dates_skip_only_phrases_that_cannot_mean_the_days() -> None:
    lex, ref = lexicon("en"), date(2026, 11, 22)
    text = fold("Yesterday, last Tuesday and 3 weeks ago")
    assert len(list(dates.relative_mentions(text, lex, ref))) == 3

    def meaning(day: date, days: list[date] | None) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in dates.relative_mentions(text, lex, ref, days)
                if m.means(day)]

    for day in (date(2026, 11, 21), date(2026, 11, 17), date(2026, 11, 1), date(2026, 3, 1)):
        assert meaning(day, [day]) == meaning(day, None), day


def test_explicit_dates_naming_another_month_are_not_looked_for() -> None:
    lex = lexicon("en")
    text = fold("See you on March 1 or 03/01, not April 2.")
    every = [(m.start, m.month_day) for m in dates.explicit_mentions(text, lex, "US")]
    march = [(m.start, m.month_day) for m in dates.explicit_mentions(text, lex, "US", {3})]
    assert {md for _, md in every} == {(3, 1), (4, 2)}
    assert [md for _, md in march if md[0] == 3] == [md for _, md in every if md[0] == 3]
    assert list(dates.explicit_mentions(fold("no digits in March"), lex, "US", {3})) == []


# -- matching ------------------------------------------------------------------------------


def test_misspelling_needs_a_length_within_the_edit_budget(guard: Guard) -> None:
    tokenize = guard.nlp.pipeline("en").tokenizer
    john, = value_words("John", tokenize)
    for text, expected in (("Jon", True), ("Johnn", True), ("Jo", False), ("Johnathan", False),
                           ("Jhon", True)):
        word, = value_words(text, tokenize)
        assert misspelling(word, john) is expected, text


@pytest.mark.parametrize(("locale", "text", "value"), [
    ("de-DE", "Hallo Herr Müller, alles klar?", "Mueller"),  # the only non-ASCII word
    ("de-DE", "Hallo Herr Mueller, schön dich zu sehen.", "Müller"),
    ("en-US", "Hi Zoë, welcome back", "Zoe"),
    ("de-DE", "Grüße an Frau Strauß", "Strauss"),
])
def test_names_are_found_in_any_spelling_of_umlauts_and_accents(
        guard: Guard, locale: str, text: str, value: str) -> None:
    draft = coerce_draft(text, locale=locale, recipient={
        "profile": {"last_name": value}, "consents": ["personalization"]})
    ctx = CheckContext(draft, guard.guide().resolve(draft.locale, draft.channel), guard.nlp)
    assert [m.field for m in trace(ctx).matches] == ["profile.last_name"]


def test_stem_lookups_find_what_comparing_every_word_finds(guard: Guard) -> None:
    for draft in eval_drafts()[:300]:
        language = draft.get("locale", "en-US").split("-")[0]
        pipeline = guard.nlp.pipeline(language)
        words = words_of(pipeline(draft["text"]), draft["text"])
        index = WordIndex(words, (), fold(draft["text"]))
        for value in {w.norm for w in words[:6]} | {"trail", "boots", "denver"}:
            for v in value_words(value, pipeline.tokenizer):
                compared = [p for p, w in enumerate(words) if not keeps_initial(v.language)
                            or w.norm[:1] == v.norm[:1]]  # as documented in stem_starts
                assert index.stem_starts(v) == [p for p in compared
                                                if same_stem(words[p], v)], (draft, value)


def test_a_lazy_attribute_is_computed_once() -> None:
    calls = []

    class Box:
        @lazy
        def value(self) -> int:
            calls.append(1)
            return 42

    box = Box()
    assert (box.value, box.value, len(calls)) == (42, 42, 1)


# -- the check -----------------------------------------------------------------------------


def test_the_share_of_copy_without_personal_words_counts_every_word(guard: Guard) -> None:
    draft = coerce_draft("The team's new boots are in, and they're great.", locale="en-US")
    doc = guard.nlp.pipeline("en")(draft.text)
    breakdown = share_breakdown(doc, ())
    counted = [w for w in words_of(doc, draft.text) if w.norm not in {"'s", "’s", "'", "’"}]
    assert (breakdown.share, breakdown.words, breakdown.personalized_words,
            breakdown.ranges) == (0.0, len(counted), 0, ())


def test_the_name_checks_run_once_per_draft_for_pii_and_personalization(
        guard: Guard, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = []
    original = names.NameChecker.findings

    def counted(self: names.NameChecker) -> Any:
        runs.append(self.draft.text)
        return original(self)

    monkeypatch.setattr(names.NameChecker, "findings", counted)
    verdict = guard.check("Hi Jennifer, your order has shipped.", locale="en-US",
                          channel="email", campaign={"sent_at": SENT},
                          recipient={"profile": {"first_name": "Maria"},
                                     "consents": ["personalization"]})
    assert len(runs) == 1
    codes = {(f.check, f.code) for f in verdict.findings}
    assert ("personalization", "name_mismatch") in codes
    assert ("pii", "OTHER_PERSON") not in codes


def test_name_findings_are_stamped_by_the_personalization_check(guard: Guard) -> None:
    draft = coerce_draft("Hi Jennifer, your order has shipped.", locale="en-US",
                         recipient={"profile": {"first_name": "Maria"}})
    ctx = CheckContext(draft, guard.guide().resolve(draft.locale, draft.channel), guard.nlp)
    found = personalization_plugin.name_findings(ctx)
    assert found and {(f.check, f.category.value) for f in found} == \
        {("personalization", "personalization")}
    assert personalization_plugin.name_findings(ctx) is found  # computed once per draft
