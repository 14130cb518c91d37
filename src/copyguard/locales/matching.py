"""Lexicon-driven rule kinds: phrases, co-occurrence, numbers, units and seasons.

Each evaluator takes a compiled rule and the draft's :class:`Scan` and returns
:class:`RuleMatch` objects; the locale check turns those into findings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from babel.numbers import format_decimal
from spacy.tokens import Doc

from copyguard.lazy import lazy  # cached_property without its lock
from copyguard.locales.facts import measurement_data
from copyguard.locales.numbers import (
    SPACES,
    Money,
    NumberSpan,
    digit_runs,
    find_money,
    find_numbers,
    may_have_separators,
    may_have_sign,
)
from copyguard.locales.packs import (
    CURRENCY_WORD,
    NUMERAL,
    CompiledRule,
    LocalePack,
    unit_concept,
)
from copyguard.locales.schema import (
    CooccurrenceRule,
    NumberRule,
    NumberSpec,
    PhraseRule,
    SeasonRule,
    UnitRule,
    Window,
)
from copyguard.locales.text import Hit, HitIndex, TokenIndex
from copyguard.model import Draft, no_data

T = TypeVar("T")
EMPTY_INDEX = HitIndex(())
_SEPARATING = frozenset({"Po", "Ps", "Pe", "Pi", "Pf"})
OPPOSITE_SEASON = {"winter": "summer", "summer": "winter", "spring": "autumn",
                   "autumn": "spring"}
SEASON_CONCEPTS = frozenset(f"season_{name}" for name in OPPOSITE_SEASON)


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One place where a rule applies: ``text[start:end]``, message values, optional fix."""

    rule: CompiledRule
    start: int
    end: int
    values: Mapping[str, str] = field(default_factory=no_data)
    fix: str | None = None


class Scan:
    """Per-draft matching state: lexicon hits up front, tokens and numbers on demand."""

    def __init__(self, draft: Draft, pack: LocalePack, doc: Callable[[], Doc]) -> None:
        self.draft = draft
        self.text = draft.text
        self.pack = pack
        self._doc = doc
        self.by_concept: dict[str, list[Hit]] = {}
        self._indexes: dict[tuple[str, ...], HitIndex] = {}
        self._memo: dict[str, Any] = {}
        for hit in pack.lexicon.find(self.text):
            self.by_concept.setdefault(hit.concept, []).append(hit)

    def hits(self, concepts: Iterable[str]) -> HitIndex:
        key = tuple(concepts)
        index = self._indexes.get(key)
        if index is None:
            found = [h for c in key for h in self.by_concept.get(c, ())]
            index = self._indexes[key] = HitIndex(found) if found else EMPTY_INDEX
        return index

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per draft, shared by the rules that need it (dates, times)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    @lazy
    def tokens(self) -> TokenIndex:
        return TokenIndex(self._doc())

    @lazy
    def digit_runs(self) -> list[tuple[int, int]]:
        """The runs of digits: every number, date or time starts where one starts."""
        return digit_runs(self.text)

    @lazy
    def numbers(self) -> list[NumberSpan]:
        group = self.pack.facts.group or ""
        return find_numbers(self.text, space_grouping=bool(group) and group in SPACES,
                            runs=self.digit_runs)

    @lazy
    def separated(self) -> bool:
        """Whether some number has a separator: only those can have a decimal part."""
        return may_have_separators(self.text, self.digit_runs) and any(
            number.seps for number in self.numbers)

    @lazy
    def signed(self) -> bool:
        """Whether the text may hold a currency sign: only then can money have a symbol."""
        return may_have_sign(self.text)

    @lazy
    def money(self) -> list[Money]:
        words = [(hit.start, hit.end) for hit in self.by_concept.get(CURRENCY_WORD, ())]
        return find_money(self.text, self.numbers, words)

    def scaled(self, window: Window) -> Window:
        scale = self.pack.language.window_scale
        return Window(before=round(window.before * scale), after=round(window.after * scale))

    def near(self, anchor: Hit, concepts: Iterable[str], window: Window) -> Hit | None:
        """A hit of ``concepts`` within ``window`` words of ``anchor`` (same sentence)."""
        return self.hits(concepts).near(anchor, self.tokens, window.before, window.after)

    def cancelled(self, hit: Hit, unless: list[str], window: int | None) -> bool:
        """Whether an ``unless`` hit overlaps ``hit`` or lies within ``window`` words."""
        index = self.hits(unless)
        return bool(index) and index.near(hit, self.tokens, window, window) is not None


def longest(hits: Iterable[Hit]) -> list[Hit]:
    """Drop hits lying inside a longer kept hit (``白いバラ`` over ``白い``)."""
    kept: list[Hit] = []
    reach = -1
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.end > reach:
            kept.append(hit)
            reach = hit.end
    return kept


def phrase(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    spec = rule.spec
    assert isinstance(spec, PhraseRule | CooccurrenceRule)
    out = []
    for hit in longest(scan.hits(spec.target)):
        if scan.cancelled(hit, spec.unless, spec.unless_window):
            continue
        values = {"match": scan.text[hit.start:hit.end]}
        if isinstance(spec, CooccurrenceRule):
            window = scan.scaled(spec.window)
            if spec.order == "modifier" and scan.pack.language.adjective_position == "after":
                window = Window(before=window.after, after=window.before)
            context = scan.near(hit, spec.context, window)
            if context is None or (spec.order == "modifier"
                                   and _punctuated(scan.text, hit, context)):
                continue  # a colour modifies a noun of its own clause ("白色运动鞋，送礼")
            values["context"] = scan.text[context.start:context.end]
        out.append(RuleMatch(rule, hit.start, hit.end, values))
    return out


def _number_fits(value: int, spec: NumberSpec) -> bool:
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        return False
    if spec.parity is not None and (value % 2 == 0) != (spec.parity == "even"):
        return False
    if spec.last_digit is not None:
        significant = str(value).rstrip("0")
        return bool(significant) and int(significant[-1]) in spec.last_digit
    return True


def _punctuated(text: str, a: Hit, b: Hit) -> bool:
    """Whether punctuation other than dashes separates the two hits: a number belongs to the
    counter or price next to it, not to one across a comma ("네, 박스 포장": "yes, a box")."""
    between = text[a.end:b.start] if b.start >= a.end else text[b.end:a.start]
    return any(unicodedata.category(c) in _SEPARATING for c in between)


def number(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    spec = rule.spec
    assert isinstance(spec, NumberRule)
    candidates = [(Hit(NUMERAL, n.start, n.end, n.integer), n.text) for n in scan.numbers]
    candidates += [(hit, scan.text[hit.start:hit.end]) for hit in scan.hits([NUMERAL])]
    out = []
    for hit, shown in candidates:
        if hit.value is None or not _number_fits(hit.value, spec.number):
            continue
        if scan.cancelled(hit, spec.unless, spec.unless_window):
            continue
        near = scan.near(hit, spec.context, scan.scaled(spec.window))
        if near is not None and not _punctuated(scan.text, hit, near):
            out.append(RuleMatch(rule, hit.start, hit.end,
                                 {"match": shown, "number": str(hit.value),
                                  "context": scan.text[near.start:near.end]}))
    return out


def unit(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    spec = rule.spec
    assert isinstance(spec, UnitRule)
    named = [(name, scan.by_concept[concept]) for name in spec.units
             if (concept := unit_concept(name)) in scan.by_concept]
    if not named:  # no unit words: the numbers are not needed
        return []
    ends = {n.end: n for n in scan.numbers}
    if not ends:
        return []
    conversions = measurement_data().to_metric
    out = []
    for name, hits in named:
        for hit in longest(hits):
            amount = next((ends[end] for end in (hit.start, hit.start - 1) if end in ends
                           and not scan.text[end:hit.start].strip(SPACES)), None)
            if amount is None:
                continue
            if scan.cancelled(Hit(hit.concept, amount.start, hit.end), spec.unless,
                              spec.unless_window):
                continue
            values = {"match": scan.text[amount.start:hit.end], "unit": name}
            if name in conversions and scan.pack.facts.babel is not None:
                value = float(f"{amount.integer}.{amount.fraction or 0}")
                conversion = conversions[name]
                metric = format_decimal(round(conversion.convert(value), 1),
                                        locale=scan.pack.facts.babel)
                values["metric"] = f"{metric} {conversion.unit}"
            out.append(RuleMatch(rule, amount.start, hit.end, values))
    return out


def season(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    spec = rule.spec
    assert isinstance(spec, SeasonRule)
    sent = scan.draft.campaign.sent_at
    hemisphere = scan.pack.facts.hemisphere
    if sent is None or hemisphere is None or not scan.by_concept.keys() & SEASON_CONCEPTS:
        return []
    month = sent.month if hemisphere == "north" else (sent.month + 5) % 12 + 1
    current = next(name for name, months in scan.pack.seasons.items() if month in months)
    wrong = OPPOSITE_SEASON[current]
    out = []
    for hit in longest(scan.hits([f"season_{wrong}"])):
        if scan.cancelled(hit, spec.unless, None):
            continue
        out.append(RuleMatch(rule, hit.start, hit.end, {
            "match": scan.text[hit.start:hit.end], "season": wrong, "current": current,
            "hemisphere": hemisphere, "sent": sent.date().isoformat()}))
    return out

