"""Format rules checked against CLDR (Babel): dates, currency, separators, decimals, clock."""

from __future__ import annotations

import re
from datetime import date, time

from babel.dates import format_date, format_time
from babel.numbers import get_currency_precision, get_currency_symbol

from copyguard.locales.facts import normalize_symbol, symbol_currencies
from copyguard.locales.matching import RuleMatch, Scan
from copyguard.locales.numbers import Money, matches_at, normalize_separator, percent_numbers
from copyguard.locales.packs import CompiledRule
from copyguard.locales.text import fold

# Each pattern can only match where a run of digits starts (``numbers.matches_at`` tries just
# those places); (?=\d) first still makes other positions fail fast under ``finditer``.
_DATE_RE = re.compile(r"(?=\d)(?<![\d./-])(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?!\d|[./-]\d)")
_TIME12_RE = re.compile(r"(?=\d)(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?[ \u00a0\u202f]?([ap])"
                        r"(?:\.m\.|m)(?![a-z])", re.IGNORECASE)
_TIME24_RE = re.compile(r"(?=\d)(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)(?!\d|:\d)")  # not hh:mm:ss
_ORDERS = {"DMY": (0, 1, 2), "MDY": (1, 0, 2), "YMD": (2, 1, 0)}  # index of d, m, y


def _readings(parts: tuple[str, str, str]) -> dict[str, date]:
    """Every valid reading of a numeric date, by order ("DMY", "MDY", "YMD")."""
    orders = ("YMD",) if len(parts[0]) == 4 else ("DMY", "MDY") if len(parts[2]) in (2, 4) \
        else ()
    out = {}
    for order in orders:
        d, m, y = (int(parts[i]) for i in _ORDERS[order])
        if len(parts[_ORDERS[order][2]]) == 2:
            y += 2000
        try:
            out[order] = date(y, m, d)
        except ValueError:
            continue
    return out


def _numeric_dates(scan: Scan) -> list[tuple[re.Match[str], dict[str, date]]]:
    """Numeric dates with more than one possible order, and their valid readings."""
    out = []
    for match in matches_at(_DATE_RE, scan.text, scan.digit_runs):
        readings = _readings((match.group(1), match.group(3), match.group(4)))
        if readings and "YMD" not in readings:  # ISO-like year-first dates are unambiguous
            out.append((match, readings))
    return out


def numeric_date(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    facts = scan.pack.facts
    if facts.babel is None or facts.date_order is None:
        return []
    out = []
    for match, readings in scan.memo("numeric_dates", lambda: _numeric_dates(scan)):
        values = {"match": match.group(0), "order": _order_name(facts.date_order)}
        local = readings.get(facts.date_order)
        if rule.spec.kind == "numeric_date_order" and local is None:
            only = next(iter(readings.values())) if len(readings) == 1 else None
            fix = format_date(only, "medium", locale=facts.babel) if only else None
            out.append(RuleMatch(rule, match.start(), match.end(), values, fix))
        elif rule.spec.kind == "numeric_date_ambiguous" and local is not None \
                and facts.date_order != "MDY" and match.group(2) != "." \
                and any(d != local for d in readings.values()):
            values["reading"] = format_date(local, "long", locale=facts.babel)
            out.append(RuleMatch(rule, match.start(), match.end(), values))
    return out


def _order_name(order: str) -> str:
    return "/".join({"D": "day", "M": "month", "Y": "year"}[c] for c in order)


def _local_symbol(scan: Scan) -> str:
    facts = scan.pack.facts
    assert facts.currency is not None and facts.babel is not None
    return get_currency_symbol(facts.currency, facts.babel)


def currency_symbol(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    facts = scan.pack.facts
    if facts.currency is None or not scan.signed:
        return []
    out = []
    for money in scan.money:
        if money.kind == "symbol" and not facts.is_local_symbol(money.marker):
            out.append(RuleMatch(rule, money.marker_start, money.marker_end, {
                "match": money.marker, "currency": facts.currency,
                "local_symbol": _local_symbol(scan)}))
    return out


def number_separators(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    facts = scan.pack.facts
    if facts.decimal is None or facts.group is None:
        return []
    if not scan.separated:  # every number checked is one of scan.numbers
        return []
    decimal, group = normalize_separator(facts.decimal), normalize_separator(facts.group)
    checked = {m.number for m in scan.money} | set(percent_numbers(scan.text, scan.numbers))
    checked |= {n for n in scan.numbers if len({normalize_separator(s) for s in n.seps}) > 1}
    out = []
    for number in sorted(checked, key=lambda n: n.start):
        if not number.ascii or not number.seps or number.ambiguous:
            continue
        index = number.decimal_index
        seps = [normalize_separator(s) for s in number.seps]
        wrong_decimal = index is not None and seps[index] != decimal
        wrong_group = any(s != group for i, s in enumerate(seps) if i != index)
        if wrong_decimal or wrong_group:
            out.append(RuleMatch(rule, number.start, number.end, {
                "match": number.text, "decimal": facts.decimal, "group": facts.group},
                number.rebuilt(facts.decimal, facts.group)))
    return out


def _money_currency(scan: Scan, money: Money) -> str | None:
    facts = scan.pack.facts
    if money.kind == "code":
        return money.marker
    if money.kind == "symbol":
        if facts.is_local_symbol(money.marker):
            return facts.currency
        candidates = symbol_currencies().get(normalize_symbol(money.marker), frozenset())
    else:
        candidates = scan.pack.currency_words.get(fold(money.marker), frozenset())
        if facts.currency in candidates:
            return facts.currency
    precisions = {get_currency_precision(code) for code in candidates}
    return min(candidates) if len(precisions) == 1 else None


def currency_decimals(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    if not scan.separated:  # no number has a decimal part
        return []
    out = []
    for money in scan.money:
        currency = _money_currency(scan, money)
        if currency is None or not money.number.fraction:
            continue
        precision = get_currency_precision(currency)
        if len(money.number.fraction) > precision:
            out.append(RuleMatch(rule, money.start, money.end, {
                "match": scan.text[money.start:money.end], "currency": currency,
                "precision": str(precision)}))
    return out


def clock(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    """A 12-hour time (``10 PM``) where the locale writes the 24-hour clock."""
    facts = scan.pack.facts
    if facts.babel is None or facts.clock != 24:
        return []
    out = []
    for match in matches_at(_TIME12_RE, scan.text, scan.digit_runs):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            continue
        hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
        out.append(_clock_match(rule, scan, match, time(hour, minute)))
    return out


def clock_24h(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    """A 24-hour time that only the 24-hour clock can show (``18:30``, ``0:15``) where the
    locale writes the 12-hour clock; ``10:30`` could be either and passes."""
    facts = scan.pack.facts
    if facts.babel is None or facts.clock != 12:
        return []
    out = []
    for match in matches_at(_TIME24_RE, scan.text, scan.digit_runs):
        hour = int(match.group(1))
        if hour >= 13 or hour == 0:
            out.append(_clock_match(rule, scan, match, time(hour, int(match.group(2)))))
    return out


def _clock_match(rule: CompiledRule, scan: Scan, match: re.Match[str], when: time) -> RuleMatch:
    facts = scan.pack.facts
    local = format_time(when, "short", locale=facts.babel).replace("\u202f", " ")
    return RuleMatch(rule, match.start(), match.end(),
                     {"match": match.group(0), "local": local, "clock": f"{facts.clock}-hour"},
                     local)
