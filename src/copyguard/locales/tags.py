"""Locale tags: parsing, CLDR likely-subtag expansion and the pack inheritance chain.

``fr-BE`` reads ``root``, ``fr``, ``fr-Latn``, ``und-BE``, ``fr-BE`` and ``fr-Latn-BE`` (files
that exist), in that order: later files refine earlier ones. ``und-BE`` is the BCP 47 way to
say "Belgium, any language"; it also keeps region files apart from language files on
case-insensitive file systems (``und-AR.yaml`` Argentina vs ``ar.yaml`` Arabic).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel.core import get_global

from copyguard.io import LOCALE_RE

ROOT = "root"


@dataclass(frozen=True, slots=True)
class LocaleTag:
    """A parsed tag. ``region``/``script`` are filled from CLDR likely subtags when absent."""

    tag: str
    language: str
    script: str | None
    region: str | None
    explicit_region: bool

    @property
    def babel_id(self) -> str:
        return "_".join(part for part in (self.language, self.script, self.region) if part)

    def chain(self) -> tuple[str, ...]:
        """Pack names from the most general to the most specific."""
        names = [ROOT, self.language]
        if self.script:
            names.append(f"{self.language}-{self.script}")
        if self.region:
            names += [f"und-{self.region}", f"{self.language}-{self.region}"]
            if self.script:
                names.append(f"{self.language}-{self.script}-{self.region}")
        return tuple(dict.fromkeys(names))


@lru_cache(maxsize=512)
def parse_tag(tag: str) -> LocaleTag:
    """Parse ``ll[-Ssss][-RR]``; raise ``ValueError`` for anything else (never guess)."""
    normalized = tag.replace("_", "-")
    if not LOCALE_RE.match(normalized):
        raise ValueError(f"{tag!r} is not a locale tag like 'en-US' or 'de'")
    parts = normalized.split("-")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4), None)
    region = next((p.upper() for p in parts[1:] if len(p) in (2, 3)), None)
    likely = _likely(language, region)
    return LocaleTag(
        tag="-".join(p for p in (language, script, region) if p),
        language=language,
        script=script or likely[0],
        region=region or likely[1],
        explicit_region=region is not None,
    )


def _likely(language: str, region: str | None) -> tuple[str | None, str | None]:
    """(script, region) CLDR considers most likely for the language (and region)."""
    subtags: Mapping[str, str] = get_global("likely_subtags")
    expanded = subtags.get(f"{language}_{region}") if region else None
    expanded = expanded or subtags.get(language)
    if not expanded:
        return None, None
    parts = expanded.split("_")
    script = next((p for p in parts[1:] if len(p) == 4), None)
    likely_region = next((p for p in parts[1:] if len(p) in (2, 3)), None)
    return script, likely_region
