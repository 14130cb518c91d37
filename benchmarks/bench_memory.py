"""Resident memory of one guard: all 13 locales (11 languages), both brands, the benchmark drafts.

    python benchmarks/bench_memory.py                      # the benchmark drafts, 2 passes
    python benchmarks/bench_memory.py --distinct 20000     # then 20,000 drafts of new words

Run it in a fresh process (it is one): it builds one Guard over brand_guides/ and nothing else
(no second analyzer), checks the drafts of benchmarks/run.py's ``load_drafts`` ``--passes``
times and prints the resident set size (VmRSS) after import, after Guard(), after the first
draft of each language, after each pass, and the peak (ru_maxrss). ``--distinct N`` then
checks N drafts made of random words, names and numbers in every language, printing RSS and
the spaCy vocabulary sizes as it goes: memory that keeps rising there is what a long-running
service would see. The last line is the result as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # benchmarks/run.py: the same drafts as the suite


def _status() -> dict[str, float]:
    with open("/proc/self/status", encoding="ascii") as status:
        return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in status
                if line.startswith(("VmRSS:", "RssAnon:", "RssFile:"))}


def rss_mb() -> float:
    """Current resident set size in MB."""
    return _status()["VmRSS"]


def file_mb() -> float:
    """The part of RSS that is mapped files (shared libraries, Sudachi's dictionary): pages
    shared with other processes and that the kernel can drop and read again."""
    return _status()["RssFile"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- drafts of words never seen before ------------------------------------------------------

_LETTERS: dict[str, str] = {
    "ru": "абвгдежзиклмнопрстуфхцчшщыэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "ja": "あいうえおかきくけこさしすせそたちつてとなにぬねのカキクケコサシスセソ",
    "zh": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "ko": "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주",
}
_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "pt-BR", "ru-RU", "ja-JP",
            "zh-CN", "ko-KR", "ar-SA", "en-AU"]
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]


def _word(rng: random.Random, language: str) -> str:
    letters = _LETTERS.get(language)
    if letters is not None:
        return "".join(rng.choice(letters) for _ in range(rng.randint(2, 5)))
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def distinct_drafts(n: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    """``n`` drafts whose words, names, cities, e-mails and numbers are (almost) all new."""
    rng = random.Random(seed)
    brands = [None, "northwind", "civica"]
    for i in range(n):
        locale = _LOCALES[i % len(_LOCALES)]
        language = locale[:2]
        name = _word(rng, language).capitalize()
        city = _word(rng, language).capitalize()
        body = " ".join(_word(rng, language) for _ in range(rng.randint(8, 30)))
        order = rng.randrange(10**7, 10**9)
        text = (f"{name}, {body}. Order {order}, {city}. "
                f"{_word(rng, language)}{rng.randrange(1000)}@example.com")
        yield {"id": f"distinct{i}", "text": text, "locale": locale,
               "channel": rng.choice(["email", "sms", "push"]), "brand": brands[i % 3],
               "recipient": {"id": f"r{i}", "consents": ["personalization"],
                             "profile": {"first_name": name, "city": city}},
               "campaign": bench.CAMPAIGN}


# -- the run --------------------------------------------------------------------------------

def _vocab(guard: Any) -> int:
    return sum(guard.nlp.vocab_sizes().values())


def _check_all(guard: Any, drafts: Iterable[Any]) -> int:
    count = 0
    for draft in drafts:
        guard.check(draft)
        count += 1
    return count


class _Log:
    """RSS (and its mapped-file part) at named points, printed as they are taken."""

    def __init__(self) -> None:
        self.rss: dict[str, float] = {}
        self.files: dict[str, float] = {}

    def mark(self, key: str, label: str, extra: str = "") -> None:
        self.rss[key], self.files[key] = round(rss_mb(), 1), round(file_mb(), 1)
        print(f"{label:<30} {self.rss[key]:8.1f} MB  (files {self.files[key]:6.1f}){extra}",
              flush=True)


def main(argv: Iterable[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=2, help="passes over the draft set")
    parser.add_argument("--limit", type=int, default=600,
                        help="messages taken from each evaldata source (as run.py)")
    parser.add_argument("--distinct", type=int, default=0, metavar="N",
                        help="then check N drafts of distinct random words")
    parser.add_argument("--every", type=int, default=2000,
                        help="print RSS every so many distinct drafts")
    args = parser.parse_args(list(argv) if argv is not None else None)

    log = _Log()
    log.mark("start", "start")
    from copyguard import Guard

    log.mark("import", "after import")
    guard = Guard(brand_dirs=[bench.ROOT / "brand_guides"])
    log.mark("guard", "after Guard()")

    drafts = [guard.prepare(d) for d in bench.load_drafts(args.limit)]
    locales: list[str] = []
    for draft in drafts:  # the first draft of each locale, in order of appearance
        if draft.locale not in locales:
            locales.append(draft.locale)
            guard.check(draft)
            log.mark(f"first:{draft.locale}", f"first {draft.locale} draft")
    started = time.perf_counter()
    for n in range(1, args.passes + 1):
        _check_all(guard, drafts)
        log.mark(f"pass:{n}", f"after pass {n} ({len(drafts)} drafts)")
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "drafts": len(drafts), "passes": args.passes, "locales": locales,
        "languages": sorted({d.language for d in drafts}),
        "brands": sorted({d.brand for d in drafts if d.brand}),
        "rss_mb": log.rss, "file_mb": log.files, "after_drafts_mb": round(rss_mb(), 1),
        "peak_mb": round(peak_mb(), 1), "vocab": _vocab(guard), "seconds": round(seconds, 1)}
    print(f"{'peak (ru_maxrss)':<30} {peak_mb():8.1f} MB   vocab strings {_vocab(guard)}")

    if args.distinct:
        curve: list[tuple[int, float, int]] = []
        stream = (guard.prepare(d) for d in distinct_drafts(args.distinct))
        done = 0
        while done < args.distinct:
            done += _check_all(guard, (next(stream) for _ in range(min(args.every,
                                                                        args.distinct - done))))
            log.mark(f"distinct:{done}", f"distinct drafts {done}",
                     f"  vocab strings {_vocab(guard)}")
            curve.append((done, log.rss[f"distinct:{done}"], _vocab(guard)))
        half = curve[(len(curve) - 1) // 2]
        slope = (curve[-1][1] - half[1]) / max(1, curve[-1][0] - half[0]) * 1000
        result["distinct"] = {"drafts": args.distinct, "curve": curve,
                              "mb_per_1000_second_half": round(slope, 2),
                              "peak_mb": round(peak_mb(), 1)}
        print(f"{'second half slope':<30} {slope:8.2f} MB per 1,000 drafts; "
              f"peak {peak_mb():.1f} MB")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
