"""Locale check: cold start, per-draft latency and finding rates on real promotional mail.

    python benchmarks/bench_locale.py            # all of it (about a minute on 2 cores)
    python benchmarks/bench_locale.py --quick    # fewer messages

Drafts: ../shared/evaldata/spamassassin-promotional (legitimate commercial "hard ham" in
English, plus the corpus's Chinese, Japanese, Korean and Russian messages checked under their
own locale) and the multilingual rule cases of tests/test_locale_rules.py. Latency is the
locale check alone, with the draft's spaCy Doc built beforehand (the guard builds it once for
every check); finding rates are descriptive (the corpus is unlabelled for cultural rules).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata" / "spamassassin-promotional" / "messages.jsonl"
sys.path.insert(0, str(ROOT / "tests"))

from copyguard.context import CheckContext  # noqa: E402
from copyguard.default_plugins.locale import LocaleCheck  # noqa: E402
from copyguard.guides import DEFAULT_GUIDE  # noqa: E402
from copyguard.io import coerce_draft  # noqa: E402
from copyguard.locales import PackLibrary  # noqa: E402
from copyguard.nlp import NlpService  # noqa: E402
from test_locale_rules import CASES  # noqa: E402  (the tests' multilingual copy)

LANGID_LOCALE = {"zh": "zh-CN", "ja": "ja-JP", "ko": "ko-KR", "ru": "ru-RU"}
MAX_CHARS = 5_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def cold_start() -> None:
    started = time.perf_counter()
    library = PackLibrary()
    loaded = time.perf_counter() - started
    compiles = []
    for locale in ("en-US", "de-DE", "ja-JP", "zh-CN", "ar-SA", "ru-RU"):
        started = time.perf_counter()
        library.pack(locale)
        compiles.append((locale, (time.perf_counter() - started) * 1000))
    print(f"pack library load (all {len(library.names)} files, validated): {loaded * 1000:.1f} ms")
    print("first compile per locale: " + ", ".join(f"{loc} {ms:.1f} ms" for loc, ms in compiles))


def drafts(limit: int) -> list[tuple[str, str, str]]:
    """(group, locale, text): English commercial mail as en-US and en-GB, CJK/ru by langid."""
    out: list[tuple[str, str, str]] = []
    with EVALDATA.open(encoding="utf-8") as lines:  # not splitlines(): U+2028 is in bodies
        rows = [json.loads(line) for line in lines if line.strip()]
    ham = [r for r in rows if r["group"] == "hard-ham-1" and r["lang_langid"] == "en"][:limit]
    for locale in ("en-US", "en-GB"):
        out += [(f"hard-ham {locale}", locale, (r["subject"] + "\n" + r["body"])[:MAX_CHARS])
                for r in ham]
    for row in rows:
        locale = LANGID_LOCALE.get(row["lang_langid"])
        if locale:
            text = (row["subject"] + "\n" + row["body"])[:MAX_CHARS]
            out.append((f"spam {locale}", locale, text))
    out += [("rule cases", locale, text) for _, locale, bad, good in CASES for text in (bad, good)]
    return out


def measure(items: list[tuple[str, str, str]], repeat: int) -> None:
    check, nlp = LocaleCheck(), NlpService(auto_trained=False)
    contexts = []
    for group, locale, text in items:
        draft = coerce_draft(text, locale=locale)
        ctx = CheckContext(draft, DEFAULT_GUIDE.resolve(draft.locale, draft.channel), nlp)
        _ = ctx.doc  # tokenized once, as the guard does for all checks
        list(check.run(ctx))  # warm: packs compiled, pipelines loaded
        contexts.append((group, ctx))
    timings: dict[str, list[float]] = {}
    flagged: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    codes: dict[str, Counter[str]] = {}
    for group, ctx in contexts:
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            found = list(check.run(ctx))
            samples.append((time.perf_counter() - started) * 1000)
        timings.setdefault(group, []).append(min(samples))
        sizes[group] += 1
        flagged[group] += bool(found)
        codes.setdefault(group, Counter()).update(f.code for f in found)
    every = [ms for values in timings.values() for ms in values]
    print(f"\nlocale check latency per draft (doc prebuilt, best of {repeat}), n={len(every)}: "
          f"p50 {statistics.median(every):.2f} ms, p95 {percentile(every, 95):.2f} ms, "
          f"max {max(every):.2f} ms")
    print(f"{'group':<20}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'flagged':>9}  top codes")
    for group, values in timings.items():
        top = ", ".join(f"{c} {n}" for c, n in codes[group].most_common(4))
        print(f"{group:<20}{sizes[group]:>5}{statistics.median(values):>9.2f}"
              f"{percentile(values, 95):>9.2f}{flagged[group] / sizes[group]:>9.0%}  {top}")


def scaling() -> None:
    """Latency against draft length (counters and numbers everywhere: the worst case)."""
    check, nlp = LocaleCheck(), NlpService(auto_trained=False)
    unit = {"zh-CN": "买4送1！白色礼盒包装，最好的礼物，精美挂钟免费送，仅售¥44.50。",
            "de-DE": "Hol dir 4 Rosen für 49.99 EUR oder $59 bis 12/25/2026 um 6 PM. "}
    print("\nscaling (doc prebuilt, best of 3):")
    for locale, paragraph in unit.items():
        for chars in (1_000, 10_000, 100_000):
            text = (paragraph * (chars // len(paragraph) + 1))[:chars]
            draft = coerce_draft(text, locale=locale)
            ctx = CheckContext(draft, DEFAULT_GUIDE.resolve(draft.locale, draft.channel), nlp)
            _ = ctx.doc
            best, found = float("inf"), 0
            for _ in range(3):
                started = time.perf_counter()
                found = len(list(check.run(ctx)))
                best = min(best, time.perf_counter() - started)
            print(f"  {locale} {chars:>7,} chars: {best * 1000:8.1f} ms, {found:,} findings")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    cold_start()
    items: list[Any] = drafts(limit=60 if args.quick else 250)
    measure(items, repeat=2 if args.quick else 5)
    scaling()


if __name__ == "__main__":
    main()
