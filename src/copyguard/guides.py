"""Brand guides: the declarative YAML format brands use to state their voice and rules.

A guide is validated by pydantic on load; errors name the file, the line and the field. Guides
may ``extends`` another guide and carry ``overlays`` per locale (``de`` or ``de-AT``) and per
channel. Merging (parent into child, overlays into the base) is one rule everywhere: mappings
merge key by key, lists are concatenated, anything else is replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from copyguard.errors import GuideError
from copyguard.model import Channel, Route, Severity

REGULATED_INDUSTRIES = frozenset({"pharma", "pharmaceutical", "healthcare", "health", "insurance",
                                  "government", "finance", "financial"})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Model):
    """Fields every rule may carry: an id, why it exists, where it comes from, how bad it is."""

    id: str | None = None
    message: str | None = None
    rationale: str | None = None
    source: str | None = None
    severity: Severity | None = None


class Term(Rule):
    """A term written one way only: ``deprecated`` spellings are replaced by ``preferred``."""

    preferred: str
    deprecated: list[str] = []
    case_sensitive: bool = True


class PhraseList(Rule):
    """Phrases that must not appear (banned words, forbidden claims, slang)."""

    phrases: list[str]
    kind: Literal["banned", "claim", "slang", "competitor"] = "banned"
    case_sensitive: bool = False
    regex: bool = False


class Substitution(Rule):
    find: str
    replace: str
    case_sensitive: bool = False


class AllCaps(_Model):
    min_length: int = 4
    allow: list[str] = []
    max: int = 0


class Limits(_Model):
    exclamation_marks: int | None = None
    emoji: int | None = None
    all_caps: AllCaps | None = None
    sentence_words: int | None = None
    severity: Severity | None = None


class Required(Rule):
    """Text every draft of the given channels must contain (tagline, disclaimer)."""

    text: str
    kind: Literal["tagline", "disclaimer", "other"] = "other"
    channels: list[Channel] = list(Channel)


class Readability(Rule):
    language: str
    metric: Literal["flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
                    "automated_readability_index", "flesch_reading_ease"] = "flesch_kincaid_grade"
    max: float
    min_words: int = 0
    channels: list[Channel] = list(Channel)


class Voice(_Model):
    """Register of address: ``default``, and per language or locale in ``locales``."""

    default: Literal["formal", "informal"] = "formal"
    locales: dict[str, Literal["formal", "informal"]] = {}

    def register_for(self, locale: str) -> Literal["formal", "informal"]:
        language = locale.split("-")[0]
        return self.locales.get(locale, self.locales.get(language, self.default))


class Personalization(_Model):
    max_share: float = Field(0.25, ge=0, le=1)
    max_facts: int = Field(3, ge=0)
    max_name_uses: int = Field(1, ge=0)
    never_use: list[str] = []
    stale_after_days: int = 365
    recent_purchase_days: int = 90
    consumables: list[str] = []
    active_days: int = 30


class Pii(_Model):
    fix: Literal["redact", "mask", "replace"] = "replace"
    score_threshold: float = Field(0.5, ge=0, le=1)


class Routing(_Model):
    severities: dict[Severity, Route] = {
        Severity.INFO: Route.PASS,
        Severity.SUGGESTION: Route.PASS,
        Severity.WARNING: Route.REVIEW,
        Severity.ERROR: Route.REVIEW,
        Severity.CRITICAL: Route.BLOCK,
    }
    audit_sample: float = Field(0.0, ge=0, le=1)
    regulated_industries: list[str] = sorted(REGULATED_INDUSTRIES)


class LocaleRuleOverride(_Model):
    disable: bool = False
    severity: Severity | None = None
    locales: list[str] = []


class GuideBody(_Model):
    """Everything a guide or an overlay may say. Every field is optional in an overlay."""

    industry: str | None = None
    domains: list[str] = []
    senders: list[str] = []
    terms: list[Term] = []
    banned: list[PhraseList] = []
    substitutions: list[Substitution] = []
    limits: Limits = Limits()
    required: list[Required] = []
    readability: list[Readability] = []
    competitors: list[str] = []
    voice: Voice = Voice()
    personalization: Personalization = Personalization()
    pii: Pii = Pii()
    routing: Routing = Routing()
    locale_rules: dict[str, LocaleRuleOverride] = {}


class Overlays(_Model):
    locales: dict[str, dict[str, Any]] = {}
    channels: dict[Channel, dict[str, Any]] = {}


class BrandGuide(GuideBody):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str | None = None
    version: str = "1"
    extends: str | None = None
    description: str | None = None
    overlays: Overlays = Overlays()

    @field_validator("domains", "senders")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [value.lower() for value in values]

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    @property
    def regulated(self) -> bool:
        return (self.industry or "").lower() in set(self.routing.regulated_industries)

    def resolve(self, locale: str, channel: Channel) -> ResolvedGuide:
        """The guide as it applies to one locale and channel (overlays merged in)."""
        data = self.model_dump(exclude={"overlays"}, exclude_unset=False)
        language = locale.split("-")[0]
        for key in (language, locale):
            if key in self.overlays.locales:
                data = merge(data, self.overlays.locales[key])
        if channel in self.overlays.channels:
            data = merge(data, self.overlays.channels[channel])
        return ResolvedGuide(BrandGuide.model_validate(data), locale, channel)


@dataclass(frozen=True, slots=True)
class ResolvedGuide:
    """A guide with its overlays applied, for one locale and channel."""

    guide: BrandGuide
    locale: str
    channel: Channel

    @property
    def id(self) -> str:
        return self.guide.id


def merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``overlay`` into ``base``: mappings recursively, lists concatenated, else replaced."""
    merged = dict(base)
    for key, value in overlay.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [item for item in value if item not in old]
        else:
            merged[key] = value
    return merged


DEFAULT_GUIDE = BrandGuide(id="default", name="Default policy", version="1",
                           description="Used when a draft names no brand.")


def load_guide_data(path: Path) -> dict[str, Any]:
    """Read a guide file, raising :class:`GuideError` with the line for YAML problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError(path, None, None, f"cannot read file: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise GuideError(path, line, None, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise GuideError(path, 1, None, "a brand guide must be a YAML mapping")
    return data


def validate_guide(data: Mapping[str, Any], path: Path | None = None) -> BrandGuide:
    """Validate guide data; errors name the file, the line and the field path."""
    try:
        return BrandGuide.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(path, loc) if path else None
        field = ".".join(str(part) for part in loc) or None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise GuideError(path, line, field, error["msg"] + more) from exc


def _line_of(path: Path, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or its nearest existing parent)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                return value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        child: yaml.Node = node.value[key]
        return child
    return None


def load_guide(path: Path, parents: Mapping[str, BrandGuide] | None = None) -> BrandGuide:
    """Load and validate one guide file, merging in its ``extends`` parent if given."""
    data = load_guide_data(path)
    parent_id = data.get("extends")
    if parent_id is not None:
        parent = (parents or {}).get(parent_id)
        if parent is None:
            raise GuideError(path, _line_of(path, ("extends",)), "extends",
                             f"unknown parent guide {parent_id!r}")
        base = parent.model_dump(exclude={"id", "name", "version", "extends", "description"})
        data = merge(base, data)
    return validate_guide(data, path)


def guide_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def guide_schema() -> dict[str, Any]:
    """The published JSON Schema of the brand-guide format."""
    schema = BrandGuide.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "copyguard brand guide"
    return schema


def schema_json() -> str:
    return json.dumps(guide_schema(), indent=2, sort_keys=True)
