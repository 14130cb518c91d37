"""How the brand check scales with the size of a guide's term list.

    python benchmarks/bench_brand_terms.py                # 10, 1,000 and 10,000 banned terms
    python benchmarks/bench_brand_terms.py --quick        # fewer rounds

Drafts: 40 real promotional e-mails from ../shared/evaldata/spamassassin-promotional, each cut
to exactly 200 words. Guides: one banned-phrase list of N terms. The 10 base terms occur in the
drafts; the other terms are words and word pairs from the rest of the corpus that occur in none
of the drafts, so every guide finds exactly the same things and only the matching cost differs.
Timed: the brand check on one draft (its compiled guide reused, as in the guard), and a whole
``guard.check`` with only the brand check and routing enabled. For contrast, the same search as
one big ``re`` alternation (what the check does not do).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from copyguard import BrandGuide, Guard
from copyguard.brand import inflection
from copyguard.brand.compiled import CompiledGuide
from copyguard.brand.matcher import PhraseIndex
from copyguard.brand.text import BrandText
from copyguard.context import CheckContext
from copyguard.default_plugins.brand import BrandCheck
from copyguard.io import coerce_draft
from copyguard.model import Draft
from copyguard.nlp import NlpService
from copyguard.plugins import DEFAULT_PLUGINS
from copyguard.testing import GuidePlugin

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "evaldata" / "spamassassin-promotional" / "messages.jsonl"
WORDS = re.compile(r"[a-z]{4,}")
ONLY_BRAND = tuple(p for p in DEFAULT_PLUGINS if not p.endswith((".brand", ".routing")))


def load_corpus() -> tuple[list[str], list[str]]:
    """(40 drafts of 200 words, the other message bodies)."""
    lines = CORPUS.read_text("utf-8").split("\n")  # not splitlines: bodies hold U+2028
    bodies = [json.loads(line)["body"] for line in lines if line.strip()]
    drafts, rest = [], []
    for body in bodies:
        words = body.split()
        if len(drafts) < 40 and len(words) >= 200 and body.isascii():
            drafts.append(" ".join(words[:200]))
        else:
            rest.append(body)
    return drafts, rest


def term_lists(drafts: list[str], rest: list[str], sizes: list[int]) -> dict[int, list[str]]:
    in_drafts = Counter(w for d in drafts for w in WORDS.findall(d.lower()))
    base = [w for w, _ in in_drafts.most_common() if len(w) >= 7][:10]
    pool: set[str] = set()
    for body in rest:
        tokens = WORDS.findall(body.lower())
        pool.update(tokens)
        pool.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    candidates = sorted(pool - set(base))
    random.Random(5).shuffle(candidates)
    candidates = candidates[:3 * max(sizes)]
    # drop every candidate that (or an inflection of which) the check would find in a draft
    index = PhraseIndex((form, False, term) for term in candidates
                        for form in (term, *inflection.phrase_forms(term)))
    found = {hit.payload for d in drafts for hit in index.find(BrandText.of(d))}
    unseen = [term for term in candidates if term not in found]
    return {n: base + unseen[:n - len(base)] for n in sizes}


def guide_for(terms: list[str]) -> BrandGuide:
    return BrandGuide.model_validate(
        {"id": f"bench-{len(terms)}", "banned": [{"id": "terms", "phrases": terms}]})


def time_brand_check(compiled: CompiledGuide, drafts: list[Draft], nlp: NlpService,
                     check: BrandCheck, resolved: Any) -> tuple[list[float], int]:
    times, found = [], 0
    for draft in drafts:
        ctx = CheckContext(draft, resolved, nlp)
        started = time.perf_counter()
        found += len(list(compiled.findings(check, ctx)))
        times.append((time.perf_counter() - started) * 1e6)
    return times, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds

    drafts_text, rest = load_corpus()
    lists = term_lists(drafts_text, rest, args.sizes)
    guides = {n: guide_for(terms) for n, terms in lists.items()}
    nlp, check = NlpService(), BrandCheck()
    drafts = [coerce_draft(t, channel="email", locale="en-US") for t in drafts_text]

    compiled, compile_ms = {}, {}
    for n, guide in guides.items():
        started = time.perf_counter()
        compiled[n] = CompiledGuide(guide.resolve("en-US", "email"))
        compile_ms[n] = (time.perf_counter() - started) * 1000

    guard = Guard(load_entrypoints=False, brand_dirs=[], disabled_plugins=ONLY_BRAND,
                  plugins=[GuidePlugin(g) for g in guides.values()])
    branded = {n: [coerce_draft(t, channel="email", locale="en-US", brand=g.id)
                   for t in drafts_text] for n, g in guides.items()}
    regexes = {n: re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b", re.I)
               for n, terms in lists.items()}

    check_us: dict[int, list[float]] = {n: [] for n in guides}
    guard_us: dict[int, list[float]] = {n: [] for n in guides}
    regex_us: dict[int, list[float]] = {n: [] for n in guides}
    hits: dict[int, int] = {}
    for n in guides:  # warm up: first-draft costs (inflection tables, spaCy) are not measured
        time_brand_check(compiled[n], drafts[:3], nlp, check, guides[n].resolve("en-US", "email"))
        guard.check(branded[n][0])
    for round_ in range(rounds):
        for n in guides:  # interleaved, so drift hits every size alike
            times, hits[n] = time_brand_check(compiled[n], drafts, nlp, check,
                                              guides[n].resolve("en-US", "email"))
            check_us[n] += times
            if round_ % 5:  # the slow columns are timed every fifth round only
                continue
            for draft in branded[n]:
                started = time.perf_counter()
                guard.check(draft)
                guard_us[n].append((time.perf_counter() - started) * 1e6)
            for text in drafts_text:
                started = time.perf_counter()
                regexes[n].findall(text)
                regex_us[n].append((time.perf_counter() - started) * 1e6)

    base = min(guides)
    print(f"{len(drafts)} drafts x 200 words, {rounds} rounds (guard.check and re: every fifth);"
          " times per draft: median (p95)\n")
    print(f"{'terms':>7} {'compile ms':>11} {'findings':>9} {'brand check µs':>20} {'ratio':>6}"
          f" {'guard.check µs':>20} {'ratio':>6} {'one re alternation µs':>24} {'ratio':>6}")
    for n in guides:
        row = [f"{n:>7,}", f"{compile_ms[n]:>11.1f}", f"{hits[n] // len(drafts):>9}"]
        for series in (check_us, guard_us, regex_us):
            median = statistics.median(series[n])
            p95 = sorted(series[n])[int(0.95 * (len(series[n]) - 1))]
            ratio = median / statistics.median(series[base])
            row += [f"{median:>9.1f} (p95 {p95:>6.1f})", f"{ratio:>5.2f}x"]
        print(" ".join(row))


if __name__ == "__main__":
    main()
