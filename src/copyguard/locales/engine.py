"""The locale engine: a locale's compiled pack, a brand's overrides on top, rules run on a draft.

Brand guides relax rules through ``locale_rules`` (rule id or ``fnmatch`` pattern such as
``symbolism.*`` → ``disable`` and/or ``severity``, optionally only for some ``locales``, which
may be tags, languages or patterns like ``ar-*``). The rule set for one (locale, guide digest)
is computed once and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path

from spacy.tokens import Doc

from copyguard.guides import BrandGuide, LocaleRuleOverride
from copyguard.locales import formats, matching, names
from copyguard.locales.matching import RuleMatch, Scan
from copyguard.locales.packs import CompiledRule, LocalePack, PackLibrary
from copyguard.locales.tags import LocaleTag, parse_tag
from copyguard.model import Draft

MAX_GUIDED = 4096  # cached (locale, guide digest) rule sets
Evaluator = Callable[[CompiledRule, Scan], list[RuleMatch]]
EVALUATORS: Mapping[str, Evaluator] = {
    "phrase": matching.phrase,
    "cooccurrence": matching.phrase,
    "number": matching.number,
    "unit": matching.unit,
    "season": matching.season,
    "western_name_order": names.name_rule,
    "given_name_only": names.name_rule,
    "missing_honorific": names.name_rule,
    "numeric_date_order": formats.numeric_date,
    "numeric_date_ambiguous": formats.numeric_date,
    "currency_symbol": formats.currency_symbol,
    "number_separators": formats.number_separators,
    "currency_decimals": formats.currency_decimals,
    "clock": formats.clock,
    "clock_24h": formats.clock_24h,
}
# Kinds that only read numbers written with digits (each of their patterns needs a ``\d``
# match): on a draft without a digit they find nothing, so they are not run there.
DIGIT_KINDS = frozenset({
    "unit", "numeric_date_order", "numeric_date_ambiguous", "currency_symbol",
    "number_separators", "currency_decimals", "clock", "clock_24h",
})
Step = tuple[Evaluator, CompiledRule]


@dataclass(frozen=True, slots=True)
class GuidedRules:
    """A locale's rules as one brand guide wants them, each with its evaluator (``steps``);
    ``digitless`` are the steps that can match a draft without digits."""

    pack: LocalePack
    rules: tuple[CompiledRule, ...]
    disabled: tuple[str, ...]
    unknown_overrides: tuple[str, ...]
    steps: tuple[Step, ...]
    digitless: tuple[Step, ...]

    @classmethod
    def of(cls, pack: LocalePack, rules: Sequence[CompiledRule], disabled: Sequence[str],
           unknown_overrides: tuple[str, ...]) -> GuidedRules:
        steps = tuple((EVALUATORS[rule.spec.kind], rule) for rule in rules)
        digitless = tuple(step for step in steps if step[1].spec.kind not in DIGIT_KINDS)
        return cls(pack, tuple(rules), tuple(disabled), unknown_overrides, steps, digitless)

    def to_run(self, scan: Scan) -> tuple[Step, ...]:
        """The rules (with their evaluators) that can match the scanned draft."""
        return self.steps if scan.digit_runs else self.digitless


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the engine found for one draft; ``pack`` is ``None`` when no locale pack applies."""

    tag: LocaleTag
    pack: LocalePack | None
    matches: tuple[RuleMatch, ...] = ()
    unknown_overrides: tuple[str, ...] = ()


def locale_matches(patterns: Sequence[str], tag: LocaleTag) -> bool:
    """Whether an override's ``locales`` list covers ``tag`` (empty covers every locale)."""
    return not patterns or any(
        fnmatchcase(tag.tag, p) or p == tag.language or p == f"und-{tag.region}"
        for p in patterns)


class LocaleEngine:
    """Thread-safe: packs and per-guide rule sets are built once under a lock."""

    def __init__(self, pack_dirs: Sequence[Path | str] = ()) -> None:
        self.library = PackLibrary(pack_dirs)
        self._known_ids = self.library.rule_ids()
        self._guided: dict[tuple[str, str], GuidedRules | None] = {}
        self._lock = threading.Lock()

    def rules_for(self, locale: str, guide: BrandGuide) -> GuidedRules | None:
        key = (parse_tag(locale).tag, guide.digest)
        with self._lock:
            if key not in self._guided:
                if len(self._guided) >= MAX_GUIDED:  # guide churn: start over, never grow
                    self._guided.clear()
                self._guided[key] = self._guide_rules(locale, guide)
            return self._guided[key]

    def unknown_overrides(self, guide: BrandGuide) -> tuple[str, ...]:
        """Override keys of the guide that name no rule of any pack (likely typos)."""
        return tuple(sorted(pattern for pattern in guide.locale_rules
                            if not any(fnmatchcase(i, pattern) for i in self._known_ids)))

    def _guide_rules(self, locale: str, guide: BrandGuide) -> GuidedRules | None:
        pack = self.library.pack(locale)
        if pack is None:
            return None
        register = guide.voice.register_for(pack.tag.tag)
        overrides = [(pattern, override) for pattern, override in guide.locale_rules.items()
                     if locale_matches(override.locales, pack.tag)]
        rules, disabled = [], []
        for rule in pack.rules:
            if rule.spec.when.voice is not None and register not in rule.spec.when.voice:
                continue
            adjusted = _apply(rule, overrides)
            if adjusted is None:
                disabled.append(rule.id)
            else:
                rules.append(adjusted)
        return GuidedRules.of(pack, rules, disabled, self.unknown_overrides(guide))

    def evaluate(self, draft: Draft, guide: BrandGuide, doc: Callable[[], Doc]) -> Outcome:
        tag = parse_tag(draft.locale)
        guided = self.rules_for(draft.locale, guide)
        if guided is None:
            return Outcome(tag, None, (), self.unknown_overrides(guide))
        scan = Scan(draft, guided.pack, doc)
        found: list[RuleMatch] = []
        for evaluator, rule in guided.to_run(scan):
            found.extend(evaluator(rule, scan))
        found.sort(key=lambda m: (m.start, m.end, m.rule.id))
        return Outcome(tag, guided.pack, tuple(found), guided.unknown_overrides)


def _apply(rule: CompiledRule,
           overrides: Sequence[tuple[str, LocaleRuleOverride]]) -> CompiledRule | None:
    """The rule after the guide's overrides, ``None`` if disabled. Overrides apply from the
    least to the most specific pattern (exact ids last), so the most specific one wins."""
    disabled, severity = False, rule.severity
    for pattern, override in sorted(overrides, key=lambda item: _specificity(item[0])):
        if fnmatchcase(rule.id, pattern):
            disabled = override.disable
            severity = override.severity or severity
    return None if disabled else replace(rule, severity=severity)


def _specificity(pattern: str) -> tuple[int, int]:
    wildcard = any(c in pattern for c in "*?[")
    return (0 if wildcard else 1, len(pattern))
