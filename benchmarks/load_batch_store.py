"""Load: many drafts through ``copyguard check --batch --review-store postgresql://...``.

    python benchmarks/load_batch_store.py --drafts 100000 --workers 0
    python benchmarks/load_batch_store.py --drafts 300 --workers 1     # a quick smoke run

The batch cycles the valid lines of ``fixtures/drafts.jsonl`` with unique ids (``load-N``)
into a temporary file, runs the real command in a subprocess against a throw-away schema of
database ``test`` on 127.0.0.1:5432, and samples the resident memory of the command and its
worker processes every half second. Then it compares the output with the queue: every
flagged line (route revise, review or block) must be queued exactly once, and nothing else.
Prints one JSON object (``--json-out`` also writes it to a file).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from copyguard.errors import InputError
from copyguard.io import parse_line

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def valid_fixtures(path: Path = ROOT / "fixtures" / "drafts.jsonl") -> list[dict[str, Any]]:
    """The fixture lines the JSONL contract accepts (the file holds some bad ones on purpose)."""
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            parse_line(raw, source=str(path), line=number)
        except InputError:
            continue
        found.append(json.loads(raw))
    return found


def write_batch(path: Path, count: int) -> None:
    fixtures = valid_fixtures()
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            draft = dict(fixtures[n % len(fixtures)], id=f"load-{n}")
            out.write(json.dumps(draft, ensure_ascii=False) + "\n")


def _tree_rss_kb(root: int) -> tuple[int, int]:
    """Resident memory (KiB) of ``root`` alone, and of ``root`` with all its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier += children
    sizes = {pid: _rss_kb(pid) for pid in tree}
    return sizes.get(root, 0), sum(sizes.values())


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.done = pid, every, threading.Event()
        self.peak_main_kb = self.peak_tree_kb = 0

    def run(self) -> None:
        while not self.done.wait(self.every):
            main, tree = _tree_rss_kb(self.pid)
            self.peak_main_kb = max(self.peak_main_kb, main)
            self.peak_tree_kb = max(self.peak_tree_kb, tree)


def run(count: int, workers: int, workdir: Path, keep: bool) -> dict[str, Any]:
    batch, out_path, err_path = (workdir / n for n in ("batch.jsonl", "out.jsonl", "err.txt"))
    write_batch(batch, count)
    schema = f"cg_load_{uuid.uuid4().hex[:10]}"
    url = f"{PG_SERVER}?schema={schema}"
    command = [sys.executable, "-m", "copyguard.cli", "check", "--batch", str(batch),
               "--workers", str(workers), "--quiet", "--review-store", url]
    started = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        returncode = proc.wait()
        sampler.done.set()
    seconds = time.perf_counter() - started
    routes: Counter[str] = Counter()
    flagged: set[str] = set()
    check_errors = 0
    lines = out_path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        data = json.loads(line)
        routes[str(data.get("route"))] += 1
        if data.get("route") not in (None, "pass"):
            flagged.add(data["id"])
        check_errors += sum(f.get("code") == "check_error" for f in data.get("findings", ()))
    engine = create_engine(PG_SERVER)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'SET search_path TO "{schema}"'))
            queued_rows = conn.execute(text("SELECT count(*) FROM review_items")).scalar_one()
            queued = set(conn.execute(text("SELECT draft_id FROM review_items")).scalars())
            submitted = conn.execute(text(
                "SELECT count(*) FROM review_events WHERE action = 'submitted'")).scalar_one()
        if not keep:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return {
        "drafts": count, "workers": workers, "exit_code": returncode,
        "seconds": round(seconds, 1), "drafts_per_s": round(count / seconds, 1),
        "peak_rss_main_mb": round(sampler.peak_main_kb / 1024, 1),
        "peak_rss_all_processes_mb": round(sampler.peak_tree_kb / 1024, 1),
        "output_lines": len(lines), "routes": dict(routes),
        "error_lines": routes.get("None", 0), "check_error_findings": check_errors,
        "flagged": len(flagged), "queued_rows": queued_rows, "submitted_events": submitted,
        "lost": len(flagged - queued), "unexpected": len(queued - flagged),
        "duplicates": queued_rows - len(queued),
        "stderr_tail": stderr.strip().splitlines()[-3:],
        "schema": schema if keep else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.drafts, args.workers, Path(tmp), args.keep)
    report = json.dumps(result, indent=2)
    print(report)
    if args.json_out:
        args.json_out.write_text(report + "\n", encoding="utf-8")
    ok = (result["output_lines"] == args.drafts and result["lost"] == 0
          and result["unexpected"] == 0 and result["duplicates"] == 0
          and result["queued_rows"] == result["flagged"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
