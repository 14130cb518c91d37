"""The default routing policy: where a draft goes given its findings and its brand guide."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from copyguard.guides import ResolvedGuide
from copyguard.model import Category, Draft, Finding, Route

CHECK_ERROR = "check_error"
# Payment data and national ids never go out, whatever the guide's severity map says.
BLOCKING_PII = frozenset({"CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_BANK_NUMBER",
                          "profile.account_number"})


@dataclass(frozen=True, slots=True)
class RouteDecision:
    route: Route
    reasons: tuple[str, ...] = ()


def audit_sampled(draft: Draft, rate: float) -> bool:
    """Deterministic by draft id: the same draft is always sampled, or never."""
    if rate <= 0 or not draft.id:
        return False
    bucket = int.from_bytes(hashlib.sha256(draft.id.encode()).digest()[:4], "big") % 10_000
    return bucket < rate * 10_000


def _forced_block(finding: Finding) -> str | None:
    if finding.category is Category.SENSITIVE:
        return "sensitive attribute"
    if finding.category is Category.CONSENT and finding.code == "opted_out":
        return "campaign tag the recipient opted out of"
    if finding.category is Category.PII and finding.code in BLOCKING_PII:
        return "payment or identity data"
    return None


def default_route(draft: Draft, findings: Sequence[Finding], guide: ResolvedGuide) -> RouteDecision:
    """Severities map to routes through the guide; some findings always block; regulated
    industries always reach a person; fixable-only findings go to ``revise``."""
    severity_routes = guide.guide.routing.severities
    route, reasons, fixable = Route.PASS, [], True
    for finding in findings:
        step = severity_routes.get(finding.severity, Route.REVIEW)
        if (why := _forced_block(finding)) is not None:
            step = Route.BLOCK
            reasons.append(f"block: {finding.check}.{finding.code} is {why}")
        else:
            if finding.code == CHECK_ERROR:
                step = step.at_least(Route.REVIEW)
            if step is not Route.PASS:
                reasons.append(f"{step.value}: {finding.check}.{finding.code} "
                               f"({finding.severity.value})")
        if step is not Route.PASS:
            fixable = fixable and finding.fixable
        route = route.at_least(step)
    if route is Route.REVIEW and fixable:
        route = Route.REVISE
        reasons.append("revise: every finding has an automatic fix")
    industry = draft.campaign.industry or guide.guide.industry
    if (industry or "").lower() in set(guide.guide.routing.regulated_industries):
        if route.rank < Route.REVIEW.rank:
            reasons.append(f"review: {industry} is a regulated industry; a person signs off")
        route = route.at_least(Route.REVIEW)
    if route is Route.PASS and audit_sampled(draft, guide.guide.routing.audit_sample):
        route = Route.REVIEW
        reasons.append(f"review: audit sample ({guide.guide.routing.audit_sample:.1%} of passes)")
    if route is Route.PASS:
        reasons.append("pass: no finding needs action")
    return RouteDecision(route, tuple(dict.fromkeys(reasons)))
