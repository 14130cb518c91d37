"""Freshness and relevance of the data the copy uses.

* ``stale_field``: a profile field used whose ``updated`` date is more than
  ``stale_after_days`` before the send date;
* ``recent_purchase_promoted``: promoting (in ``campaign.promoted_items`` or in the copy) an
  item the recipient bought within ``recent_purchase_days``, unless the brand lists it as a
  consumable;
* ``winback_active``: win-back copy ("we miss you") to a recipient active within
  ``active_days``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime

from spacy.tokens import Doc

from copyguard.checks import Check
from copyguard.guides import Personalization
from copyguard.lazy import lazy
from copyguard.model import Draft, Finding, Purchase
from copyguard.personalization.lexicon import Lexicon, profile_key
from copyguard.personalization.matching import (
    Word,
    Words,
    item_similarity,
    paraphrase_matches,
    value_words,
)
from copyguard.personalization.text import fold
from copyguard.provenance import Provenance, as_utc, reference_time

# Share of an item name two names must share to be the same item.
SAME_ITEM = 0.6
# Words before and after an item mention searched for a promotion cue.
PROMO_WINDOW = (3, 4)


class Freshness:
    """Runs the freshness and relevance checks for one draft."""

    def __init__(self, check: Check, draft: Draft, provenance: Provenance,
                 policy: Personalization, lex: Lexicon, tokenize: Callable[[str], Doc]) -> None:
        self.check, self.draft, self.provenance = check, draft, provenance
        self.policy, self.lex, self.tokenize = policy, lex, tokenize

    # Computed on first use: most drafts need none of them.

    @property
    def starts(self) -> list[int]:
        return self.provenance.words.starts

    @lazy
    def now(self) -> datetime:
        return reference_time(self.draft)

    @lazy
    def today(self) -> date:
        return self.now.date()

    def findings(self) -> Iterator[Finding]:
        yield from self._stale()
        yield from self._recent_purchases()
        yield from self._winback()

    def _stale(self) -> Iterator[Finding]:
        updated = self.draft.recipient.updated
        reported: set[str] = set()
        for match in self.provenance.matches:
            key = profile_key(match.field)
            if key is None or match.field in reported:
                continue
            when = updated.get(key, updated.get(match.field))
            if when is None:
                continue
            age = (self.today - when).days
            if age > self.policy.stale_after_days:
                reported.add(match.field)
                yield self.check.finding(
                    "stale_field", f"{match.field} was last confirmed on {when.isoformat()}, "
                    f"{age} days before sending (the brand allows {self.policy.stale_after_days})",
                    match.start, match.end, field=match.field,
                    suggestion="leave the field out, or confirm it first",
                    data={"updated": when.isoformat(), "age_days": age,
                          "stale_after_days": self.policy.stale_after_days})

    # -- recently bought ------------------------------------------------------------------

    def _recent(self) -> list[tuple[int, Purchase, Words]]:
        out = []
        for i, purchase in enumerate(self.draft.recipient.purchases):
            if purchase.date is None:
                continue
            days = (self.today - purchase.date).days
            if 0 <= days <= self.policy.recent_purchase_days and not self._consumable(purchase):
                out.append((i, purchase, value_words(purchase.item, self.tokenize)))
        return out

    def _consumable(self, purchase: Purchase) -> bool:
        bought = value_words(" ".join(filter(None, (purchase.item, purchase.category))),
                             self.tokenize)
        return any(item_similarity(bought, value_words(term, self.tokenize)) >= 1.0
                   for term in self.policy.consumables if term.strip())

    def _recent_purchases(self) -> Iterator[Finding]:
        recent = self._recent()
        if not recent:
            return
        words = self.provenance.words
        flagged: set[int] = set()
        for promoted in self.draft.campaign.promoted_items:
            pwords = value_words(promoted, self.tokenize)
            for i, purchase, item in recent:
                if i in flagged or not _same_item(pwords, item):
                    continue
                flagged.add(i)
                start, end = next(((s, e) for s, e, _ in paraphrase_matches(words, pwords)),
                                  (0, 0))
                yield self._purchase_finding(i, purchase, start, end, "the campaign promotes")
        for match in self.provenance.matches:
            index = _purchase_index(match.field)
            hit = next(((i, p) for i, p, _ in recent if i == index), None)
            if hit is None or index in flagged or not self._promoted_in_copy(match.start,
                                                                            match.end, words):
                continue
            flagged.add(hit[0])
            yield self._purchase_finding(hit[0], hit[1], match.start, match.end, "the copy "
                                         "promotes")

    def _promoted_in_copy(self, start: int, end: int, words: Sequence[Word]) -> bool:
        """An item mention next to a promotion cue in its clause: up to three content words
        before ("Buy your Coffee beans") or four after ("Trail boots are back in stock"),
        stop words not counted; a cue in another clause ("Love your boots? Socks, 20% off")
        does not count."""
        if self.lex.promo is None:
            return False
        starts = self.starts
        first, stop = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        if first >= stop:
            return False
        before = _window(words, first, -1, PROMO_WINDOW[0])
        after = _window(words, stop - 1, 1, PROMO_WINDOW[1])
        text = self.draft.text
        segments = ([text[before[-1].start:start]] if before else []) + \
            ([text[end:after[-1].end]] if after else [])
        return any(self.lex.promo.search(fold(segment)) for segment in segments)

    def _purchase_finding(self, index: int, purchase: Purchase, start: int, end: int,
                          how: str) -> Finding:
        assert purchase.date is not None
        days = (self.today - purchase.date).days
        return self.check.finding(
            "recent_purchase_promoted", f"{how} {purchase.item!r}, which the recipient bought "
            f"{days} days ago (the brand waits {self.policy.recent_purchase_days} days)",
            start, end, field=f"purchases[{index}].item",
            suggestion="promote something that goes with it instead",
            data={"item": purchase.item, "bought": purchase.date.isoformat(), "days": days,
                  "recent_purchase_days": self.policy.recent_purchase_days})

    # -- win-back -------------------------------------------------------------------------

    def _winback(self) -> Iterator[Finding]:
        last = self.draft.recipient.last_active
        if last is None or self.lex.winback is None:
            return
        idle = (self.now - as_utc(last)).days
        if idle > self.policy.active_days:
            return
        for match in self.lex.winback.finditer(self.provenance.folded or fold(self.draft.text)):
            yield self.check.finding(
                "winback_active", f"win-back copy ({self.draft.text[match.start():match.end()]!r}) "
                f"to a recipient active {max(idle, 0)} days ago (win-back needs "
                f"{self.policy.active_days}+ days of inactivity)", match.start(), match.end(),
                field="last_active", suggestion="drop the win-back line",
                data={"last_active": as_utc(last).isoformat(), "idle_days": max(idle, 0),
                      "active_days": self.policy.active_days})


def _window(words: Sequence[Word], index: int, step: int, content: int) -> list[Word]:
    """Words of the same clause from ``index`` outwards (``step`` -1 or 1) until ``content``
    non-stop words are collected."""
    out: list[Word] = []
    i = index + step
    while 0 <= i < len(words) and words[i].clause == words[index].clause and content > 0:
        out.append(words[i])
        content -= 0 if words[i].is_stop else 1
        i += step
    return out


def _same_item(a: Sequence[Word], b: Sequence[Word]) -> bool:
    return item_similarity(a, b) >= SAME_ITEM and item_similarity(b, a) >= SAME_ITEM


def _purchase_index(field: str) -> int | None:
    if not field.startswith("purchases[") or not field.endswith("].item"):
        return None
    return int(field[len("purchases["):field.index("]")])
