"""copyguard's benchmark suite: one command, every figure side by side on the same drafts.

    python benchmarks/run.py                 # everything (a few minutes on 2 cores)
    python benchmarks/run.py --quick         # fewer drafts and repetitions

Prints per-draft latency (p50/p95/p99) of the full guard and of each check, the same for a bare
Presidio AnalyzerEngine with its default recognizers over the same blank spaCy pipeline, their
ratio, single-process and all-core throughput, peak memory, scaling with draft length and with
brand-guide size, and cold start. Drafts: the shipped fixtures plus real messages from
../shared/evaldata (spamassassin-promotional, sms-spam-collection).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
RECIPIENT = {"id": "bench", "profile": {"first_name": "Maria", "last_name": "Garcia",
                                        "email": "maria.garcia@example.com", "city": "Denver"},
             "consents": ["personalization", "email"],
             "purchases": [{"item": "Trail boots", "date": "2026-03-01"}]}
CAMPAIGN = {"id": "bench", "tags": ["promotions"], "industry": "retail",
            "sent_at": "2026-11-22T09:00:00"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50):7.2f}  p95 {percentile(values, 95):7.2f}  "
            f"p99 {percentile(values, 99):7.2f} ms")


def load_drafts(limit: int) -> list[dict[str, Any]]:
    """Fixtures plus real promotional mail and SMS, as English drafts for one recipient."""
    drafts: list[dict[str, Any]] = []
    for path in [ROOT / "fixtures/drafts.jsonl", *sorted((ROOT / "fixtures/eval").glob("*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            data.pop("expect", None)
            if isinstance(data, dict) and "text" in data and data.get("channel") != "fax":
                drafts.append(data)
    mail = EVALDATA / "spamassassin-promotional/messages.jsonl"
    # split on "\n" only: message bodies contain U+2028 and other characters splitlines() breaks on
    for i, line in enumerate(mail.read_text(encoding="utf-8").split("\n")[:limit]):
        body = " ".join(json.loads(line)["body"].split()[:300])
        drafts.append({"id": f"sa{i}", "text": body, "locale": "en-US", "channel": "email",
                       "recipient": RECIPIENT, "campaign": CAMPAIGN})
    sms = EVALDATA / "sms-spam-collection/SMSSpamCollection.tsv"
    for i, line in enumerate(sms.read_text(encoding="utf-8").splitlines()[:limit]):
        drafts.append({"id": f"sms{i}", "text": line.split("\t", 1)[1], "locale": "en-GB",
                       "channel": "sms", "recipient": RECIPIENT, "campaign": CAMPAIGN})
    return drafts


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def bare_presidio(guard: Any) -> Any:
    """Presidio's AnalyzerEngine with its default recognizers over our blank English pipeline."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"])
    return AnalyzerEngine(registry=registry, nlp_engine=guard.nlp.presidio_engine("en"),
                          supported_languages=["en"])


def latency(guard: Any, drafts: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    from copyguard.io import coerce_draft

    prepared = [guard.prepare(coerce_draft(d)) for d in drafts]
    analyzer = bare_presidio(guard)
    for draft in prepared[:20]:  # warm up both
        guard.check(draft)
        analyzer.analyze(draft.text, language="en")
    full: list[float] = []
    per_check: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for draft in prepared:
            started = time.perf_counter()
            verdict = guard.check(draft)
            full.append((time.perf_counter() - started) * 1000)
            for name, ms in verdict.timings.items():
                per_check[name].append(ms)
    # The like-for-like ratio: each English text through the guard and through bare Presidio
    # back to back, `repeat` rounds, so drift in machine load hits both alike.
    english = [d for d in prepared if d.language == "en"]
    english_full: list[float] = []
    bare: list[float] = []
    groups: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for _ in range(repeat):
        for draft in english:
            ours = timed(lambda d=draft: guard.check(d))
            theirs = timed(lambda d=draft: analyzer.analyze(d.text, language="en"))
            english_full.append(ours)
            bare.append(theirs)
            group = groups[source(draft.id or "")]
            group[0].append(ours)
            group[1].append(theirs)
    return {"full": full, "bare": bare, "per_check": per_check, "english_full": english_full,
            "groups": dict(groups)}


def source(draft_id: str) -> str:
    return ("SMS" if draft_id.startswith("sms") else
            "mails" if draft_id.startswith("sa") else "fixtures")


def throughput(guard: Any, drafts: list[dict[str, Any]], workers: int, total: int,
               ) -> tuple[float, float]:
    """(steady drafts/s, seconds to the first result) over ``total`` drafts cycled from
    ``drafts``. Steady throughput is timed from the 30th percentile result to the last, so
    worker start-up (import, then each language's pipeline and data on first sight, which
    each worker pays separately) is reported apart from it."""
    from copyguard.batch import check_stream

    stream = ({**draft, "id": f"{draft['id']}-{i}"}
              for i, draft in enumerate(itertools.islice(itertools.cycle(drafts), total)))
    started = time.perf_counter()
    stamps = [time.perf_counter() for _ in check_stream(guard, stream, workers=workers)]
    mark = len(stamps) * 3 // 10
    return (len(stamps) - mark) / (stamps[-1] - stamps[mark]), stamps[0] - started


def words(n: int) -> str:
    base = ["Our", "new", "Alpine", "Shell", "jacket", "keeps", "the", "rain", "out", "and",
            "the", "warmth", "in", "on", "every", "trail", "this", "season,", "with", "taped",
            "seams,", "a", "storm", "hood", "and", "pockets", "that", "fit", "a", "map."]
    return " ".join(base[i % len(base)] for i in range(n))


def scale_length(guard: Any) -> dict[int, float]:
    out = {}
    for n in (50, 500, 5000):
        text = words(n)
        guard.check(text, recipient=RECIPIENT)
        out[n] = statistics.median(timed(lambda t=text: guard.check(t, recipient=RECIPIENT))
                                   for _ in range(5 if n < 5000 else 3))
    return out


def scale_terms(tmp: Path) -> dict[int, float]:
    from copyguard import Guard

    vocabulary = [f"zq{i:05d}term" for i in range(10_000)]
    text = words(200)
    guards = {}
    for n in (10, 1000, 10_000):
        guide = {"id": f"bench{n}", "version": "1", "industry": "retail",
                 "banned": [{"phrases": vocabulary[:n], "message": "banned"}]}
        (tmp / f"bench{n}.yaml").write_text(json.dumps(guide), encoding="utf-8")
        guards[n] = Guard(brand=f"bench{n}", brand_dirs=[tmp])
        guards[n].check(text)
    times: dict[int, list[float]] = defaultdict(list)
    for _ in range(100):  # interleaved, so drift in machine load hits every size alike
        for n, guard in guards.items():
            times[n].append(timed(lambda g=guard: g.check(text)))
    return {n: statistics.median(values) for n, values in times.items()}


def memory_of_one_guard() -> dict[str, Any]:
    """benchmarks/bench_memory.py's result: one guard alone in a fresh process (this one
    also holds the bare Presidio analyzer and every draft)."""
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/bench_memory.py")],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def cold_start(runs: int = 5) -> list[float]:
    """Seconds from a fresh interpreter's first import of copyguard to its first verdict (an
    English draft, the default brand), for ``runs`` fresh processes, in order."""
    code = ("import time; t=time.perf_counter(); from copyguard import Guard; "
            "Guard().check('Hi Maria, your boots ship today.', "
            "recipient={'profile': {'first_name': 'Maria'}}); "
            "print(time.perf_counter()-t)")
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=ROOT).stdout) for _ in range(runs)]


def main(argv: Iterable[str] | None = None) -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    limit, repeat = (150, 1) if args.quick else (600, 3)

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    # First, while nothing else of this run is loaded or running.
    starts = cold_start()

    from copyguard import Guard

    guard = Guard(brand_dirs=[ROOT / "brand_guides"])
    drafts = load_drafts(limit)
    print(f"drafts: {len(drafts)} (fixtures + {limit} spamassassin + {limit} sms)")

    lat = latency(guard, drafts, repeat)
    print("\n== latency per draft")
    print(f"full guard (all drafts)       {summary(lat['full'])}")
    print(f"full guard (English drafts)   {summary(lat['english_full'])}")
    print(f"bare Presidio analyze         {summary(lat['bare'])}")
    ratio = percentile(lat["english_full"], 50) / percentile(lat["bare"], 50)
    print(f"ratio full/bare at p50        {ratio:.2f}x   (target <= 1.0x)")
    for name, (ours, theirs) in sorted(lat["groups"].items()):
        mine, bare50 = percentile(ours, 50), percentile(theirs, 50)
        print(f"  {name:<9} ({len(ours) // repeat:>4} drafts) guard p50 {mine:6.2f}  bare p50 "
              f"{bare50:6.2f} ms  ({mine / bare50:.2f}x)")
    for name, values in sorted(lat["per_check"].items()):
        print(f"  check {name:<22} {summary(values)}")

    print("\n== throughput")
    total = 2000 if args.quick else 12_000
    single, _ = throughput(guard, drafts, workers=1, total=total)
    multi, first = throughput(guard, drafts, workers=0, total=total)
    print(f"one process (warm guard)      {single:8.1f} drafts/s   ({total} drafts)")
    print(f"batch, all cores              {multi:8.1f} drafts/s   ({multi / single:.2f}x; "
          "target >= 1.7x on 2 cores)")
    print(f"  worker start-up             {first:8.1f} s to the first result (not in the rate)")

    print("\n== scaling")
    length = scale_length(guard)
    for n, ms in length.items():
        print(f"{n:>6} words                  {ms:8.2f} ms")
    print(f"5,000 / 50 words              {length[5000] / length[50]:8.1f}x   (target <= 110x)")
    with tempfile.TemporaryDirectory() as tmp:
        terms = scale_terms(Path(tmp))
    for n, ms in terms.items():
        print(f"{n:>6} banned terms           {ms:8.2f} ms")
    print(f"10,000 / 10 terms             {terms[10_000] / terms[10]:8.2f}x   (target <= 1.2x)")

    print("\n== memory and start-up")
    memory = memory_of_one_guard()
    print(f"peak RSS, one guard           {memory['peak_mb']:8.1f} MB   (target <= 400 MB; "
          f"fresh process, {len(memory['languages'])} languages, both brands, "
          f"{memory['passes']} x {memory['drafts']} drafts)")
    mapped = memory["file_mb"][f"pass:{memory['passes']}"]
    print(f"  of it, memory-mapped files  {mapped:8.1f} MB   (dictionaries and libraries, "
          "shared between processes)")
    print(f"cold start (import + check)   {statistics.median(starts):8.2f} s    (target <= 3 s; "
          f"median of {len(starts)} fresh processes, {min(starts):.2f}-{max(starts):.2f} s)")
    print("\nbatch of 100,000 drafts with flat memory: python benchmarks/bench_batch.py "
          "--sizes 1000 100000")


if __name__ == "__main__":
    main()
