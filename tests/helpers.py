"""Test-only checks and a guard factory that isolates the engine from built-in heuristics."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from copyguard import Category, Check, CheckContext, Finding, Guard, Severity, hookimpl
from copyguard.plugins import DEFAULT_PLUGINS

HEURISTIC_PLUGINS = tuple(p for p in DEFAULT_PLUGINS if not p.endswith(".routing"))
EVAL_CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "eval"


@cache
def _eval_lines() -> tuple[str, ...]:
    return tuple(line for path in sorted(EVAL_CORPUS.glob("*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines())


def eval_drafts() -> list[dict[str, Any]]:
    """Every labeled draft of fixtures/eval/ as parsed JSON, file by file (fresh objects)."""
    return [json.loads(line) for line in _eval_lines()]


def random_texts(alphabet: Sequence[str], count: int, longest: int, seed: int) -> list[str]:
    """``count`` texts of up to ``longest - 1`` pieces drawn from ``alphabet`` (seeded)."""
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(longest)))
            for _ in range(count)]


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
