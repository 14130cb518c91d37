"""The rule-pack file format, validated by pydantic at the file boundary.

A pack file (``root.yaml``, ``fr.yaml``, ``und-BE.yaml``, ``fr-BE.yaml``) holds lexicon entries
and *rule patches*. Patches of one rule id are merged along the inheritance chain (root,
language, region, locale) and the merged rule is then validated against its kind's model, so a
region file may simply switch a rule on (``active: true``) and give its own source.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from copyguard.errors import CopyguardError
from copyguard.model import Severity

Confidence = Literal["low", "medium", "high"]
Nature = Literal["symbolism", "etiquette", "occasion", "format", "clarity", "legal"]
Register = Literal["formal", "informal"]
MeasurementSystem = Literal["metric", "US", "UK"]
Temperature = Literal["celsius", "fahrenheit"]
ConceptName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
UnitId = Annotated[str, Field(pattern=r"^[a-z][a-z_]*$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


class LocalePackError(CopyguardError, ValueError):
    """A rule pack that does not load: names the file, the line (when known) and the field."""

    def __init__(self, where: str, message: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.where, self.line, self.field, self.problem = where, line, field, message
        place = f"{where}:{line}" if line else where
        at = f" field {field!r}:" if field else ""
        super().__init__(f"{place}:{at} {message}")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Model):
    """How many words may separate two matches: context ``before`` or ``after`` the target."""

    before: int = Field(3, ge=0)
    after: int = Field(3, ge=0)


class When(_Model):
    """Conditions on the locale and the brand voice; an unset condition always holds.

    ``register`` (the brand voice for the locale) is stored as ``voice`` because pydantic
    reserves the name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    voice: list[Register] | None = Field(None, alias="register")
    measurement_system: list[MeasurementSystem] | None = None
    temperature: list[Temperature] | None = None


class NumberSpec(_Model):
    """Which numbers a ``number`` rule is about (all given conditions must hold)."""

    last_digit: list[int] | None = None
    parity: Literal["even", "odd"] | None = None
    min: int | None = None
    max: int | None = None


class _RuleBase(_Model):
    id: str
    nature: Nature
    confidence: Confidence
    active: bool = False
    message: str
    suggestion: str | None = None
    source: list[Url] = []
    note: str | None = None
    when: When = When()

    @model_validator(mode="after")
    def _sourced(self) -> _RuleBase:
        if self.active and not self.source:
            raise ValueError("an active rule needs at least one source URL")
        return self


class _TargetRule(_RuleBase):
    target: list[ConceptName] = Field(min_length=1)
    # A target match is dropped when an ``unless`` match overlaps it or, when
    # ``unless_window`` is set, lies at most that many words from it (same sentence).
    unless: list[ConceptName] = []
    unless_window: int | None = Field(None, ge=0)


class PhraseRule(_TargetRule):
    kind: Literal["phrase"]


class CooccurrenceRule(_TargetRule):
    """The target counts only with a context match within ``window`` words, same sentence."""

    kind: Literal["cooccurrence"]
    context: list[ConceptName] = Field(min_length=1)
    window: Window = Window()
    # ``modifier``: ``window`` is written for adjective-before-noun languages and is mirrored
    # for languages whose pack says ``adjective_position: after``.
    order: Literal["any", "modifier"] = "any"


class NumberRule(_RuleBase):
    kind: Literal["number"]
    number: NumberSpec
    context: list[ConceptName] = Field(min_length=1)
    window: Window = Window(before=0, after=0)
    unless: list[ConceptName] = []
    unless_window: int | None = Field(None, ge=0)


class UnitRule(_RuleBase):
    """A number directly followed by one of ``units`` (terms under the packs' ``units``)."""

    kind: Literal["unit"]
    units: list[UnitId] = Field(min_length=1)
    unless: list[ConceptName] = []
    unless_window: int | None = Field(None, ge=0)


class SeasonRule(_RuleBase):
    """A season word (concepts ``season_winter`` ...) opposite to the season at send time."""

    kind: Literal["season"]
    unless: list[ConceptName] = []


class NameRule(_RuleBase):
    kind: Literal["western_name_order", "given_name_only", "missing_honorific"]
    honorifics: ConceptName = "honorifics"
    replace_with: Literal["family", "full"] = "family"
    insert: str | None = None


class FormatRule(_RuleBase):
    kind: Literal["numeric_date_order", "numeric_date_ambiguous", "currency_symbol",
                  "number_separators", "currency_decimals", "clock", "clock_24h"]


RuleSpec = Annotated[
    PhraseRule | CooccurrenceRule | NumberRule | UnitRule | SeasonRule | NameRule | FormatRule,
    Field(discriminator="kind"),
]


class RulePatch(_Model):
    """One file's contribution to a rule: any subset of the fields of the rule kinds."""

    kind: str | None = None
    nature: Nature | None = None
    confidence: Confidence | None = None
    active: bool | None = None
    message: str | None = None
    suggestion: str | None = None
    source: list[Url] | None = None
    note: str | None = None
    when: When | None = None
    target: list[ConceptName] | None = None
    context: list[ConceptName] | None = None
    unless: list[ConceptName] | None = None
    unless_window: int | None = None
    window: Window | None = None
    order: Literal["any", "modifier"] | None = None
    number: NumberSpec | None = None
    units: list[UnitId] | None = None
    honorifics: ConceptName | None = None
    replace_with: Literal["family", "full"] | None = None
    insert: str | None = None


class LanguageSettings(_Model):
    """How the language is written: word order for ``modifier`` windows, attached clitics, and
    other languages whose words count too (``also_read: [en]``: Gulf copy is often English)."""

    window_scale: float = Field(1.0, gt=0)
    adjective_position: Literal["before", "after"] = "before"
    clitics: list[str] = []
    also_read: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = []


class RootFacts(_Model):
    """Facts CLDR does not carry, kept in ``root.yaml`` with their sources."""

    seasons: dict[Literal["winter", "spring", "summer", "autumn"], list[int]]
    southern_hemisphere: list[str]
    no_seasons: list[str] = []
    source: list[Url] = Field(min_length=1)

    @model_validator(mode="after")
    def _whole_year(self) -> RootFacts:
        months = sorted(m for season in self.seasons.values() for m in season)
        if months != list(range(1, 13)) or len(self.seasons) != 4:
            raise ValueError("the four seasons must cover months 1-12 exactly once")
        return self


SeverityTable = dict[Nature, dict[Confidence, Severity]]


class PackFile(_Model):
    """One ``data/locales/<tag>.yaml`` file."""

    description: str
    source: list[Url] = []
    language: LanguageSettings | None = None
    severity: SeverityTable | None = None
    facts: RootFacts | None = None
    lexicon: dict[ConceptName, list[str]] = {}
    numerals: dict[int, list[str]] = {}
    units: dict[UnitId, list[str]] = {}
    currency_words: dict[str, list[CurrencyCode]] = {}
    rules: dict[str, RulePatch] = {}

    @model_validator(mode="after")
    def _non_empty_terms(self) -> PackFile:
        for section in (self.lexicon, self.units, self.numerals):
            for name, terms in section.items():
                if any(not term.strip(" *") for term in terms):
                    raise ValueError(f"{name!r} has an empty term")
        return self
