"""``copyguard review ...``: the reviewer's command line.

Exit codes: 0 done; 1 refused (another reviewer holds the item, it is already decided, it
changed since ``--if-version``, it needs ``--override --reason``, or there is nothing to
claim); 2 bad input, an unknown item or an unreachable store.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the heavy imports happen only when a review command runs
    from copyguard.guard import Guard
    from copyguard.review.records import AuditEntry, QueueFilter, ReviewItem
    from copyguard.review.store import ReviewStore

REVIEWER_ENV = "COPYGUARD_REVIEWER"
EXIT_OK, EXIT_REFUSED, EXIT_INPUT = 0, 1, 2


def add_review_parser(sub: Any) -> None:
    """Add the ``review`` command group to the main parser's subcommands."""
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--store", metavar="URL",
                       help="review store (default $COPYGUARD_REVIEW_URL or "
                            "./copyguard-review.sqlite3)")
    store.add_argument("--reviewer", default=os.environ.get(REVIEWER_ENV) or _login_name(),
                       help="who is acting (default $COPYGUARD_REVIEWER or your login name)")
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--brand")
    filters.add_argument("--route", choices=("pass", "revise", "review", "block"))
    filters.add_argument("--category", help="finding category, e.g. pii or brand")
    filters.add_argument("--older-than", metavar="AGE", help="queued at least AGE ago (2h, 1d)")
    filters.add_argument("--newer-than", metavar="AGE", help="queued at most AGE ago")
    guides = argparse.ArgumentParser(add_help=False)
    guides.add_argument("--brand-dir", action="append", type=Path,
                        help="directory of brand-guide YAML files for re-checks (repeatable)")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--format", choices=("text", "json"), default="text")
    versioned = argparse.ArgumentParser(add_help=False)
    versioned.add_argument("--if-version", type=int, metavar="N",
                           help="refuse if the item changed since version N (see show)")

    review = sub.add_parser("review", help="work the human-review queue")
    commands = review.add_subparsers(dest="review_command", required=True)

    listing = commands.add_parser("list", parents=[store, filters, output], help="list items")
    listing.add_argument("--status", action="append",
                         choices=("pending", "claimed", "edited", "approved", "rejected"),
                         help="repeatable; default: every open item")
    listing.add_argument("--all", action="store_true", help="decided items too")
    listing.add_argument("--mine", action="store_true", help="items you hold a claim on")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--offset", type=int, default=0)
    listing.set_defaults(func=cmd_list)

    show = commands.add_parser("show", parents=[store, output], help="one item in full")
    show.add_argument("item")
    show.set_defaults(func=cmd_show)

    claim = commands.add_parser("claim", parents=[store, filters, output],
                                help="claim the next items (or one given item)")
    claim.add_argument("item", nargs="?")
    claim.add_argument("--count", type=int, default=1)
    claim.set_defaults(func=cmd_claim)

    release = commands.add_parser("release", parents=[store], help="give a claim back")
    release.add_argument("item")
    release.set_defaults(func=cmd_release)

    approve = commands.add_parser("approve", parents=[store, versioned],
                                  help="approve the current copy")
    approve.add_argument("item")
    approve.add_argument("--override", action="store_true",
                         help="approve despite error findings (needs --reason)")
    approve.add_argument("--reason")
    approve.set_defaults(func=cmd_approve)

    reject = commands.add_parser("reject", parents=[store, versioned], help="reject the draft")
    reject.add_argument("item")
    reject.add_argument("--reason")
    reject.set_defaults(func=cmd_reject)

    edit = commands.add_parser("edit", parents=[store, guides, output, versioned],
                               help="rewrite the copy; it is re-checked before approval")
    edit.add_argument("item")
    source = edit.add_mutually_exclusive_group(required=True)
    source.add_argument("--text")
    source.add_argument("--file", type=Path, help="read the new copy from a file ('-': stdin)")
    source.add_argument("--use-fix", action="store_true", help="take the automatic fixes")
    edit.set_defaults(func=cmd_edit)

    add = commands.add_parser("add-reviewer", parents=[store],
                              help="create a web-console login (asks for the password)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin")
    add.add_argument("--replace", action="store_true", help="set a new password")
    add.set_defaults(func=cmd_add_reviewer)

    disable = commands.add_parser("disable-reviewer", parents=[store],
                                  help="lock a reviewer out of the console")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_disable_reviewer)

    serve = commands.add_parser("serve", parents=[store, guides], help="run the web console")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--secure-cookies", action="store_true",
                       help="mark cookies Secure (serve behind HTTPS)")
    serve.set_defaults(func=cmd_serve)


def _login_name() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


# -- plumbing ---------------------------------------------------------------------------------

def _store(args: argparse.Namespace, hooks: Any = None) -> ReviewStore:
    from copyguard.review import open_store

    return open_store(args.store, hooks=hooks)


def make_guard(args: argparse.Namespace) -> Guard:
    """The guard that re-checks edits (drafts keep their brand, so only guide dirs matter)."""
    from copyguard.guard import Guard

    return Guard(brand_dirs=args.brand_dir or None)


def _run(action: Callable[[], int]) -> int:
    from copyguard.review.errors import (
        AlreadyDecided,
        ClaimConflict,
        ItemChanged,
        OverrideRequired,
        ReviewError,
    )

    try:
        return action()
    except (ClaimConflict, AlreadyDecided, ItemChanged, OverrideRequired) as exc:
        print(f"copyguard review: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except ReviewError as exc:
        print(f"copyguard review: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _reviewer(args: argparse.Namespace) -> str:
    from copyguard.review.errors import ReviewError

    if not args.reviewer:
        raise ReviewError("say who you are: --reviewer NAME or $COPYGUARD_REVIEWER")
    name: str = args.reviewer
    return name


def _filter(args: argparse.Namespace, **extra: Any) -> QueueFilter:
    from copyguard.review.errors import ReviewError
    from copyguard.review.present import parse_duration
    from copyguard.review.records import QueueFilter

    try:
        older, newer = (parse_duration(value) if value else None
                        for value in (args.older_than, args.newer_than))
    except ValueError as exc:
        raise ReviewError(str(exc)) from None
    return QueueFilter(brand=args.brand, route=args.route, category=args.category,
                       older_than=older, newer_than=newer, **extra)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def item_json(item: ReviewItem, history: list[AuditEntry] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id, "draft_id": item.draft_id, "brand": item.brand, "locale": item.locale,
        "channel": item.channel, "route": item.route.value, "status": item.status.value,
        "categories": list(item.categories),
        "max_severity": item.max_severity.value if item.max_severity else None,
        "text": item.text, "edited_text": item.edited_text, "verdict": item.verdict,
        "recheck": item.recheck, "claimed_by": item.claimed_by,
        "claim_expires_at": item.claim_expires_at, "reviewer": item.reviewer,
        "created_at": item.created_at, "decided_at": item.decided_at,
        "decision_reason": item.decision_reason, "override": item.override,
        "version": item.version, "recipient": item.draft.get("recipient"),
        "campaign": item.draft.get("campaign"),
    }
    if history is not None:
        out["history"] = [{"action": e.action.value, "actor": e.actor, "at": e.at,
                           "detail": dict(e.detail)} for e in history]
    return out


def _row(item: ReviewItem, now: datetime) -> str:
    from copyguard.review.present import age, snippet, terminal_safe

    holder = item.holder(now)
    status = f"{item.status.value}:{holder}" if holder else item.status.value
    return "\t".join([item.id, age(item.created_at, now), status, item.route.value,
                      item.brand or "-", ",".join(item.categories) or "-",
                      terminal_safe(snippet(item.current_text), keep_newlines=False)])


def _describe(item: ReviewItem, history: list[AuditEntry], now: datetime) -> str:
    from copyguard.review.present import marked, terminal_safe

    verdict = item.current_verdict
    holder = item.holder(now)
    lines = [f"item {item.id}  draft {item.draft_id or '-'}  brand {item.brand or '-'}  "
             f"{item.locale}/{item.channel}",
             f"status {item.status.value}" + (f" (claimed by {holder})" if holder else "")
             + f"  route {item.route.value}  version {item.version}", ""]
    if item.edited_text is not None:
        lines += ["original:", marked(item.text, item.verdict["findings"]), "",
                  f"edited (re-check: {verdict['route']}):"]
    lines += [marked(item.current_text, verdict["findings"]), ""]
    for number, finding in enumerate(verdict["findings"], 1):
        lines.append(f"  {number}. {finding['severity']:<10} {finding['category']}/"
                     f"{finding['check']}.{finding['code']}: {finding['message']}")
        if finding.get("suggestion"):
            lines.append(f"     suggestion: {finding['suggestion']}")
    lines += [f"  why: {reason}" for reason in verdict.get("reasons", ())]
    if item.blocking and item.status.open:
        lines.append(f"  approving needs --override --reason ({'; '.join(item.blocking)})")
    lines += ["", "history:"]
    for entry in history:
        note = entry.detail.get("reason") or entry.detail.get("error") or ""
        lines.append(f"  {entry.at:%Y-%m-%d %H:%M:%S}  {entry.action.value:<13} {entry.actor}"
                     + (f"  {note}" if note else ""))
    return terminal_safe("\n".join(lines))


def _now() -> datetime:
    return datetime.now(UTC)


# -- commands ---------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    def action() -> int:
        from copyguard.review.records import OPEN_STATUSES, Status

        statuses = (() if args.all else tuple(Status(s) for s in args.status) if args.status
                    else tuple(sorted(OPEN_STATUSES)))
        mine = {"claimed_by": _reviewer(args)} if args.mine else {}
        with _store(args) as store:
            found = store.list(_filter(args, statuses=statuses, **mine), limit=args.limit,
                               offset=args.offset)
        if args.format == "json":
            _print_json([item_json(item) for item in found])
        else:
            now = _now()
            for item in found:
                print(_row(item, now))
        return EXIT_OK
    return _run(action)


def cmd_show(args: argparse.Namespace) -> int:
    def action() -> int:
        with _store(args) as store:
            item, history = store.get(args.item), store.history(args.item)
        if args.format == "json":
            _print_json(item_json(item, history))
        else:
            print(_describe(item, history, _now()))
        return EXIT_OK
    return _run(action)


def cmd_claim(args: argparse.Namespace) -> int:
    def action() -> int:
        reviewer = _reviewer(args)
        with _store(args) as store:
            if args.item is not None:
                claimed = [store.claim_item(args.item, reviewer)]
            else:
                claimed = store.claim(reviewer, _filter(args), count=args.count)
        if args.format == "json":
            _print_json([item_json(item) for item in claimed])
        else:
            now = _now()
            for item in claimed:
                print(_row(item, now))
        if not claimed:
            print("copyguard review: nothing to claim", file=sys.stderr)
            return EXIT_REFUSED
        return EXIT_OK
    return _run(action)


def cmd_release(args: argparse.Namespace) -> int:
    def action() -> int:
        with _store(args) as store:
            item = store.release(args.item, _reviewer(args))
        print(f"released item {item.id} ({item.status.value})")
        return EXIT_OK
    return _run(action)


def cmd_approve(args: argparse.Namespace) -> int:
    def action() -> int:
        from copyguard.review.errors import ReviewError

        if args.override and not (args.reason or "").strip():
            raise ReviewError("--override needs --reason saying why")
        with _store(args) as store:
            decision = store.approve(args.item, _reviewer(args), reason=args.reason,
                                     override=args.override, version=args.if_version)
        print(f"approved item {decision.item_id}" + (" (override)" if decision.override else ""))
        return EXIT_OK
    return _run(action)


def cmd_reject(args: argparse.Namespace) -> int:
    def action() -> int:
        with _store(args) as store:
            decision = store.reject(args.item, _reviewer(args), args.reason,
                                    version=args.if_version)
        print(f"rejected item {decision.item_id}")
        return EXIT_OK
    return _run(action)


def cmd_edit(args: argparse.Namespace) -> int:
    def action() -> int:
        from copyguard.review.errors import ReviewError

        reviewer = _reviewer(args)
        guard = make_guard(args)
        with _store(args, hooks=guard.host) as store:
            item = store.get(args.item)
            if args.use_fix:
                text = item.current_verdict.get("fixed_text")
                if text is None:
                    raise ReviewError(f"item {item.id} has no automatic fixes to apply")
            elif args.file is not None:
                text = sys.stdin.read() if str(args.file) == "-" else _read(args.file)
            else:
                text = args.text
            edited = store.edit(item.id, reviewer, text, guard.check, version=args.if_version)
            history = store.history(item.id)
        if args.format == "json":
            _print_json(item_json(edited, history))
        else:
            print(_describe(edited, history, _now()))
        return EXIT_OK
    return _run(action)


def _read(path: Path) -> str:
    from copyguard.review.errors import ReviewError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"cannot read {path}: {exc}") from exc


def cmd_add_reviewer(args: argparse.Namespace) -> int:
    def action() -> int:
        from copyguard.review.accounts import Accounts
        from copyguard.review.errors import ReviewError

        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"password for {args.name}: ")
            if getpass.getpass("again: ") != password:
                raise ReviewError("the passwords differ")
        with _store(args) as store:
            Accounts(store).add_reviewer(args.name, password, replace=args.replace)
        print(f"reviewer {args.name} {'updated' if args.replace else 'added'}")
        return EXIT_OK
    return _run(action)


def cmd_disable_reviewer(args: argparse.Namespace) -> int:
    def action() -> int:
        from copyguard.review.accounts import Accounts

        with _store(args) as store:
            Accounts(store).disable_reviewer(args.name)
        print(f"reviewer {args.name} disabled")
        return EXIT_OK
    return _run(action)


def cmd_serve(args: argparse.Namespace) -> int:
    def action() -> int:
        import uvicorn

        from copyguard.review.web.app import create_app

        store = _store(args)
        app = create_app(store, guard_factory=lambda: make_guard(args),
                         secure_cookies=args.secure_cookies)
        print(f"copyguard review console on http://{args.host}:{args.port}/", file=sys.stderr)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
        return EXIT_OK
    return _run(action)


def batch_sink(host: Any, url: str) -> Callable[[Any], str]:
    """For ``copyguard check --batch --review-store URL``: queues one verdict, raises
    :class:`~copyguard.review.errors.StoreUnavailable` when the store fails."""
    from copyguard.review.sinks import open_sink

    return open_sink(host, url)
