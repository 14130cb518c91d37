"""The built-in routing policy, registered last so any plugin can override it.

``explain_route`` wraps every ``decide_route`` implementation (outermost, ``tryfirst``) so a
plugin policy that returns a route without reasons still leaves a verdict that says why.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

from copyguard.guides import ResolvedGuide
from copyguard.hookspecs import hookimpl
from copyguard.model import Draft, Finding
from copyguard.routing import RouteDecision, default_route


@hookimpl(trylast=True)
def decide_route(draft: Draft, findings: Sequence[Finding], guide: ResolvedGuide) -> RouteDecision:
    return default_route(draft, findings, guide)


@hookimpl(specname="decide_route", wrapper=True, tryfirst=True)
def explain_route() -> Generator[None, object, object]:
    decision = yield
    if isinstance(decision, RouteDecision) and not decision.reasons:
        reason = f"{decision.route.value}: set by a plugin routing policy that gave no reason"
        return RouteDecision(decision.route, (reason,))
    return decision
