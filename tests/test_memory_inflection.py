"""Brand-term inflection reads LemmInflect's tables compactly and answers as LemmInflect does."""

from __future__ import annotations

import subprocess
import sys

import lemminflect
import pytest

from copyguard.brand import inflection
from copyguard.brand.inflection import lexicon, phrase_forms, substitution_forms


def test_inflections_of_guide_terms() -> None:
    assert phrase_forms("cheap") == ["cheaper", "cheapest"]
    assert phrase_forms("miracle cure") == ["miracle cured", "miracle cures", "miracle curing"]
    assert phrase_forms("CHEAP") == ["CHEAPER", "CHEAPEST"]
    assert phrase_forms("Northwind") == []  # not in the lexicon: stays as written
    assert phrase_forms("risk-free") == []
    assert ("utilized", "used") in substitution_forms("utilize", "use")
    assert ("consumer", "customer") in substitution_forms("consumers", "customers")
    assert ("Utilizes", "Uses") in substitution_forms("Utilize", "Use")


def _sample() -> list[str]:
    lex = lexicon()
    words = set(lex._inflections.words()[::5]) | set(lex._lemmas.words()[::5])
    words |= set(lex._aux_modal) | set(lex._infl_overrides) | set(lex._lemma_overrides)
    words |= {"be", "can", "cure", "cheap", "utilize", "consumers", "geese", "went", "zzqx"}
    return sorted(words | {w.capitalize() for w in list(words)[:300]}
                  | {w.upper() for w in list(words)[:300]})


def test_the_same_answers_as_lemminflect() -> None:
    """Every fifth word of both tables, every override and modal, in three cases."""
    lex = lexicon()
    for word in _sample():
        assert list(lex.inflections(word).items()) == list(
            lemminflect.getAllInflections(word).items()), word
        assert list(lex.lemmas(word).items()) == list(
            lemminflect.getAllLemmas(word).items()), word


def test_tables_are_kept_compact() -> None:
    lex = lexicon()
    assert len(lex._inflections) > 40_000 and len(lex._lemmas) > 80_000  # every row is there
    assert lex.nbytes() < 6 * 2**20  # LemmInflect's own dicts of the same rows: ~50 MB


def test_lemminflect_tables_are_not_loaded() -> None:
    """Inflecting guide terms leaves LemmInflect's own lookup dicts unbuilt."""
    code = (
        "from copyguard.brand.inflection import phrase_forms, substitution_forms\n"
        "assert phrase_forms('cheap') and substitution_forms('utilize', 'use')\n"
        "from lemminflect.utils.Singleton import _Singleton\n"
        "loaded = [a for o in _Singleton._instances.values()\n"
        "          for a in ('infl_dict', 'lemma_dict') if hasattr(o, a)]\n"
        "print(loaded)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("cached", [inflection._inflections, inflection._lemma])
def test_word_caches_are_bounded(cached) -> None:
    assert cached.cache_info().maxsize is not None
    assert cached.cache_info().maxsize <= 16_384
