"""Built-in plugin: the ``locale`` check (cultural rules and CLDR formats per locale).

Rules live in ``copyguard/data/locales/*.yaml`` (see ``docs/locales.md``); extra pack
directories can be given with ``$COPYGUARD_LOCALE_PACKS`` (``os.pathsep``-separated).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.hookspecs import hookimpl
from copyguard.locales.engine import LocaleEngine, Outcome
from copyguard.locales.matching import RuleMatch
from copyguard.model import Category, Finding, Severity

PACKS_ENV = "COPYGUARD_LOCALE_PACKS"


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{placeholders}``; unknown ones stay as they are (a template typo shows)."""
    return template.format_map(_Values(values))


class LocaleCheck(Check):
    """Cultural symbolism, address, occasions, restricted categories and CLDR formats."""

    name = "locale"
    category = Category.LOCALE
    blocking = False

    def __init__(self, pack_dirs: Sequence[Path | str] | None = None) -> None:
        if pack_dirs is None:
            pack_dirs = [p for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p]
        self.engine = LocaleEngine(pack_dirs)

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        outcome = self.engine.evaluate(ctx.draft, ctx.guide.guide, lambda: ctx.doc)
        if outcome.pack is None:
            yield self.finding(
                "no_locale_rules",
                f"no locale rule pack covers {outcome.tag.tag!r} or its language "
                f"{outcome.tag.language!r}; locale rules did not run",
                severity=Severity.INFO, data={"locale": outcome.tag.tag})
        for pattern in outcome.unknown_overrides:
            yield self.finding(
                "unknown_rule_override",
                f"the brand guide's locale_rules names {pattern!r}, which matches no locale "
                "rule; the override has no effect", severity=Severity.INFO)
        for match in outcome.matches:
            yield self._finding(match, outcome)

    def _finding(self, match: RuleMatch, outcome: Outcome) -> Finding:
        spec = match.rule.spec
        values = {"locale": outcome.tag.tag, **match.values}
        data: dict[str, Any] = {
            "rule": spec.id, "nature": spec.nature, "confidence": spec.confidence,
            "source": list(spec.source), "locale": outcome.tag.tag,
            "packs": list(match.rule.defined_in),
        }
        return self.finding(
            spec.id, render(spec.message, values), match.start, match.end,
            severity=match.rule.severity,
            suggestion=render(spec.suggestion, values) if spec.suggestion else None,
            fix=match.fix, data=data)


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(LocaleCheck())
