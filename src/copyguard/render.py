"""Showing verdicts to people: the draft with flagged and personalized spans marked."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from itertools import pairwise
from typing import TYPE_CHECKING

from copyguard.model import Category, Finding, PersonalizedSpan, Route, Severity, Verdict

if TYPE_CHECKING:
    from copyguard.integrations.policy import GuardedCopy


def marked_text(verdict: Verdict) -> str:
    """The draft with flagged spans as ``[[text]]^n`` and personalized spans as ``{text}``."""
    text = verdict.draft.text
    marks: list[tuple[int, int, str]] = []  # (position, order, marker)
    for number, finding in enumerate(verdict.findings, 1):
        if finding.end > finding.start:
            marks += [(finding.start, 1, "[["), (finding.end, 0, f"]]^{number}")]
    for span in verdict.personalized_spans:
        marks += [(span.start, 2, "{"), (span.end, -1, "}")]
    out, cursor = [], 0
    for position, _, marker in sorted(marks):
        out += [text[cursor:position], marker]
        cursor = position
    out.append(text[cursor:])
    return "".join(out)


def verdict_text(verdict: Verdict) -> str:
    lines = [f"{verdict.draft.id or '<draft>'}: {verdict.route.value.upper()}  "
             f"(personalized share {verdict.personalized_share:.0%})",
             "", marked_text(verdict), ""]
    for number, f in enumerate(verdict.findings, 1):
        where = f" [{f.start}:{f.end}]" if f.end > f.start else ""
        lines.append(f"  {number}. {f.severity.value:<10} {f.category.value}/{f.check}."
                     f"{f.code}{where}: {f.message}")
        if f.suggestion:
            lines.append(f"     suggestion: {f.suggestion}")
    lines += [f"  why: {reason}" for reason in verdict.reasons]
    if verdict.fixed_text is not None and verdict.fixed_text != verdict.draft.text:
        lines += ["", "  fixed text:", f"  {verdict.fixed_text}"]
    return "\n".join(lines)


ROUTE_COLORS = {Route.PASS: "#2e7d32", Route.REVISE: "#1565c0", Route.REVIEW: "#e65100",
                Route.BLOCK: "#b71c1c"}
SEVERITY_COLORS = {Severity.INFO: "#e3f2fd", Severity.SUGGESTION: "#e8f5e9",
                   Severity.WARNING: "#fff3c4", Severity.ERROR: "#ffd7d4",
                   Severity.CRITICAL: "#ffb3ad"}
SHARE_COLOR = "#5e35b1"
_BOX = "font-family:system-ui,sans-serif;font-size:13px;line-height:1.5;max-width:64em"
_BADGE = "color:#fff;padding:1px 8px;border-radius:3px;font-weight:600;background:"


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _segments(verdict: Verdict) -> Iterator[tuple[int, int, list[int], list[PersonalizedSpan]]]:
    """Cut the text wherever a flagged or personalized span starts or ends: each piece with the
    numbers (1-based) of the findings and the personalized spans covering it."""
    size = len(verdict.draft.text)
    flagged = [(n, f) for n, f in enumerate(verdict.findings, 1) if f.end > f.start]
    cuts = {0, size}
    for _, f in flagged:
        cuts |= {f.start, f.end}
    for span in verdict.personalized_spans:
        cuts |= {span.start, span.end}
    points = sorted(c for c in cuts if 0 <= c <= size)
    for start, end in pairwise(points):
        covering = [n for n, f in flagged if f.start <= start and end <= f.end]
        spans = [s for s in verdict.personalized_spans if s.start <= start and end <= s.end]
        yield start, end, covering, spans


def highlighted_text(verdict: Verdict) -> str:
    """The draft as HTML: flagged spans marked (colour of the worst finding, numbered), words
    from the recipient's data underlined; every character of the draft escaped."""
    text, findings, out = verdict.draft.text, verdict.findings, []
    for start, end, covering, spans in _segments(verdict):
        piece = escape(text[start:end])
        if spans:
            fields = ", ".join(dict.fromkeys(s.field for s in spans))
            piece = (f"<span style='border-bottom:2px dotted {SHARE_COLOR}' "
                     f"title='{_attr('from ' + fields)}'>{piece}</span>")
        if covering:
            worst = max((findings[n - 1] for n in covering), key=lambda f: f.severity.rank)
            tip = "\n".join(f"{n}. {findings[n - 1].message}" for n in covering)
            piece = (f"<mark style='background:{SEVERITY_COLORS[worst.severity]};color:inherit' "
                     f"title='{_attr(tip)}'>{piece}</mark>")
        out.append(piece)
        ending = [str(n) for n in covering if findings[n - 1].end == end]
        if ending:
            out.append(f"<sup>{','.join(ending)}</sup>")
    return "".join(out)


def reported_cap(verdict: Verdict) -> float | None:
    """The share cap, when a finding reports it (``data["max_share"]``, as the over-the-cap
    finding does)."""
    for finding in verdict.findings:
        cap = finding.data.get("max_share")
        if isinstance(cap, int | float) and not isinstance(cap, bool):
            return float(cap)
    return None


def share_bar(share: float, cap: float | None = None) -> str:
    """The personalized share as a bar (with the cap as a line when it is known)."""
    width = min(max(share, 0.0), 1.0) * 100
    label = f"personalized share {share:.0%}" + (f" (cap {cap:.0%})" if cap is not None else "")
    marker = (f"<div style='position:absolute;top:-2px;bottom:-2px;left:{cap * 100:.1f}%;"
              f"border-left:2px solid #000'></div>" if cap is not None and 0 <= cap <= 1 else "")
    return (f"<div style='display:flex;align-items:center;gap:8px;margin:6px 0' "
            f"title='{_attr(label)}'><div style='position:relative;width:16em;height:8px;"
            f"background:#e0e0e0;border-radius:4px'><div style='width:{width:.1f}%;height:100%;"
            f"background:{SHARE_COLOR};border-radius:4px'></div>{marker}</div>"
            f"<span>{escape(label)}</span></div>")


def _finding_item(number: int, finding: Finding, text: str) -> str:
    where = (f" <q>{escape(text[finding.start:finding.end])}</q>"
             if finding.end > finding.start else "")
    extra = ""
    if finding.suggestion:
        extra += f"<br>suggestion: {escape(finding.suggestion)}"
    if finding.fix is not None:
        extra += (f"<br>automatic fix: <q>{escape(finding.fix)}</q>" if finding.fix
                  else "<br>automatic fix: remove it")
    if finding.field:
        extra += f"<br>recipient field: <code>{escape(finding.field)}</code>"
    return (f"<li value='{number}'><span style='background:{SEVERITY_COLORS[finding.severity]};"
            f"padding:0 4px;border-radius:2px'>{escape(finding.severity.value)}</span> "
            f"<code>{escape(finding.check)}.{escape(finding.code)}</code>{where}: "
            f"{escape(finding.message)}{extra}</li>")


def findings_html(verdict: Verdict) -> str:
    """Findings grouped by category (in :class:`Category` order), worst first in each."""
    if not verdict.findings:
        return "<p>No findings.</p>"
    numbered = list(enumerate(verdict.findings, 1))
    sections = []
    for category in Category:
        group = sorted(((n, f) for n, f in numbered if f.category is category),
                       key=lambda item: (-item[1].severity.rank, item[0]))
        if group:
            items = "".join(_finding_item(n, f, verdict.draft.text) for n, f in group)
            sections.append(f"<div><b>{escape(category.value)}</b> ({len(group)})"
                            f"<ol style='margin:2px 0 6px'>{items}</ol></div>")
    return "".join(sections)


def verdict_html(verdict: Verdict, *, share_cap: float | None = None) -> str:
    """The notebook view (``Verdict._repr_html_``): route, share bar, highlighted draft,
    findings by category, reasons and the fixed text. Inline styles only (notebook
    sanitizers drop style sheets); all draft-derived text is escaped. The bar shows
    ``share_cap``, else the cap a finding reports."""
    if share_cap is None:
        share_cap = reported_cap(verdict)
    draft = verdict.draft
    about = " · ".join(escape(part) for part in (draft.id or "draft", draft.locale,
                                                  draft.channel.value, draft.brand or "") if part)
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in verdict.reasons)
    fixed = ""
    if verdict.fixed_text is not None and verdict.fixed_text != draft.text:
        fixed = ("<div><b>fixed text</b><div style='white-space:pre-wrap;border:1px solid #ccc;"
                 f"padding:6px;border-radius:4px'>{escape(verdict.fixed_text)}</div></div>")
    return (f"<div class='copyguard-verdict' style='{_BOX}'>"
            f"<div><span style='{_BADGE}{ROUTE_COLORS[verdict.route]}'>"
            f"{escape(verdict.route.value.upper())}</span> {about}</div>"
            f"{share_bar(verdict.personalized_share, share_cap)}"
            "<div style='white-space:pre-wrap;border:1px solid #ccc;padding:6px;"
            f"border-radius:4px'>{highlighted_text(verdict)}</div>"
            f"{findings_html(verdict)}"
            + (f"<div><b>why</b><ul style='margin:2px 0'>{reasons}</ul></div>" if reasons else "")
            + f"{fixed}</div>")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def guarded_html(result: GuardedCopy) -> str:
    """The notebook view of a guarded generation: outcome, attempts, then the verdict."""
    tries = "".join(f"<li>attempt {i}: {escape(v.route.value)}, "
                    f"{_count(len(v.findings), 'finding')}</li>"
                    for i, v in enumerate(result.attempts, 1))
    review = (f" · review item <code>{escape(result.review_id)}</code>"
              if result.review_id else "")
    return (f"<div class='copyguard-guarded' style='{_BOX}'><div><b>"
            f"{escape(result.outcome.value.replace('_', ' '))}</b>"
            f" after {_count(len(result.attempts), 'check')}{review}</div>"
            f"<ol style='margin:2px 0'>{tries}</ol>{verdict_html(result.verdict)}</div>")
