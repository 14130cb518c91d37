"""Evaluate the `pii` and `sensitive` checks on the third-party data in ../shared/evaldata.

    .venv/bin/python benchmarks/eval_pii.py            # everything, markdown tables
    .venv/bin/python benchmarks/eval_pii.py --only synth --show 20
    .venv/bin/python benchmarks/eval_pii.py --only checks   # per-check cost, run.py's drafts

1. presidio-research ``synth_dataset_v2.json``: precision and recall per entity type.
   A detection counts when it overlaps a gold span of the same type (labels mapped:
   STREET_ADDRESS -> ADDRESS). Drafts are checked as ``--locale`` (default ``en``: every
   English-speaking phone region, since the synthetic numbers come from many countries).
2. presidio-analyzer-testcases ``recognizer_cases.jsonl``: the ``analyze`` cases of the entity
   types copyguard claims, each checked in the locale of the recognizer's country. Expected
   spans are what Presidio's single recognizer returns at any score; copyguard reports only
   detections at or above the guide's threshold (0.5), so weak-pattern cases count as misses.
   Where Presidio's tests expect different results for the same text at different
   ``phonenumbers`` leniencies, the expectation at Presidio's default leniency (1, "valid"),
   which copyguard uses, is the one scored (see ``DEFAULT_LENIENCY``).
3. False-positive rates: the share of real messages (SpamAssassin spam and commercial "hard
   ham", SMS Spam Collection spam and ham) on which `pii` (severity warning or worse) or
   `sensitive` reports anything. Sensitive findings count as false unless the hand review
   (sensitive_fp_review.csv) marks the message as a true reader-directed attribute.
4. Cost: ``speed`` times a full check of three short drafts; ``checks`` reports the `pii` and
   `sensitive` check times (``Verdict.timings``) of a full default guard on the English drafts
   of benchmarks/run.py (the same drafts as ``run.py --quick``).

The checks run exactly as in production: a Guard with only the pii and sensitive plugins.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copyguard import Guard
from copyguard.model import Finding, Severity, Verdict
from copyguard.plugins import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
STRUCTURED = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS")
SYNTH_LABELS = {"STREET_ADDRESS": "ADDRESS", **{e: e for e in STRUCTURED}}
# Locale to check a recognizer test case in, by the entity's country prefix.
CASE_LOCALES = {"US": "en-US", "UK": "en-GB", "CA": "en-CA", "AU": "en-AU", "IN": "en-IN",
                "SG": "en-SG", "ZA": "en-ZA", "DE": "de-DE", "IT": "it-IT", "ES": "es-ES",
                "KR": "ko-KR"}
TARGET_RECALL, TARGET_PRECISION, TARGET_SENSITIVE_FP = 0.95, 0.90, 0.02
# Presidio's PhoneRecognizer default, which copyguard runs. test_phone_recognizer.py checks one
# text at several leniencies with contradicting expectations: "... my international one
# is415-555-0132" expects the number glued to "is" at leniency 0 only (at 1 it expects it
# not to be found), so the leniency-1 row is the one that applies to copyguard.
DEFAULT_LENIENCY = 1
REVIEW = Path(__file__).with_name("sensitive_fp_review.csv")


def make_guard() -> Guard:
    keep = {"copyguard.default_plugins.pii", "copyguard.default_plugins.sensitive",
            "copyguard.default_plugins.routing"}
    return Guard(brand_dirs=[], load_entrypoints=False,
                 disabled_plugins=[p for p in DEFAULT_PLUGINS if p not in keep])


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def precision(self) -> float | None:
        predicted = self.tp_pred + self.fp
        return self.tp_pred / predicted if predicted else None

    tp_pred: int = 0


def pii_findings(verdict: Verdict) -> list[Finding]:
    return [f for f in verdict.findings if f.check == "pii" and f.end > f.start]


def score_spans(scores: dict[str, Score], text: str, gold: list[tuple[str, int, int]],
                found: list[Finding], types: Iterable[str]) -> None:
    for entity in types:
        want = [(s, e) for t, s, e in gold if t == entity]
        got = [(f.start, f.end) for f in found if f.code == entity]
        score = scores[entity]
        for s, e in want:
            if any(gs < e and s < ge for gs, ge in got):
                score.tp += 1
            else:
                score.fn += 1
                score.misses.append(f"{text[s:e]!r} in {text[max(0, s - 40):e + 20]!r}")
        for s, e in got:
            if any(ws < e and s < we for ws, we in want):
                score.tp_pred += 1
            else:
                score.fp += 1
                score.false.append(f"{text[s:e]!r} in {text[max(0, s - 40):e + 20]!r}")


def eval_synth(guard: Guard, locale: str) -> dict[str, Score]:
    rows = json.loads((EVALDATA / "presidio-research" / "synth_dataset_v2.json").read_text())
    scores: dict[str, Score] = defaultdict(Score)
    types = sorted(set(SYNTH_LABELS.values()))
    for row in rows:
        text = row["full_text"]
        gold = [(SYNTH_LABELS[s["entity_type"]], s["start_position"], s["end_position"])
                for s in row["spans"] if s["entity_type"] in SYNTH_LABELS]
        score_spans(scores, text, gold, pii_findings(guard.check(text, locale=locale)), types)
    return dict(scores)


def eval_testcases(guard: Guard, threshold: float = 0.5) -> tuple[dict[str, Score], Counter[str]]:
    """Scores per entity, and per entity the cases left out because Presidio's own expected
    score is below the guide's threshold (weak patterns that need context by design)."""
    path = EVALDATA / "presidio-analyzer-testcases" / "recognizer_cases.jsonl"
    claimed = set(STRUCTURED) | _national_entities()
    cases: dict[tuple[str, str], dict[str, Any]] = {}
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    for row in rows:
        entities = row.get("entities") or []
        if row["kind"] != "analyze" or len(set(entities)) != 1 or entities[0] not in claimed:
            continue
        spans = row.get("expected_spans") or []
        if not isinstance(row["text"], str) or row.get("expected_count", len(spans)) != len(spans):
            continue  # positions not recorded in the source test: cannot be scored
        key = (entities[0], row["text"])
        if key in cases and _leniency_rank(row) != _leniency_rank(cases[key]):
            if _leniency_rank(row) < _leniency_rank(cases[key]):
                cases[key] = row  # the expectation at Presidio's default leniency wins
            continue
        # Some texts repeat with expectations for narrower region settings: keep the widest.
        if key not in cases or len(spans) > len(cases[key].get("expected_spans") or []):
            cases[key] = row
    scores: dict[str, Score] = defaultdict(Score)
    weak: Counter[str] = Counter()
    for (entity, text), row in cases.items():
        if _expected_scores(row) and max(_expected_scores(row)) < threshold:
            weak[entity] += len(row["expected_spans"])
            continue
        locale = CASE_LOCALES.get(entity.split("_")[0], "en")
        gold = [(entity, s, e) for s, e in row.get("expected_spans") or []]
        score_spans(scores, text, gold, pii_findings(guard.check(text, locale=locale)), [entity])
    return dict(scores), weak


def _leniency_rank(row: dict[str, Any]) -> int:
    """0 for the default leniency (or none given), else the distance from it."""
    leniency = row.get("leniency")
    return 0 if leniency is None else abs(int(leniency) - DEFAULT_LENIENCY)


def _expected_scores(row: dict[str, Any]) -> list[float]:
    scores = [row["expected_score"]] if isinstance(row.get("expected_score"), float) else []
    scores += [s for s in row.get("expected_scores") or [] if isinstance(s, float)]
    scores += [hi for _, hi in row.get("expected_score_ranges") or []
               if isinstance(hi, float | int)]
    return scores


def _national_entities() -> set[str]:
    from copyguard.pii.analyzer import _recognizers
    from copyguard.pii.languages import pii_languages

    entities: set[str] = set()
    for language, config in pii_languages().languages.items():
        for region in config.regions:
            for recognizer in _recognizers(language, (region,), trained=False):
                entities.update(recognizer.supported_entities)
    return entities


def corpus() -> Iterator[tuple[str, str, str]]:
    """(group, key, text) for every real message; the key names it in the review file."""
    path = EVALDATA / "spamassassin-promotional" / "messages.jsonl"
    with path.open(encoding="utf-8") as lines:  # split on "\n" only: bodies hold U+2028
        rows = [json.loads(line) for line in lines]
    for row in rows:
        group = "spamassassin " + ("spam" if row["label"] == "spam" else "commercial ham")
        yield group, row["id"], f"{row['subject']}\n\n{row['body']}"[:100_000]
    with (EVALDATA / "sms-spam-collection" / "SMSSpamCollection.tsv").open(
            encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            label, text = line.rstrip("\n").split("\t", 1)
            yield f"sms {label}", f"sms:{number}", text


def load_review(path: Path | None) -> dict[str, str]:
    """message key -> "tp" or "fp", from a reviewed CSV (key,label,category,note)."""
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: row["label"] for row in csv.DictReader(handle)}


def eval_false_positives(guard: Guard, limit: int | None, review: dict[str, str],
                         dump: Path | None) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    flagged: list[dict[str, str]] = []
    for n, (group, key, text) in enumerate(corpus()):
        if limit and n >= limit:
            break
        verdict = guard.check(text, locale="en")
        entry = stats.setdefault(group, {"messages": 0, "pii": 0, "sensitive": 0,
                                         "sensitive_fp": 0, "unreviewed": 0,
                                         "pii_by_code": Counter(),
                                         "sensitive_by_code": Counter(), "examples": []})
        entry["messages"] += 1
        pii = [f for f in pii_findings(verdict) if f.severity.rank >= Severity.WARNING.rank]
        sensitive = [f for f in verdict.findings if f.check == "sensitive" and f.end > f.start]
        if pii:
            entry["pii"] += 1
            entry["pii_by_code"].update({f.code for f in pii})
        if not sensitive:
            continue
        entry["sensitive"] += 1
        entry["sensitive_by_code"].update({f.code for f in sensitive})
        label = review.get(key)
        if label != "tp":  # unreviewed hits count as false positives
            entry["sensitive_fp"] += 1
            entry["unreviewed"] += label is None
        contexts = " | ".join(f"{f.code}: {_context(text, f)}" for f in sensitive[:3])
        entry["examples"].append(f"{key} [{label or 'unreviewed'}] {contexts}")
        flagged.append({"key": key, "group": group, "label": label or "",
                        "categories": " ".join(sorted({f.code for f in sensitive})),
                        "context": contexts})
    if dump is not None:
        with dump.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["key", "group", "label", "categories", "context"])
            writer.writeheader()
            writer.writerows(flagged)
    return stats


def _context(text: str, finding: Finding) -> str:
    return " ".join(text[max(0, finding.start - 70):finding.end + 50].split())


SPEED_DRAFTS = {
    "en-US": "Hi Maria, your order 4521 has shipped! Questions? Call (415) 555-0132 or write "
             "to help@northwind.example. Enjoy 20% off your next order until Friday.",
    "de-DE": "Hallo Maria, deine Bestellung ist unterwegs! Fragen? Ruf uns an: 030 12345678. "
             "Bis Freitag sparst du 20 % auf deine nächste Bestellung.",
    "ja-JP": "山田様、ご注文の商品を発送しました。お問い合わせは03-1234-5678まで。",
}


def eval_speed(guard: Guard, rounds: int = 200) -> dict[str, tuple[float, float]]:
    """Median and p95 milliseconds of a full check (pii + sensitive) of a short draft."""
    recipient = {"profile": {"first_name": "Maria", "last_name": "Rossi",
                             "email": "maria.rossi@gmail.com", "phone": "+1 415 555 0199"}}
    results = {}
    for locale, text in SPEED_DRAFTS.items():
        for _ in range(5):  # warm-up: analyzers, lexicons, name data
            guard.check(text, locale=locale, recipient=recipient)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            guard.check(text, locale=locale, recipient=recipient)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results[locale] = (times[len(times) // 2], times[int(len(times) * 0.95)])
    return results


def eval_checks(rounds: int = 3) -> dict[str, list[float]]:
    """pii, sensitive and their sum (ms) per English draft of benchmarks/run.py."""
    from copyguard.io import coerce_draft

    sys.path.insert(0, str(ROOT / "benchmarks"))
    run = importlib.import_module("run")  # the suite's drafts: fixtures, SpamAssassin, SMS

    guard = Guard(brand_dirs=[ROOT / "brand_guides"])
    drafts = [guard.prepare(coerce_draft(d)) for d in run.load_drafts(150)]
    english = [d for d in drafts if d.language == "en"]
    for draft in drafts[:20]:  # warm-up
        guard.check(draft)
    times: dict[str, list[float]] = {"pii": [], "sensitive": [], "pii + sensitive": []}
    for _ in range(rounds):
        for draft in english:
            timings = guard.check(draft).timings
            pii, sensitive = timings.get("pii", 0.0), timings.get("sensitive", 0.0)
            for key, value in zip(times, (pii, sensitive, pii + sensitive), strict=True):
                times[key].append(value)
    return times


def print_checks(times: dict[str, list[float]]) -> None:
    print("\n### Check cost on the English drafts of benchmarks/run.py (full default guard)\n")
    print("| check | drafts × rounds | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        ordered = sorted(values)

        def at(q: float, ordered: list[float] = ordered) -> float:
            return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

        print(f"| {name} | {len(ordered)} | {at(0.5):.2f} | {at(0.95):.2f} | {at(0.99):.2f} |")


def print_speed(results: dict[str, tuple[float, float]]) -> None:
    print("\n### Per-draft cost after warm-up (pii + sensitive, short drafts)\n")
    print("| locale | characters | median ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for locale, (median, p95) in results.items():
        print(f"| {locale} | {len(SPEED_DRAFTS[locale])} | {median:.1f} | {p95:.1f} |")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_scores(title: str, scores: dict[str, Score], show: int,
                 weak: Counter[str] | None = None) -> None:
    print(f"\n### {title}\n")
    extra = " below threshold (left out) |" if weak is not None else ""
    print(f"| entity | gold | found | recall | precision | target met |{extra}")
    print("|---|---:|---:|---:|---:|---|" + ("---:|" if weak is not None else ""))
    for entity in sorted(scores):
        s = scores[entity]
        met = ""
        if entity in STRUCTURED and s.recall is not None:
            ok = s.recall >= TARGET_RECALL and (s.precision or 0) >= TARGET_PRECISION
            met = "yes" if ok else "no"
        tail = f" {weak[entity]} |" if weak is not None else ""
        print(f"| {entity} | {s.tp + s.fn} | {s.tp_pred + s.fp} | {_fmt(s.recall)} | "
              f"{_fmt(s.precision)} | {met} |{tail}")
    if show:
        for entity, s in sorted(scores.items()):
            for kind, items in (("missed", s.misses), ("false", s.false)):
                for item in items[:show]:
                    print(f"  {entity} {kind}: {item}", file=sys.stderr)


def print_false_positives(stats: dict[str, dict[str, Any]], show: int) -> None:
    print("\n### False-positive rates on real messages (locale `en`)\n")
    print("A sensitive finding counts as a false positive unless the review file marks the "
          "message\nas a true reader-directed attribute (unreviewed findings count as false).\n")
    print("| corpus | messages | with a pii finding | with a sensitive finding | "
          "sensitive false positives | target (<= 2%) |")
    print("|---|---:|---:|---:|---:|---|")
    for group, e in stats.items():
        n, pii, sens, fp = e["messages"], e["pii"], e["sensitive"], e["sensitive_fp"]
        met = "yes" if fp / n <= TARGET_SENSITIVE_FP else "no"
        print(f"| {group} | {n} | {pii} ({pii / n:.1%}) | {sens} ({sens / n:.1%}) | "
              f"{fp} ({fp / n:.1%}) | {met} |")
    print("\npii findings by code (messages): " + "; ".join(
        f"{g}: {dict(e['pii_by_code'].most_common(8))}" for g, e in stats.items()))
    print("\nsensitive findings by code (messages): " + "; ".join(
        f"{g}: {dict(e['sensitive_by_code'])}" for g, e in stats.items()))
    unreviewed = sum(e["unreviewed"] for e in stats.values())
    print(f"\nflagged messages without a review label: {unreviewed}")
    if show:
        for group, e in stats.items():
            for example in e["examples"][:show]:
                print(f"  {group}: {example}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("synth", "testcases", "fp", "speed", "checks"),
                        action="append")
    parser.add_argument("--locale", default="en", help="locale for the synthetic sentences")
    parser.add_argument("--limit", type=int, help="only the first N real messages")
    parser.add_argument("--show", type=int, default=0, help="print N misses/false hits each")
    parser.add_argument("--review", type=Path, default=REVIEW,
                        help="reviewed labels of flagged messages (CSV: key,label,...)")
    parser.add_argument("--dump-flagged", type=Path,
                        help="write every message with a sensitive finding to this CSV")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    parts = args.only or ["synth", "testcases", "fp", "speed"]
    guard = make_guard()
    started = time.perf_counter()
    if "synth" in parts:
        print_scores(f"presidio-research synth_dataset_v2 (1,500 sentences, locale "
                     f"`{args.locale}`)", eval_synth(guard, args.locale), args.show)
    if "testcases" in parts:
        scores, weak = eval_testcases(guard)
        print_scores("presidio-analyzer recognizer test cases (claimed entity types)",
                     scores, args.show, weak)
    if "fp" in parts:
        stats = eval_false_positives(guard, args.limit, load_review(args.review),
                                     args.dump_flagged)
        print_false_positives(stats, args.show)
    if "speed" in parts:
        print_speed(eval_speed(guard))
    if "checks" in parts:
        print_checks(eval_checks())
    print(f"\n(run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
