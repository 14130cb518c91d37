"""Built-in plugin: the ``sensitive`` check.

Copy must never assert, imply or ask about a sensitive attribute of the recipient: health,
pregnancy, sexual orientation or gender identity, religion, ethnicity, political opinion,
trade-union membership, genetic or biometric data, criminal record, immigration status,
financial distress, bereavement, divorce and similar life events, exact age. Two sources:

* the language's lexicon (data/sensitive/<lang>.yaml), counted only in sentences directed at
  the reader (see :mod:`copyguard.pii.attributes`);
* the recipient's recorded ``sensitive`` values, found in the copy in any language (a Presidio
  ad-hoc recognizer per value, run in the same analysis as the ``pii`` check).

Every finding is critical: the routing policy blocks the draft.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.hookspecs import hookimpl
from copyguard.model import Category, Finding, Severity
from copyguard.pii.analyzer import detections
from copyguard.pii.attributes import AttributeMatcher, attribute_matcher
from copyguard.pii.profile import SENSITIVE_PREFIX

RECORDED_VALUE = "recorded_value"
UNSUPPORTED = "language_unsupported"


class SensitiveCheck(Check):
    name = "sensitive"
    category = Category.SENSITIVE
    blocking = False

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        yield from self._recorded_values(ctx)
        matcher = attribute_matcher(ctx.draft.language)
        if matcher is None:
            yield self.finding(
                UNSUPPORTED, f"no sensitive-attribute lexicon for language "
                f"{ctx.draft.language!r}: only the recipient's recorded sensitive values were "
                "looked for", severity=Severity.INFO)
            return
        yield from self._lexicon(ctx, matcher)

    def _recorded_values(self, ctx: CheckContext) -> Iterator[Finding]:
        if not ctx.draft.recipient.sensitive:
            return  # nothing recorded: no need to wait for the shared Presidio analysis
        for detection in detections(ctx):
            field = detection.field or ""
            if field.startswith(SENSITIVE_PREFIX):
                yield self.finding(
                    RECORDED_VALUE, f"the copy mentions the recipient's recorded sensitive "
                    f"data ({field})", detection.start, detection.end,
                    severity=Severity.CRITICAL, field=field,
                    suggestion="never refer to special-category data in marketing copy")

    def _lexicon(self, ctx: CheckContext, matcher: AttributeMatcher) -> Iterator[Finding]:
        def starts() -> list[int]:
            return [token.idx for token in ctx.doc if not token.is_space]

        for hit in matcher.find(ctx.text, starts):
            description = (matcher.lexicon.categories[hit.category].description
                           if hit.category in matcher.lexicon.categories else "exact age")
            yield self.finding(
                hit.category, f"the copy asserts, implies or asks about the recipient's "
                f"{description} ({ctx.text[hit.start:hit.end]!r}, directed by {hit.cue!r})",
                hit.start, hit.end, severity=Severity.CRITICAL,
                suggestion="speak about the product, not about the reader's circumstances",
                data={"cue": hit.cue})


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(SensitiveCheck())
