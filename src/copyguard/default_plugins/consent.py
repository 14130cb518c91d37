"""Built-in plugin: the ``consent`` check.

* ``no_personalization_consent``: a span of the copy comes from the recipient's data while
  ``personalization`` is not among ``recipient.consents`` (one finding per span; a name used
  as a vocative gets an automatic fix that removes it);
* ``opted_out``: a campaign tag, or the draft's channel, is in ``recipient.opt_outs``
  (compared case-insensitively). The routing policy always blocks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.hookspecs import hookimpl
from copyguard.model import Category, Draft, Finding, Severity
from copyguard.personalization.lexicon import lexicon
from copyguard.personalization.names import vocative_fix
from copyguard.provenance import is_address, trace

PERSONALIZATION_CONSENT = "personalization"


def has_consent(draft: Draft, purpose: str = PERSONALIZATION_CONSENT) -> bool:
    return purpose.casefold() in {c.casefold() for c in draft.recipient.consents}


def opted_out(draft: Draft) -> list[tuple[str, str]]:
    """(what, how) for each campaign tag (``tag``) or channel (``channel``) opted out of."""
    opt_outs = {o.casefold() for o in draft.recipient.opt_outs}
    hits = [(tag, "tag") for tag in draft.campaign.tags if tag.casefold() in opt_outs]
    if draft.channel.value in opt_outs:
        hits.append((draft.channel.value, "channel"))
    return hits


class ConsentCheck(Check):
    name = "consent"
    category = Category.CONSENT
    blocking = False

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        yield from self._opt_outs(ctx.draft)
        if not has_consent(ctx.draft):
            yield from self._unconsented(ctx)

    def _opt_outs(self, draft: Draft) -> Iterator[Finding]:
        for what, how in opted_out(draft):
            label = f"campaign tag {what!r}" if how == "tag" else f"the {what} channel"
            yield self.finding(
                "opted_out", f"the recipient opted out of {label}", severity=Severity.CRITICAL,
                field="opt_outs", suggestion="do not send this message to this recipient",
                data={"opt_out": what, "via": how})

    def _unconsented(self, ctx: CheckContext) -> Iterator[Finding]:
        lex = lexicon(ctx.draft.language)
        text = ctx.draft.text
        for match in trace(ctx).matches:
            fix = vocative_fix(text, match.start, match.end, lex) if is_address(match.field) \
                else None
            start, end, replacement = fix if fix else (match.start, match.end, None)
            yield self.finding(
                "no_personalization_consent", f"{match.text!r} comes from {match.field}, but "
                "the recipient has not consented to personalization", start, end,
                severity=Severity.ERROR, fix=replacement, field=match.field,
                suggestion="send the non-personalized version",
                data={"consents": sorted(ctx.draft.recipient.consents)})


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(ConsentCheck())
