"""Fail closed: what tests/test_guard.py, test_plugins.py and test_registry.py do not cover.

Already covered there (see docs/hardening.md, "Fail closed"): a check raising, a span outside
the text, a lenient routing plugin, a routing plugin raising, an observer raising, a check over
its budget (3 s sleep), a pack failing to import (ModuleNotFoundError) or to register, and an
invalid guide in a two-guide directory. Added here: checks that never return (and many of
them), checks misbehaving in other ways, an ImportError raised by a pack's own import, a
finding hook raising, unreadable guide files next to good ones, and the batch CLI on all of it.
"""

from __future__ import annotations

import json
import textwrap
import threading
import time
from collections.abc import Iterable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from copyguard import CheckContext, Finding, Guard, GuideError, Route, Severity, hookimpl
from copyguard.cli import main
from copyguard.routing import CHECK_ERROR
from tests.helpers import ChecksPlugin, WordCheck, codes, isolated_guard

ROOT = Path(__file__).resolve().parents[1]


# -- checks that never return ----------------------------------------------------------------

class Forever(WordCheck):
    """Blocks until the test ends (as good as forever: the guard cannot know it will)."""

    release = threading.Event()

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        self.release.wait()
        return ()


@pytest.fixture
def forever() -> Iterator[type[Forever]]:
    Forever.release = threading.Event()
    yield Forever
    Forever.release.set()  # let the abandoned threads finish after the test


def test_a_check_that_never_returns_is_abandoned_and_the_checks_after_it_run(forever) -> None:
    guard = isolated_guard(ChecksPlugin(WordCheck("before", "tent", Severity.INFO),
                                        forever("forever", "x"),
                                        WordCheck("after", "stove", Severity.INFO)),
                           check_timeout=0.3)
    started = time.perf_counter()
    verdict = guard.check("A tent and a stove")
    assert time.perf_counter() - started < 3
    assert codes(verdict.findings) == ["before.word", "forever.check_error", "after.word"]
    error = verdict.findings[1]
    assert "forever" in error.message and "0.3 s budget" in error.message
    assert verdict.route.rank >= Route.REVIEW.rank
    assert any("forever.check_error" in reason for reason in verdict.reasons)


def test_many_drafts_with_a_hung_check_do_not_starve_the_other_checks(forever) -> None:
    """Each draft leaves one thread stuck in the hung check; the guard must keep checking
    later drafts (more drafts than its runner has threads) with every other check."""
    guard = isolated_guard(ChecksPlugin(forever("forever", "x"),
                                        WordCheck("w", "tent", Severity.INFO)),
                           check_timeout=0.05)
    for number in range(40):
        verdict = guard.check(f"Tent number {number}: a tent")
        assert codes(verdict.findings) == ["forever.check_error", "w.word"], number
        assert verdict.route is Route.REVIEW


class ForeverInMemo(Forever):
    """Hangs while computing a shared per-draft value (``ctx.memo``), as a plugin check that
    shares work with others would."""

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        ctx.memo("forever.shared", self.release.wait)
        return ()


def test_a_check_hung_inside_a_shared_computation_does_not_hang_the_draft(forever) -> None:
    """The abandoned check still holds whatever it was computing; nothing after the checks
    (personalized spans, routing) may wait for it."""
    guard = isolated_guard(ChecksPlugin(ForeverInMemo("forever", "x"),
                                        WordCheck("w", "tent", Severity.INFO)),
                           check_timeout=0.2)
    verdicts: list[Any] = []
    worker = threading.Thread(target=lambda: verdicts.append(guard.check("A tent")),
                              daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert verdicts, "guard.check still waiting 10 s after a 0.2 s check budget"
    assert codes(verdicts[0].findings) == ["forever.check_error", "w.word"]


# -- checks misbehaving in other ways ---------------------------------------------------------

class YieldsNotAFinding(WordCheck):
    def run(self, ctx: CheckContext) -> Iterable[Any]:
        yield "not a finding"


class Exits(WordCheck):
    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        raise SystemExit(3)


class ReturnsNone(WordCheck):
    def run(self, ctx: CheckContext) -> Any:
        return None


class FailsHalfway(WordCheck):
    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        yield self.finding("first", "a finding before the crash", 0, 1)
        raise MemoryError("lexicon too large")


@pytest.mark.parametrize("check", [YieldsNotAFinding("odd", "x"), Exits("odd", "x"),
                                   ReturnsNone("odd", "x"), FailsHalfway("odd", "x")],
                         ids=["yields-a-str", "raises-SystemExit", "returns-None",
                              "fails-halfway"])
def test_a_misbehaving_check_is_a_check_error_never_an_exception(check: WordCheck) -> None:
    guard = isolated_guard(ChecksPlugin(check, WordCheck("w", "tent", Severity.INFO)),
                           check_timeout=2)
    verdict = guard.check("A tent")
    assert codes(verdict.findings) == ["odd.check_error", "w.word"]
    assert verdict.route is Route.REVIEW


def test_a_finding_hook_that_raises_keeps_the_finding_and_fails_closed() -> None:
    class Broken:
        @hookimpl
        def adjust_finding(self, finding: Finding) -> None:
            raise RuntimeError("allow-list service down")

    verdict = isolated_guard(ChecksPlugin(WordCheck("w", "tent", Severity.INFO)),
                             Broken()).check("A tent")
    assert codes(verdict.findings) == ["w.word", "adjust_finding.check_error"]
    assert verdict.route is Route.REVIEW


def test_a_routing_plugin_returning_garbage_fails_closed() -> None:
    class Garbage:
        @hookimpl
        def decide_route(self) -> str:
            return "pass"

    verdict = isolated_guard(Garbage()).check("A tent")
    assert verdict.route is Route.REVIEW
    assert any("not a RouteDecision" in reason for reason in verdict.reasons)


# -- a pack whose import raises ImportError ---------------------------------------------------

@pytest.fixture
def broken_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installed pack ``acme`` whose module raises ImportError while importing (a missing
    native library, say): not ModuleNotFoundError, the module itself is there."""
    package = tmp_path / "site" / "acme_pack_h11"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "raise ImportError('libacme.so.1: cannot open shared object file')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    eps = [EntryPoint(name="acme", value="acme_pack_h11", group="copyguard")]
    monkeypatch.setattr("copyguard.plugins.entry_points",
                        lambda group: [ep for ep in eps if ep.group == group])
    monkeypatch.setenv("COPYGUARD_DISABLE_PLUGINS", ",".join(_heavy_plugins()))
    return "acme"


def _heavy_plugins() -> list[str]:
    from tests.helpers import HEURISTIC_PLUGINS

    return [p for p in HEURISTIC_PLUGINS if not p.endswith(".brand")]


def test_a_pack_raising_importerror_is_reported_and_blocks_only_its_brand(
        broken_pack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--brand-dir", str(ROOT / "brand_guides")]) == 2
    listing = capsys.readouterr().out
    assert "acme\tFAILED: ImportError: libacme.so.1" in listing

    batch = tmp_path / "in.jsonl"
    batch.write_text("".join(json.dumps(d) + "\n" for d in [
        {"id": "a1", "text": "Hello", "brand": "acme"},
        {"id": "c1", "text": "Hey, awesome news.", "brand": "civica", "channel": "sms"},
        {"id": "n1", "text": "Hello."},
    ]), encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--brand-dir", str(ROOT / "brand_guides")]) == 1
    acme, civica, plain = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert acme["route"] == "block"
    assert [f["code"] for f in acme["findings"]] == ["brand_pack_failed"]
    assert "ImportError: libacme.so.1" in acme["findings"][0]["message"]
    assert civica["route"] == "review" and {f["code"] for f in civica["findings"]} == {"slang"}
    assert plain["route"] == "pass"


# -- brand guides that do not load, next to ones that do --------------------------------------

def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def guide_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "guides"
    write(directory, "good.yaml", "id: good\nbanned: [{phrases: [cheap]}]\n")
    write(directory, "invalid.yaml", "id: invalid\nlimits:\n  emoji: -1\n")
    write(directory, "broken.yaml", "id: broken\nbanned: [\n  {phrases: [cheap]\n")
    write(directory, "anonymous.yaml", "name: Nobody\nbanned: [{phrases: [cheap]}]\n")
    write(directory, "listy.yaml", "- a\n- list\n")
    return directory


EXPECTED = {  # brand -> (line, field, words of the message)
    "invalid": (3, "limits.emoji.max", "greater than or equal to 0"),
    "broken": (4, None, "invalid YAML"),
    "anonymous": (1, "id", "needs a string 'id'"),
    "listy": (1, None, "must be a YAML mapping"),
}


def test_guides_that_do_not_load_block_only_their_brand(guide_dir: Path) -> None:
    guard = Guard(brand_dirs=[guide_dir], load_entrypoints=False,
                  disabled_plugins=_heavy_plugins())
    assert set(EXPECTED) | {"good"} <= set(guard.brands.brand_ids)
    assert guard.check("Cheap!", brand="good").route is Route.REVIEW
    for brand, (line, field, words) in EXPECTED.items():
        for _ in range(2):  # the same clear error every time, never a half-loaded guide
            with pytest.raises(GuideError) as info:
                guard.check("Cheap!", brand=brand)
            error = info.value
            assert error.path == guide_dir / f"{brand}.yaml", brand
            assert (error.line, error.field) == (line, field), brand
            assert words in str(error), brand
            assert str(error).startswith(f"{guide_dir / brand}.yaml:{line}:")


def test_the_batch_errors_only_the_lines_of_broken_brands(
        guide_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYGUARD_DISABLE_PLUGINS", ",".join(_heavy_plugins()))
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")
    brands = ["good", *EXPECTED, "good"]
    batch = tmp_path / "in.jsonl"
    batch.write_text("".join(json.dumps({"id": f"d{i}", "text": "So cheap", "brand": b}) + "\n"
                             for i, b in enumerate(brands)), encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--brand-dir", str(guide_dir)]) == 2
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [f"d{i}" for i in range(len(brands))]
    assert out[0]["route"] == out[-1]["route"] == "review"
    for index, (brand, (line, _, words)) in enumerate(EXPECTED.items(), 1):
        assert out[index]["route"] is None and out[index]["line"] == index + 1
        assert f"{brand}.yaml:{line}:" in out[index]["error"] and words in out[index]["error"]

    assert main(["brands", "--brand-dir", str(guide_dir)]) == 2
    rows = {row.split("\t")[0]: row for row in capsys.readouterr().out.splitlines()[1:]}
    assert "INVALID" not in rows["good"]
    for brand in EXPECTED:
        assert "\tINVALID\t" in rows[brand], brand


def test_a_pack_registering_an_unreadable_guide_file_blocks_only_that_brand(
        guide_dir: Path) -> None:
    from copyguard.testing import GuidePlugin

    guard = Guard(plugins=[GuidePlugin(guide_dir / "broken.yaml")], brand_dirs=[],
                  load_entrypoints=False, disabled_plugins=_heavy_plugins())
    with pytest.raises(GuideError, match="invalid YAML"):
        guard.check("Hello", brand="broken")
    assert guard.check("Hello").route is Route.PASS


def test_a_check_error_is_never_sent_even_when_the_fixed_text_passes() -> None:
    """A crash only on the fixed text (the re-check) still keeps the draft from passing."""
    class CrashOnFixed(WordCheck):
        def run(self, ctx: CheckContext) -> Iterable[Finding]:
            if "shop now" in ctx.text:
                raise RuntimeError("crashed on the fixed text")
            return ()

    guard = isolated_guard(ChecksPlugin(WordCheck("w", "buy now", fix="shop now"),
                                        CrashOnFixed("crash", "x")))
    verdict = guard.check("Please buy now.")
    assert verdict.route is Route.REVIEW
    assert not [f for f in verdict.findings if f.code == CHECK_ERROR]  # the draft itself was fine
    assert any("still routes to review" in reason for reason in verdict.reasons)
