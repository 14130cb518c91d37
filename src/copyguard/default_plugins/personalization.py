"""Built-in plugin: the ``personalization`` check.

Using what you know must not turn into telling what you know, and the brand's message must
not drown in the recipient's data. Caps come from the brand guide's ``personalization``
section (per channel through overlays). Codes:

* ``share_exceeded``: the personalized share is over ``max_share``;
* ``too_many_facts``: more distinct recipient facts than ``max_facts``;
* ``never_use_field``: a field the brand never uses in copy;
* ``birth_date_disclosed``: the date, year or age of birth (a birthday offer needs none);
* name checks (:mod:`copyguard.personalization.names`), surveillance phrasing
  (:mod:`~copyguard.personalization.surveillance`), freshness and relevance
  (:mod:`~copyguard.personalization.freshness`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.guides import Personalization
from copyguard.hookspecs import hookimpl
from copyguard.model import Category, Finding, Severity
from copyguard.personalization import surveillance
from copyguard.personalization.freshness import Freshness
from copyguard.personalization.lexicon import lexicon
from copyguard.personalization.names import NameChecker
from copyguard.provenance import Provenance, fact_key, share_breakdown, trace

NAMES_KEY = "copyguard.personalization.names"


class PersonalizationCheck(Check):
    name = "personalization"
    category = Category.PERSONALIZATION
    blocking = False

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        draft = ctx.draft
        provenance = trace(ctx)
        policy = ctx.guide.guide.personalization
        lex = lexicon(draft.language)
        tokenize = ctx.nlp.pipeline(draft.language).tokenizer
        yield from self._share(ctx, provenance, policy)
        yield from self._facts(provenance, policy)
        yield from self._never_use(provenance, policy)
        yield from self._birth_date(provenance)
        yield from name_findings(ctx)
        yield from surveillance.findings(self, draft, provenance, lex)
        yield from Freshness(self, draft, provenance, policy, lex, tokenize).findings()

    def _share(self, ctx: CheckContext, provenance: Provenance, policy: Personalization
               ) -> Iterator[Finding]:
        breakdown = share_breakdown(ctx.doc, provenance.spans)
        if breakdown.share <= policy.max_share or not breakdown.ranges:
            return
        yield self.finding(
            "share_exceeded", f"the personalized share is {breakdown.share:.0%} "
            f"({breakdown.personalized_words} of {breakdown.words} words); the cap is "
            f"{policy.max_share:.0%}", breakdown.ranges[0][0], breakdown.ranges[-1][1],
            suggestion="let the brand's message carry the copy; keep one personal touch",
            data={"share": breakdown.share, "max_share": policy.max_share,
                  "words": breakdown.words, "personalized_words": breakdown.personalized_words,
                  "ranges": [list(r) for r in breakdown.ranges],
                  "fields": sorted({m.field for m in provenance.matches})})

    def _facts(self, provenance: Provenance, policy: Personalization) -> Iterator[Finding]:
        facts = list(dict.fromkeys(fact_key(m.field) for m in provenance.matches))
        if len(facts) <= policy.max_facts:
            return
        yield self.finding(
            "too_many_facts", f"the copy uses {len(facts)} facts about the recipient "
            f"({', '.join(facts)}); the cap is {policy.max_facts}",
            provenance.matches[0].start, provenance.matches[-1].end,
            suggestion="keep the facts that matter for this campaign",
            data={"facts": facts, "count": len(facts), "max_facts": policy.max_facts})

    def _never_use(self, provenance: Provenance, policy: Personalization) -> Iterator[Finding]:
        banned = [entry.strip() for entry in policy.never_use if entry.strip()]
        for match in provenance.matches:
            entry = next((e for e in banned if _field_is(match.field, e)), None)
            if entry is not None:
                yield self.finding(
                    "never_use_field", f"the copy uses {match.field} ({match.text!r}), which "
                    "the brand never uses in copy", match.start, match.end,
                    severity=Severity.ERROR, field=match.field,
                    suggestion="remove it", data={"never_use": entry})

    def _birth_date(self, provenance: Provenance) -> Iterator[Finding]:
        for match in provenance.of_kind("birth_date"):
            yield self.finding(
                "birth_date_disclosed", f"the copy reveals the recipient's date of birth or age "
                f"({match.text!r}); a birthday offer needs neither", match.start, match.end,
                field=match.field, suggestion="say 'happy birthday' without the date or age")


def _field_is(field: str, entry: str) -> bool:
    """``last_name`` and ``profile.last_name`` name the same field; ``purchases`` names every
    purchase (item, category and date)."""
    bare = field.removeprefix("profile.")
    return entry in {field, bare} or field.startswith((f"{entry}[", f"{entry}.")) \
        or fact_key(field) == entry


_CHECK = PersonalizationCheck()  # stamps the name findings, whichever check asks first


def name_findings(ctx: CheckContext) -> tuple[Finding, ...]:
    """The name checks' findings (:class:`NameChecker`), computed once per draft: the pii
    check reads the ``name_mismatch`` ones, which this check reports and pii leaves to it."""
    def compute() -> tuple[Finding, ...]:
        provenance = trace(ctx)
        return tuple(NameChecker(_CHECK, ctx.draft, provenance, ctx.guide.guide.personalization,
                                 lexicon(ctx.draft.language)).findings())

    return ctx.memo(NAMES_KEY, compute)


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(PersonalizationCheck())
