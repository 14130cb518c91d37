"""Personalization check on real promotional copy: speed, and how often it fires.

Runs provenance plus the ``personalization`` and ``consent`` checks (nothing else) over real
promotional messages from ../shared/evaldata (SMS spam, SpamAssassin spam and commercial
"hard ham"), each addressed to one synthetic recipient, and prints per-draft latency and the
findings per code with sample hits, so a person can judge the surveillance patterns'
precision on copy that was never written for them.

    python benchmarks/bench_personalization.py [--limit 1000] [--samples 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.consent import ConsentCheck
from copyguard.default_plugins.personalization import PersonalizationCheck
from copyguard.io import coerce_draft
from copyguard.provenance import share_breakdown, trace

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
RECIPIENT = {
    "profile": {"first_name": "Maria", "last_name": "Garcia", "city": "Denver"},
    "consents": ["personalization"],
    "purchases": [{"item": "Trail boots", "date": "2026-10-30", "category": "footwear"}],
    "browsing": [{"item": "Alpine Shell jacket", "at": "2026-11-17T21:00:00"}],
    "last_active": "2026-11-20T10:00:00",
}
CAMPAIGN = {"sent_at": "2026-11-22T09:00:00"}


def corpus(limit: int) -> list[tuple[str, str]]:
    """(source, text) pairs: SMS spam, then SpamAssassin commercial ham and spam."""
    out: list[tuple[str, str]] = []
    with (EVALDATA / "sms-spam-collection" / "SMSSpamCollection.tsv").open(
            encoding="utf-8", errors="replace") as handle:
        out += [("sms-spam", row[1]) for row in csv.reader(handle, delimiter="\t")
                if len(row) == 2 and row[0] == "spam"]
    with (EVALDATA / "spamassassin-promotional" / "messages.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            message = json.loads(line)
            if message.get("lang_langid") == "en":
                text = f"{message['subject']}\n{message['body']}"[:4000]
                out.append((message["group"], text))
    return out[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    guard = Guard(brand_dirs=[])
    checks = [PersonalizationCheck(), ConsentCheck()]
    resolved = guard.guide().resolve("en-US", coerce_draft("x").channel)
    texts = corpus(args.limit)
    timings: list[float] = []
    checking: list[float] = []  # the same without tokenizing
    per_source: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    drafts_with: Counter[str] = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    shares: list[float] = []
    chars = 0
    guard.nlp.pipeline("en")("warm up")
    for source, text in texts:
        draft = coerce_draft(text, channel="sms" if source == "sms-spam" else "email",
                             recipient=RECIPIENT, campaign=CAMPAIGN)
        started = time.perf_counter()
        ctx = CheckContext(draft, resolved, guard.nlp)
        ctx.doc  # noqa: B018 (tokenize)
        tokenized = time.perf_counter()
        findings = [f for check in checks for f in check.run(ctx)]
        shares.append(share_breakdown(ctx.doc, trace(ctx).spans).share)
        timings.append((time.perf_counter() - started) * 1000)
        checking.append((time.perf_counter() - tokenized) * 1000)
        chars += len(text)
        per_source[source] += 1
        for code in {f.code for f in findings}:
            drafts_with[code] += 1
        for finding in findings:
            codes[finding.code] += 1
            if len(samples[finding.code]) < args.samples:
                start, end = max(0, finding.start - 40), min(len(text), finding.end + 40)
                snippet = " ".join(text[start:end].split())
                samples[finding.code].append(f"[{text[finding.start:finding.end]}] … {snippet}")
    print(f"drafts: {len(texts)} ({dict(per_source)}); {chars:,} characters")
    for label, values in (("tokenize + provenance + both checks", timings),
                          ("provenance + both checks", checking)):
        ordered = sorted(values)
        print(f"latency per draft ({label}): median {statistics.median(values):.2f} ms, "
              f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms, max {ordered[-1]:.1f} "
              f"ms; {chars / (sum(values) / 1000):,.0f} chars/s")
    print(f"personalized share: mean {statistics.mean(shares):.3f}, "
          f"drafts over 0.25: {sum(s > 0.25 for s in shares)}")
    print("findings (code: findings / drafts with it / share of drafts):")
    for code, count in codes.most_common():
        print(f"  {code}: {count} / {drafts_with[code]} / {drafts_with[code] / len(texts):.1%}")
        for sample in samples[code]:
            print(f"      {sample[:160]}")


if __name__ == "__main__":
    main()
