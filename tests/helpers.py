"""Test-only checks and a guard factory that isolates the engine from built-in heuristics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from copyguard import Category, Check, CheckContext, Finding, Guard, Severity, hookimpl
from copyguard.plugins import DEFAULT_PLUGINS

HEURISTIC_PLUGINS = tuple(p for p in DEFAULT_PLUGINS if not p.endswith(".routing"))


class WordCheck(Check):
    """Flags every occurrence of ``word``; with ``fix`` the finding is auto-fixable."""

    category = Category.BRAND

    def __init__(self, name: str, word: str, severity: Severity = Severity.ERROR,
                 fix: str | None = None) -> None:
        self.name = name  # type: ignore[misc]
        self.word, self.severity, self.fix = word, severity, fix

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        start = ctx.text.find(self.word)
        while start != -1:
            yield self.finding("word", f"found {self.word!r}", start, start + len(self.word),
                               severity=self.severity, fix=self.fix)
            start = ctx.text.find(self.word, start + 1)


class CrashingCheck(Check):
    name = "crashing"
    category = Category.LOCALE

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        raise RuntimeError("lexicon file vanished")


class ChecksPlugin:
    """A plugin object registering the given checks (what a third-party pack would do)."""

    def __init__(self, *checks: Check, name: str = "test-checks") -> None:
        self.checks, self.__name__ = checks, name

    @hookimpl
    def register_checks(self, register: Any) -> None:
        for check in self.checks:
            register(check)


def isolated_guard(*plugins: object, **kwargs: Any) -> Guard:
    """A guard with only the given plugins plus built-in routing (no heuristics, no packs);
    time budgets are exact from the first draft on (no cold-start allowance)."""
    kwargs.setdefault("cold_start_budgets", 1)
    return Guard(load_entrypoints=False, disabled_plugins=HEURISTIC_PLUGINS,
                 plugins=plugins, brand_dirs=kwargs.pop("brand_dirs", []), **kwargs)


def codes(findings: Sequence[Finding]) -> list[str]:
    return [f"{f.check}.{f.code}" for f in findings]
