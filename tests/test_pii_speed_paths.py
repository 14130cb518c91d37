"""The fast paths of the ``pii`` and ``sensitive`` checks find what the plain ways find.

Each shortcut (a scan tried only where a match can start, a screen that skips a recognizer) is
compared with the straightforward computation it replaces, on the evaluation corpus and on
random texts built from the characters the shortcut depends on.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from copyguard.pii import names
from copyguard.pii.names import FULL_NAME_MIN_FREQUENCY, NameFinder, name_finder

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "eval"
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "ja", "zh", "ko", "ar")


def _random_texts(alphabet: list[str] | str, count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(longest)))
            for _ in range(count)]


def _corpus() -> list[dict[str, Any]]:
    drafts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        drafts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return drafts


def _name_texts() -> list[str]:
    """Corpus drafts and random texts of names, greetings, titles and separators."""
    words = ["Maria", "Anna", "Lopez", "O'Brien", "D’Angelo", "Mary-Jane", "McDonald", "Hi",
             "hi", "Dear", "Mrs", "Ms.", "Herr", "Shell", "Rain", "The", "Élodie", "Zoë", "x",
             "John", "Smith", "Jean-Luc", "İlker", "ǅemal", "and", "'", "’", "-"]
    separators = [" ", " ", "  ", "\t", "\n", ", ", ". ", "! ", "? ", "¡", "¿", "\r", "\u2028",
                  "\x0c", ",", "-", "'", ""]
    rng = random.Random(11)
    made = ["".join(rng.choice(words) + rng.choice(separators)
                    for _ in range(rng.randrange(12))) for _ in range(4000)]
    return [d["text"] for d in _corpus()] + made + \
        _random_texts("Ma rí-a'’\t\nH.,!Ǆ", 3000, 25, seed=12)


# -- names ---------------------------------------------------------------------------------


def _plain_full_names(finder: NameFinder, text: str) -> list[names.NameMention]:
    found = []
    for match in finder._full.finditer(text, overlapped=True):
        first, last = match.group("name").split()
        if finder.is_name(first, FULL_NAME_MIN_FREQUENCY) and \
                names.fold(last) not in finder.not_names and \
                not finder._inside_title(text, match.start("name")):
            found.append(NameFinder._mention(match, "full_name"))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_full_names_are_those_an_overlapped_search_finds(language: str) -> None:
    finder = name_finder(language)
    for text in _name_texts():
        assert list(finder._from_full_names(text)) == _plain_full_names(finder, text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_salutations_are_those_a_search_of_the_whole_text_finds(language: str) -> None:
    finder = name_finder(language)
    if finder._greeting is None:
        return
    for text in _name_texts():
        expected = [m.span() for m in finder._greeting.finditer(text)]
        assert [m.span() for m in finder._greetings(finder._greeting, text)] == expected, text
