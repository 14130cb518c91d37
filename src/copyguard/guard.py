"""The :class:`Guard`: runs every check on a draft and decides its route, failing closed."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.errors import InputError
from copyguard.events import CheckFailed, Event, VerdictReached
from copyguard.guides import BrandGuide, ResolvedGuide
from copyguard.io import coerce_draft
from copyguard.model import Category, Draft, Finding, Route, Severity, Verdict
from copyguard.nlp import NlpService
from copyguard.plugins import PluginHost, build_plugin_manager
from copyguard.provenance import personalized_share
from copyguard.registry import BrandRegistry, default_brand_dirs
from copyguard.routing import CHECK_ERROR, RouteDecision, default_route
from copyguard.runner import Runner, run_checks

if TYPE_CHECKING:
    from copyguard.integrations.langchain import GuardedRunnable, GuardRunnable

log = logging.getLogger("copyguard")

DEFAULT_MAX_CHARS = 100_000
DEFAULT_CHECK_TIMEOUT = 10.0  # seconds one check may take on one draft
# The first draft of a brand and language may load lexicons, analyzers and compiled guides:
# its checks get this many budgets, so a busy machine's cold start is not taken for a hang.
DEFAULT_COLD_START_BUDGETS = 6


def error_finding(check: str, category: Category, exc: BaseException) -> Finding:
    """What a crashed check leaves behind: an error that sends the draft to a person."""
    return Finding(check=check, code=CHECK_ERROR, category=category, severity=Severity.ERROR,
                   message=f"check {check!r} failed ({type(exc).__name__}: {exc}); "
                           "the draft needs a human review")


class _Provenance(Check):
    """Which words are personalized, computed with the checks so it shares their budget."""

    name = "provenance"
    category = Category.PERSONALIZATION
    blocking = False

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        _share(ctx)
        return ()


def _share(ctx: CheckContext) -> float:
    return ctx.memo("copyguard.personalized_share",
                    lambda: personalized_share(ctx.doc, ctx.personalized_spans))


_PROVENANCE = _Provenance()


def _invalid(found: list[Finding], size: int) -> Exception | None:
    """Why a check's output cannot be used, if it cannot."""
    for finding in found:
        if not isinstance(finding, Finding):
            return TypeError(f"yielded {type(finding).__name__} {finding!r}, not a Finding")
        if not 0 <= finding.start <= finding.end <= size:
            return ValueError(f"finding {finding.code!r} has span {finding.start}:"
                              f"{finding.end} outside the text (length {size})")
    return None


def apply_fixes(text: str, findings: Sequence[Finding]) -> str | None:
    """The text with every automatic fix applied (left to right, overlapping fixes skipped)."""
    fixes = sorted((f for f in findings if f.fix is not None), key=lambda f: (f.start, -f.end))
    if not fixes:
        return None
    out, cursor = [], 0
    for finding in fixes:
        if finding.start < cursor:
            continue
        out.append(text[cursor:finding.start])
        out.append(finding.fix or "")
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)


class Guard:
    """Checks drafts. Build one per process and reuse it; it is thread-safe.

    >>> guard = Guard(brand="northwind")                          # doctest: +SKIP
    >>> guard.check("Hi Maria, ...", recipient={"profile": {"first_name": "Maria"}})  # +SKIP
    """

    def __init__(
        self,
        brand: str | None = None,
        *,
        brand_dirs: Iterable[str | Path] | None = None,
        plugins: Sequence[object] = (),
        load_entrypoints: bool = True,
        disabled_plugins: Iterable[str] = (),
        models: Mapping[str, str] | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        check_timeout: float = DEFAULT_CHECK_TIMEOUT,
        cold_start_budgets: int = DEFAULT_COLD_START_BUDGETS,
        host: PluginHost | None = None,
    ) -> None:
        disabled_plugins = list(disabled_plugins)
        self.host = host or build_plugin_manager(
            load_entrypoints=load_entrypoints, extra_plugins=plugins, disabled=disabled_plugins)
        dirs = default_brand_dirs() if brand_dirs is None else [Path(d) for d in brand_dirs]
        self.brands = BrandRegistry(self.host, dirs)
        self.nlp = NlpService(models)
        self.brand = brand
        self.max_chars = max_chars
        self.check_timeout = check_timeout
        self.cold_start_budgets = cold_start_budgets
        self._warm: set[tuple[str | None, str]] = set()  # (brand, language) checked once
        # Blocking checks run on these threads, so one can be abandoned at its time budget.
        self._runner = Runner()
        # What a worker process needs to build the same guard (see copyguard.batch).
        self.config: dict[str, Any] = {
            "brand": brand, "brand_dirs": [str(d) for d in dirs], "models": models,
            "load_entrypoints": load_entrypoints, "disabled_plugins": list(disabled_plugins),
            "max_chars": max_chars, "check_timeout": check_timeout,
            "cold_start_budgets": cold_start_budgets}
        self._has_extra_plugins = bool(plugins)
        self._hook_callers: dict[tuple[str | None, str], Any] = {}
        if brand is not None and self.brands.failed_pack(brand) is None:
            self.brands.get(brand)  # fail fast: unknown brand or invalid guide

    # -- public API -----------------------------------------------------------------------

    def check(self, draft: Draft | Mapping[str, Any] | str, **context: Any) -> Verdict:
        """Check one draft (a :class:`Draft`, a JSON-like mapping, or text plus context)."""
        return self._check(self.prepare(draft, **context), recheck=True)

    def check_many(self, drafts: Iterable[Draft | Mapping[str, Any] | str], *,
                   workers: int = 1) -> Iterator[Verdict]:
        """Yield verdicts in input order as they are ready, reading ``drafts`` lazily.

        ``workers > 1`` checks in that many processes (``0``: one per core); plugins passed to
        the constructor as objects cannot travel to workers, so that combination is refused.
        The first draft that cannot be checked raises its :class:`InputError`.
        """
        from copyguard.batch import check_stream

        if workers != 1 and self._has_extra_plugins:
            raise ValueError("worker processes need plugins installed as entry points, "
                             "not passed as objects")
        for result in check_stream(self, drafts, workers=workers):
            if not isinstance(result, Verdict):
                raise result
            yield result

    async def acheck(self, draft: Draft | Mapping[str, Any] | str, **context: Any) -> Verdict:
        """:meth:`check` off the event loop (checks are CPU-bound)."""
        return await asyncio.to_thread(self.check, draft, **context)

    def prepare(self, draft: Draft | Mapping[str, Any] | str, **context: Any) -> Draft:
        """Validate input into a :class:`Draft` with the guard's brand filled in."""
        draft = coerce_draft(draft, **context)
        if len(draft.text) > self.max_chars:
            raise InputError(f"draft is {len(draft.text):,} characters; the limit is "
                             f"{self.max_chars:,}", field="text")
        if draft.brand is None and self.brand is not None:
            draft = dataclasses.replace(draft, brand=self.brand)
        return draft

    def guide(self, brand: str | None = None) -> BrandGuide:
        return self.brands.get(brand if brand is not None else self.brand)

    def minimize(self, recipient: Any, campaign: Any = None, *, brand: str | None = None,
                 locale: str = "en", channel: str | None = None) -> dict[str, Any]:
        """The recipient facts a copy model may be given (data minimization before
        generation), under the brand's personalization policy for ``locale``/``channel``.

        ``recipient`` and ``campaign`` are :class:`Recipient`/:class:`Campaign` objects or
        JSON-like mappings. Returns ``{"facts": [{"field": "profile.first_name", "value":
        "Maria"}, ...], "withheld": [{"field": "profile.email", "reason": "identifier"},
        ...], "max_facts": 3}``: facts most relevant first (at most ``max_facts``, name and
        title counting as one; browsed items carry ``"observed": true``, purchases too recent
        to promote ``"avoid_promoting": true``); ``withheld`` gives each left-out field and
        why, never its value. See :func:`copyguard.minimize.minimize`.
        """
        from copyguard.minimize import minimize
        from copyguard.model import Channel

        language = locale.split("-")[0].lower()
        policy = self.guide(brand).resolve(locale, Channel(channel or "email")).guide
        return minimize(recipient, campaign, policy=policy.personalization, language=language,
                        tokenize=self.nlp.pipeline(language).tokenizer)

    def as_runnable(self, **context: Any) -> GuardRunnable:
        """A LangChain Runnable that checks the copy it receives and returns the Verdict:
        ``copy_chain | guard.as_runnable(locale="de-DE")`` (context fills draft fields)."""
        from copyguard.integrations.langchain import GuardRunnable

        return GuardRunnable(guard=self, context=context)

    def wrap(self, chain: Any, on_fail: str = "raise", **options: Any) -> GuardedRunnable:
        """Put this guard around a LangChain copy generator; see
        :func:`copyguard.integrations.langchain.wrap` for ``on_fail`` and the options."""
        from copyguard.integrations.langchain import wrap

        return wrap(self, chain, on_fail, **options)

    @property
    def checks(self) -> list[Check]:
        return [reg.item for reg in self.host.checks.values()]

    # -- the pipeline -----------------------------------------------------------------------

    def _check(self, draft: Draft, *, recheck: bool) -> Verdict:
        """The verdict on ``draft``; with ``recheck``, a draft routed to revise has its fixed
        text checked too (that inner verdict only informs the route: it is not emitted)."""
        failure = self.brands.failed_pack(draft.brand) if draft.brand else None
        if failure is not None:
            return self._pack_failed(draft, failure)
        resolved = self.brands.get(draft.brand).resolve(draft.locale, draft.channel)
        checks = [*self.brands.checks_for(draft.brand), _PROVENANCE]
        ctx = CheckContext(draft, resolved, self.nlp, [check.name for check in checks])
        findings: list[Finding] = []
        try:  # tokenize (loading the language's pipeline on first use) outside any check's budget
            ctx.doc  # noqa: B018
        except Exception as exc:
            findings.append(error_finding("nlp", Category.COMPLIANCE, exc))
        found, timings = self._run_checks(ctx, checks)
        findings += found
        provenance_failed = any(f.check == _PROVENANCE.name for f in found)
        spans = () if provenance_failed else ctx.personalized_spans
        share = 0.0 if provenance_failed else _share(ctx)
        findings = self._adjust(ctx, findings)
        decision = self._decide(draft, findings, resolved)
        route, reasons = decision.route, list(decision.reasons)
        if any(f.code == CHECK_ERROR for f in findings) and route.rank < Route.REVIEW.rank:
            route = Route.REVIEW
            reasons.append("review: a check failed, so the draft cannot pass (fail closed)")
        fixed = apply_fixes(draft.text, findings)
        if route is Route.REVISE and recheck:
            assert fixed is not None
            again = self._check(draft.with_text(fixed), recheck=False)
            if again.route is not Route.PASS:
                route = Route.REVIEW
                reasons.append(f"review: the fixed text still routes to {again.route.value}")
        verdict = Verdict(draft=draft, route=route, findings=tuple(findings),
                          personalized_share=share, personalized_spans=spans,
                          fixed_text=fixed, reasons=tuple(reasons), timings=timings)
        if recheck:
            self.emit(VerdictReached(verdict))
        return verdict

    def _run_checks(self, ctx: CheckContext, checks: list[Check],
                    ) -> tuple[list[Finding], dict[str, float]]:
        warm = (ctx.draft.brand, ctx.draft.language)
        budget = self.check_timeout * (1 if warm in self._warm else self.cold_start_budgets)
        outcomes, timings = run_checks(self._runner, checks, ctx, budget)
        self._warm.add(warm)
        findings: list[Finding] = []
        size = len(ctx.draft.text)
        for check, outcome in zip(checks, outcomes, strict=True):
            if isinstance(outcome, list):
                outcome = _invalid(outcome, size) or outcome
            if isinstance(outcome, list):
                findings.extend(outcome)
                continue
            log.error("check %s failed on draft %s", check.name, ctx.draft.id, exc_info=outcome)
            findings.append(error_finding(check.name, check.category, outcome))
            self.emit(CheckFailed(ctx.draft, check.name, f"{type(outcome).__name__}: {outcome}"))
        return findings, timings

    def _scoped(self, brand: str | None, hook_name: str) -> Any:
        """The hook without other brands' packs (which are fixed when the guard is built)."""
        key = (brand, hook_name)
        caller = self._hook_callers.get(key)
        if caller is None:
            caller = self._hook_callers[key] = self.host.pm.subset_hook_caller(
                hook_name, self.brands.foreign_plugins(brand))
        return caller

    def _adjust(self, ctx: CheckContext, findings: list[Finding]) -> list[Finding]:
        adjust = self._scoped(ctx.draft.brand, "adjust_finding")
        kept: list[Finding] = []
        for finding in findings:
            try:
                result = adjust(draft=ctx.draft, finding=finding, guide=ctx.guide)
            except Exception as exc:
                kept += [finding, error_finding("adjust_finding", finding.category, exc)]
                continue
            if result is None or result is True:
                kept.append(finding)
            elif isinstance(result, Finding):
                kept.append(result)
        return kept

    def _decide(self, draft: Draft, findings: list[Finding], guide: ResolvedGuide,
                ) -> RouteDecision:
        try:
            decision = self._scoped(draft.brand, "decide_route")(
                draft=draft, findings=findings, guide=guide)
            if not isinstance(decision, RouteDecision):
                raise TypeError(f"decide_route returned {decision!r}, not a RouteDecision")
            return decision
        except Exception as exc:
            log.exception("routing failed for draft %s", draft.id)
            fallback = default_route(draft, findings, guide)
            return RouteDecision(fallback.route.at_least(Route.REVIEW),
                                 (*fallback.reasons, f"review: routing policy failed ({exc})"))

    def _pack_failed(self, draft: Draft, error: str) -> Verdict:
        finding = Finding(check="plugins", code="brand_pack_failed", category=Category.COMPLIANCE,
                          severity=Severity.CRITICAL,
                          message=f"the plugin pack for brand {draft.brand!r} failed to load "
                                  f"({error}); its drafts are blocked until it is fixed")
        verdict = Verdict(draft=draft, route=Route.BLOCK, findings=(finding,),
                          reasons=(f"block: brand pack {draft.brand!r} failed to load",))
        self.emit(VerdictReached(verdict))
        return verdict

    def emit(self, event: Event) -> None:
        """Send an event to every ``record_event`` observer, each in isolation."""
        for impl in self.host.pm.hook.record_event.get_hookimpls():
            try:
                impl.function(*[event for _ in impl.argnames])
            except Exception:
                log.exception("observer %s failed on %s", impl.plugin_name, event.name)
