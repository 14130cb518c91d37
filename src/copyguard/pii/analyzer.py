"""Presidio analyzers per language and region, over copyguard's own spaCy pipelines.

An :class:`AnalyzerEngine` is built lazily, once per (language, regions) and NLP service, with a
:class:`RecognizerRegistry` holding only the recognizers that matter for that language and
region: Presidio's generic recognizers instantiated for the language (its predefined ones exist
mostly for English) with context words in that language, phone numbers of the draft's regions,
national ids of the draft's country (or the language's main one), street addresses, dates of
birth, and PERSON entities when a trained pipeline is installed. The draft is tokenized once:
the analyzer gets ``NlpArtifacts`` made from the shared ``ctx.doc``.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
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
from copyguard.pii.policy import entity_policies
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
)

if TYPE_CHECKING:
    from copyguard.context import CheckContext

PERSON = "PERSON"
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


@dataclass(frozen=True, slots=True)
class _Analyzer:
    """An analyzer with its Presidio NLP engine and the entities its recognizers find."""

    engine: AnalyzerEngine
    nlp_engine: Any
    entities: tuple[str, ...]
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
        with self._lock:
            cache = self._by_service.setdefault(nlp, {})
            key = (language, regions)
            if key not in cache:
                engines = {lang: a.nlp_engine for (lang, _), a in cache.items()}
                engine = engines.get(language) or nlp.presidio_engine(language)
                trained = nlp.is_trained(language)
                registry = RecognizerRegistry(supported_languages=[language])
                for recognizer in _recognizers(language, regions, trained):
                    registry.add_recognizer(recognizer)
                analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine,
                                          supported_languages=[language],
                                          context_aware_enhancer=WindowContextEnhancer(language))
                entities = tuple(sorted(analyzer.get_supported_entities(language)))
                cache[key] = _Analyzer(analyzer, engine, entities, trained)
            return cache[key]


POOL = AnalyzerPool()
_DIGIT = re.compile(r"\d")


def detections(ctx: CheckContext) -> tuple[Detection, ...]:
    """Everything Presidio finds in the draft, computed once and shared by the checks."""
    return ctx.memo("copyguard.pii.detections", lambda: _detect(ctx))


def _detect(ctx: CheckContext) -> tuple[Detection, ...]:
    draft, text = ctx.draft, ctx.text
    language = draft.language
    analyzer = POOL.get(ctx.nlp, language, regions_for(language, draft.region))
    # Only entities the text can hold at all (most need digits) are looked for: the others'
    # recognizers do not run. The recipient's values are screened the same way.
    digits = len(_DIGIT.findall(text))
    policies = entity_policies()
    entities = [e for e in analyzer.entities if policies.of(e).possible_in(text, digits)]
    own: list[EntityRecognizer] = list(
        profile_recognizers(draft.recipient, language, draft.region, text))
    entities += [r.supported_entities[0] for r in own]
    if not entities:
        return ()
    if analyzer.trained:  # PERSON entities come from the pipeline's NER
        artifacts = analyzer.nlp_engine._doc_to_nlp_artifact(ctx.doc, language)
    else:  # nothing else reads tokens or lemmas: context words are read from the text
        artifacts = NlpArtifacts(entities=[], tokens=ctx.doc, tokens_indices=[], lemmas=[],
                                 nlp_engine=None, language=language)
    results = analyzer.engine.analyze(
        text, language, entities=entities, nlp_artifacts=artifacts, ad_hoc_recognizers=own,
        score_threshold=ctx.guide.guide.pii.score_threshold)
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
