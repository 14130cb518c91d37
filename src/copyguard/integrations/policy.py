"""The ``on_fail`` policies of a guarded copy generator, independent of any framework.

A policy is a generator of :data:`Step` objects: generate copy, check a text, submit a verdict
for review. A driver performs each step (synchronously or asynchronously) and sends the result
back, so the sync and async paths of an integration follow one policy by construction.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from copyguard.errors import CopyguardError
from copyguard.model import Finding, Route, Severity, Verdict
from copyguard.routing import CHECK_ERROR


class OnFail(StrEnum):
    """What to do with copy that does not pass."""

    RAISE = "raise"  # raise CopyRejected carrying the verdict
    RETURN = "return"  # return the verdict with the draft, never raise
    FIX = "fix"  # apply the automatic fixes and re-check
    REASK = "reask"  # generate again with the findings as feedback
    REVIEW = "review"  # submit to the review queue, return a pending result

    @classmethod
    def parse(cls, value: OnFail | str, *, name: str = "on_fail") -> OnFail:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(repr(p.value) for p in cls)
            raise ValueError(f"{name}={value!r} is not a policy; choose one of {choices}") from None


# Where fix and reask end up when they cannot produce passing copy.
TERMINAL = frozenset({OnFail.RAISE, OnFail.RETURN, OnFail.REVIEW})


class Outcome(StrEnum):
    PASSED = "passed"  # released as generated
    FIXED = "fixed"  # released after automatic fixes passed a re-check
    REJECTED = "rejected"  # not released, returned with its verdict
    PENDING_REVIEW = "pending_review"  # not released, waiting in the review queue


@dataclass(frozen=True, slots=True)
class GuardedCopy:
    """The result of a guarded generation.

    ``text`` is the copy cleared to send, ``None`` unless it was released; ``verdict`` is the
    verdict of that text (or of the last attempt); ``attempts`` every verdict in order
    (reasks and fix re-checks included).
    """

    outcome: Outcome
    verdict: Verdict
    text: str | None = None
    attempts: tuple[Verdict, ...] = ()
    review_id: str | None = None

    @property
    def released(self) -> bool:
        return self.outcome in (Outcome.PASSED, Outcome.FIXED)

    def __repr__(self) -> str:
        review = f", review_id={self.review_id!r}" if self.review_id else ""
        return (f"GuardedCopy(outcome={self.outcome.value!r}, route={self.verdict.route.value!r}, "
                f"attempts={len(self.attempts)}{review})")

    def _repr_html_(self) -> str:
        from copyguard.render import guarded_html

        return guarded_html(self)


class CopyRejected(CopyguardError):
    """Raised by ``on_fail="raise"``: the copy did not pass. Carries every verdict."""

    def __init__(self, verdict: Verdict, attempts: Sequence[Verdict] = ()) -> None:
        self.verdict = verdict
        self.attempts = tuple(attempts) or (verdict,)
        codes = ", ".join(dict.fromkeys(f"{f.category.value}/{f.code}" for f in verdict.findings))
        tries = len(self.attempts)
        super().__init__(
            f"copy for draft {verdict.draft.id or '<no id>'} routed to {verdict.route.value} "
            f"after {tries} attempt{'s' * (tries != 1)}" + (f": {codes}" if codes else ""))


@dataclass(frozen=True, slots=True)
class Generate:
    """Run the copy generator; ``feedback`` is the verdict of the previous attempt. -> text"""

    attempt: int
    feedback: Verdict | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """Check a text (generated, or with fixes applied). -> Verdict"""

    attempt: int
    text: str


@dataclass(frozen=True, slots=True)
class Submit:
    """Put a verdict in the review queue. -> review item id"""

    verdict: Verdict


Step = Generate | Check | Submit
Policy = Generator[Step, Any, GuardedCopy]


def to_change(verdict: Verdict) -> list[Finding]:
    """The findings a model can act on, worst first: not hints, not crashed checks."""
    return sorted((f for f in verdict.findings
                   if f.severity is not Severity.INFO and f.code != CHECK_ERROR),
                  key=lambda f: (-f.severity.rank, f.start))


def actionable(verdict: Verdict) -> bool:
    """Whether a reask can help (audit samples, regulated industries and crashed checks route
    to review with nothing for the model to change)."""
    return bool(to_change(verdict))


def run_policy(on_fail: OnFail | str, *, fallback: OnFail | str = OnFail.REVIEW,
               max_attempts: int = 3) -> Policy:
    """Drive one guarded generation. Send each step's result back into the generator."""
    on_fail, fallback = OnFail.parse(on_fail), OnFail.parse(fallback, name="fallback")
    if fallback not in TERMINAL:
        raise ValueError(f"fallback={fallback.value!r}: use 'raise', 'return' or 'review'")
    if max_attempts < 1:
        raise ValueError(f"max_attempts={max_attempts}: at least 1 attempt is needed")
    history: list[Verdict] = []
    tries = max_attempts if on_fail is OnFail.REASK else 1
    feedback: Verdict | None = None
    for attempt in range(1, tries + 1):
        text = yield Generate(attempt, feedback)
        verdict: Verdict = yield Check(attempt, text)
        history.append(verdict)
        if verdict.passed:
            return GuardedCopy(Outcome.PASSED, verdict, text, tuple(history))
        if not actionable(verdict):
            break
        feedback = verdict
    if on_fail is OnFail.FIX and verdict.route is Route.REVISE and verdict.fixed_text is not None:
        fixed: Verdict = yield Check(attempt, verdict.fixed_text)
        history.append(fixed)
        if fixed.passed:
            return GuardedCopy(Outcome.FIXED, fixed, verdict.fixed_text, tuple(history))
    terminal = on_fail if on_fail in TERMINAL else fallback
    if terminal is OnFail.RAISE:
        raise CopyRejected(verdict, history)
    if terminal is OnFail.RETURN:
        return GuardedCopy(Outcome.REJECTED, verdict, None, tuple(history))
    review_id = yield Submit(verdict)
    return GuardedCopy(Outcome.PENDING_REVIEW, verdict, None, tuple(history), str(review_id))


FEEDBACK_INTRO = ("This copy was not approved. Write a new version that fixes every problem "
                  "below and keeps the message, the offer and the brand voice.")


def feedback_text(verdict: Verdict, *, include_copy: bool = True) -> str:
    """The message sent back to the model on a reask: what to change, and why."""
    text = verdict.draft.text
    lines = [FEEDBACK_INTRO, "", "Problems:"]
    for number, f in enumerate(to_change(verdict), 1):
        quoted = f'"{text[f.start:f.end]}" ' if f.end > f.start else ""
        line = f"{number}. {quoted}({f.category.value}, {f.severity.value}): {f.message}"
        if f.suggestion:
            line += f" Suggestion: {f.suggestion}"
        elif f.fix is not None:
            line += f' Write "{f.fix}" instead.' if f.fix else " Remove it."
        lines.append(line)
    if include_copy:
        lines += ["", "Copy to rewrite:", '"""', text, '"""']
    return "\n".join(lines)
