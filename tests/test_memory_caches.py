"""Caches that grow with the recipients seen stay within a memory bound."""

from __future__ import annotations

import gc
import random
import re
import tracemalloc

import regex

from copyguard.pii import profile

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]


def _name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
                    for _ in range(2))


def _held() -> int:
    """Traced memory without the regex modules' own (bounded) caches of compiled patterns."""
    re.purge()
    regex.purge()
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _fill(cache, rng: random.Random, n: int) -> None:
    for _ in range(n):
        name = _name(rng)
        recognizer = cache("profile.full_name", "name", name, "en", "US")
        assert recognizer.analyze(f"Hi {name}, your order", entities=["profile.full_name"])


def test_profile_recognizers_kept_for_reuse_take_at_most_10_mb() -> None:
    """Each cached recognizer holds compiled regexes (~15 KB once used); the cache keeps the
    most recent values only, so a service seeing ever new recipients stops growing there."""
    cache = profile._recognizer
    maxsize = cache.cache_info().maxsize
    assert maxsize is not None
    rng = random.Random(2)
    cache.cache_clear()
    _fill(cache, rng, 32)  # one-time costs (imports, Presidio's first use) are not per entry
    tracemalloc.start()
    try:
        first = _held()
        _fill(cache, rng, 96)
        per_entry = (_held() - first) / 96
    finally:
        tracemalloc.stop()
    assert per_entry * maxsize < 10 * 2**20, f"{per_entry * maxsize / 2**20:.1f} MB when full"
    for _ in range(maxsize):
        cache("profile.full_name", "name", _name(rng), "en", "US")
    assert cache.cache_info().currsize == maxsize


def test_known_first_names_are_exactly_gender_guessers_names() -> None:
    """The name set is read from gender-guesser's data file without its per-country tables;
    it must hold exactly the names its Detector knows."""
    from gender_guesser.detector import Detector

    from copyguard.personalization.names import first_names, known_first_name

    assert first_names() == frozenset(Detector(case_sensitive=False).names)
    assert known_first_name("Maria") and known_first_name("JEAN-PIERRE")
    assert not known_first_name("Trailboots")
