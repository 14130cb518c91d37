"""The framework-independent policy: the steps it asks for and the feedback it writes."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Category, Draft, Finding, Route, Severity, Verdict
from copyguard.integrations.policy import (
    Check,
    CopyRejected,
    Generate,
    GuardedCopy,
    OnFail,
    Outcome,
    Submit,
    feedback_text,
    run_policy,
)
from copyguard.routing import CHECK_ERROR


def verdict(text: str, route: Route, *findings: Finding, fixed: str | None = None) -> Verdict:
    return Verdict(Draft(text, id="d"), route, findings, fixed_text=fixed)


def claim(text: str) -> Finding:
    start = text.index("forever")
    return Finding("claims", "forever", Category.BRAND, Severity.WARNING, "an endless promise",
                   start, start + 7, suggestion="say how long")


def play(on_fail: OnFail, answers: dict[str, Verdict], drafts: list[str], **options: Any,
         ) -> tuple[GuardedCopy, list[Any]]:
    """Drive the policy with scripted generations and verdicts; return result and steps."""
    policy, steps = run_policy(on_fail, **options), []
    generated = iter(drafts)
    reply: Any = None
    try:
        while True:
            step = policy.send(reply)
            steps.append(step)
            if isinstance(step, Generate):
                reply = next(generated)
            elif isinstance(step, Check):
                reply = answers[step.text]
            else:
                reply = "item-9"
    except StopIteration as done:
        return done.value, steps


BAD = "Boots that last forever."
GOOD = "Boots for the long haul."
VERDICTS = {BAD: verdict(BAD, Route.REVIEW, claim(BAD)), GOOD: verdict(GOOD, Route.PASS)}


def test_reask_sends_the_previous_verdict_as_feedback() -> None:
    result, steps = play(OnFail.REASK, VERDICTS, [BAD, GOOD])
    assert result.outcome is Outcome.PASSED and result.text == GOOD
    generations = [s for s in steps if isinstance(s, Generate)]
    assert [(g.attempt, g.feedback) for g in generations] == [(1, None), (2, VERDICTS[BAD])]


def test_reask_stops_at_max_attempts_then_falls_back() -> None:
    result, steps = play(OnFail.REASK, VERDICTS, [BAD, BAD], max_attempts=2, fallback="return")
    assert result.outcome is Outcome.REJECTED and len(result.attempts) == 2
    assert not any(isinstance(s, Submit) for s in steps)
    queued, steps = play(OnFail.REASK, VERDICTS, [BAD, BAD], max_attempts=2)
    assert queued.review_id == "item-9" and isinstance(steps[-1], Submit)


def test_a_crashed_check_is_not_feedback() -> None:
    crashed = Finding("pii", CHECK_ERROR, Category.PII, Severity.ERROR, "check 'pii' failed")
    answers = {BAD: verdict(BAD, Route.REVIEW, crashed)}
    result, steps = play(OnFail.REASK, answers, [BAD, BAD, BAD], fallback="return")
    assert len([s for s in steps if isinstance(s, Generate)]) == 1  # asking again cannot help
    assert "failed" not in feedback_text(verdict(BAD, Route.REVIEW, crashed, claim(BAD)))
    assert result.outcome is Outcome.REJECTED


def test_fix_rechecks_only_what_the_guard_routed_to_revise() -> None:
    fixable = {BAD: verdict(BAD, Route.REVISE, claim(BAD), fixed=GOOD), **{GOOD: VERDICTS[GOOD]}}
    result, steps = play(OnFail.FIX, fixable, [BAD])
    assert result.outcome is Outcome.FIXED and result.text == GOOD
    assert [s.text for s in steps if isinstance(s, Check)] == [BAD, GOOD]
    blocked = {BAD: verdict(BAD, Route.BLOCK, claim(BAD), fixed=GOOD)}
    with pytest.raises(CopyRejected) as caught:
        play(OnFail.FIX, blocked, [BAD], fallback="raise")
    assert caught.value.verdict.route is Route.BLOCK and caught.value.attempts[0].draft.text == BAD


def test_feedback_lists_problems_worst_first_with_the_quote_and_advice() -> None:
    text = "FREE boots that last forever."
    shouting = Finding("brand", "caps", Category.BRAND, Severity.SUGGESTION, "capitals", 0, 4,
                       fix="free")
    leak = Finding("pii", "EMAIL", Category.PII, Severity.ERROR, "an e-mail address", 5, 10,
                   fix="")
    hint = Finding("brand", "hint", Category.BRAND, Severity.INFO, "just so you know")
    message = feedback_text(verdict(text, Route.REVIEW, shouting, claim(text), leak, hint))
    problems = [line for line in message.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert problems == [
        '1. "boots" (pii, error): an e-mail address Remove it.',
        '2. "forever" (brand, warning): an endless promise Suggestion: say how long',
        '3. "FREE" (brand, suggestion): capitals Write "free" instead.',
    ]
    assert message.endswith(f'"""\n{text}\n"""')
    assert text not in feedback_text(verdict(text, Route.REVIEW, leak), include_copy=False)


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="max_attempts=0"):
        next(run_policy(OnFail.REASK, max_attempts=0))
    with pytest.raises(ValueError, match="fallback='fix'"):
        next(run_policy(OnFail.REASK, fallback=OnFail.FIX))
    with pytest.raises(ValueError, match="choose one of 'raise', 'return'"):
        OnFail.parse("retry")
