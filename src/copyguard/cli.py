"""The ``copyguard`` command.

Exit codes: 0 every draft passed; 1 at least one draft was flagged (revise, review or block);
2 a usage or input error (a bad file, a malformed line, an unknown brand), or the review
store of ``--review-store`` failed (after retrying for ``$COPYGUARD_REVIEW_RETRY``, default
30 s): the batch stops at that draft, every line written before it is final (its flagged
drafts are queued), and a re-run queues nothing twice.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from copyguard.batch import check_stream
from copyguard.brand.cli import add_brand_parsers
from copyguard.errors import CopyguardError, InputError
from copyguard.evaluate import add_eval_parser
from copyguard.guard import Guard
from copyguard.io import error_json, parse_line, verdict_json
from copyguard.model import Draft, Verdict
from copyguard.render import verdict_text
from copyguard.review.cli import add_review_parser, batch_sink
from copyguard.review.errors import ReviewError

EXIT_PASS, EXIT_FLAGGED, EXIT_INPUT = 0, 1, 2


def _guard(args: argparse.Namespace) -> Guard:
    return Guard(brand=args.brand, brand_dirs=args.brand_dir or None)


def _write(out: IO[str], verdict: Verdict | None, error: dict[str, Any] | None, fmt: str) -> None:
    if fmt == "text":
        problem = (error or {}).get("error")
        body = verdict_text(verdict) if verdict is not None else f"ERROR {problem}"
        out.write(body + "\n\n")
    else:
        data = verdict_json(verdict) if verdict else error
        indent = 2 if fmt == "json" else None
        out.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
    out.flush()


def _lines(stream: IO[str], source: str) -> Iterator[tuple[int, Draft | InputError]]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            yield number, parse_line(raw, source=source, line=number)
        except InputError as exc:
            yield number, exc


def cmd_check(args: argparse.Namespace) -> int:
    fmt = args.format or ("jsonl" if args.batch else "text")
    source = "<stdin>" if args.file == "-" else args.file
    try:
        guard = _guard(args)
        sink = batch_sink(guard.host, args.review_store) if args.review_store else None
    except CopyguardError as exc:
        print(f"copyguard: {exc}", file=sys.stderr)
        return EXIT_INPUT
    with ExitStack() as stack:
        try:
            stream = sys.stdin if args.file == "-" else stack.enter_context(
                open(args.file, encoding="utf-8"))
        except OSError as exc:
            print(f"copyguard: cannot read {source}: {exc.strerror}", file=sys.stderr)
            return EXIT_INPUT
        if args.batch:
            items: Iterator[tuple[int, Draft | InputError]] = _lines(stream, source)
        else:
            items = iter([(1, _single(stream, source))])
        if args.batch and sys.stderr.isatty() and not args.quiet:
            from tqdm import tqdm

            items = tqdm(items, desc="checking", unit="draft", file=sys.stderr)
        return _run(guard, items, fmt, sys.stdout, workers=args.workers, sink=sink)


def _single(stream: IO[str], source: str) -> Draft | InputError:
    text = stream.read()
    try:
        return parse_line(text, source=source, line=1) if text.strip() else InputError(
            "empty input", source=source)
    except InputError as exc:
        return exc


def _run(guard: Guard, items: Iterator[tuple[int, Draft | InputError]], fmt: str,
         out: IO[str], workers: int = 1, sink: Callable[[Verdict], str] | None = None) -> int:
    pending: deque[tuple[int, str | None]] = deque()  # line number and draft id, in order

    def drafts() -> Iterator[Draft | InputError]:
        for number, item in items:
            pending.append((number, item.id if isinstance(item, Draft) else None))
            yield item

    status, written = EXIT_PASS, 0
    for result in check_stream(guard, drafts(), workers=workers):
        number, draft_id = pending.popleft()
        if isinstance(result, Verdict):
            if sink is not None and not result.passed:
                try:
                    sink(result)
                except ReviewError as exc:  # stop: nothing past this draft is reported
                    print(f"copyguard: {exc} [stopped at input line {number}; the {written} "
                          "results written before it are final]", file=sys.stderr)
                    return EXIT_INPUT
            written += 1
            if not result.passed and status == EXIT_PASS:
                status = EXIT_FLAGGED
            _write(out, result, None, fmt)
            continue
        status, written = EXIT_INPUT, written + 1
        error = error_json(result, draft_id)
        error["line"] = error.get("line") or number
        _write(out, None, error, fmt)
    return status


def cmd_plugins(args: argparse.Namespace) -> int:
    guard = _guard(args)
    by_plugin: dict[str, list[str]] = {}
    for name, reg in sorted(guard.host.checks.items()):
        by_plugin.setdefault(reg.plugin, []).append(name)
    for plugin in guard.host.plugin_names():
        checks = ", ".join(by_plugin.get(plugin, [])) or "-"
        print(f"{plugin}\tchecks: {checks}")
    for failure in guard.host.failures:
        print(f"{failure.name}\tFAILED: {failure.error}")
    return EXIT_INPUT if guard.host.failures else EXIT_PASS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copyguard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--brand", help="brand guide id for drafts that name none")
    common.add_argument("--brand-dir", action="append", type=Path,
                        help="directory of brand-guide YAML files (repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", parents=[common], help="check a draft or a JSONL batch")
    check.add_argument("file", help="a JSON draft, or JSONL with --batch; '-' for stdin")
    check.add_argument("--batch", action="store_true", help="JSONL in, JSONL out, line by line")
    check.add_argument("--format", choices=("text", "json", "jsonl"))
    check.add_argument("--quiet", action="store_true", help="no progress bar")
    check.add_argument("--workers", type=int, default=1,
                       help="worker processes for --batch (0 = one per core; default 1)")
    check.add_argument("--review-store", metavar="URL",
                       help="queue every non-pass verdict for human review (sqlite:///file or "
                            "postgresql://...)")
    check.set_defaults(func=cmd_check)

    sub.add_parser("plugins", parents=[common], help="list plugins and their checks"
                   ).set_defaults(func=cmd_plugins)
    add_brand_parsers(sub, common)
    add_eval_parser(sub, common)
    add_review_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        return EXIT_PASS
    except CopyguardError as exc:
        print(f"copyguard: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return code


if __name__ == "__main__":
    sys.exit(main())
