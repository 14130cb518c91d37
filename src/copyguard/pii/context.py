"""A Presidio context enhancer that looks at the characters around a match, not at lemmas.

Presidio's default :class:`LemmaContextAwareEnhancer` compares context words with spaCy lemmas.
copyguard runs blank pipelines (no lemmatizer: every lemma is empty) and languages whose
tokens are single characters (zh), so lemma context never fires. This enhancer searches the
folded text in a window before and after each match instead: a context word counts when a word
starts with it ("call" in "call us", "birth" in "birthdate"), or anywhere in the window for
scripts written without spaces. Multi-word context ("date of birth") works as is.

The analyzer relies on this reading: a score is raised only where every word of one of the
recognizer's context words is in the text (its screen skips a weak recognizer otherwise).
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from copyguard.pii.text import fold, has_cjk

# Languages written without spaces, or with clitics glued to words (Arabic "بالهاتف").
SUBSTRING_LANGUAGES = frozenset({"ja", "zh", "ko", "ar"})
# Characters before and after a match searched for context words.
PREFIX_CHARS, SUFFIX_CHARS = 48, 24


@lru_cache(maxsize=512)
def context_regex(words: tuple[str, ...], substring: bool) -> re.Pattern[str] | None:
    """A regex finding any of ``words`` in folded text: at word starts, or anywhere."""
    alternatives = sorted({fold(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives)
    return re.compile(f"(?:{body})" if substring else rf"(?<!\w)(?:{body})")


class WindowContextEnhancer(ContextAwareEnhancer):  # type: ignore[misc]
    """Raise a result's score when one of its recognizer's context words is near the match."""

    def __init__(self, language: str, *, prefix_chars: int = PREFIX_CHARS,
                 suffix_chars: int = SUFFIX_CHARS,
                 context_similarity_factor: float = 0.35,
                 min_score_with_context_similarity: float = 0.4) -> None:
        super().__init__(context_similarity_factor=context_similarity_factor,
                         min_score_with_context_similarity=min_score_with_context_similarity,
                         context_prefix_count=prefix_chars, context_suffix_count=suffix_chars)
        self.substring = language in SUBSTRING_LANGUAGES

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                              nlp_artifacts: NlpArtifacts | None,
                              recognizers: list[EntityRecognizer],
                              context: list[str] | None = None) -> list[RecognizerResult]:
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        folded = fold(text)
        given = " ".join(fold(word) for word in context or ())  # caller-supplied context words
        for result in raw_results:
            meta = result.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            word = self._supporting_word(folded, result, tuple(recognizer.context), given)
            if word is None:
                continue
            result.score = min(max(result.score + self.context_similarity_factor,
                                   self.min_score_with_context_similarity), self.MAX_SCORE)
            if result.analysis_explanation is not None:
                result.analysis_explanation.set_supportive_context_word(word)
                result.analysis_explanation.set_improved_score(result.score)
        return raw_results

    def _supporting_word(self, folded: str, result: RecognizerResult, words: tuple[str, ...],
                         given: str) -> str | None:
        before = folded[max(0, result.start - self.context_prefix_count):result.start]
        after = folded[result.end:result.end + self.context_suffix_count]
        window = f"{before} {after} {given}"
        pattern = context_regex(words, self.substring or has_cjk(window))
        match = pattern.search(window) if pattern is not None else None
        return match.group(0) if match else None
