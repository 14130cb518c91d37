"""What a locale expects, from CLDR: via Babel where Babel has it, else ``measurement.yaml``.

Dates, clock, separators and currency come from Babel (CLDR 47 in Babel 2.18); measurement
systems, Fahrenheit territories and unit conversions from ``data/locales/measurement.yaml``;
hemispheres from ``root.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_time_format
from babel.numbers import (
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_territory_currencies,
    list_currencies,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copyguard.locales.schema import LocalePackError, MeasurementSystem, RootFacts, Url
from copyguard.locales.tags import LocaleTag

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "locales"
Hemisphere = Literal["north", "south"]


class Conversion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    unit: str
    factor: float
    offset: float = 0.0

    def convert(self, value: float) -> float:
        return (value + self.offset) * self.factor


class MeasurementData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: list[Url] = Field(min_length=1)
    license: str
    cldr_version: str
    measurement_system: dict[MeasurementSystem, list[str]]
    fahrenheit: list[str]
    to_metric: dict[str, Conversion]


@cache
def measurement_data() -> MeasurementData:
    path = DATA_DIR / "measurement.yaml"
    try:
        return MeasurementData.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        error = exc.errors()[0]
        raise LocalePackError(str(path), error["msg"],
                              field=".".join(map(str, error["loc"]))) from exc


@dataclass(frozen=True, slots=True)
class LocaleFacts:
    """The CLDR expectations format rules compare the copy against."""

    tag: LocaleTag
    babel: Locale | None
    currency: str | None
    measurement_system: MeasurementSystem
    temperature: Literal["celsius", "fahrenheit"]
    hemisphere: Hemisphere | None
    date_order: str | None  # "DMY", "MDY" or "YMD"
    clock: int | None  # 12 or 24
    decimal: str | None
    group: str | None
    currency_symbols: frozenset[str]  # the local currency's symbols, here and in English

    def is_local_symbol(self, symbol: str) -> bool:
        """``$`` in en-US, ``US$`` in en-US (country prefix of USD), ``A$`` in en-AU."""
        symbol = normalize_symbol(symbol)
        local = self.currency_symbols
        if symbol in local:
            return True
        prefixed = re.fullmatch(r"([A-Z]{1,3})(\D+)", symbol)
        return bool(prefixed and self.currency and self.currency.startswith(prefixed[1])
                    and any(s.endswith(prefixed[2]) for s in local))


def normalize_symbol(symbol: str) -> str:
    """Fullwidth and halfwidth forms compare equal (``￥`` is ``¥``); bidi marks dropped."""
    return unicodedata.normalize("NFKC", symbol).replace("\u200f", "").replace("\u200e", "")


@cache
def symbol_currencies() -> dict[str, frozenset[str]]:
    """Currencies each English CLDR symbol denotes (``$`` → USD, ``¥`` → JPY, ``CN¥`` → CNY)."""
    table: dict[str, set[str]] = {}
    for code in list_currencies():
        symbol = normalize_symbol(get_currency_symbol(code, "en"))
        if symbol != code:
            table.setdefault(symbol, set()).add(code)
    return {symbol: frozenset(codes) for symbol, codes in table.items()}


def babel_locale(tag: LocaleTag) -> Locale | None:
    for candidate in (f"{tag.language}_{tag.region}" if tag.region else None, tag.babel_id,
                      tag.language):
        if candidate:
            try:
                return Locale.parse(candidate)
            except (UnknownLocaleError, ValueError):
                continue
    return None


def locale_facts(tag: LocaleTag, root: RootFacts) -> LocaleFacts:
    locale = babel_locale(tag)
    data = measurement_data()
    region = tag.region
    system: MeasurementSystem = next(
        (name for name, regions in data.measurement_system.items() if region in regions),
        "metric")
    currencies = get_territory_currencies(region, tender=True) if region else []
    return LocaleFacts(
        tag=tag,
        babel=locale,
        currency=currencies[0] if currencies else None,
        measurement_system=system,
        temperature="fahrenheit" if region in data.fahrenheit else "celsius",
        hemisphere=_hemisphere(region, root),
        date_order=_date_order(locale),
        clock=_clock(locale),
        decimal=get_decimal_symbol(locale, numbering_system="latn") if locale else None,
        group=get_group_symbol(locale, numbering_system="latn") if locale else None,
        currency_symbols=frozenset(
            normalize_symbol(get_currency_symbol(currencies[0], where))
            for where in (locale, "en") if where) if currencies else frozenset(),
    )


def _hemisphere(region: str | None, root: RootFacts) -> Hemisphere | None:
    if region is None or region in root.no_seasons:
        return None
    return "south" if region in root.southern_hemisphere else "north"


def _pattern_letters(pattern: str) -> str:
    return re.sub(r"'[^']*'", "", pattern)


def _date_order(locale: Locale | None) -> str | None:
    if locale is None:
        return None
    letters = _pattern_letters(get_date_format("short", locale).pattern)
    positions = {key: letters.find(char) for key, char in (("D", "d"), ("M", "M"), ("Y", "y"))}
    if min(positions.values()) < 0:
        return None
    return "".join(sorted(positions, key=positions.__getitem__))


def _clock(locale: Locale | None) -> int | None:
    if locale is None:
        return None
    letters = _pattern_letters(get_time_format("short", locale).pattern)
    if "h" in letters or "K" in letters:
        return 12
    if "H" in letters or "k" in letters:
        return 24
    return None
