"""The guard's pipeline: fail closed, hooks, fixes, streaming and async."""

import asyncio
import itertools
from dataclasses import replace
from typing import Any

import pytest

from copyguard import (
    Category,
    InputError,
    Route,
    RouteDecision,
    Severity,
    UnknownBrandError,
    hookimpl,
)
from copyguard.events import CheckFailed, VerdictReached
from tests.helpers import ChecksPlugin, CrashingCheck, WordCheck, codes, isolated_guard


def test_a_crashing_check_fails_closed_and_the_others_still_run():
    guard = isolated_guard(ChecksPlugin(CrashingCheck(), WordCheck("w", "tent", Severity.INFO)))
    verdict = guard.check("A tent for two.")
    assert verdict.route is Route.REVIEW
    assert codes(verdict.findings) == ["crashing.check_error", "w.word"]
    error = verdict.findings[0]
    assert error.category is Category.LOCALE and error.severity is Severity.ERROR
    assert "lexicon file vanished" in error.message
    assert any("fail closed" in r or "check_error" in r for r in verdict.reasons)


def test_a_crash_never_passes_even_if_a_plugin_routes_it_to_pass():
    class Lenient:
        @hookimpl
        def decide_route(self):
            return RouteDecision(Route.PASS, ("pass: trust me",))

    guard = isolated_guard(ChecksPlugin(CrashingCheck()), Lenient())
    assert guard.check("anything").route is Route.REVIEW


def test_a_span_outside_the_text_is_treated_as_a_crash():
    class Wild(WordCheck):
        def run(self, ctx):
            yield self.finding("wild", "bad span", 0, len(ctx.text) + 5)

    verdict = isolated_guard(ChecksPlugin(Wild("wild", "x"))).check("short")
    assert codes(verdict.findings) == ["wild.check_error"]
    assert verdict.route is Route.REVIEW


def test_clean_text_passes_with_a_reason():
    verdict = isolated_guard(ChecksPlugin(WordCheck("w", "cheap"))).check("A fine tent.")
    assert verdict.route is Route.PASS and verdict.findings == ()
    assert verdict.reasons and verdict.timings.keys() == {"w", "provenance"}


def test_fixable_findings_revise_when_the_fixed_text_passes():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "buy now", fix="shop now")))
    verdict = guard.check("Tents: buy now, or buy now later.")
    assert verdict.route is Route.REVISE
    assert verdict.fixed_text == "Tents: shop now, or shop now later."


def test_revise_falls_back_to_review_when_the_fix_is_still_flagged():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "buy now", fix="buy now!"),
                                        WordCheck("bang", "!", Severity.ERROR, fix="")))
    verdict = isolated_guard(ChecksPlugin(WordCheck("w", "cheap", fix="cheap cheap"))).check(
        "A cheap tent.")
    assert verdict.route is Route.REVIEW
    assert any("fixed text still routes" in r for r in verdict.reasons)
    assert guard.check("Go buy now").route is Route.REVIEW


def test_unfixable_findings_route_by_severity():
    guard = isolated_guard(ChecksPlugin(WordCheck("hint", "tent", Severity.SUGGESTION),
                                        WordCheck("stop", "poison", Severity.CRITICAL)))
    assert guard.check("A tent.").route is Route.PASS
    assert guard.check("A tent of poison.").route is Route.BLOCK


def test_adjust_finding_can_replace_and_suppress():
    class Adjuster:
        @hookimpl
        def adjust_finding(self, finding):
            return False if finding.check == "quiet" else None

    class Softener:
        @hookimpl
        def adjust_finding(self, finding):
            if finding.check == "soft":
                return replace(finding, severity=Severity.INFO)
            return None

    guard = isolated_guard(ChecksPlugin(WordCheck("quiet", "a"), WordCheck("soft", "b")),
                           Softener(), Adjuster())
    verdict = guard.check("a b")
    assert codes(verdict.findings) == ["soft.word"]
    assert verdict.findings[0].severity is Severity.INFO
    assert verdict.route is Route.PASS


def test_a_plugin_can_replace_the_routing_policy_and_a_wrapper_can_tighten_it():
    class Strict:
        @hookimpl
        def decide_route(self, findings):
            return RouteDecision(Route.BLOCK, ("block: strict house rules",)) if findings else None

    class Tighten:
        @hookimpl(wrapper=True)
        def decide_route(self, draft):
            decision = yield
            if "urgent" in draft.text:
                return RouteDecision(decision.route.at_least(Route.REVIEW),
                                     (*decision.reasons, "review: urgency claims"))
            return decision

    guard = isolated_guard(ChecksPlugin(WordCheck("w", "tent", Severity.INFO)), Strict(),
                           Tighten())
    assert guard.check("A tent").route is Route.BLOCK
    assert guard.check("A stove").route is Route.PASS  # default policy took over
    urgent = guard.check("An urgent stove")
    assert urgent.route is Route.REVIEW and "review: urgency claims" in urgent.reasons


def test_a_routing_plugin_that_raises_fails_closed():
    class Broken:
        @hookimpl
        def decide_route(self):
            raise KeyError("policy table")

    verdict = isolated_guard(Broken()).check("A tent")
    assert verdict.route is Route.REVIEW
    assert any("routing policy failed" in r for r in verdict.reasons)


class Recorder:
    """An observer keeping every event it is sent."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    @hookimpl
    def record_event(self, event):
        self.seen.append(event)


def test_observers_see_events_and_a_failing_observer_changes_nothing():
    recorder = Recorder()

    class Exploding:
        @hookimpl
        def record_event(self, event):
            raise RuntimeError("observer down")

    guard = isolated_guard(ChecksPlugin(CrashingCheck()), recorder, Exploding())
    verdict = guard.check("x")
    assert verdict.route is Route.REVIEW
    assert [type(e) for e in recorder.seen] == [CheckFailed, VerdictReached]


def test_a_revised_draft_is_one_verdict_event_though_its_fix_is_checked_too():
    recorder = Recorder()
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "buy now", fix="shop now")), recorder)
    verdict = guard.check("Tents: buy now.")
    assert verdict.route is Route.REVISE
    assert recorder.seen == [VerdictReached(verdict)]


def test_check_many_streams_lazily_in_order():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "bad")))
    pulled: list[int] = []

    def drafts():
        for i in itertools.count():
            pulled.append(i)
            yield {"id": str(i), "text": "bad" if i % 2 else "good"}

    verdicts = guard.check_many(drafts())
    first_three = [next(verdicts) for _ in range(3)]
    assert [v.draft.id for v in first_three] == ["0", "1", "2"]
    assert [v.route for v in first_three] == [Route.PASS, Route.REVIEW, Route.PASS]
    assert len(pulled) <= 4  # consumed as needed, not all up front


def test_acheck_matches_check():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "bad")))
    sync = guard.check("bad news")
    verdict = asyncio.run(guard.acheck("bad news"))
    assert verdict.route is sync.route and codes(verdict.findings) == codes(sync.findings)


def test_oversize_drafts_and_unknown_brands_are_input_errors():
    guard = isolated_guard(max_chars=20)
    with pytest.raises(InputError, match="limit is 20"):
        guard.check("x" * 21)
    with pytest.raises(UnknownBrandError, match="known brands"):
        guard.check({"text": "hi", "brand": "acme"})
    with pytest.raises(UnknownBrandError):
        isolated_guard(brand="acme")


def test_a_check_past_its_time_budget_is_abandoned_and_fails_closed():
    import time

    class Hanging(WordCheck):
        def run(self, ctx):
            time.sleep(3)
            return iter(())

    guard = isolated_guard(ChecksPlugin(Hanging("hanging", "x"), WordCheck("w", "tent",
                                                                          Severity.INFO)),
                           check_timeout=0.2)
    guard.nlp.pipeline("en")  # time the budget, not the first pipeline load
    started = time.perf_counter()
    verdict = guard.check("A tent")
    assert time.perf_counter() - started < 2
    assert codes(verdict.findings) == ["hanging.check_error", "w.word"]
    assert "budget" in verdict.findings[0].message
    assert verdict.route is Route.REVIEW


class Hang(WordCheck):
    def __init__(self) -> None:
        super().__init__("hang", "x")

    def run(self, ctx):
        import time

        time.sleep(1.5)
        return iter(())


def test_the_time_budget_is_per_check_and_checks_after_a_hung_one_still_run():
    import time

    class Sleeping(WordCheck):
        def __init__(self, name: str, seconds: float) -> None:
            super().__init__(name, "x")
            self.seconds = seconds

        def run(self, ctx):
            time.sleep(self.seconds)
            return iter(())

    guard = isolated_guard(ChecksPlugin(
        WordCheck("before", "tent", Severity.INFO), Sleeping("slow1", 0.3), Sleeping("slow2", 0.3),
        Sleeping("hung", 3), WordCheck("after", "tent", Severity.INFO)), check_timeout=0.5)
    verdict = guard.check("A tent")
    # 0.3 s + 0.3 s is over one budget, but each check is within its own
    assert codes(verdict.findings) == ["before.word", "hung.check_error", "after.word"]
    assert verdict.timings["slow1"] >= 300 and verdict.timings["slow2"] >= 300
    assert verdict.timings["hung"] == 500


def test_the_first_draft_of_a_language_gets_a_cold_start_allowance():
    import time

    class SlowFirst(WordCheck):
        """Loads its data on first use, as the built-in checks do per language."""

        def __init__(self) -> None:
            super().__init__("slow_first", "x")
            self.loaded: set[str] = set()

        def run(self, ctx):
            if ctx.draft.language not in self.loaded:
                time.sleep(0.4)
                self.loaded.add(ctx.draft.language)
            return iter(())

    guard = isolated_guard(ChecksPlugin(SlowFirst(), Hang()), check_timeout=0.2,
                           cold_start_budgets=4)
    guard.nlp.pipeline("en"), guard.nlp.pipeline("de")
    first = guard.check("A tent")
    assert codes(first.findings) == ["hang.check_error"]  # 0.4 s load within 4 budgets
    assert "0.8 s budget" in first.findings[0].message  # a real hang is still abandoned
    assert "0.2 s budget" in guard.check("A tent").findings[0].message  # warm: one budget
    assert codes(guard.check("Ein Zelt", locale="de-DE").findings) == ["hang.check_error"]


def test_loading_a_language_pipeline_does_not_count_against_a_checks_budget():
    import time

    guard = isolated_guard(ChecksPlugin(WordCheck("w", "tent", Severity.INFO)), check_timeout=0.2)
    build = guard.nlp._build

    def slow_build(language: str) -> Any:
        time.sleep(0.5)  # like spaCy's French tokenizer exceptions, compiled on first import
        return build(language)

    guard.nlp._build = slow_build  # type: ignore[method-assign]
    verdict = guard.check("A tent")
    assert codes(verdict.findings) == ["w.word"]
    assert verdict.route is Route.PASS


def test_a_tokenizer_that_crashes_fails_closed():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "tent", Severity.INFO)))

    def broken(text: str, language: str) -> Any:
        raise OSError("tokenizer data missing")

    guard.nlp.doc = broken  # type: ignore[method-assign]
    verdict = guard.check("A tent")
    assert "nlp.check_error" in codes(verdict.findings)
    assert verdict.route is Route.REVIEW


def test_a_sensitive_hint_does_not_block():
    class Hint(WordCheck):
        category = Category.SENSITIVE

    guard = isolated_guard(ChecksPlugin(Hint("hint", "Hola", Severity.INFO),
                                        Hint("hit", "embarazo", Severity.CRITICAL)))
    assert guard.check("Hola, amigos", locale="es-ES").route is Route.PASS
    assert guard.check("Hola: tu embarazo", locale="es-ES").route is Route.BLOCK
