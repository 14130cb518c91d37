"""The built-in routing policy, registered last so any plugin can override it."""

from __future__ import annotations

from collections.abc import Sequence

from copyguard.guides import ResolvedGuide
from copyguard.hookspecs import hookimpl
from copyguard.model import Draft, Finding
from copyguard.routing import RouteDecision, default_route


@hookimpl(trylast=True)
def decide_route(draft: Draft, findings: Sequence[Finding], guide: ResolvedGuide) -> RouteDecision:
    return default_route(draft, findings, guide)
