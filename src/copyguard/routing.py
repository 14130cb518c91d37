"""The default routing policy: where a draft goes given its findings and its brand guide.

Every decision carries reasons, one line each, starting with the route it argues for
(``"review: pii.EMAIL_ADDRESS (warning)"``), so a reviewer and a log reader see why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from copyguard.guides import ResolvedGuide
from copyguard.model import Category, Draft, Finding, Route, Severity

CHECK_ERROR = "check_error"
ALWAYS_BLOCK_FILE = "data/routing/always_block.yaml"


@dataclass(frozen=True, slots=True)
class BlockLists:
    """Finding codes that block whatever the guide says (see ``data/routing/``)."""

    payment: frozenset[str]
    identity: frozenset[str]
    consent: frozenset[str]


@cache
def block_lists() -> BlockLists:
    text = resources.files("copyguard").joinpath(ALWAYS_BLOCK_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    try:
        return BlockLists(frozenset(data["pii"]["payment"]), frozenset(data["pii"]["identity"]),
                          frozenset(data["consent"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{ALWAYS_BLOCK_FILE}: missing or malformed key {exc}") from exc


BLOCKING_PII = block_lists().payment | block_lists().identity


@dataclass(frozen=True, slots=True)
class RouteDecision:
    route: Route
    reasons: tuple[str, ...] = ()


def audit_sampled(draft: Draft, rate: float) -> bool:
    """Deterministic by draft id (by text when the draft has none): the same draft is always
    sampled, or never, at the given rate."""
    if rate <= 0:
        return False
    key = draft.id if draft.id else draft.text
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % 10_000
    return bucket < rate * 10_000


def forced_block(finding: Finding) -> str | None:
    """Why this finding blocks regardless of the severity map, or ``None``.

    ``info`` findings are notes, not detections ("no sensitive lexicon for this language" is
    not a sensitive attribute), so they never block.
    """
    if finding.severity is Severity.INFO:
        return None
    lists = block_lists()
    if finding.category is Category.SENSITIVE:
        return "a sensitive attribute"
    if finding.category is Category.CONSENT and finding.code in lists.consent:
        return "a message the recipient opted out of"
    if finding.category is Category.PII and finding.code in lists.payment:
        return "payment data"
    if finding.category is Category.PII and finding.code in lists.identity:
        return "a personal identity number"
    return None


def opted_out_tags(draft: Draft) -> list[str]:
    """Campaign tags the recipient opted out of (compared case-insensitively)."""
    opt_outs = {tag.casefold() for tag in draft.recipient.opt_outs}
    return [tag for tag in draft.campaign.tags if tag.casefold() in opt_outs]


def regulated_industry(draft: Draft, guide: ResolvedGuide) -> str | None:
    """The campaign's or the brand's industry when either is regulated (either one suffices)."""
    regulated = {name.casefold() for name in guide.guide.routing.regulated_industries}
    for industry in (draft.campaign.industry, guide.guide.industry):
        if industry and industry.casefold() in regulated:
            return industry
    return None


def _finding_step(finding: Finding, guide: ResolvedGuide) -> tuple[Route, str | None]:
    """The route one finding asks for, and the reason when it is not ``pass``."""
    label = f"{finding.check}.{finding.code} ({finding.severity.value})"
    if (why := forced_block(finding)) is not None:
        return Route.BLOCK, f"block: {label} is {why}"
    severity_routes = guide.guide.routing.severities
    if finding.severity not in severity_routes:
        return Route.REVIEW, f"review: {label}; the guide maps no route to this severity"
    step = severity_routes[finding.severity]
    if finding.code == CHECK_ERROR:
        step = step.at_least(Route.REVIEW)
    return step, (f"{step.value}: {label}" if step is not Route.PASS else None)


def default_route(draft: Draft, findings: Sequence[Finding], guide: ResolvedGuide) -> RouteDecision:
    """Severities map to routes through the guide; some findings always block; opted-out
    campaign tags block; regulated industries always reach a person; drafts whose every
    actionable finding has an automatic fix go to ``revise`` (the guard re-checks the fixed
    text); a deterministic audit sample of passing drafts goes to review."""
    route, reasons, fixable = Route.PASS, [], True
    for finding in findings:
        step, reason = _finding_step(finding, guide)
        if step is not Route.PASS:
            fixable = fixable and finding.fixable
            reasons.append(reason or "")
        route = route.at_least(step)
    for tag in opted_out_tags(draft):
        route = Route.BLOCK
        reasons.append(f"block: the recipient opted out of campaign tag {tag!r}")
    if route in (Route.REVIEW, Route.REVISE) and fixable:
        route = Route.REVISE
        reasons.append("revise: every finding has an automatic fix")
    elif route is Route.REVISE:
        route = Route.REVIEW
        reasons.append("review: a finding the guide routes to revise has no automatic fix")
    industry = regulated_industry(draft, guide)
    if industry is not None and route.rank < Route.REVIEW.rank:
        route = Route.REVIEW
        reasons.append(f"review: {industry} is a regulated industry; a person signs off")
    rate = guide.guide.routing.audit_sample
    if route is Route.PASS and audit_sampled(draft, rate):
        route = Route.REVIEW
        reasons.append(f"review: picked for the audit sample ({rate:.1%} of passing drafts)")
    if route is Route.PASS:
        reasons.append("pass: no finding needs action" if findings else "pass: nothing found")
    return RouteDecision(route, tuple(dict.fromkeys(reasons)))
