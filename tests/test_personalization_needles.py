"""Needles: the literal text a phrase pattern needs, tested before scanning. Skipping a scan
must never lose a match."""

from __future__ import annotations

import re

import pytest

from copyguard.personalization.lexicon import available_languages, lexicon
from copyguard.personalization.needles import SHORT_TEXT, Phrases, may_match, needles
from copyguard.personalization.text import fold
from tests.helpers import eval_drafts


def test_literal_alternatives_need_their_words() -> None:
    found = needles(re.compile(r"(?<!\w)(?:we (?:noticed|tracked)|based on your \w+)(?!\w)"))
    assert found == ((frozenset({"noticed", "tracked"}), frozenset({"we "})),
                     (frozenset({"based on your "}),))
    padding = " and so on" * 20  # longer than SHORT_TEXT, so the needles are tested
    assert may_match(found, "we tracked it" + padding)
    assert may_match(found, "based on your clicks" + padding)
    assert not may_match(found, "we shipped it, based on you" + padding)


def test_optional_parts_and_character_classes_need_nothing() -> None:
    assert needles(re.compile(r"(?:hello )?\d+ times")) == ((frozenset({" times"}),),)
    assert needles(re.compile(r"\d+|[a-z]+")) is None  # an alternative without a literal
    assert needles(re.compile(r"(?:a|)b")) == ((frozenset({"b"}),),)


def test_a_short_text_is_always_scanned() -> None:
    assert may_match(((frozenset({"absent"}),),), "x" * (SHORT_TEXT - 1))


def _texts() -> dict[str, list[str]]:
    """Folded eval-corpus texts by language, each also repeated to pass SHORT_TEXT."""
    out: dict[str, list[str]] = {}
    for data in eval_drafts():
        language = data.get("locale", "en-US").split("-")[0]
        text = fold(data["text"])
        out.setdefault(language, []).extend([text, (text + "\n") * 3])
    return out


def _patterns(language: str) -> list[Phrases]:
    lex = lexicon(language)
    found = [lex.second_person, lex.behaviour, lex.greeting_end, lex.gendered_greeting_end,
             lex.birthday, lex.relative_day, lex.at_time, lex.winback, lex.promo,
             *lex.age, *lex.past_weekday, *(p for p, _ in lex.days_ago),
             *lex.surveillance.values()]
    return [p for p in found if p is not None]


@pytest.mark.parametrize("language", available_languages())
def test_every_lexicon_pattern_finds_what_the_plain_regex_finds(language: str) -> None:
    texts = _texts().get(language, [])
    assert texts, f"no eval drafts in {language}"
    for phrases in _patterns(language):
        for text in texts:
            assert [m.span() for m in phrases.finditer(text)] == \
                [m.span() for m in phrases.regex.finditer(text)], (phrases.pattern[:80], text)
