"""Brand guides: the declarative YAML format brands use to state their voice and rules.

A guide is validated by pydantic on load; errors name the file, the line and the field, and an
invalid guide never half-loads. Guides may ``extends`` another guide and carry ``overlays`` per
locale (``de`` or ``de-AT``) and per channel. Merging (parent into child, overlays into the
base) is one rule everywhere: mappings merge key by key, lists are concatenated, anything else
is replaced; an overlay switches inherited rules off by id with ``disable``.

Every rule may carry an ``id``, a ``message`` (placeholders such as ``{match}`` and ``{fix}``),
a ``rationale``, a ``source`` link and a ``severity``. The JSON Schema of the format is
:func:`guide_schema` (``copyguard brand schema``; committed as ``docs/brand-guide.schema.json``).
"""

from __future__ import annotations

import hashlib
import json
import string
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from copyguard.errors import GuideError
from copyguard.model import Channel, Route, Severity
from copyguard.yamlpos import text_line

REGULATED_INDUSTRIES = frozenset({"pharma", "pharmaceutical", "healthcare", "health", "insurance",
                                  "government", "finance", "financial"})
# Placeholders a rule's ``message`` may use (each finding fills the ones that apply).
MESSAGE_FIELDS = frozenset({"match", "fix", "count", "max", "min", "value", "metric", "channel",
                            "locale", "rule"})
RULE_ID = r"^[a-z0-9][a-z0-9_.-]*$"
Register = Literal["formal", "informal"]
Text = Annotated[str, StringConstraints(pattern=r"\S")]  # not empty or only spaces
Metric = Literal["flesch_kincaid_grade", "flesch_reading_ease", "gunning_fog", "smog_index",
                 "coleman_liau_index", "automated_readability_index", "lix",
                 "wiener_sachtextformel", "fernandez_huerta", "szigriszt_pazos", "gulpease_index"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def normalize_locale(tag: str) -> str:
    """``de_at`` -> ``de-AT``: language lower case, a two-letter region upper case."""
    parts = tag.replace("_", "-").split("-")
    parts[0] = parts[0].lower()
    if len(parts) > 1 and len(parts[-1]) == 2:
        parts[-1] = parts[-1].upper()
    return "-".join(parts)


class Rule(_Model):
    """Fields every rule may carry: an id, why it exists, where it comes from, how bad it is."""

    id: str | None = Field(None, pattern=RULE_ID)
    message: str | None = None
    rationale: str | None = None
    source: str | None = Field(None, description="a link or reference the rule comes from")
    severity: Severity | None = None

    @field_validator("message")
    @classmethod
    def _placeholders(cls, message: str | None) -> str | None:
        if message is None:
            return None
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(message) if name}
        except ValueError as exc:
            raise ValueError(f"malformed message template: {exc}") from exc
        unknown = names - MESSAGE_FIELDS
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)} in message; "
                             f"allowed: {sorted(MESSAGE_FIELDS)}")
        return message


class Term(Rule):
    """A term written one way only. ``exact_case``: any other casing of ``preferred`` is wrong
    (brand names); ``deprecated`` spellings are replaced by ``preferred``, matched as written
    when ``case_sensitive``, else in any case."""

    preferred: Text
    deprecated: list[Text] = []
    exact_case: bool = False
    case_sensitive: bool = False


class PhraseList(Rule):
    """Phrases that must not appear: ``banned`` words, forbidden ``claim``s or ``slang``.

    Matched on word boundaries, in any case unless ``case_sensitive``. ``inflect`` also matches
    the English inflections of a phrase's last word ("cure" -> "cured", "cheap" -> "cheapest").
    ``exceptions`` are longer phrases in which a match is allowed. ``regex`` phrases are RE2
    patterns (linear time, so a guide cannot hang the guard).
    """

    phrases: list[Text] = Field(min_length=1)
    kind: Literal["banned", "claim", "slang"] = "banned"
    case_sensitive: bool = False
    inflect: bool = True
    exceptions: list[Text] = []
    regex: bool = False

    @model_validator(mode="after")
    def _compile_regex(self) -> PhraseList:
        if self.regex:  # RE2 only, and not too large to match fast: copyguard.brand.regex
            from copyguard.brand.regex import PatternError, compile_pattern

            rule = f"rule {self.id!r}: " if self.id else ""
            for index, pattern in enumerate(self.phrases):
                try:
                    compile_pattern(pattern, case_sensitive=self.case_sensitive)
                except PatternError as exc:
                    raise ValueError(f"{rule}phrases[{index}] {pattern!r} is rejected: "
                                     f"{exc}") from exc
        return self


class Substitution(Rule):
    """``find`` is always replaced by ``replace`` (an automatic fix); ``inflect`` maps English
    inflections too ("utilized" -> "used")."""

    find: Text
    replace: str
    case_sensitive: bool = False
    inflect: bool = True


class Competitor(Rule):
    """A competitor the copy must never name (with other names it goes by)."""

    name: Text
    aliases: list[Text] = []


class Limit(Rule):
    """At most ``max`` occurrences per message (a bare number is shorthand for ``max``)."""

    max: int = Field(ge=0)


class AllCaps(Limit):
    """Words of ``min_length``+ letters written in capitals, except those in ``allow``."""

    max: int = Field(0, ge=0)
    min_length: int = Field(4, ge=2)
    allow: list[str] = []


class Limits(_Model):
    exclamation_marks: Limit | None = None
    emoji: Limit | None = None
    all_caps: AllCaps | None = None
    sentence_words: Limit | None = Field(None, description="maximum words per sentence")

    @field_validator("exclamation_marks", "emoji", "sentence_words", mode="before",
                     json_schema_input_type=Limit | int | None)
    @classmethod
    def _from_number(cls, value: Any) -> Any:
        """A bare number is shorthand for ``{max: number}``."""
        return {"max": value} if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("all_caps", mode="before", json_schema_input_type=AllCaps | int | None)
    @classmethod
    def _caps_from_number(cls, value: Any) -> Any:
        return cls._from_number(value)


class Required(Rule):
    """Text every draft of the given channels (and locales, if listed) must contain; with
    ``append`` the automatic fix appends it."""

    text: Text
    kind: Literal["tagline", "disclaimer", "other"] = "other"
    channels: list[Channel] = list(Channel)
    locales: list[str] = Field([], description="empty: every locale; else languages or locales")
    case_sensitive: bool = False
    append: bool = True

    @field_validator("locales")
    @classmethod
    def _locales(cls, values: list[str]) -> list[str]:
        return [normalize_locale(v) for v in values]


class Readability(Rule):
    """A reading-level bound for drafts in ``language`` of at least ``min_words`` words.

    Grade metrics (higher is harder) take ``max``; ease scores (``flesch_reading_ease``,
    ``fernandez_huerta``, ``szigriszt_pazos``, ``gulpease_index``) usually take ``min``.
    """

    language: str = Field(pattern=r"^[a-z]{2,3}$")
    metric: Metric = "flesch_kincaid_grade"
    max: float | None = None
    min: float | None = None
    min_words: int = Field(0, ge=0)
    channels: list[Channel] = list(Channel)

    @model_validator(mode="after")
    def _bounds(self) -> Readability:
        if self.max is None and self.min is None:
            raise ValueError("a readability rule needs 'max' or 'min'")
        import pyphen

        if pyphen.language_fallback(self.language) is None:
            raise ValueError(f"no hyphenation dictionary for language {self.language!r}, so "
                             "syllables (and reading level) cannot be computed")
        return self


class Voice(Rule):
    """Register of address: ``default``, and per language or locale in ``locales``."""

    default: Register = "formal"
    locales: dict[str, Register] = {}

    @field_validator("locales")
    @classmethod
    def _keys(cls, values: dict[str, Register]) -> dict[str, Register]:
        return {normalize_locale(k): v for k, v in values.items()}

    def register_for(self, locale: str) -> Register:
        locale = normalize_locale(locale)
        language = locale.split("-")[0]
        return self.locales.get(locale, self.locales.get(language, self.default))


class Personalization(_Model):
    """How much of a message may come from what the brand knows about the recipient."""

    max_share: float = Field(0.25, ge=0, le=1, description="share of words, 0..1")
    max_facts: int = Field(3, ge=0)
    max_name_uses: int = Field(1, ge=0)
    never_use: list[str] = Field([], description="recipient fields never used in copy")
    stale_after_days: int = Field(365, ge=0)
    recent_purchase_days: int = Field(90, ge=0)
    consumables: list[str] = []
    active_days: int = Field(30, ge=0)


class Pii(_Model):
    fix: Literal["redact", "mask", "replace"] = "replace"
    score_threshold: float = Field(0.5, ge=0, le=1)
    allow: list[str] = Field([], description="the brand's own PII-like values (hotline, shop "
                             "address, people named in copy); never the recipient's data")


class Routing(_Model):
    """How finding severities map to routes; an audit sample of passes; regulated industries."""

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
    """Relax a locale rule (see the locale check) by id: switch it off or change its severity,
    in every locale or only in ``locales``."""

    disable: bool = False
    severity: Severity | None = None
    locales: list[str] = []


class GuideBody(_Model):
    """Everything a guide or an overlay may say. Every field is optional in an overlay."""

    industry: str | None = None
    domains: list[str] = Field([], description="the brand's own domains (PII allow-list)")
    senders: list[str] = Field([], description="the brand's sender addresses (PII allow-list)")
    terms: list[Term] = []
    banned: list[PhraseList] = []
    substitutions: list[Substitution] = []
    competitors: list[Competitor] = []
    limits: Limits = Limits()
    required: list[Required] = []
    readability: list[Readability] = []
    voice: Voice = Voice()
    personalization: Personalization = Personalization()
    pii: Pii = Pii()
    routing: Routing = Routing()
    locale_rules: dict[str, LocaleRuleOverride] = {}
    disable: list[str] = Field([], description="ids of rules that do not apply (in overlays)")

    @field_validator("domains", "senders")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [value.strip().lower() for value in values]

    @field_validator("competitors", mode="before", json_schema_input_type=list[Competitor | str])
    @classmethod
    def _competitor_names(cls, values: Any) -> Any:
        """A bare string is shorthand for ``{name: string}``."""
        if isinstance(values, list):
            return [{"name": v} if isinstance(v, str) else v for v in values]
        return values

    def rules(self) -> Iterator[tuple[str, Rule]]:
        """Every rule with its id (``section.index`` when the rule has none)."""
        sections: dict[str, list[Any]] = {
            "terms": self.terms, "banned": self.banned, "substitutions": self.substitutions,
            "competitors": self.competitors, "required": self.required,
            "readability": self.readability}
        for section, items in sections.items():
            for index, rule in enumerate(items):
                yield rule.id or f"{section}.{index}", rule
        for name in ("exclamation_marks", "emoji", "all_caps", "sentence_words"):
            limit = getattr(self.limits, name)
            if limit is not None:
                yield limit.id or f"limits.{name}", limit
        yield self.voice.id or "voice", self.voice

    @model_validator(mode="after")
    def _unique_ids(self) -> GuideBody:
        seen: set[str] = set()
        for rule_id, _ in self.rules():
            if rule_id in seen:
                raise ValueError(f"rule id {rule_id!r} is used twice")
            seen.add(rule_id)
        return self


class Overlays(_Model):
    """Partial guides merged over the base for a language or locale, and for a channel."""

    locales: dict[str, GuideBody] = {}
    channels: dict[Channel, GuideBody] = {}

    @field_validator("locales")
    @classmethod
    def _keys(cls, values: dict[str, GuideBody]) -> dict[str, GuideBody]:
        return {normalize_locale(k): v for k, v in values.items()}


_IDENTITY = frozenset({"id", "name", "version", "owner", "extends", "description"})
_RESOLVE_LOCK = threading.Lock()


class BrandGuide(GuideBody):
    """A brand's complete guide: identity, the rules, and overlays per locale and channel."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str | None = None
    version: str = "1"
    owner: str | None = None
    extends: str | None = None
    description: str | None = None
    overlays: Overlays = Overlays()

    @model_validator(mode="after")
    def _overlays_apply(self) -> BrandGuide:
        """Each overlay must merge into a valid guide whose ``disable`` ids exist."""
        layers = [(f"overlays.locales.{k}", v) for k, v in self.overlays.locales.items()]
        layers += [(f"overlays.channels.{k}", v) for k, v in self.overlays.channels.items()]
        known = {rule_id for rule_id, _ in self.rules()}
        for where, layer in layers:
            merged = self._merged([layer])
            unknown = set(merged.disable) - known - {i for i, _ in layer.rules()}
            if unknown:
                raise ValueError(f"{where}.disable names unknown rule(s) {sorted(unknown)}")
        unknown = set(self.disable) - known
        if unknown:
            raise ValueError(f"disable names unknown rule(s) {sorted(unknown)}")
        return self

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    @property
    def regulated(self) -> bool:
        regulated = {name.casefold() for name in self.routing.regulated_industries}
        return (self.industry or "").casefold() in regulated

    @cached_property
    def _resolutions(self) -> dict[tuple[str, Channel], ResolvedGuide]:
        return {}

    def resolve(self, locale: str, channel: Channel | str) -> ResolvedGuide:
        """The guide as it applies to one locale and channel (overlays merged in; cached)."""
        key = (normalize_locale(locale), Channel(channel))
        resolved = self._resolutions.get(key)
        if resolved is None:
            with _RESOLVE_LOCK:
                resolved = self._resolutions.get(key)
                if resolved is None:
                    resolved = self._resolve(*key)
                    self._resolutions[key] = resolved
        return resolved

    def _resolve(self, locale: str, channel: Channel) -> ResolvedGuide:
        language = locale.split("-")[0]
        layers = [self.overlays.locales[k] for k in dict.fromkeys((language, locale))
                  if k in self.overlays.locales]
        if channel in self.overlays.channels:
            layers.append(self.overlays.channels[channel])
        return ResolvedGuide(self._merged(layers) if layers else self, locale, channel)

    def _merged(self, layers: list[GuideBody]) -> BrandGuide:
        data = self.model_dump(exclude={"overlays"})
        for layer in layers:
            data = merge(data, layer.model_dump(exclude_unset=True))
        return BrandGuide.model_validate(data)

    def active_rules(self) -> Iterator[tuple[str, Rule]]:
        """Rules not switched off by ``disable``."""
        off = set(self.disable)
        return ((rule_id, rule) for rule_id, rule in self.rules() if rule_id not in off)


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


def inherit(parent: BrandGuide, child: Mapping[str, Any]) -> dict[str, Any]:
    """Child guide data with everything the parent set merged underneath it."""
    inherited = parent.model_dump(exclude=set(_IDENTITY), exclude_unset=True)
    return merge(inherited, {k: v for k, v in child.items()})


DEFAULT_GUIDE = BrandGuide(id="default", name="Default policy", version="1",
                           description="Used when a draft names no brand.")


class GuideValidationError(GuideError):
    """A guide that failed validation; ``problems`` lists every (line, field, message)."""

    def __init__(self, path: Path | str | None,
                 problems: list[tuple[int | None, str | None, str]]) -> None:
        self.problems = problems
        line, field, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(path, line, field, message + more)

    def __reduce__(self) -> tuple[Any, ...]:
        return GuideValidationError, (self.path, self.problems)

    def lines(self) -> list[str]:
        """One ``file:line: field 'x': message`` line per problem."""
        out = []
        for line, field, message in self.problems:
            where = ":".join(str(p) for p in (self.path, line) if p is not None) or "<guide>"
            at = f" field {field!r}:" if field else ""
            out.append(f"{where}:{at} {message}")
        return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys (YAML would silently keep the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)


def parse_guide_text(text: str, path: Path | str | None = None) -> dict[str, Any]:
    """Parse guide YAML, raising :class:`GuideError` with the line for YAML problems."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise GuideError(path, line, None, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise GuideError(path, 1, None, "a brand guide must be a YAML mapping")
    return data


def load_guide_data(path: Path) -> dict[str, Any]:
    """Read a guide file, raising :class:`GuideError` with the line for YAML problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError(path, None, None, f"cannot read file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise GuideError(path, None, None, f"not UTF-8 text: {exc.reason}") from exc
    return parse_guide_text(text, path)


def validate_guide(data: Mapping[str, Any], path: Path | None = None) -> BrandGuide:
    """Validate guide data; errors name the file, the line and the field path."""
    try:
        return BrandGuide.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = line_of(path, loc) if path else None
            field = ".".join(str(part) for part in loc) or None
            message = error["msg"].removeprefix("Value error, ")
            problems.append((line, field, message))
        raise GuideValidationError(path, problems) from exc


def line_of(path: Path, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or its nearest existing parent)."""
    try:
        return text_line(path.read_text(encoding="utf-8"), loc)
    except (OSError, UnicodeDecodeError):
        return None


def load_guide(path: Path, parents: Mapping[str, BrandGuide] | None = None) -> BrandGuide:
    """Load and validate one guide file, merging in its ``extends`` parent if given.

    The file is validated on its own first, so errors point at its own lines.
    """
    data = load_guide_data(path)
    parent_id = data.get("extends")
    if parent_id is None:
        return validate_guide(data, path)
    parent = (parents or {}).get(parent_id)
    if parent is None:
        known = ", ".join(sorted(parents or {})) or "none"
        raise GuideError(path, line_of(path, ("extends",)), "extends",
                         f"unknown parent guide {parent_id!r}; known guides: {known}")
    validate_guide(data, path)
    return validate_guide(inherit(parent, data), path)


def guide_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def guide_schema() -> dict[str, Any]:
    """The published JSON Schema of the brand-guide format."""
    schema = BrandGuide.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://copyguard.dev/schemas/brand-guide.schema.json"
    schema["title"] = "copyguard brand guide"
    return schema


def schema_json() -> str:
    return json.dumps(guide_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
