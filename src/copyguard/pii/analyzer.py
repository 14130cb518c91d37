"""Presidio analyzers per language and region, over copyguard's own spaCy pipelines.

An :class:`AnalyzerEngine` is built lazily, once per (language, regions) and NLP service, with a
:class:`RecognizerRegistry` holding only the recognizers that matter for that language and
region: Presidio's generic recognizers instantiated for the language (its predefined ones exist
mostly for English) with context words in that language, phone numbers of the draft's regions,
national ids of the draft's country (or the language's main one), street addresses, dates of
birth, and PERSON entities when a trained pipeline is installed. The draft is tokenized once:
the analyzer gets ``NlpArtifacts`` made from the shared ``ctx.doc``.

Per draft, only the recognizers that can report something run (see :class:`_Registry`):
those whose entity the text can hold at all (data/pii/entities.yaml), whose own screen passes
(a run of enough digits, a year: see :func:`~copyguard.pii.recognizers.screen_of`), and
which either score at the threshold alone or have a context word in the text.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    PatternRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer import predefined_recognizers as predefined
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    SpacyRecognizer,
)

from copyguard.nlp import NlpService
from copyguard.pii.context import WindowContextEnhancer
from copyguard.pii.languages import foreign_regions, pii_languages, regions_for
from copyguard.pii.national import NATIONAL_RECOGNIZERS
from copyguard.pii.policy import EntityPolicy, entity_policies
from copyguard.pii.profile import profile_recognizers
from copyguard.pii.recognizers import (
    AddressRecognizer,
    AsciiEmailRecognizer,
    CompactIbanRecognizer,
    DateOfBirthRecognizer,
    ForeignPhoneRecognizer,
    LuhnCardRecognizer,
    PhoneShapeRecognizer,
    RegionalPhoneRecognizer,
    ascii_bounded,
    screen_of,
)
from copyguard.pii.text import fold

if TYPE_CHECKING:
    from copyguard.context import CheckContext

PERSON = "PERSON"
_BY_NAME = attrgetter("name")
_NO_SPACES = frozenset({"ja", "zh", "ko"})
# Specificity order for overlapping detections (national ids rank with US_SSN); see
# resolve_overlaps.
_PRIORITY = ("CREDIT_CARD", "IBAN_CODE", "US_SSN", "EMAIL_ADDRESS", "IP_ADDRESS",
             "DATE_OF_BIRTH", "ADDRESS", "PHONE_NUMBER", PERSON)


@dataclass(frozen=True, slots=True)
class Detection:
    """One span Presidio found: a generic entity or a recipient field (``profile.email``)."""

    entity: str
    start: int
    end: int
    score: float
    recognizer: str

    @property
    def field(self) -> str | None:
        return self.entity if "." in self.entity else None


def _recognizers(language: str, regions: tuple[str, ...], trained: bool,
                 ) -> list[EntityRecognizer]:
    config = pii_languages().languages.get(language)
    context = config.context if config else {}

    def words(entity: str) -> list[str] | None:
        return context.get(entity) or None

    no_spaces = language in _NO_SPACES
    email = AsciiEmailRecognizer if no_spaces else EmailRecognizer
    card = ascii_bounded(CreditCardRecognizer.PATTERNS) if no_spaces else None
    ip = ascii_bounded(IpRecognizer.PATTERNS) if no_spaces else None
    found: list[EntityRecognizer] = [
        email(supported_language=language, context=words("EMAIL_ADDRESS")),
        RegionalPhoneRecognizer(supported_language=language, supported_regions=regions,
                                primary_region=regions[0], context=words("PHONE_NUMBER")),
        CreditCardRecognizer(supported_language=language, context=words("CREDIT_CARD"),
                             patterns=card),
        IbanRecognizer(supported_language=language, context=context.get("IBAN_CODE", [])),
        CompactIbanRecognizer(language, context.get("IBAN_CODE", [])),
        IpRecognizer(supported_language=language, context=words("IP_ADDRESS"), patterns=ip),
    ]
    if config is not None:
        found += [ForeignPhoneRecognizer(language, foreign_regions(regions),
                                         context["PHONE_NUMBER"], regions[0]),
                  PhoneShapeRecognizer(language, context["PHONE_NUMBER"]),
                  LuhnCardRecognizer(language, context["CREDIT_CARD"]),
                  DateOfBirthRecognizer(language, context["DATE_OF_BIRTH"])]
        if config.addresses:
            found.append(AddressRecognizer(language, config.addresses))
        national = pii_languages().national.get(regions[0], [])
        for name in national:
            cls = NATIONAL_RECOGNIZERS.get(name) or getattr(predefined, name)
            found.append(cls(supported_language=language))  # type: ignore[call-arg]
    if trained:
        found.append(SpacyRecognizer(supported_language=language, supported_entities=[PERSON]))
    return found


@dataclass(frozen=True)
class _Text:
    """What the recognizer screens read of a text, each computed once when first needed."""

    text: str

    @cached_property
    def digits(self) -> int:
        if self.text.isascii():  # the same, byte-wise
            return len(self.text) - len(self.text.encode().translate(None, _ASCII_DIGITS))
        return len(_DIGIT.findall(self.text))

    @cached_property
    def folded(self) -> str:
        return fold(self.text)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One of an analyzer's recognizers, with what a text needs for it to report anything."""

    recognizer: EntityRecognizer
    policy: EntityPolicy
    min_digits: int  # the fewest digits a text needs for it (the policy's or the screen's)
    screen: Callable[[str], bool] | None  # whether a text holds anything it can find
    alone: float  # its highest score without a context word nearby
    context: tuple[tuple[str, ...], ...]  # its context words, folded, split at spaces

    @classmethod
    def of(cls, recognizer: EntityRecognizer) -> _Candidate:
        words = (fold(w.strip()).split(" ") for w in recognizer.context or () if w.strip())
        policy = entity_policies().of(recognizer.supported_entities[0])
        fewest, screen = screen_of(recognizer)
        return cls(recognizer, policy, max(policy.min_digits, fewest), screen,
                   _alone_score(recognizer), tuple(tuple(p for p in w if p) for w in words))

    def may_report(self, text: _Text, threshold: float) -> bool:
        """Whether the recognizer can report anything scoring ``threshold`` in the text."""
        if not self.policy.possible_in(text.text, text.digits):
            return False
        if self.screen is not None and not self.screen(text.text):
            return False
        return self.alone >= threshold or self._context_in(text.folded)

    def _context_in(self, folded: str) -> bool:
        """Whether every word of one of the context words is in the text: the context enhancer
        raises a score only for a context word in the text around the match (the words of a
        phrase may stand on either side of it)."""
        return any(all(part in folded for part in words) for words in self.context)


def _alone_score(recognizer: EntityRecognizer) -> float:
    """The highest score a result of the recognizer gets without a context word nearby: what
    copyguard's recognizers declare, the best pattern score of a plain PatternRecognizer (its
    checks only lower a score), else the maximum."""
    declared = getattr(recognizer, "ALONE_SCORE", None)
    if declared is not None:
        return float(declared)
    if isinstance(recognizer, PatternRecognizer) and all(
            getattr(type(recognizer), method) is getattr(PatternRecognizer, method)
            for method in ("analyze", "validate_result", "enhance_using_context")):
        return max((pattern.score for pattern in recognizer.patterns), default=0.0)  # type: ignore[has-type]
    return float(EntityRecognizer.MAX_SCORE)


class _Registry(RecognizerRegistry):  # type: ignore[misc]
    """The analyzer's recognizers. A request runs the recognizers it brings, in their order:
    :func:`_detect` picks them from these (and adds the recipient's). Presidio keeps the first
    of two equal results, so the order, by name, settles a tie between recognizers the way
    :func:`resolve_overlaps` would."""

    def get_recognizers(self, language: str, entities: list[str] | None = None,
                        all_fields: bool = False,
                        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
                        ) -> list[EntityRecognizer]:
        if ad_hoc_recognizers is None:
            return super().get_recognizers(language, entities, all_fields)  # type: ignore[no-any-return]
        return [r for r in ad_hoc_recognizers if r.supported_language == language]


@dataclass(frozen=True, slots=True)
class _Analyzer:
    """An analyzer with its Presidio NLP engine and its recognizers."""

    engine: AnalyzerEngine
    nlp_engine: Any
    candidates: tuple[_Candidate, ...]
    trained: bool


class AnalyzerPool:
    """Analyzers built on first use and kept per NLP service, language and regions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_service: weakref.WeakKeyDictionary[
            NlpService, dict[tuple[str, tuple[str, ...]], _Analyzer]
        ] = weakref.WeakKeyDictionary()

    def get(self, nlp: NlpService, language: str, regions: tuple[str, ...]) -> _Analyzer:
        """The analyzer for a language and its phone regions."""
        built = self._by_service.get(nlp, {}).get((language, regions))
        if built is not None:  # (entries are only ever added)
            return built
        with self._lock:
            cache = self._by_service.setdefault(nlp, {})
            key = (language, regions)
            if key not in cache:
                engines = {lang: a.nlp_engine for (lang, _), a in cache.items()}
                engine = engines.get(language) or nlp.presidio_engine(language)
                trained = nlp.is_trained(language)
                recognizers = sorted(_recognizers(language, regions, trained),
                                     key=_BY_NAME)
                analyzer = AnalyzerEngine(
                    registry=_Registry(recognizers, supported_languages=[language]),
                    nlp_engine=engine, supported_languages=[language],
                    context_aware_enhancer=WindowContextEnhancer(language))
                candidates = tuple(_Candidate.of(r) for r in recognizers)
                cache[key] = _Analyzer(analyzer, engine, candidates, trained)
            return cache[key]


POOL = AnalyzerPool()
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = b"0123456789"


def detections(ctx: CheckContext) -> tuple[Detection, ...]:
    """Everything Presidio finds in the draft, computed once and shared by the checks."""
    return ctx.memo("copyguard.pii.detections", lambda: _detect(ctx))


def _detect(ctx: CheckContext) -> tuple[Detection, ...]:
    draft, text = ctx.draft, ctx.text
    language = draft.language
    analyzer = POOL.get(ctx.nlp, language, regions_for(language, draft.region))
    threshold = ctx.guide.guide.pii.score_threshold
    # Only recognizers that can report something here run (most entities need digits); the
    # recipient's values are screened the same way.
    screened = _Text(text)
    digits = screened.digits
    chosen: list[EntityRecognizer] = [
        c.recognizer for c in analyzer.candidates
        if c.min_digits <= digits and c.may_report(screened, threshold)]
    chosen += sorted(profile_recognizers(draft.recipient, language, draft.region, text),
                     key=_BY_NAME)
    if not chosen:
        return ()
    if analyzer.trained:  # PERSON entities come from the pipeline's NER
        artifacts = analyzer.nlp_engine._doc_to_nlp_artifact(ctx.doc, language)
    else:  # nothing else reads tokens or lemmas: context words are read from the text
        artifacts = NlpArtifacts(entities=[], tokens=ctx.doc, tokens_indices=[], lemmas=[],
                                 nlp_engine=None, language=language)
    entities = sorted({entity for r in chosen for entity in r.supported_entities})
    results = analyzer.engine.analyze(
        text, language, entities=entities, nlp_artifacts=artifacts, ad_hoc_recognizers=chosen,
        score_threshold=threshold)
    found = [Detection(r.entity_type, r.start, r.end, round(r.score, 3),
                       (r.recognition_metadata or {}).get("recognizer_name", ""))
             for r in results if r.end > r.start]
    return tuple(sorted(resolve_overlaps(found), key=lambda d: (d.start, d.end)))


def resolve_overlaps(found: list[Detection]) -> list[Detection]:
    """Keep one detection per stretch of text: the recipient's own data, then a detection that
    is not a mere part of a longer one (card digits inside an IBAN), then ``_PRIORITY``, then
    the higher score."""

    def rank(d: Detection) -> tuple[int, int, int, float, int, str]:
        inside = any(o.start <= d.start and d.end <= o.end and o.end - o.start > d.end - d.start
                     for o in found)
        entity = d.entity if d.entity in _PRIORITY else "US_SSN"
        return (0 if d.field else 1, int(inside), _PRIORITY.index(entity), -d.score,
                d.start - d.end, d.recognizer)

    kept: list[Detection] = []
    for detection in sorted(found, key=rank):
        if all(detection.end <= k.start or detection.start >= k.end for k in kept):
            kept.append(detection)
    return kept
