"""Rule packs: reading the data files, merging them along a locale's chain, compiling once.

Merging follows one rule per section: lexicon terms, numerals, units and currency words
*accumulate* from root to the most specific file; rule fields are *replaced* by the more
specific file (nested ``window``/``when`` key by key), so ``und-IT.yaml`` can switch on a rule
``root.yaml`` defines and cite its own source. Every file is read and checked when the library
is built (a broken pack fails the guard's construction, not a draft); a locale's compiled pack
is built on first use and cached.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from copyguard.locales.facts import DATA_DIR, LocaleFacts, locale_facts, measurement_data
from copyguard.locales.schema import (
    CooccurrenceRule,
    FormatRule,
    LanguageSettings,
    LocalePackError,
    NameRule,
    NumberRule,
    PackFile,
    PhraseRule,
    RuleSpec,
    SeasonRule,
    SeverityTable,
    UnitRule,
)
from copyguard.locales.tags import ROOT, LocaleTag, parse_tag
from copyguard.locales.text import Lexicon, fold
from copyguard.model import Severity
from copyguard.yamlpos import text_line

PACK_NAME_RE = re.compile(
    r"^(root|und-([A-Z]{2}|\d{3})|[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?)$")
SEASONS = ("winter", "spring", "summer", "autumn")
NUMERAL = "numeral"
CURRENCY_WORD = "currency_word"
_RULE_ADAPTER: TypeAdapter[RuleSpec] = TypeAdapter(RuleSpec)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def unit_concept(unit: str) -> str:
    return f"unit:{unit}"


@dataclass(frozen=True, slots=True)
class Layer:
    name: str
    path: Path
    pack: PackFile


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    severity: Severity
    defined_in: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True, slots=True)
class LocalePack:
    """Everything the locale check needs for one locale, built once."""

    tag: LocaleTag
    layers: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    inert: tuple[str, ...]  # active rules this locale's lexicon cannot match (no terms)
    lexicon: Lexicon
    terms: Mapping[str, tuple[str, ...]]  # folded terms per concept
    language: LanguageSettings
    facts: LocaleFacts
    currency_words: Mapping[str, frozenset[str]]
    seasons: Mapping[str, tuple[int, ...]]


def read_pack(path: Path) -> PackFile:
    """Read and validate one pack file; errors name the file, line and field."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_Loader)  # a safe loader (C if available)
    except OSError as exc:
        raise LocalePackError(str(path), f"cannot read file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LocalePackError(str(path), f"invalid YAML: {getattr(exc, 'problem', exc)}",
                              line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise LocalePackError(str(path), "a locale pack must be a YAML mapping", line=1)
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        raise LocalePackError(str(path), error["msg"], line=_line_of(text, loc),
                              field=".".join(map(str, loc)) or None) from exc


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    return text_line(text, loc)


class PackLibrary:
    """The rule packs of the built-in data directory plus any extra directories.

    A file in an extra directory with the name of a built-in one is one more layer on top of
    it (a brand or plugin can extend ``fr.yaml`` without copying it).
    """

    def __init__(self, extra_dirs: Sequence[Path | str] = ()) -> None:
        self.dirs = (DATA_DIR, *(Path(d) for d in extra_dirs))
        self._files: dict[str, list[Layer]] = {}
        for directory in self.dirs:
            if not directory.is_dir():
                raise LocalePackError(str(directory), "locale pack directory does not exist")
            for path in sorted(directory.glob("*.yaml")):
                if PACK_NAME_RE.match(path.stem):
                    self._files.setdefault(path.stem, []).append(
                        Layer(path.stem, path, read_pack(path)))
        if ROOT not in self._files:
            raise LocalePackError(str(DATA_DIR), "root.yaml is missing")
        self._check_references()
        self._packs: dict[str, LocalePack | None] = {}
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return sorted(self._files)

    def rule_ids(self) -> frozenset[str]:
        return frozenset(rule for layer in self._layers() for rule in layer.pack.rules)

    def pack(self, tag: str) -> LocalePack | None:
        """The compiled pack for ``tag``, or ``None`` when no language pack covers it."""
        parsed = parse_tag(tag)
        with self._lock:
            if parsed.tag not in self._packs:
                self._packs[parsed.tag] = self._compile(parsed)
            return self._packs[parsed.tag]

    def _layers(self) -> Iterator[Layer]:
        for layers in self._files.values():
            yield from layers

    def _check_references(self) -> None:
        """Every concept a rule names must be defined by some pack (catches typos early)."""
        known = {concept for layer in self._layers() for concept in layer.pack.lexicon}
        convertible = set(measurement_data().to_metric)
        for layer in self._layers():
            units = set(layer.pack.units).union(*(p.units or () for p in layer.pack.rules.values()))
            if units - convertible:
                raise LocalePackError(str(layer.path), "units without a conversion in "
                                      f"measurement.yaml: {', '.join(sorted(units - convertible))}",
                                      field="units")
            for rule_id, patch in layer.pack.rules.items():
                named = [*(patch.target or ()), *(patch.context or ()), *(patch.unless or ())]
                if patch.honorifics:
                    named.append(patch.honorifics)
                missing = sorted(set(named) - known)
                if missing:
                    raise LocalePackError(str(layer.path), f"rule {rule_id!r} names concepts "
                                          f"no pack defines: {', '.join(missing)}",
                                          field=f"rules.{rule_id}")

    def _compile(self, tag: LocaleTag) -> LocalePack | None:
        layers = [layer for name in tag.chain() for layer in self._files.get(name, ())]
        if not any(layer.name.split("-")[0] == tag.language for layer in layers):
            return None
        root = self._files[ROOT][0]
        if root.pack.facts is None or root.pack.severity is None:
            raise LocalePackError(str(root.path), "root.yaml needs 'facts' and 'severity'")
        language = _merge_models(LanguageSettings, [layer.pack.language for layer in layers])
        # Words (not rules) of the languages this one also reads, under its own words.
        worded = [layer for name in language.also_read if name != tag.language
                  for layer in self._files.get(name, ())] + layers
        lexicon_terms = _accumulate(layer.pack.lexicon for layer in worded)
        units = _accumulate(layer.pack.units for layer in worded)
        numerals = _accumulate(layer.pack.numerals for layer in layers)
        words = _accumulate(layer.pack.currency_words for layer in layers)
        entries: dict[str, list[str]] = {**lexicon_terms,
                                         **{unit_concept(u): t for u, t in units.items()},
                                         CURRENCY_WORD: list(words)}
        lexicon = Lexicon(entries, {NUMERAL: numerals}, language.clitics)
        facts = locale_facts(tag, root.pack.facts)
        table = _severity_table(layers)
        rules, inert = [], []
        for rule in _merged_rules(layers):
            if not rule.active or not _holds(rule, facts):
                continue
            if not _matchable(rule, lexicon, facts):
                inert.append(rule.id)
                continue
            defined = tuple(layer.name for layer in layers if rule.id in layer.pack.rules)
            rules.append(CompiledRule(rule, table[rule.nature][rule.confidence], defined))
        return LocalePack(
            tag=tag, layers=tuple(layer.name for layer in layers), rules=tuple(rules),
            inert=tuple(inert), lexicon=lexicon, language=language, facts=facts,
            terms={concept: tuple(fold(t.rstrip("*")) for t in terms)
                   for concept, terms in lexicon_terms.items()},
            currency_words={fold(word): frozenset(codes) for word, codes in words.items()},
            seasons={name: tuple(months) for name, months in root.pack.facts.seasons.items()},
        )


def _accumulate(sections: Iterator[Mapping[Any, list[Any]]]) -> dict[Any, list[Any]]:
    merged: dict[Any, list[Any]] = {}
    for section in sections:
        for key, values in section.items():
            bucket = merged.setdefault(key, [])
            bucket.extend(v for v in values if v not in bucket)
    return merged


def _merge_models(model: type[LanguageSettings],
                  patches: Sequence[LanguageSettings | None]) -> LanguageSettings:
    data: dict[str, Any] = {}
    for patch in patches:
        if patch is not None:
            data.update(patch.model_dump(exclude_unset=True))
    return model.model_validate(data)


def _severity_table(layers: Sequence[Layer]) -> SeverityTable:
    table: SeverityTable = {}
    for layer in layers:
        for nature, levels in (layer.pack.severity or {}).items():
            table.setdefault(nature, {}).update(levels)
    return table


def _merged_rules(layers: Sequence[Layer]) -> Iterator[RuleSpec]:
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, list[str]] = {}
    for layer in layers:
        for rule_id, patch in layer.pack.rules.items():
            merged[rule_id] = _deep_merge(merged.get(rule_id, {}),
                                          patch.model_dump(exclude_unset=True))
            origin.setdefault(rule_id, []).append(str(layer.path))
    for rule_id, data in merged.items():
        try:
            yield _RULE_ADAPTER.validate_python({"id": rule_id, **data})
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(p) for p in error["loc"][1:]) or None
            raise LocalePackError(" + ".join(origin[rule_id]),
                                  f"rule {rule_id!r}: {error['msg']}", field=field) from exc


def _deep_merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _holds(rule: RuleSpec, facts: LocaleFacts) -> bool:
    when = rule.when
    if when.measurement_system is not None and facts.measurement_system not in \
            when.measurement_system:
        return False
    return when.temperature is None or facts.temperature in when.temperature


def _matchable(rule: RuleSpec, lexicon: Lexicon, facts: LocaleFacts) -> bool:
    """Whether this locale has the terms (or CLDR data) the rule needs to ever match."""
    has = lexicon.concepts.__contains__
    if isinstance(rule, CooccurrenceRule):
        return any(map(has, rule.target)) and any(map(has, rule.context))
    if isinstance(rule, PhraseRule):
        return any(map(has, rule.target))
    if isinstance(rule, NumberRule):
        return any(map(has, rule.context))
    if isinstance(rule, UnitRule):
        return any(has(unit_concept(unit)) for unit in rule.units)
    if isinstance(rule, SeasonRule):
        return facts.hemisphere is not None and any(has(f"season_{s}") for s in SEASONS)
    if isinstance(rule, NameRule):
        return rule.kind == "western_name_order" or has(rule.honorifics)
    if isinstance(rule, FormatRule):
        return facts.babel is not None
    return True
