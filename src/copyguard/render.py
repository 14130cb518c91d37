"""Showing verdicts to people: the draft with flagged and personalized spans marked."""

from __future__ import annotations

from html import escape

from copyguard.model import Verdict


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


def verdict_html(verdict: Verdict) -> str:
    """A small, fully escaped HTML view for notebooks."""
    rows = "".join(
        f"<li><b>{escape(f.severity.value)}</b> {escape(f.category.value)}/{escape(f.code)}: "
        f"{escape(f.message)}</li>" for f in verdict.findings)
    return (f"<div class='copyguard-verdict'><p><b>{escape(verdict.route.value.upper())}</b> "
            f"personalized share {verdict.personalized_share:.0%}</p>"
            f"<pre>{escape(marked_text(verdict))}</pre><ul>{rows}</ul></div>")
