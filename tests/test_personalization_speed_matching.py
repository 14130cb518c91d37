"""The shortcuts of name matching find what comparing every word finds."""

from __future__ import annotations

from typing import Any

from copyguard import Guard
from copyguard.personalization.lexicon import lexicon
from copyguard.personalization.matching import (
    WordIndex,
    _name_forms,
    misspelling,
    misspelt_lengths,
    value_words,
    words_of,
)
from copyguard.personalization.text import fold
from tests.helpers import eval_drafts

NAMES = ["Maria", "Müller", "Mueller", "Strauß", "Strauss", "José", "Jose", "Zoë", "Ann",
         "Jon", "O'Brien", "Bjørn", "Łukasz", "Anne-Marie", "Marias", "Al", "Li", "Lee"]
MISSPELT = ["Jo", "Jon", "John", "Johnn", "Johnny", "Johnathan", "Mria", "Mariah", "Marias",
            "Ana", "Anne", "Strauss", "Straus", "Muller", "Mulle", "Jse", "Joes", "Lie", "Le",
            "Leee", "Ali", "Zoey"]
EXTRA = ("Hi Maria's friend, Marias Buch, Ann’s plan, Müller’s and Mueller's shop, José's. "
         "Hallo Frau Strauß, Bjørns Haus, Zoe and Zoë, o'brien's O'Brien, Lukasz Łukasz's")


def _drafts() -> list[dict[str, Any]]:
    return [*eval_drafts(), {"text": EXTRA, "locale": "en-US"}, {"text": EXTRA, "locale": "de-DE"}]


def _plain_name_starts(index: WordIndex, norm: str, key: str) -> list[int]:
    """Every word whose name forms hold the value's folded form or name key."""
    return [p for p, w in enumerate(index.words)
            if {norm, key} & set(_name_forms(w.norm, w.key, index.suffixes))]


def test_name_lookups_find_what_comparing_every_word_finds(guard: Guard) -> None:
    for draft in _drafts():
        language = draft.get("locale", "en-US").split("-")[0]
        pipeline = guard.nlp.pipeline(language)
        text = draft["text"]
        words = words_of(pipeline(text), text)
        suffixes = lexicon(language).possessive_suffixes
        values = [*NAMES, *(w.text for w in words[:12])]
        for ascii_text in {text.isascii(), False}:
            index = WordIndex(words, suffixes, fold(text), ascii_text=ascii_text)
            for value in values:
                for v in value_words(value, pipeline.tokenizer):
                    assert index.name_starts(v) == _plain_name_starts(index, v.norm, v.key), \
                        (text, value)


def test_misspelt_lengths_are_the_only_lengths_misspelling_accepts(guard: Guard) -> None:
    tokenize = guard.nlp.pipeline("en").tokenizer
    names = [w for name in NAMES for w in value_words(name, tokenize)]
    candidates = [w for text in MISSPELT for w in value_words(text, tokenize)]
    for name in names:
        for word in candidates + names:
            if misspelling(word, name):
                assert len(word.norm) in misspelt_lengths(name), (word.text, name.text)
    assert any(misspelling(w, n) for w in candidates for n in names)


def test_a_draft_with_a_title_word_holds_the_title_in_its_folded_text(guard: Guard) -> None:
    """The name checks look for gendered titles only where the folded text holds one."""
    seen = 0
    for draft in _drafts():
        language = draft.get("locale", "en-US").split("-")[0]
        text = draft["text"]
        words = words_of(guard.nlp.pipeline(language)(text), text)
        titles = lexicon(language).gendered_titles & words.norm_set
        seen += bool(titles)
        folded = fold(text)
        assert all(title in folded for title in titles), (text, titles)
    assert seen


def test_the_capitalised_words_collected_with_the_words_are_the_filtered_words(
        guard: Guard) -> None:
    for draft in _drafts():
        language = draft.get("locale", "en-US").split("-")[0]
        words = words_of(guard.nlp.pipeline(language)(draft["text"]), draft["text"])
        assert words.capitalised == tuple(
            w for w in words if w.is_titlecase and w.is_alpha and not w.is_stop)
