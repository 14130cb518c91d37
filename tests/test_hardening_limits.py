"""Limits: the maximum draft size, a 1 MB draft inside a batch, and bounded check time.

A check that never returns is abandoned at its budget: tests/test_hardening_failclosed.py
(``test_a_check_that_never_returns_...``) and tests/test_guard.py.

``python -m tests.test_hardening_limits`` prints the time every check takes on hostile drafts
at the size limit with the full default guard (the figures in docs/hardening.md, "Limits").
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copyguard import Guard, InputError, Route
from copyguard.guard import DEFAULT_CHECK_TIMEOUT, DEFAULT_MAX_CHARS
from copyguard.plugins import DEFAULT_PLUGINS
from copyguard.routing import CHECK_ERROR
from tests.helpers import ChecksPlugin, WordCheck, isolated_guard

ROOT = Path(__file__).resolve().parents[1]
ONLY_BRAND = tuple(p for p in DEFAULT_PLUGINS if not p.endswith((".brand", ".routing")))
MB = 1_000_000

PROFILE = {"first_name": "Maria", "last_name": "Garcia", "email": "maria.garcia@example.com",
           "phone": "+1 303 555 0142", "city": "Denver"}
N = DEFAULT_MAX_CHARS
HOSTILE = {  # drafts at the size limit, each built to make some matcher work hard
    "a*N": "a" * N,
    "a!*": ("a!" * N)[:N],
    "a.a.": ("a." * N)[:N],
    "words": ("Maria Garcia cheap tent pregnant debt! " * 3000)[:N],
    "digits": ("4111 1111 1111 1111 +1 303 555 0142 " * 3000)[:N],
    "emoji": ("👨‍👩‍👧‍👦🏳️‍🌈 " * 20_000)[:N],
    "cjk": ("日本語テキスト" * 20_000)[:N],
    "combining": ("e" + "\u0301" * 50) * (N // 51),
    "email-ish": ("a.b.c.d@" * 20_000)[:N],
    "spaces": "a" + " " * (N - 2) + "b",
}


# -- the size limit ---------------------------------------------------------------------------

def test_the_default_limit_is_100k_characters_and_names_the_field() -> None:
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "zzz")))
    assert guard.max_chars == DEFAULT_MAX_CHARS == 100_000
    assert guard.check_timeout == DEFAULT_CHECK_TIMEOUT
    assert guard.check("x" * DEFAULT_MAX_CHARS).route is Route.PASS
    with pytest.raises(InputError) as info:
        guard.check({"id": "big", "text": "x" * (DEFAULT_MAX_CHARS + 1)})
    assert info.value.field == "text"
    assert str(info.value) == ("field 'text': draft is 100,001 characters; the limit is "
                               "100,000")


def test_the_limit_is_configurable_and_counts_characters_not_bytes() -> None:
    guard = isolated_guard(max_chars=10)
    assert guard.check("日本語テキスト日本語").route is Route.PASS  # 10 chars, 30 UTF-8 bytes
    with pytest.raises(InputError, match="limit is 10"):
        guard.check("日本語テキスト日本語!")


def test_a_1mb_draft_errors_only_its_line_in_a_batch(tmp_path: Path) -> None:
    """The real command in a subprocess, with every installed plugin and pack."""
    path = tmp_path / "in.jsonl"
    lines = [{"id": "before", "text": "Hello Maria, your order has shipped.",
              "recipient": {"profile": {"first_name": "Maria"}, "consents": ["personalization"]}},
             {"id": "huge", "text": "Hello Maria. " + "x" * MB},
             {"id": "after", "text": "Our new tent is here."}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "copyguard.cli", "check", "--batch", str(path),
                           "--quiet", "--brand-dir", str(ROOT / "brand_guides")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    before, huge, after = (json.loads(line) for line in proc.stdout.splitlines())
    assert huge == {"id": "huge", "route": None, "line": 2, "field": "text",
                    "error": "field 'text': draft is 1,000,013 characters; the limit is 100,000"}
    for verdict in (before, after):
        assert verdict["route"] in {"pass", "revise", "review", "block"}
        assert not [f for f in verdict["findings"] if f["code"] == CHECK_ERROR]
    assert [before["id"], after["id"]] == ["before", "after"]


# -- bounded time -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def brand_guard() -> Guard:
    guard = Guard(brand_dirs=[ROOT / "brand_guides"], load_entrypoints=False,
                  disabled_plugins=ONLY_BRAND)
    for brand in ("northwind", "civica"):
        guard.check("warm up", brand=brand)
    return guard


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_brand_check_stays_well_inside_its_budget_at_the_size_limit(
        brand_guard: Guard, name: str) -> None:
    """Linear matching and at most 1,000 findings per rule: no hostile draft makes the brand
    check (guides with every kind of rule) come near its 10 s budget."""
    for brand in ("northwind", "civica"):
        started = time.perf_counter()
        verdict = brand_guard.check(HOSTILE[name], brand=brand, channel="sms")
        elapsed = time.perf_counter() - started
        assert not [f for f in verdict.findings if f.code == CHECK_ERROR], (brand, name)
        assert elapsed < DEFAULT_CHECK_TIMEOUT / 2, (brand, name, elapsed)
        assert max(verdict.timings.values()) < DEFAULT_CHECK_TIMEOUT * 1000 / 2
        per_rule: dict[str, int] = {}
        for finding in verdict.findings:
            rule = finding.data.get("rule", finding.code)
            per_rule[rule] = per_rule.get(rule, 0) + 1
        assert max(per_rule.values(), default=0) <= 1000


def report() -> None:
    """Time per check on each hostile draft with the full default guard (prints a table)."""
    guard = Guard(brand_dirs=[ROOT / "brand_guides"])
    for locale in ("en-US", "de-DE", "ja-JP"):
        guard.check("Hello", locale=locale)
    print(f"{'draft':10} {'locale':6} {'total s':>7} {'route':6}  slowest checks (s); errors")
    for name, text in HOSTILE.items():
        for locale in ("en-US", "de-DE", "ja-JP") if name in ("words", "cjk") else ("en-US",):
            started = time.perf_counter()
            verdict = guard.check({"text": text, "locale": locale, "brand": "northwind",
                                   "recipient": {"profile": PROFILE,
                                                 "consents": ["personalization"]}})
            total = time.perf_counter() - started
            slow = sorted(verdict.timings.items(), key=lambda kv: -kv[1])[:3]
            errors = sorted({f.check for f in verdict.findings if f.code == CHECK_ERROR})
            print(f"{name:10} {locale:6} {total:7.1f} {verdict.route.value:6}  "
                  + ", ".join(f"{k} {v / 1000:.1f}" for k, v in slow)
                  + (f"; check_error: {', '.join(errors)}" if errors else ""), flush=True)


if __name__ == "__main__":
    report()
