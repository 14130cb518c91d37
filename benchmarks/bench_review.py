"""How fast the review queue lists and claims when it holds 100,000 items.

    python benchmarks/bench_review.py                      # SQLite and PostgreSQL
    python benchmarks/bench_review.py --backend sqlite --items 100000 --rounds 200

The queue is filled with one multi-row INSERT per 5,000 items (five brands, routes review /
block / revise, one or two finding categories each, one item per second over ~28 hours), then
``ANALYZE`` runs, as autovacuum would. Then it times, per round: listing the first page (50
open items) without and with filters, counting the open items, and claiming one item (a real
claim: the queue shrinks as it runs), and the capped count the console shows ("10,000+").
``submit()`` itself is timed on 1,000 new verdicts.
PostgreSQL runs in a throw-away schema of database ``test`` on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from copyguard import Category, Draft, Finding, Route, Severity, Verdict
from copyguard.io import verdict_json
from copyguard.plugins import build_plugin_manager
from copyguard.review import QueueFilter, ReviewStore, open_store
from copyguard.review.models import categories, items

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BRANDS = ("acme", "zenith", "northwind", "globex", "initech")
ROUTES = (Route.REVIEW,) * 14 + (Route.BLOCK,) * 3 + (Route.REVISE,) * 3
CATEGORIES = [c.value for c in Category]
CHUNK = 5000


def fill(store: ReviewStore, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(seconds=count)
    verdict = verdict_json(Verdict(draft=Draft("x"), route=Route.REVIEW, findings=(Finding(
        "brand_voice", "banned", Category.BRAND, Severity.WARNING, "banned word", 0, 4),)))
    for base in range(0, count, CHUNK):
        rows, cats = [], []
        for n in range(base, min(base + CHUNK, count)):
            at = start + timedelta(seconds=n)
            text_ = f"Draft {n}: our spring collection is here, with {rng.randint(5, 40)}% off."
            rows.append({
                "id": n + 1, "draft_key": f"bench-{n}", "content_hash": f"{n:064x}",
                "draft_id": f"bench-{n}", "brand": rng.choice(BRANDS), "locale": "en-US",
                "channel": "email", "route": rng.choice(ROUTES).value, "max_severity": "warning",
                "status": "pending", "text": text_,
                "draft": {"id": f"bench-{n}", "text": text_, "recipient": {"id": f"r{n}"}},
                "verdict": verdict, "override": False, "available_at": at, "created_at": at,
                "updated_at": at})
            cats += [{"item_id": n + 1, "category": c}
                     for c in rng.sample(CATEGORIES, rng.choice((1, 1, 2)))]
        with store.transaction(write=True) as conn:
            conn.execute(insert(items), rows)
            conn.execute(insert(categories), cats)
    with store.transaction(write=True) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('review_items', 'id'), "
                              ":last)"), {"last": count})
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def timed(action: Callable[[], Any], rounds: int) -> dict[str, float]:
    action()  # warm the connection pool and the statement caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median": statistics.median(samples),
            "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
            "max": samples[-1]}


def bench(url: str, count: int, rounds: int) -> list[tuple[str, dict[str, float]]]:
    store = open_store(url, hooks=build_plugin_manager(load_entrypoints=False))
    try:
        started = time.perf_counter()
        fill(store, count)
        print(f"  filled {count:,} items in {time.perf_counter() - started:.1f} s")
        reviewers = iter(range(10**9))
        results = [
            ("list first page (50 open)", timed(lambda: store.list(limit=50), rounds)),
            ("list, brand filter", timed(lambda: store.list(QueueFilter(brand="globex")),
                                         rounds)),
            ("list, route=block", timed(lambda: store.list(QueueFilter(route=Route.BLOCK)),
                                        rounds)),
            ("list, category=locale", timed(
                lambda: store.list(QueueFilter(category="locale")), rounds)),
            ("list, older than 12h", timed(
                lambda: store.list(QueueFilter(older_than=timedelta(hours=12))), rounds)),
            ("count open (capped, 10,000)", timed(lambda: store.count(cap=10_000), rounds)),
            ("claim 1", timed(lambda: store.claim(f"r{next(reviewers)}"), rounds)),
            ("claim 1, brand filter", timed(
                lambda: store.claim(f"r{next(reviewers)}", QueueFilter(brand="zenith")),
                rounds)),
        ]
        verdicts = [Verdict(draft=Draft(f"New draft {n}", id=f"new-{n}", brand="acme"),
                            route=Route.REVIEW, reasons=("review: bench",)) for n in range(1000)]
        started = time.perf_counter()
        for verdict in verdicts:
            store.submit(verdict)
        per_submit = (time.perf_counter() - started) * 1000 / len(verdicts)
        results.append(("submit (new verdict)", {"median": per_submit, "p95": float("nan"),
                                                 "max": float("nan")}))
        return results
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        print(f"{backend}: {args.items:,} queued items, {args.rounds} rounds")
        with tempfile.TemporaryDirectory() as tmp:
            schema = f"cg_bench_{os.getpid()}"
            url = (f"sqlite:///{Path(tmp) / 'bench.sqlite3'}" if backend == "sqlite"
                   else f"{PG_SERVER}?schema={schema}")
            try:
                results = bench(url, args.items, args.rounds)
            finally:
                if backend == "postgresql":
                    engine = create_engine(PG_SERVER)
                    with engine.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    engine.dispose()
        print(f"  {'operation':<28}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}")
        for name, figures in results:
            print(f"  {name:<28}{figures['median']:>10.2f}{figures['p95']:>9.2f}"
                  f"{figures['max']:>9.2f}")


if __name__ == "__main__":
    main()
