"""Reading level with textstat, offline.

textstat 0.7.13 counts English syllables with NLTK's cmudict and calls ``nltk.download`` when
the corpus is missing (``textstat/backend/utils/_get_cmudict.py``): a network fetch at run time.
copyguard never downloads anything, so the syllable counter's cmudict lookup is replaced by one
that returns nothing, and textstat falls back to its Pyphen hyphenation count for every language
(``textstat/backend/counts/_count_syllables.py``). Results are then the same on every machine,
whether or not cmudict happens to be installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textstat.backend import counts, metrics
from textstat.backend.counts import _count_syllables


def _no_cmudict(lang: str) -> None:
    return None


if not hasattr(_count_syllables, "get_cmudict"):  # pragma: no cover - a textstat upgrade
    raise ImportError("textstat changed: cannot keep it from downloading NLTK's cmudict; "
                      "pin textstat to a version copyguard knows (0.7.x)")
_count_syllables.get_cmudict = _no_cmudict

_Metric = Callable[[str, str], float]


def _text_only(function: Callable[[str], float]) -> _Metric:
    return lambda text, lang: function(text)


METRICS: dict[str, _Metric] = {
    "flesch_kincaid_grade": metrics.flesch_kincaid_grade,
    "flesch_reading_ease": metrics.flesch_reading_ease,
    "gunning_fog": metrics.gunning_fog,
    "smog_index": metrics.smog_index,
    "coleman_liau_index": _text_only(metrics.coleman_liau_index),
    "automated_readability_index": _text_only(metrics.automated_readability_index),
    "lix": _text_only(metrics.lix),
    "wiener_sachtextformel": lambda text, lang: metrics.wiener_sachtextformel(text, 1, lang),
    "fernandez_huerta": metrics.fernandez_huerta,
    "szigriszt_pazos": metrics.szigriszt_pazos,
    "gulpease_index": _text_only(metrics.gulpease_index),
}


def score(metric: str, text: str, language: str) -> float:
    """The ``metric`` of ``text`` in ``language`` (an ISO 639 code such as ``en``)."""
    value: Any = METRICS[metric](text, language)
    return round(float(value), 2)


def word_count(text: str) -> int:
    """Words as textstat counts them for its formulas."""
    return int(counts.count_words(text))
