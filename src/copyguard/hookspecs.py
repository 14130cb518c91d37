"""The hooks a copyguard plugin can implement.

Built-in checks are plugins too (``copyguard.default_plugins``); they use exactly these hooks.
A plugin is a module or object with functions marked ``@copyguard.hookimpl``, published under
the entry-point group ``copyguard``. Implementations may accept any subset of a hook's
arguments and must not give them default values.

Ordering follows pluggy: implementations run last-registered first, built-in defaults are
registered after entry points and mark their ``firstresult`` implementations ``trylast`` so a
plugin overrides them by simply implementing the hook.

Brand scoping: a plugin that registers a brand guide owns that brand. Its checks and its
``adjust_finding`` / ``decide_route`` implementations run only for drafts of its brands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    from copyguard.checks import Check
    from copyguard.events import Event
    from copyguard.guides import BrandGuide, ResolvedGuide
    from copyguard.model import Draft, Finding
    from copyguard.review.records import ReviewDecision
    from copyguard.routing import RouteDecision

PROJECT = "copyguard"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_checks(register: Callable[[Check], None]) -> None:
    """Register checks: ``register(check)`` once per :class:`copyguard.Check` instance.

    Called once when a :class:`copyguard.Guard` is built. Two checks with one name are an error.
    """


@hookspec
def register_brand_guides(register: Callable[[BrandGuide | Path], None]) -> None:
    """Register brand guides: ``register(path_to_yaml)`` or ``register(BrandGuide(...))``.

    Called once per guard. The registering plugin owns the brand (see brand scoping above).
    """


@hookspec
def register_review_sinks(register: Callable[[str, Callable[[str], object]], None]) -> None:
    """Register review-queue back ends: ``register(url_scheme, factory)``.

    ``factory(url)`` returns an object with ``submit(verdict)``; the built-in store handles
    ``sqlite`` and ``postgresql`` URLs.
    """


@hookspec(firstresult=True)
def adjust_finding(draft: Draft, finding: Finding, guide: ResolvedGuide) -> Finding | bool | None:
    """Adjust or suppress one finding before routing.

    Return a replacement :class:`Finding`, ``False`` to drop the finding, or ``None`` to leave
    it alone. The first non-``None`` answer wins.
    """


@hookspec(firstresult=True)
def decide_route(
    draft: Draft, findings: Sequence[Finding], guide: ResolvedGuide
) -> RouteDecision | None:
    """Decide where the draft goes: a :class:`copyguard.RouteDecision` (route and reasons).

    The built-in policy is registered ``trylast``; a plugin replaces it by returning a decision,
    or tightens it with a ``wrapper=True`` implementation. The guard never lets a draft with
    error findings from a crashed check pass, whatever this hook returns.
    """


@hookspec
def review_decided(decision: ReviewDecision) -> None:
    """A reviewer approved or rejected a queued draft (fired after the decision is stored).

    ``decision.text`` is the copy to release when approved (the reviewer's edit, if any).
    Every implementation is called in isolation; one that raises is recorded in the item's
    audit trail as ``notify_failed`` and cannot undo the decision.
    """


@hookspec
def record_event(event: Event) -> None:
    """Observe what happens (a check ran, a verdict was reached, a review was decided).

    Every implementation is called in isolation: an observer that raises is logged and ignored
    and can never change an outcome.
    """
