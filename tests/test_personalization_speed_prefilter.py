"""The RE2 prefilter of a phrase pattern (:mod:`copyguard.personalization.widen`) finds a match
wherever the pattern does: skipping a scan must never lose a match."""

from __future__ import annotations

import itertools
import re

import pytest

from copyguard.personalization import dates
from copyguard.personalization.lexicon import available_languages, lexicon
from copyguard.personalization.needles import PREFILTER_MIN, Phrases
from copyguard.personalization.text import fold, sentence_spans
from copyguard.personalization.widen import Prefilter, PrefilterSet, superset
from tests.helpers import eval_drafts, random_texts

# Every construct of re's parse tree the widening handles.
CONSTRUCTS = [
    r"(?<!\w)(?:ab|c\w+d)(?!\w)", r"\bx\B", r"^a|b$", r"\Aa\Z", r"(?m)^a$",
    r"[\w.][^\w][\d][^\d][\s][^\s][\W][^\W][\D][^\D][\S][^\S]",
    r"[a-c_é-ü][^x-z0-9]", r"[^\w\s]+", r"[^\W\d]", r"a.b", r"(?s)a.b", r"[^a]",
    r"(a|b)x\1y", r"(?P<q>['\"]).*?(?P=q)", r"(a)?(?(1)b|c)", r"(x)?(?(1)y)z",
    r"(?>a+)b", r"a++b", r"a*?b", r"a{2,3}?", r"a{1001}", r"(?:ab){0,1200}c", r"x{0}y",
    r"(?=a)\w", r"(?!a)\w\w", r"(?<=a)b", r"(?<!a)b", r"(?:(?=a))*b",
    r"(?a)\w+\s\d", r"(?x) a b  # comment", r"\d+(?:st|nd|rd|th)?\.?\s*(?:of )?\w+",
    r"\n\t\\\x00", r"[\n-\r]", "\u00e9t\u00e9|\u6771\u4eac|\u0436",
]
# ASCII and beyond: letters, digits, spaces and punctuation that the categories disagree on.
ALPHABET = ("abcxyz ABZ019_.,;'\"\n\t\r\x0b\x0c\x1c\x1f\x00\\"
            "é ü ß Ж 東 ٣ ५ \xa0\u2003\x85\u200b\u0301")


def _assert_superset(pattern: re.Pattern[str], prefilter: Prefilter, texts: list[str]) -> None:
    for text in texts:
        for match in pattern.finditer(text):
            # The matched text alone (its context is what the look-arounds read), and the text.
            assert prefilter.may_match(match.group()), (pattern.pattern, match.group())
            assert prefilter.may_match(text), (pattern.pattern, text)


@pytest.mark.parametrize("source", CONSTRUCTS)
def test_the_widened_pattern_matches_wherever_the_pattern_does(source: str) -> None:
    pattern = re.compile(source)
    prefilter = Prefilter.of(pattern)
    assert prefilter is not None, superset(pattern)
    texts = [*random_texts(ALPHABET, 3000, 12, seed=len(source)),
             "ab", "xcd", "aab", "axay", "'q'",
             "b", "xy", "a" * 1001 + "b", "ab" * 1300 + "c", "10th of may"]
    _assert_superset(pattern, prefilter, texts)


def test_the_widened_pattern_still_rules_texts_out() -> None:
    prefilter = Prefilter.of(re.compile(r"(?<!\w)(?:we noticed|based on your \w+)(?!\w)"))
    assert prefilter is not None
    assert prefilter.may_match("so we noticed it") and prefilter.may_match("based on your é")
    assert not prefilter.may_match("we did not notice, based on you")


def test_case_insensitive_patterns_get_no_prefilter() -> None:
    assert superset(re.compile("abc", re.IGNORECASE)) is None
    assert superset(re.compile("a(?i:b)c")) is None
    assert superset(re.compile("[\ud800]")) is None  # a lone surrogate
    assert Prefilter.of(re.compile("x")).may_match("\ud800 x")  # type: ignore[union-attr]


def _corpus_texts() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for data in eval_drafts():
        language = data.get("locale", "en-US").split("-")[0]
        out.setdefault(language, []).append(fold(data["text"]))
    return out


def _phrases(language: str) -> list[Phrases]:
    lex = lexicon(language)
    found = [lex.second_person, lex.behaviour, lex.birthday, lex.relative_day, lex.at_time,
             lex.winback, lex.promo, lex.surveillance_any, *lex.age, *lex.past_weekday,
             *(p for p, _ in lex.days_ago), *lex.surveillance.values()]
    if lex.months:
        found += dates._month_patterns(frozenset(lex.months))
    return [p for p in found if p is not None]


@pytest.mark.parametrize("language", available_languages())
def test_every_lexicon_prefilter_passes_the_matches_of_its_pattern(language: str) -> None:
    texts = _corpus_texts().get(language, [])
    assert texts
    prefiltered = [p for p in _phrases(language) if p.prefilter is not None]
    assert prefiltered or language not in {"en", "de", "fr"}
    for phrases in prefiltered:
        assert phrases.prefilter is not None
        _assert_superset(phrases.regex, phrases.prefilter, texts)
        for text in texts:  # a sentence's match passes the whole text's test
            for start, end in sentence_spans(text):
                if phrases.regex.search(text[start:end]):
                    assert phrases.may_match(text)


def test_phrases_test_long_texts_with_the_prefilter_and_short_ones_with_needles() -> None:
    phrases = lexicon("en").surveillance_any
    assert phrases is not None and phrases.prefilter is not None
    long_text = "a plain sentence about boots and coats, nothing more " * 2
    assert len(long_text) >= PREFILTER_MIN and not phrases.may_match(long_text)
    assert phrases.may_match("we noticed")  # short: scanned (no needle test pays off)
    assert phrases.search(long_text + " we noticed that") is not None


@pytest.mark.parametrize("language", available_languages())
def test_one_pass_of_the_lexicon_set_answers_as_each_prefilter(language: str) -> None:
    members = [p for p in _phrases(language) if p.group is not None]
    assert members
    texts = _corpus_texts()[language]
    for text in [*texts, *(t + " " + u for t, u in itertools.pairwise(texts))]:
        for phrases in members:
            assert phrases.prefilter is not None and phrases.group is not None
            found = phrases.group.matching(text)
            assert found is not None
            assert (phrases.member in found) is phrases.prefilter.may_match(text), \
                (phrases.pattern[:60], text)


class _FailingSet:
    """An RE2 set whose automaton ran out of memory: it reports nothing, not even the
    pattern that matches every text."""

    def Match(self, data: bytes) -> list[int]:  # RE2's name
        return []


def test_a_failed_set_pass_falls_back_to_each_prefilter() -> None:
    phrases = Phrases(re.compile(r"(?<!\w)we noticed(?!\w)"))
    assert phrases.prefilter is not None
    phrases.group, phrases.member = PrefilterSet(_FailingSet()), 1
    assert phrases.group.matching("x" * 40) is None
    assert phrases.search("a long enough text where we noticed you") is not None
    assert not phrases.may_match("a long enough text where nothing is said")
