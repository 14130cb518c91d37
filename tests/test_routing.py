"""The routing policy: severities per guide, forced blocks, regulated industries, revise with a
re-check, the audit sample, reasons on every verdict, and plugins that replace or tighten it."""

from __future__ import annotations

import inspect
from collections.abc import Generator, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copyguard import (
    BrandGuide,
    Category,
    Channel,
    Draft,
    Finding,
    ResolvedGuide,
    Route,
    RouteDecision,
    Severity,
    hookimpl,
)
from copyguard.model import Campaign, Recipient
from copyguard.routing import BLOCKING_PII, audit_sampled, block_lists, default_route
from tests.helpers import ChecksPlugin, WordCheck, isolated_guard
from tests.review_support import finding


def resolved(**fields: Any) -> ResolvedGuide:
    return BrandGuide(id="acme", **fields).resolve("en-US", Channel.EMAIL)


GUIDE = resolved()


def route_of(findings: Sequence[Finding], draft: Draft | None = None,
             guide: ResolvedGuide = GUIDE) -> RouteDecision:
    return default_route(draft or Draft("Some copy", id="d-1"), findings, guide)


@pytest.mark.parametrize(("severity", "expected"), [
    (Severity.INFO, Route.PASS), (Severity.SUGGESTION, Route.PASS),
    (Severity.WARNING, Route.REVIEW), (Severity.ERROR, Route.REVIEW),
    (Severity.CRITICAL, Route.BLOCK)])
def test_default_severity_map(severity: Severity, expected: Route) -> None:
    decision = route_of([finding(severity=severity)])
    assert decision.route is expected
    assert decision.reasons and decision.reasons[0].startswith(f"{expected.value}:")


def test_the_brand_guide_decides_what_a_severity_means() -> None:
    lenient = resolved(routing={"severities": {"info": "pass", "suggestion": "pass",
                                               "warning": "pass", "error": "review",
                                               "critical": "block"}})
    assert route_of([finding(severity=Severity.WARNING)], guide=lenient).route is Route.PASS
    strict = resolved(routing={"severities": {"warning": "block"}})
    assert route_of([finding(severity=Severity.WARNING)], guide=strict).route is Route.BLOCK
    # a severity the guide maps to nothing fails closed to review, and says so
    unmapped = route_of([finding(severity=Severity.INFO)], guide=strict)
    assert unmapped.route is Route.REVIEW
    assert "maps no route" in unmapped.reasons[0]


@pytest.mark.parametrize(("category", "code", "why"), [
    (Category.SENSITIVE, "health", "sensitive attribute"),
    (Category.CONSENT, "opted_out", "opted out"),
    (Category.PII, "CREDIT_CARD", "payment data"),
    (Category.PII, "IBAN_CODE", "payment data"),
    (Category.PII, "US_SSN", "identity number"),
    (Category.PII, "UK_NHS", "identity number")])
def test_some_findings_always_block(category: Category, code: str, why: str) -> None:
    lenient = resolved(routing={"severities": {s.value: "pass" for s in Severity}})
    decision = route_of([finding(code, Severity.SUGGESTION, category=category)], guide=lenient)
    assert decision.route is Route.BLOCK
    assert why in decision.reasons[0]
    # an info note in these categories ("checks could not run") is not a detection
    note = route_of([finding(code, Severity.INFO, category=category)], guide=lenient)
    assert note.route is Route.PASS


def test_ordinary_pii_and_other_consent_codes_do_not_force_a_block() -> None:
    assert route_of([finding("EMAIL_ADDRESS", category=Category.PII)]).route is Route.REVIEW
    assert route_of([finding("PERSON", Severity.INFO, category=Category.PII)]).route is Route.PASS
    assert route_of([finding("no_consent", category=Category.CONSENT)]).route is Route.REVIEW


def presidio_entities() -> set[str]:
    """Entity names of every predefined Presidio recognizer (their constructor defaults)."""
    import presidio_analyzer.predefined_recognizers as predefined

    known: set[str] = set()
    for name in predefined.__all__:
        recognizer = getattr(predefined, name)
        if not inspect.isclass(recognizer):
            continue
        for key in ("supported_entity", "supported_entities"):
            parameter = inspect.signature(recognizer.__init__).parameters.get(key)
            default = parameter.default if parameter is not None else None
            if default and default is not inspect.Parameter.empty:
                known |= {default} if isinstance(default, str) else set(default)
    return known


def test_block_lists_name_real_presidio_entities() -> None:
    known = presidio_entities()
    assert {"CREDIT_CARD", "EMAIL_ADDRESS", "US_SSN"} <= known
    ours = {code for code in BLOCKING_PII if not code.startswith("profile.")}
    assert ours - known == set()
    assert "EMAIL_ADDRESS" not in BLOCKING_PII and "opted_out" in block_lists().consent


def test_opted_out_campaign_tag_blocks_without_any_finding() -> None:
    draft = Draft("Spring sale!", id="d", recipient=Recipient(opt_outs=frozenset({"promotions"})),
                  campaign=Campaign(tags=("Promotions", "spring")))
    decision = route_of([], draft)
    assert decision.route is Route.BLOCK
    assert decision.reasons == ("block: the recipient opted out of campaign tag 'Promotions'",)
    other = Draft("Spring sale!", id="d", recipient=Recipient(opt_outs=frozenset({"sms"})),
                  campaign=Campaign(tags=("promotions",)))
    assert route_of([], other).route is Route.PASS


@pytest.mark.parametrize(("campaign_industry", "guide_industry", "expected"), [
    ("pharma", None, Route.REVIEW), ("Healthcare", None, Route.REVIEW),
    (None, "insurance", Route.REVIEW), ("retail", "government", Route.REVIEW),
    ("retail", None, Route.PASS), (None, None, Route.PASS)])
def test_regulated_industries_reach_a_person_with_no_findings(
        campaign_industry: str | None, guide_industry: str | None, expected: Route) -> None:
    draft = Draft("All good.", id="d", campaign=Campaign(industry=campaign_industry))
    decision = route_of([], draft, resolved(industry=guide_industry))
    assert decision.route is expected
    if expected is Route.REVIEW:
        assert "regulated industry" in decision.reasons[-1]


def test_revise_only_when_every_actionable_finding_has_a_fix() -> None:
    fixable = [finding(end=3, fix="x"), finding("other", Severity.ERROR, 4, 6, fix="")]
    decision = route_of(fixable)
    assert decision.route is Route.REVISE
    assert "revise: every finding has an automatic fix" in decision.reasons
    one_unfixable = [finding(end=3, fix="x"), finding("other", start=4, end=6)]
    assert route_of(one_unfixable).route is Route.REVIEW
    # an info finding without a fix does not stop a revise: it needs no action
    assert route_of([finding(end=3, fix="x"), finding(severity=Severity.INFO)]).route \
        is Route.REVISE
    # a guide that routes warnings to revise cannot revise what has no fix
    to_revise = resolved(routing={"severities": {"warning": "revise"}})
    decision = route_of([finding()], guide=to_revise)
    assert decision.route is Route.REVIEW and "no automatic fix" in decision.reasons[-1]


def test_regulated_industry_outranks_revise() -> None:
    draft = Draft("x", id="d", campaign=Campaign(industry="pharma"))
    assert route_of([finding(end=1, fix="y")], draft).route is Route.REVIEW


def test_audit_sample_is_deterministic_by_draft_id() -> None:
    ids = [f"draft-{n}" for n in range(4000)]
    first = [audit_sampled(Draft("x", id=i), 0.25) for i in ids]
    assert first == [audit_sampled(Draft("other text", id=i), 0.25) for i in ids]
    assert 0.22 < sum(first) / len(ids) < 0.28
    assert not any(audit_sampled(Draft("x", id=i), 0.0) for i in ids[:200])
    assert all(audit_sampled(Draft("x", id=i), 1.0) for i in ids[:200])
    # drafts without an id are sampled by their text, still deterministically
    assert audit_sampled(Draft("same"), 0.5) == audit_sampled(Draft("same"), 0.5)


def test_audit_sample_sends_passing_drafts_to_review() -> None:
    guide = resolved(routing={"audit_sample": 0.5})
    picked = next(i for i in range(100) if audit_sampled(Draft("x", id=f"a{i}"), 0.5))
    spared = next(i for i in range(100) if not audit_sampled(Draft("x", id=f"a{i}"), 0.5))
    decision = route_of([], Draft("x", id=f"a{picked}"), guide)
    assert decision.route is Route.REVIEW and "audit sample" in decision.reasons[0]
    assert route_of([], Draft("x", id=f"a{spared}"), guide).route is Route.PASS


findings_strategy = st.lists(st.builds(
    Finding, check=st.just("t"), code=st.sampled_from(["a", "opted_out", "CREDIT_CARD"]),
    category=st.sampled_from(list(Category)), severity=st.sampled_from(list(Severity)),
    message=st.just("m"), fix=st.none() | st.just("x")), max_size=5)


@given(findings=findings_strategy, industry=st.sampled_from([None, "pharma", "retail"]),
       opted_out=st.booleans())
def test_every_decision_says_why_in_terms_of_its_route(
        findings: list[Finding], industry: str | None, opted_out: bool) -> None:
    draft = Draft("copy", id="p", recipient=Recipient(opt_outs=frozenset({"t"} if opted_out
                                                                         else ())),
                  campaign=Campaign(tags=("t",), industry=industry))
    decision = route_of(findings, draft)
    assert decision.reasons
    assert any(reason.startswith(f"{decision.route.value}:") for reason in decision.reasons)


# -- through the guard: plugins, the re-check of fixes -----------------------------------------

class ReplacingPolicy:
    """Replaces the built-in policy for every draft."""

    __name__ = "replacing-policy"

    def __init__(self, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons

    @hookimpl
    def decide_route(self, draft: Draft) -> RouteDecision:
        return RouteDecision(Route.BLOCK, self.reasons)


class TighteningPolicy:
    """Wraps the policy: copy that promises anything "guaranteed" is blocked."""

    __name__ = "tightening-policy"

    @hookimpl(wrapper=True)
    def decide_route(self, draft: Draft) -> Generator[None, RouteDecision, RouteDecision]:
        decision = yield
        if "guaranteed" in draft.text.lower():
            return RouteDecision(Route.BLOCK,
                                 (*decision.reasons, "block: promises are not allowed"))
        return decision


def test_a_plugin_can_replace_the_policy() -> None:
    guard = isolated_guard(ReplacingPolicy(("block: house rule",)))
    verdict = guard.check("Perfectly fine copy.")
    assert verdict.route is Route.BLOCK and verdict.reasons == ("block: house rule",)


def test_a_plugin_decision_without_reasons_still_says_why() -> None:
    verdict = isolated_guard(ReplacingPolicy(())).check("Perfectly fine copy.")
    assert verdict.route is Route.BLOCK
    assert verdict.reasons == ("block: set by a plugin routing policy that gave no reason",)


def test_a_wrapper_tightens_the_default_policy() -> None:
    guard = isolated_guard(TighteningPolicy())
    tightened = guard.check("Results guaranteed.")
    assert tightened.route is Route.BLOCK
    assert tightened.reasons[-1] == "block: promises are not allowed"
    assert tightened.reasons[0].startswith("pass:")  # the default still ran underneath
    assert guard.check("Results vary.").route is Route.PASS


def test_revise_is_kept_only_when_the_fixed_text_passes_a_recheck() -> None:
    guard = isolated_guard(ChecksPlugin(
        WordCheck("cheap-word", "cheap", Severity.WARNING, fix="affordable"),
        WordCheck("free-word", "free", Severity.WARNING, fix="free gift"),
        WordCheck("gift-word", "gift", Severity.WARNING)))
    revised = guard.check("A cheap offer.", id="r1")
    assert revised.route is Route.REVISE and revised.fixed_text == "A affordable offer."
    assert "revise: every finding has an automatic fix" in revised.reasons
    # the fix for "free" introduces "gift", which the re-check flags: a person must look
    failed = guard.check("A free offer.", id="r2")
    assert failed.fixed_text == "A free gift offer."
    assert failed.route is Route.REVIEW
    assert "review: the fixed text still routes to review" in failed.reasons
