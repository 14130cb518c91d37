"""``copyguard eval``: metrics on a labeled corpus, label parsing, the command, and the corpus.

The metric tests run a guard with test-only checks (markers in the text trigger findings), so
they do not depend on the built-in heuristics.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import emoji
import pytest

from copyguard import Category, Check, CheckContext, Finding, Guard, Severity
from copyguard import evaluate as ev
from copyguard.cli import main
from copyguard.errors import InputError
from tests.helpers import ChecksPlugin, isolated_guard

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "eval"


class MarkerCheck(Check):
    """A finding of ``category`` for every occurrence of ``marker`` in the text."""

    def __init__(self, name: str, category: Category, marker: str, severity: Severity) -> None:
        self.name, self.category = name, category  # type: ignore[misc]
        self.marker, self.severity = marker, severity

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        for match in re.finditer(re.escape(self.marker), ctx.text):
            yield self.finding("marker", f"found {self.marker!r}", match.start(), match.end(),
                               severity=self.severity)


class ExplodingCheck(Check):
    name = "t-explodes"
    category = Category.PERSONALIZATION

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        if "boom" in ctx.text:
            raise RuntimeError("lexicon missing")
        return ()


CHECKS = ChecksPlugin(
    MarkerCheck("t-pii", Category.PII, "<email>", Severity.ERROR),
    MarkerCheck("t-brand", Category.BRAND, "cheap", Severity.ERROR),
    MarkerCheck("t-hint", Category.LOCALE, "colour", Severity.SUGGESTION),
    MarkerCheck("t-sensitive", Category.SENSITIVE, "diagnosis", Severity.CRITICAL),
    ExplodingCheck(),
    name="eval-test-checks")

LENIENT_GUIDE = """\
id: lenient
routing:
  severities: {info: pass, suggestion: pass, warning: pass, error: pass, critical: block}
"""


@pytest.fixture(scope="module")
def brand_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("guides")
    (directory / "lenient.yaml").write_text(LENIENT_GUIDE, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def guard(brand_dir: Path) -> Guard:
    return isolated_guard(CHECKS, brand_dirs=[brand_dir])


def labeled(draft_id: str, text: str, route: str, categories: Iterable[str] = (),
            not_categories: Iterable[str] = (), **fields: Any) -> str:
    expect = {"route": route, "categories": list(categories),
              "not_categories": list(not_categories)}
    return json.dumps({"id": draft_id, "text": text, **fields, "expect": expect})


# Expected routes under the default policy: error -> review, sensitive -> block.
CORPUS_LINES = [
    labeled("p1", "All good here.", "pass"),                               # pass, right
    labeled("p2", "A nice colour.", "pass"),                               # a hint only
    labeled("p3", "So cheap.", "pass"),                                    # false positive
    labeled("f1", "Write to <email>.", "flag", ["pii"]),                   # review, pii TP
    labeled("f2", "So cheap, and <email>.", "flag", ["pii", "brand"]),     # two TPs
    labeled("f3", "Nothing to see.", "flag", ["sensitive"]),               # missed draft
    labeled("f4", "A cheap deal.", "flag", ["pii"], ["brand"]),            # pii FN, brand FP
    labeled("f5", "cheap again", "flag"),                                  # brand unlabeled
    labeled("f6", "boom", "flag", ["personalization"]),                    # crashed check
    labeled("f7", "Your diagnosis.", "flag", ["sensitive"]),               # block, TP
]


@pytest.fixture(scope="module")
def report(guard: Guard) -> ev.Report:
    stream = io.StringIO("\n".join(CORPUS_LINES) + "\n")
    return ev.evaluate(guard, ev.read_labeled(stream, "mem.jsonl"), ["mem.jsonl"])


def scores(report: ev.Report) -> dict[str, ev.CategoryScore]:
    return {s.category.value: s for s in report.categories()}


def test_route_accuracy_and_false_positive_rate(report: ev.Report) -> None:
    assert report.total == 10 and not report.errors
    assert report.correct == 8
    assert report.accuracy == pytest.approx(0.8)
    assert report.false_positives == 1
    assert report.false_positive_rate == pytest.approx(1 / 3)


def test_confusion_matrix_rows_are_expected_routes(report: ev.Report) -> None:
    assert report.confusion() == {
        "pass": {"pass": 2, "revise": 0, "review": 1, "block": 0},
        "flag": {"pass": 1, "revise": 0, "review": 5, "block": 1},
    }


def test_per_category_counts(report: ev.Report) -> None:
    by = scores(report)
    assert (by["pii"].tp, by["pii"].fp, by["pii"].fn) == (2, 0, 1)
    assert (by["brand"].tp, by["brand"].fp, by["brand"].fn, by["brand"].unlabeled) == (1, 2, 0, 1)
    assert (by["sensitive"].tp, by["sensitive"].fn) == (1, 1)
    assert by["pii"].precision == 1.0 and by["pii"].recall == pytest.approx(2 / 3)
    assert by["brand"].precision == pytest.approx(1 / 3) and by["brand"].recall == 1.0
    assert by["sensitive"].recall == 0.5


def test_hints_and_crashes_are_not_detections(report: ev.Report) -> None:
    by = scores(report)
    # The suggestion-level locale hint neither flags p2 nor counts as a locale detection.
    assert by["locale"].tp == by["locale"].fp == 0 and by["locale"].precision is None
    # The crashed check sends f6 to review (a flag) but detects nothing.
    assert (by["personalization"].tp, by["personalization"].fn) == (0, 1)
    assert by["personalization"].recall == 0.0 and by["personalization"].precision is None
    assert report.crashed == 1


def test_misses_name_what_went_wrong(report: ev.Report) -> None:
    misses = {r.case.draft.id: r for r in report.misses}
    assert set(misses) == {"p3", "f3", "f4", "f6"}
    assert not misses["p3"].route_ok and misses["p3"].unexpected == {Category.BRAND}
    assert misses["f4"].route_ok and misses["f4"].missing == {Category.PII}
    assert misses["f4"].unexpected == {Category.BRAND}
    assert misses["f3"].case.line == 6


def test_thresholds(report: ev.Report) -> None:
    assert report.failures(ev.Thresholds(min_accuracy=0.8, max_fpr=0.34)) == []
    assert report.failures(ev.Thresholds(min_accuracy=0.81)) == ["route accuracy 0.800 < 0.81"]
    assert report.failures(ev.Thresholds(max_fpr=0.3)) == ["false-positive rate 0.333 > 0.3"]
    recall = report.failures(ev.Thresholds(min_recall=0.6))
    assert recall == ["sensitive recall 0.500 < 0.6", "personalization recall 0.000 < 0.6"]
    assert report.failures(ev.Thresholds(min_precision=0.5)) == ["brand precision 0.333 < 0.5"]


def test_severity_counts_by_the_drafts_own_guide(guard: Guard) -> None:
    lines = [labeled("strict", "Write to <email>.", "flag", ["pii"]),
             labeled("lenient", "Write to <email>.", "pass", brand="lenient")]
    report = ev.evaluate(guard, ev.read_labeled(io.StringIO("\n".join(lines)), "g.jsonl"))
    assert report.correct == 2 and report.misses == []
    assert scores(report)["pii"].fp == 0 and scores(report)["pii"].tp == 1


BAD_LINES = [
    (labeled("ok1", "All good.", "pass"), None),
    ("{not json", None),
    (json.dumps({"id": "x1", "text": "Hi"}), "expect"),
    (json.dumps({"id": "x2", "text": "Hi", "expect": {"route": "maybe"}}), "expect.route"),
    (labeled("x3", "Hi", "pass", ["pii"]), "expect"),
    (labeled("x4", "Hi", "flag", ["pii"], ["pii"]), "expect"),
    (labeled("x5", "Hi", "flag", ["tone"]), "expect.categories.0"),
    (labeled("x6", "Hi", "pass", locale="english"), "locale"),
    (labeled("ok1", "Again.", "pass"), "id"),
    ("[1, 2]", None),
    (labeled("x7", "Hi", "pass", brand="no-such-brand"), None),
    (labeled("ok2", "Write to <email>.", "flag", ["pii"]), None),
]


def test_bad_lines_are_reported_with_file_line_and_field(guard: Guard) -> None:
    text = "\n".join(line for line, _ in BAD_LINES[:5]) + "\n\n" + "\n".join(
        line for line, _ in BAD_LINES[5:])
    report = ev.evaluate(guard, ev.read_labeled(io.StringIO(text), "bad.jsonl"))
    assert [r.case.draft.id for r in report.results] == ["ok1", "ok2"]
    errors = {e.line or 0: e for e in report.errors}
    assert sorted(errors) == [2, 3, 4, 5, 7, 8, 9, 10, 11, 12]  # line 6 is blank
    fields = [field for _, field in BAD_LINES[1:11]]
    assert [errors[n].field for n in sorted(errors)] == fields
    assert all(e.source == "bad.jsonl" for e in report.errors)
    assert "duplicate id 'ok1' (first at bad.jsonl:1)" in str(errors[10])
    assert "no-such-brand" in str(errors[12])


def test_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(labeled("same", "One.", "pass") + "\n", encoding="utf-8")
    second.write_text(labeled("same", "Two.", "pass") + "\n", encoding="utf-8")
    items = list(ev.read_files([str(first), str(second), str(tmp_path / "missing.jsonl")]))
    assert isinstance(items[0], ev.LabeledDraft)
    assert isinstance(items[1], InputError) and items[1].source == str(second)
    assert isinstance(items[2], InputError) and "cannot read file" in str(items[2])


# -- the command ---------------------------------------------------------------------------------

@pytest.fixture
def isolated_cli(monkeypatch: pytest.MonkeyPatch, guard: Guard) -> None:
    monkeypatch.setattr(ev, "Guard", lambda **_: guard)


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "labeled.jsonl"
    path.write_text("\n".join(CORPUS_LINES) + "\n", encoding="utf-8")
    return path


def test_cli_json_report_and_threshold_exit(isolated_cli: None, corpus_file: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", str(corpus_file), "--format", "json", "--min-accuracy", "0.95",
                 "--max-fpr", "0.05", "--min-recall", "0.9"])
    out = json.loads(capsys.readouterr().out)
    assert code == ev.EXIT_BELOW_THRESHOLD and out["ok"] is False
    assert out["route"]["accuracy"] == pytest.approx(0.8)
    assert out["route"]["confusion"]["flag"]["block"] == 1
    assert out["categories"]["brand"]["unlabeled"] == 1
    assert {m["id"] for m in out["misses"]} == {"p3", "f3", "f4", "f6"}
    p3 = next(m for m in out["misses"] if m["id"] == "p3")
    assert p3["line"] == 3 and p3["findings"][0]["check"] == "t-brand"
    assert out["thresholds"] == {"min_accuracy": 0.95, "max_fpr": 0.05, "min_recall": 0.9}
    assert "route accuracy 0.800 < 0.95" in out["failures"]


def test_cli_exits_zero_when_thresholds_are_met(isolated_cli: None, corpus_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(corpus_file), "--min-accuracy", "0.8", "--quiet"]) == ev.EXIT_OK
    text = capsys.readouterr().out
    assert "route accuracy        0.800  (8/10)" in text
    assert "thresholds: met" in text
    assert f"{corpus_file}:3 p3" in text and "t-brand.marker 'cheap'" in text


def test_cli_malformed_lines_do_not_stop_the_run(isolated_cli: None, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{CORPUS_LINES[0]}\n{{broken\n{CORPUS_LINES[3]}\n", encoding="utf-8")
    assert main(["eval", str(path)]) == ev.EXIT_INPUT
    text = capsys.readouterr().out
    assert "2 drafts" in text and f"{path}:2: invalid JSON" in text


def test_cli_rejects_thresholds_outside_zero_to_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "x.jsonl", "--min-accuracy", "95"])
    assert exc.value.code == 2 and "not between 0 and 1" in capsys.readouterr().err


# -- the shipped corpus (labels only; the guard's figures come from `copyguard eval`) ------------

NORTHWIND_BANNED = ("cheap", "act now", "guaranteed", "risk-free", "once in a lifetime",
                    "world's best", "buy now", "consumers", "utilize", "summitline",
                    "trailmark outfitters", "peakway", "north wind")
CAPS_ALLOWED = {"UV", "SPF", "USA"}


@pytest.fixture(scope="module")
def corpus() -> list[ev.LabeledDraft]:
    items = list(ev.read_files(sorted(str(p) for p in CORPUS.glob("*.jsonl"))))
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert errors == []
    return [i for i in items if isinstance(i, ev.LabeledDraft)]


def test_corpus_size_locales_channels_and_balance(corpus: list[ev.LabeledDraft]) -> None:
    assert len(corpus) >= 300
    assert len({c.draft.locale for c in corpus}) >= 10
    assert {c.draft.channel.value for c in corpus} == {"email", "sms", "push"}
    assert {"northwind", "civica"} <= {c.draft.brand for c in corpus}
    passes = sum(c.expect.route == "pass" for c in corpus) / len(corpus)
    assert 0.35 <= passes <= 0.45


def test_corpus_covers_every_category_it_can(corpus: list[ev.LabeledDraft]) -> None:
    positives = Counter(cat for c in corpus for cat in c.expect.categories)
    for category in Category:
        # compliance has one copy-independent rule (northwind's product catalog)
        assert positives[category] >= (3 if category is Category.COMPLIANCE else 10), category


def test_corpus_labels_explain_themselves(corpus: list[ev.LabeledDraft]) -> None:
    assert all(c.expect.note and c.draft.id for c in corpus)


def test_civica_drafts_are_always_flagged(corpus: list[ev.LabeledDraft]) -> None:
    civica = [c for c in corpus if c.draft.brand == "civica"]
    assert civica and all(c.expect.route == "flag" for c in civica)


def test_northwind_passes_keep_the_brand_rules(corpus: list[ev.LabeledDraft]) -> None:
    """A draft labeled 'pass' must not break a mechanical northwind rule (label sanity)."""
    for case in (c for c in corpus if c.draft.brand == "northwind" and c.expect.route == "pass"):
        text, email = case.draft.text, case.draft.channel.value == "email"
        assert text.count("!") <= 1, case.where
        assert emoji.emoji_count(text) <= (0 if email else 1), case.where
        assert not email or "Made for the way you roam" in text, case.where
        assert not set(re.findall(r"\b[A-Z]{4,}\b", text)) - CAPS_ALLOWED, case.where
        assert not [p for p in NORTHWIND_BANNED if p in text.lower()], case.where
        assert "NorthWind" not in text, case.where


def test_passes_respect_consent_and_name_limits(corpus: list[ev.LabeledDraft]) -> None:
    for case in (c for c in corpus if c.expect.route == "pass"):
        recipient, text = case.draft.recipient, case.draft.text.casefold()
        assert not set(case.draft.campaign.tags) & recipient.opt_outs, case.where
        used = [v for v in recipient.profile.values() if len(v) > 1 and v.casefold() in text]
        assert not used or "personalization" in recipient.consents, case.where
        name = recipient.first_name
        if name and case.draft.language not in {"ja", "zh", "ko"}:
            uses = re.findall(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", text)
            assert len(uses) <= 1, case.where
