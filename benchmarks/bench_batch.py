"""Batch streaming: peak memory of `copyguard check --batch` must not grow with the batch.

Runs the real command on N generated lines (every 50th line malformed) for several N and
prints wall time, throughput, peak RSS and the number of error lines.

    python benchmarks/bench_batch.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [
    "Hi {name}, our {item} is back in stock. Made for the way you roam.",
    "{name}, we noticed you viewed the {item} 12 times. Buy now!",
    "New season, new trails: see the {item} and the rest of the range this week.",
    "Hallo {name}, die neue {item} ist da. Jetzt entdecken.",
    "Your order of the {item} ships today. Questions? Reply to this e-mail.",
]
NAMES = ["Maria", "Jonas", "Aiko", "Lucas", "Chloé", "Priya"]
ITEMS = ["Alpine Shell jacket", "trail boots", "Daunenjacke", "camp stove", "rain cover"]


def make_batch(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            if i % 50 == 49:
                out.write(f'{{"id": "broken-{i}", "text": \n')
                continue
            name, item = rng.choice(NAMES), rng.choice(ITEMS)
            text = rng.choice(TEMPLATES).format(name=name, item=item)
            out.write(json.dumps({
                "id": f"d{i}", "text": text, "locale": "de-DE" if "Hallo" in text else "en-US",
                "channel": rng.choice(["email", "sms", "push"]),
                "recipient": {"profile": {"first_name": name}, "consents": ["personalization"],
                              "purchases": [{"item": item, "date": "2026-01-05"}]},
                "campaign": {"id": "bench", "sent_at": "2026-11-22T09:00:00"},
            }, ensure_ascii=False) + "\n")


def run(n: int, workdir: Path) -> dict[str, float]:
    batch = workdir / f"batch-{n}.jsonl"
    make_batch(batch, n)
    started = time.perf_counter()
    with (workdir / f"out-{n}.jsonl").open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "copyguard.cli", "check", "--batch",
                                 str(batch), "--quiet"], stdout=sink, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    elapsed = time.perf_counter() - started
    peak_kb = usage.ru_maxrss
    returncode = os.waitstatus_to_exitcode(status)
    lines = (workdir / f"out-{n}.jsonl").read_text().splitlines()
    errors = sum(1 for line in lines if "error" in json.loads(line))
    assert len(lines) == n, f"{len(lines)} output lines for {n} input lines"
    assert returncode == 2, "malformed lines must give exit code 2"
    return {"n": n, "seconds": elapsed, "drafts_per_s": n / elapsed,
            "peak_rss_mb": peak_kb / 1024, "error_lines": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'lines':>8} {'seconds':>9} {'drafts/s':>9} {'peak RSS MB':>12} {'errors':>7}")
        for n in args.sizes:
            r = run(n, Path(tmp))
            print(f"{r['n']:>8} {r['seconds']:>9.1f} {r['drafts_per_s']:>9.1f} "
                  f"{r['peak_rss_mb']:>12.1f} {r['error_lines']:>7}")


if __name__ == "__main__":
    main()
