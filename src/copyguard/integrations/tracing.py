"""Verdicts in LangChain traces: every check becomes a child run named ``copyguard.verdict``.

The run carries the outcome where tracing tools look for it: tags (``copyguard:route:review``),
metadata (``copyguard_route``, ``copyguard_findings`` ...), its outputs (the summary below), and
a custom event ``copyguard.verdict`` for callback handlers and ``astream_events``. Review
submissions dispatch ``copyguard.review`` on the guarded run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForChainRun, CallbackManagerForChainRun

from copyguard.model import Verdict

VERDICT_RUN = "copyguard.verdict"
VERDICT_EVENT = "copyguard.verdict"
REVIEW_EVENT = "copyguard.review"
UNCHECKED_TAG = "copyguard:unchecked"  # on the generator's runs: their output is not cleared


def verdict_summary(verdict: Verdict, attempt: int = 1) -> dict[str, Any]:
    """A JSON-ready digest of a verdict (no recipient data)."""
    return {
        "draft_id": verdict.draft.id,
        "attempt": attempt,
        "route": verdict.route.value,
        "passed": verdict.passed,
        "findings": len(verdict.findings),
        "by_category": dict(Counter(f.category.value for f in verdict.findings)),
        "by_severity": dict(Counter(f.severity.value for f in verdict.findings)),
        "codes": sorted({f"{f.category.value}/{f.code}" for f in verdict.findings}),
        "personalized_share": verdict.personalized_share,
        "check_ms": round(sum(verdict.timings.values()), 3),
        "reasons": list(verdict.reasons),
    }


def _labels(summary: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    tags = ["copyguard", f"copyguard:route:{summary['route']}"]
    metadata = {f"copyguard_{key}": summary[key]
                for key in ("route", "findings", "attempt", "personalized_share", "draft_id")}
    return tags, metadata


def _run_inputs(verdict: Verdict) -> dict[str, Any]:
    draft = verdict.draft
    return {"text": draft.text, "id": draft.id, "locale": draft.locale,
            "channel": draft.channel.value, "brand": draft.brand}


def record_verdict(parent: CallbackManagerForChainRun, verdict: Verdict, attempt: int) -> None:
    """Report a verdict as a child run of ``parent`` (see the module docstring)."""
    summary = verdict_summary(verdict, attempt)
    tags, metadata = _labels(summary)
    manager = parent.get_child()
    manager.add_tags(tags, inherit=False)
    manager.add_metadata(metadata, inherit=False)
    run = manager.on_chain_start(None, _run_inputs(verdict), name=VERDICT_RUN)
    run.get_child().on_custom_event(VERDICT_EVENT, summary, run_id=run.run_id)
    run.on_chain_end(summary)


async def arecord_verdict(parent: AsyncCallbackManagerForChainRun, verdict: Verdict,
                          attempt: int) -> None:
    summary = verdict_summary(verdict, attempt)
    tags, metadata = _labels(summary)
    manager = parent.get_child()
    manager.add_tags(tags, inherit=False)
    manager.add_metadata(metadata, inherit=False)
    run = await manager.on_chain_start(None, _run_inputs(verdict), name=VERDICT_RUN)
    await run.get_child().on_custom_event(VERDICT_EVENT, summary, run_id=run.run_id)
    await run.on_chain_end(summary)


def review_event(verdict: Verdict, review_id: str) -> dict[str, Any]:
    return {"review_id": review_id, "draft_id": verdict.draft.id, "route": verdict.route.value}


def record_review(parent: CallbackManagerForChainRun, verdict: Verdict, review_id: str) -> None:
    parent.get_child().on_custom_event(REVIEW_EVENT, review_event(verdict, review_id),
                                       run_id=parent.run_id)


async def arecord_review(parent: AsyncCallbackManagerForChainRun, verdict: Verdict,
                         review_id: str) -> None:
    await parent.get_child().on_custom_event(REVIEW_EVENT, review_event(verdict, review_id),
                                             run_id=parent.run_id)
