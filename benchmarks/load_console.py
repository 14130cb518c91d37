"""Load: many reviewers working the review console at once, over HTTP on loopback.

    python benchmarks/load_console.py --sessions 50 --items 1000
    python benchmarks/load_console.py --sessions 10 --items 200 --password-cost 16384

Fills a throw-away PostgreSQL schema (database ``test`` on 127.0.0.1:5432) with ``--items``
flagged drafts and ``--sessions`` reviewer accounts, starts the real console
(``copyguard review serve``, one uvicorn process) on a free local port, then runs one thread
per reviewer (httpx, its own cookies): log in, then until the queue is empty: list the queue,
claim the next item, open it, approve it (or reject every third) with the CSRF token and the
version the page showed. Records requests/s, latency percentiles per kind of request, errors
(any unexpected status or exception), and checks in the database that every item was decided
exactly once, by the reviewer whose session decided it. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from copyguard import Category, Draft, Finding, Route, Severity, Verdict
from copyguard.plugins import build_plugin_manager
from copyguard.review import ReviewStore, open_store
from copyguard.review.accounts import Accounts

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "load-test-password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'action="/items/\d+/approve".*?name="version" value="(\d+)"', re.S)
ITEM = re.compile(r"^/items/(\d+)\?")


@dataclass
class Stats:
    """Latencies per kind of request, errors, and who decided what (thread-safe)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    decided: list[tuple[str, str, str]] = field(default_factory=list)  # item, reviewer, how
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, call: Callable[[], httpx.Response], expect: int,
              ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = call()
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
            if response.status_code != expect:
                self.errors.append(f"{kind}: HTTP {response.status_code} "
                                   f"{response.text[:200]!r}")
                return None
        return response


def fill(store: ReviewStore, count: int, names: list[str], password_cost: int) -> None:
    accounts = Accounts(store, password_cost=password_cost)
    for name in names:
        accounts.add_reviewer(name, PASSWORD)
    for n in range(count):
        text_ = f"Load item {n}: a cheap deal on our spring range, today only."
        start = text_.index("cheap")
        store.submit(Verdict(draft=Draft(text_, f"load-{n}", brand="acme"), route=Route.REVIEW,
                             findings=(Finding("brand_voice", "banned", Category.BRAND,
                                               Severity.WARNING, "banned word 'cheap'", start,
                                               start + 5),),
                             reasons=("review: brand voice",)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def console(url: str) -> Iterator[str]:
    """``copyguard review serve`` in a subprocess; yields its base URL."""
    port = free_port()
    env = {**os.environ, "COPYGUARD_LOAD_PLUGINS": ""}  # no installed plugin hears decisions
    proc = subprocess.Popen([sys.executable, "-m", "copyguard.cli", "review", "serve",
                             "--store", url, "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the console did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def reviewer(base: str, name: str, stats: Stats, start: threading.Barrier) -> None:
    """One reviewer's session: log in, then claim and decide until the queue is empty."""
    with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as client:
        start.wait()
        page = stats.timed("login_page", lambda: client.get("/login"), 200)
        if page is None:
            return
        form = {"csrf_token": CSRF.findall(page.text)[0], "name": name, "password": PASSWORD,
                "next": "/"}
        if stats.timed("login", lambda: client.post("/login", data=form), 303) is None:
            return
        while True:
            queue = stats.timed("list", lambda: client.get("/"), 200)
            if queue is None:
                return
            token = CSRF.findall(queue.text)[0]
            claimed = stats.timed("claim_next", partial(
                client.post, "/claim-next", data={"csrf_token": token}), 303)
            if claimed is None:
                return
            match = ITEM.match(claimed.headers["location"])
            if match is None:  # "/?notice=empty": the queue is drained
                return
            item_id = match.group(1)
            item = stats.timed("item", partial(client.get, f"/items/{item_id}"), 200)
            if item is None:
                return
            version = VERSION.search(item.text)
            how = "reject" if int(item_id) % 3 == 0 else "approve"
            data = {"csrf_token": token, "version": version.group(1) if version else "",
                    "reason": "load test"}
            decide = partial(client.post, f"/items/{item_id}/{how}", data=data)
            if stats.timed("decide", decide, 303) is not None:
                with stats.lock:
                    stats.decided.append((item_id, name, how))


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_ms": round(cuts[49] * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1), "p99_ms": round(cuts[98] * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)}


def check_decisions(engine_url: str, schema: str, stats: Stats, items: int) -> dict[str, Any]:
    """Every item decided exactly once, by the reviewer whose session decided it."""
    engine = create_engine(engine_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'SET search_path TO "{schema}"'))
            rows = {str(r.id): r for r in conn.execute(text(
                "SELECT id, status, reviewer, decided_at FROM review_items"))}
            decisions = Counter(str(item_id) for item_id, in conn.execute(text(
                "SELECT item_id FROM review_events WHERE action IN ('approved', 'rejected')")))
    finally:
        engine.dispose()
    by_client = Counter(item_id for item_id, _, _ in stats.decided)
    return {
        "items": items, "decided_in_db": sum(r.decided_at is not None for r in rows.values()),
        "decisions_by_sessions": len(stats.decided),
        "decided_twice_by_sessions": sum(n > 1 for n in by_client.values()),
        "items_with_not_exactly_one_decision_event":
            sum(decisions.get(item_id, 0) != 1 for item_id in rows),
        "reviewer_mismatches": sum(rows[i].reviewer != name or rows[i].status !=
                                   ("rejected" if how == "reject" else "approved")
                                   for i, name, how in stats.decided),
    }


def run(sessions: int, items: int, password_cost: int, keep: bool = False,
        server: str = PG_SERVER) -> dict[str, Any]:
    schema = f"cg_console_{uuid.uuid4().hex[:10]}"
    url = f"{server}?schema={schema}"
    names = [f"reviewer{n:03d}" for n in range(sessions)]
    phase = time.perf_counter()
    store = open_store(url, hooks=build_plugin_manager(load_entrypoints=False))
    try:
        fill(store, items, names, password_cost)
    finally:
        store.close()
    setup, phase = time.perf_counter() - phase, time.perf_counter()
    stats = Stats()
    try:
        with console(url) as base:
            server_start = time.perf_counter() - phase
            start = threading.Barrier(sessions)
            threads = [threading.Thread(target=reviewer, args=(base, name, stats, start))
                       for name in names]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
        checks = check_decisions(server, schema, stats, items)
    finally:
        if not keep:
            engine = create_engine(server)
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
    every = [v for values in stats.latencies.values() for v in values]
    return {
        "sessions": sessions, "items": items, "password_cost": password_cost,
        "setup_seconds": round(setup, 1), "server_start_seconds": round(server_start, 1),
        "seconds": round(seconds, 1), "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "decisions_per_s": round(len(stats.decided) / seconds, 1),
        "latency_all": percentiles(every),
        "latency": {kind: percentiles(values) for kind, values in stats.latencies.items()},
        "errors": len(stats.errors), "error_samples": stats.errors[:5], **checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--password-cost", type=int, default=2**17,
                        help="scrypt N for the accounts (default: the production cost)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    result = run(args.sessions, args.items, args.password_cost, args.keep)
    report = json.dumps(result, indent=2)
    print(report)
    if args.json_out:
        args.json_out.write_text(report + "\n", encoding="utf-8")
    ok = (result["errors"] == 0 and result["decided_in_db"] == args.items
          and result["decisions_by_sessions"] == args.items
          and result["decided_twice_by_sessions"] == 0
          and result["items_with_not_exactly_one_decision_event"] == 0
          and result["reviewer_mismatches"] == 0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
