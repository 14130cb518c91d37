"""``copyguard eval``: measure the guard on a labeled corpus.

A labeled line is a batch input line plus ``"expect": {"route": "pass" | "flag",
"categories": [...], "not_categories": [...], "note": "..."}``. ``flag`` means any route but
``pass``. A category is *detected* when the verdict holds a finding of that category whose
severity the draft's brand guide routes away from ``pass`` (hints do not count, nor do crashed
checks). For category scores, an expected-pass draft counts every category as a negative; a
flagged draft counts only the categories its label names, in ``categories`` or
``not_categories``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from copyguard.errors import CopyguardError, InputError
from copyguard.guard import Guard
from copyguard.guides import Routing
from copyguard.io import finding_json, parse_draft
from copyguard.model import Category, Channel, Draft, Finding, Route, Severity, Verdict
from copyguard.routing import CHECK_ERROR

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_INPUT = 0, 1, 2
ExpectedRoute = Literal["pass", "flag"]


class ExpectIn(BaseModel):
    """The ``expect`` object of a labeled line."""

    model_config = ConfigDict(extra="forbid")

    route: ExpectedRoute
    categories: list[Category] = []
    not_categories: list[Category] = []
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExpectIn:
        if self.route == "pass" and self.categories:
            raise ValueError("a draft expected to pass cannot expect findings in 'categories'")
        if both := set(self.categories) & set(self.not_categories):
            names = ", ".join(sorted(c.value for c in both))
            raise ValueError(f"{names} in both 'categories' and 'not_categories'")
        return self


@dataclass(frozen=True, slots=True)
class Expectation:
    route: ExpectedRoute
    categories: frozenset[Category] = frozenset()
    not_categories: frozenset[Category] = frozenset()
    note: str | None = None

    def negatives(self) -> frozenset[Category]:
        """Categories in which a detection is a false positive."""
        return frozenset(Category) if self.route == "pass" else self.not_categories


@dataclass(frozen=True, slots=True)
class LabeledDraft:
    draft: Draft
    expect: Expectation
    source: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: LabeledDraft
    verdict: Verdict
    detected: frozenset[Category]
    crashed: bool = False

    @property
    def flagged(self) -> bool:
        return self.verdict.route is not Route.PASS

    @property
    def route_ok(self) -> bool:
        return self.flagged == (self.case.expect.route == "flag")

    @property
    def missing(self) -> frozenset[Category]:
        return self.case.expect.categories - self.detected

    @property
    def unexpected(self) -> frozenset[Category]:
        return self.detected & self.case.expect.negatives()

    @property
    def is_miss(self) -> bool:
        return not self.route_ok or bool(self.missing or self.unexpected)


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: Category
    tp: int
    fp: int
    fn: int
    unlabeled: int  # detections on flagged drafts whose label says nothing about the category

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_accuracy: float | None = None
    max_fpr: float | None = None
    min_recall: float | None = None
    min_precision: float | None = None


@dataclass(frozen=True, slots=True)
class Report:
    results: tuple[CaseResult, ...]
    errors: tuple[InputError, ...]
    files: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(r.route_ok for r in self.results)

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.total)

    @property
    def expected_passes(self) -> list[CaseResult]:
        return [r for r in self.results if r.case.expect.route == "pass"]

    @property
    def false_positives(self) -> int:
        return sum(r.flagged for r in self.expected_passes)

    @property
    def false_positive_rate(self) -> float | None:
        return _ratio(self.false_positives, len(self.expected_passes))

    def confusion(self) -> dict[str, dict[str, int]]:
        """Rows: the expected route; columns: the route the guard chose."""
        matrix = {row: dict.fromkeys((r.value for r in Route), 0) for row in ("pass", "flag")}
        for result in self.results:
            matrix[result.case.expect.route][result.verdict.route.value] += 1
        return matrix

    def categories(self) -> list[CategoryScore]:
        return [_score(category, self.results) for category in Category]

    def by_locale(self) -> dict[str, tuple[int, int]]:
        """(correct, total) route decisions per locale."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for result in self.results:
            entry = counts[result.case.draft.locale]
            entry[0] += result.route_ok
            entry[1] += 1
        return {locale: (c, t) for locale, (c, t) in sorted(counts.items())}

    @property
    def misses(self) -> list[CaseResult]:
        return [r for r in self.results if r.is_miss]

    @property
    def crashed(self) -> int:
        return sum(r.crashed for r in self.results)

    def failures(self, limits: Thresholds) -> list[str]:
        """Every threshold the figures do not meet, in words (empty when all are met)."""
        out: list[str] = []
        if self.total == 0:
            return ["no labeled draft was evaluated"]
        if _below(self.accuracy, limits.min_accuracy):
            out.append(f"route accuracy {_fmt(self.accuracy)} < {limits.min_accuracy}")
        fpr = self.false_positive_rate
        if limits.max_fpr is not None and fpr is not None and fpr > limits.max_fpr:
            out.append(f"false-positive rate {_fmt(fpr)} > {limits.max_fpr}")
        for score in self.categories():
            name = score.category.value
            if _below(score.recall, limits.min_recall):
                out.append(f"{name} recall {_fmt(score.recall)} < {limits.min_recall}")
            if _below(score.precision, limits.min_precision):
                out.append(f"{name} precision {_fmt(score.precision)} < {limits.min_precision}")
        return out


def _below(value: float | None, limit: float | None) -> bool:
    """``value`` is measured and below a set ``limit``."""
    return limit is not None and value is not None and value < limit


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _score(category: Category, results: Iterable[CaseResult]) -> CategoryScore:
    tp = fp = fn = unlabeled = 0
    for result in results:
        expect, found = result.case.expect, category in result.detected
        if category in expect.categories:
            tp, fn = tp + found, fn + (not found)
        elif category in expect.negatives():
            fp += found
        else:
            unlabeled += found
    return CategoryScore(category, tp, fp, fn, unlabeled)


# -- reading labeled files ----------------------------------------------------------------------

def parse_labeled(data: Any, *, source: str, line: int) -> LabeledDraft:
    """One labeled line (already JSON-decoded) into a :class:`LabeledDraft`."""
    if not isinstance(data, Mapping):
        raise InputError(f"expected a JSON object, got {type(data).__name__}", source=source,
                         line=line)
    fields = dict(data)
    if "expect" not in fields:
        raise InputError("a labeled line needs an 'expect' object", source=source, line=line,
                         field="expect")
    raw_expect = fields.pop("expect")
    try:
        expect = ExpectIn.model_validate(raw_expect)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(("expect", *(str(p) for p in error["loc"])))
        raise InputError(error["msg"], source=source, line=line, field=field) from exc
    draft = parse_draft(fields, source=source, line=line)
    return LabeledDraft(draft, Expectation(expect.route, frozenset(expect.categories),
                                           frozenset(expect.not_categories), expect.note),
                        source, line)


def read_labeled(stream: IO[str], source: str, seen: dict[str, str] | None = None,
                 ) -> Iterator[LabeledDraft | InputError]:
    """Labeled drafts of one JSONL stream; a bad line yields its error and reading goes on.

    ``seen`` maps draft ids to where they were first read, so ids stay unique across files.
    """
    seen = {} if seen is None else seen
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg} at column {exc.colno}", source=source,
                                 line=number) from exc
            case = parse_labeled(data, source=source, line=number)
            if case.draft.id is not None and case.draft.id in seen:
                raise InputError(f"duplicate id {case.draft.id!r} (first at "
                                 f"{seen[case.draft.id]})", source=source, line=number, field="id")
        except InputError as exc:
            yield exc
            continue
        if case.draft.id is not None:
            seen[case.draft.id] = case.where
        yield case


def read_files(paths: Sequence[str]) -> Iterator[LabeledDraft | InputError]:
    """Labeled drafts of every file in turn; an unreadable file is an error, not the end."""
    seen: dict[str, str] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as stream:
                yield from read_labeled(stream, path, seen)
        except OSError as exc:
            yield InputError(f"cannot read file: {exc.strerror}", source=path)
        except UnicodeDecodeError as exc:
            yield InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=path)


# -- running ------------------------------------------------------------------------------------

class _Actionable:
    """Which severities route away from ``pass`` under a draft's guide (cached per guide)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._cache: dict[tuple[str | None, str, Channel], frozenset[Severity]] = {}

    def __call__(self, draft: Draft) -> frozenset[Severity]:
        key = (draft.brand, draft.locale, draft.channel)
        if key not in self._cache:
            try:
                routes = self._guard.brands.get(draft.brand).resolve(
                    draft.locale, draft.channel).guide.routing.severities
            except CopyguardError:  # a failed brand pack: its drafts are blocked anyway
                routes = Routing().severities
            self._cache[key] = frozenset(
                s for s in Severity if routes.get(s, Route.REVIEW) is not Route.PASS)
        return self._cache[key]


def detected_categories(findings: Iterable[Finding], actionable: frozenset[Severity],
                        ) -> frozenset[Category]:
    return frozenset(f.category for f in findings
                     if f.severity in actionable and f.code != CHECK_ERROR)


def evaluate(guard: Guard, items: Iterable[LabeledDraft | InputError],
             files: Sequence[str] = ()) -> Report:
    """Check every labeled draft and collect the results; errors never stop the run."""
    actionable = _Actionable(guard)
    results: list[CaseResult] = []
    errors: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
            continue
        try:
            verdict = guard.check(item.draft)
        except CopyguardError as exc:  # unknown brand, invalid guide, oversize draft
            errors.append(InputError(str(exc), source=item.source, line=item.line))
            continue
        crashed = any(f.code == CHECK_ERROR for f in verdict.findings)
        detected = detected_categories(verdict.findings, actionable(verdict.draft))
        results.append(CaseResult(item, verdict, detected, crashed))
    return Report(tuple(results), tuple(errors), tuple(files))


# -- output -------------------------------------------------------------------------------------

def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _expected(expect: Expectation) -> dict[str, Any]:
    out: dict[str, Any] = {"route": expect.route,
                           "categories": sorted(c.value for c in expect.categories),
                           "not_categories": sorted(c.value for c in expect.not_categories)}
    if expect.note:
        out["note"] = expect.note
    return out


def _miss_json(result: CaseResult) -> dict[str, Any]:
    case = result.case
    return {"source": case.source, "line": case.line, "id": case.draft.id,
            "locale": case.draft.locale, "channel": case.draft.channel.value,
            "brand": case.draft.brand, "expected": _expected(case.expect),
            "route": result.verdict.route.value,
            "missing": sorted(c.value for c in result.missing),
            "unexpected": sorted(c.value for c in result.unexpected),
            "findings": [finding_json(f) for f in result.verdict.findings],
            "reasons": list(result.verdict.reasons)}


def _error_json(error: InputError) -> dict[str, Any]:
    return {"source": error.source, "line": error.line, "field": error.field,
            "error": error.problem}


def report_json(report: Report, limits: Thresholds = Thresholds()) -> dict[str, Any]:
    failures = report.failures(limits)
    return {
        "files": list(report.files),
        "drafts": report.total,
        "errors": [_error_json(e) for e in report.errors],
        "drafts_with_crashed_checks": report.crashed,
        "route": {"accuracy": report.accuracy, "correct": report.correct, "total": report.total,
                  "false_positive_rate": report.false_positive_rate,
                  "false_positives": report.false_positives,
                  "expected_passes": len(report.expected_passes),
                  "confusion": report.confusion()},
        "categories": {s.category.value: {"precision": s.precision, "recall": s.recall,
                                          "tp": s.tp, "fp": s.fp, "fn": s.fn,
                                          "support": s.support, "unlabeled": s.unlabeled}
                       for s in report.categories()},
        "by_locale": {loc: {"accuracy": _ratio(c, t), "correct": c, "total": t}
                      for loc, (c, t) in report.by_locale().items()},
        "misses": [_miss_json(r) for r in report.misses],
        "thresholds": {k: v for k, v in asdict(limits).items() if v is not None},
        "failures": failures,
        "ok": not failures and not report.errors,
    }


def _snippet(text: str, finding: Finding) -> str:
    if finding.end <= finding.start:
        return ""
    return f" {text[finding.start:finding.end][:60]!r}"


def report_text(report: Report, limits: Thresholds = Thresholds()) -> str:
    lines = [f"copyguard eval: {report.total} drafts from {len(report.files)} file(s), "
             f"{len(report.errors)} malformed or unchecked line(s)", ""]
    lines.append(f"route accuracy        {_fmt(report.accuracy)}  "
                 f"({report.correct}/{report.total})")
    lines.append(f"false-positive rate   {_fmt(report.false_positive_rate)}  "
                 f"({report.false_positives}/{len(report.expected_passes)} expected passes "
                 "not passed)")
    if report.crashed:
        lines.append(f"drafts with a crashed check: {report.crashed}")
    routes = [r.value for r in Route]
    lines += ["", "confusion matrix (rows: expected; columns: route)",
              "          " + "".join(f"{r:>8}" for r in routes)]
    for row, counts in report.confusion().items():
        lines.append(f"  {row:<8}" + "".join(f"{counts[r]:>8}" for r in routes))
    lines += ["", f"  {'category':<16}{'precision':>10}{'recall':>8}{'tp':>6}{'fp':>6}{'fn':>6}"
                  f"{'unlabeled':>11}"]
    for s in report.categories():
        lines.append(f"  {s.category.value:<16}{_fmt(s.precision):>10}{_fmt(s.recall):>8}"
                     f"{s.tp:>6}{s.fp:>6}{s.fn:>6}{s.unlabeled:>11}")
    lines += ["", "route accuracy by locale"]
    lines += [f"  {loc:<8} {_fmt(_ratio(c, t))}  ({c}/{t})"
              for loc, (c, t) in report.by_locale().items()]
    lines += _misses_text(report) + _errors_text(report)
    failures = report.failures(limits)
    if failures:
        lines += ["", "thresholds: FAILED"] + [f"  {failure}" for failure in failures]
    elif any(v is not None for v in asdict(limits).values()):
        lines += ["", "thresholds: met"]
    return "\n".join(lines) + "\n"


def _misses_text(report: Report) -> list[str]:
    misses = report.misses
    lines = ["", f"misses ({len(misses)})"]
    for result in misses:
        case, verdict = result.case, result.verdict
        problems = [] if result.route_ok else [f"expected {case.expect.route}, "
                                                f"got {verdict.route.value}"]
        problems += [f"missing {c.value}" for c in sorted(result.missing)]
        problems += [f"unexpected {c.value}" for c in sorted(result.unexpected)]
        lines.append(f"  {case.where} {case.draft.id or ''} [{case.draft.locale} "
                     f"{case.draft.channel.value} {case.draft.brand or 'default'}]: "
                     + "; ".join(problems))
        if case.expect.note:
            lines.append(f"      label: {case.expect.note}")
        for f in verdict.findings:
            lines.append(f"      {f.severity.value:<10} {f.category.value}/{f.check}.{f.code}"
                         f"{_snippet(case.draft.text, f)}: {f.message}")
        if not verdict.findings:
            lines.append("      (no findings)")
    return lines


def _errors_text(report: Report) -> list[str]:
    if not report.errors:
        return []
    return ["", f"malformed or unchecked lines ({len(report.errors)})"] + [
        f"  {error}" for error in report.errors]


# -- command line -------------------------------------------------------------------------------

def add_eval_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``copyguard eval`` to the CLI's subparsers."""
    parser = sub.add_parser("eval", parents=[common],
                            help="measure the guard on labeled JSONL drafts")
    parser.add_argument("files", nargs="+", help="labeled JSONL files (batch lines + 'expect')")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--min-accuracy", type=_unit, help="fail below this route accuracy")
    parser.add_argument("--max-fpr", type=_unit,
                        help="fail above this false-positive rate on expected passes")
    parser.add_argument("--min-recall", type=_unit,
                        help="fail when any category with labeled positives recalls less")
    parser.add_argument("--min-precision", type=_unit,
                        help="fail when any category with detections is less precise")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=cmd_eval)


def _unit(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{raw} is not between 0 and 1")
    return value


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        guard = Guard(brand=args.brand, brand_dirs=args.brand_dir or None)
    except CopyguardError as exc:
        print(f"copyguard: {exc}", file=sys.stderr)
        return EXIT_INPUT
    items: Iterable[LabeledDraft | InputError] = read_files(args.files)
    if sys.stderr.isatty() and not args.quiet:
        from tqdm import tqdm

        items = tqdm(items, desc="evaluating", unit="draft", file=sys.stderr)
    limits = Thresholds(args.min_accuracy, args.max_fpr, args.min_recall, args.min_precision)
    report = evaluate(guard, items, args.files)
    if args.format == "json":
        print(json.dumps(report_json(report, limits), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(report_text(report, limits))
    if report.errors:
        return EXIT_INPUT
    return EXIT_BELOW_THRESHOLD if report.failures(limits) else EXIT_OK
