"""Surveillance phrasing: copy that tells the recipient what we know instead of using it.

Families (phrases per language in ``data/personalization/<lang>.yaml``):

* ``surveillance_observation``: "we noticed", "we can see you", "based on your browsing";
* ``surveillance_detail``: exact counts, durations and timestamps of the recipient's
  behaviour ("3 times", "18 days in a row", "at 2 am", "last Tuesday at 9pm"); a count or time
  is reported when its sentence describes what the recipient did, or when it is the time of a
  recorded visit;
* ``surveillance_location``: "near your home", "we see you're close to our store";
* ``surveillance_inference``: "looks like you're moving".

Push and SMS arrive on the lock screen and feel most invasive, so findings there are errors;
in e-mail they are warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

from copyguard.checks import Check
from copyguard.model import Channel, Draft, Finding, Severity
from copyguard.personalization.lexicon import WHOLE_TEXT_FAMILIES, Lexicon
from copyguard.personalization.text import Intervals, fold, sentence_spans
from copyguard.provenance import Provenance

INTRUSIVE_CHANNELS = frozenset({Channel.PUSH, Channel.SMS})

_MESSAGES = {
    "observation": "tells the recipient they were watched ({quote}); use what you know "
                   "without saying how you know it",
    "detail": "states an exact count, duration or time of the recipient's behaviour ({quote})",
    "location": "reveals that the recipient's location is tracked ({quote})",
    "inference": "discloses an inference about the recipient's life ({quote})",
}
_SUGGESTIONS = {
    "observation": "drop the observation and keep the recommendation",
    "detail": "drop the count or the time; say 'still thinking about it?' instead",
    "location": "name the store, not where the recipient is",
    "inference": "offer the product without saying what you inferred",
}


def severity_for(channel: Channel) -> Severity:
    return Severity.ERROR if channel in INTRUSIVE_CHANNELS else Severity.WARNING


def findings(check: Check, draft: Draft, provenance: Provenance, lex: Lexicon
             ) -> Iterator[Finding]:
    text, folded = draft.text, provenance.folded or fold(draft.text)
    hits: list[tuple[int, int, str]] = []
    # The families matched over the whole text are looked for only where one of them may
    # match (their joined pattern's prefilter): most copy has none of them.
    if lex.surveillance_any is not None and lex.surveillance_any.may_match(folded):
        for family in WHOLE_TEXT_FAMILIES:
            pattern = lex.surveillance.get(family)
            if pattern is not None:
                hits += [(m.start(), m.end(), family.removesuffix("_always"))
                         for m in pattern.finditer(folded)]
    detail = lex.surveillance.get("detail")
    # No sentence describes behaviour where the whole text cannot (a match in a sentence is
    # a match in the text for the prefilter, which ignores look-arounds).
    if detail is not None and lex.behaviour is not None and lex.behaviour.may_match(folded):
        for start, end in sentence_spans(text):
            if lex.behaviour.search(folded[start:end]):
                hits += [(start + m.start(), start + m.end(), "detail")
                         for m in detail.finditer(folded[start:end])]
    hits += [(m.start, m.end, "detail") for m in provenance.of_kind("date")
             if m.field.startswith("browsing[")]
    severity = severity_for(draft.channel)
    for start, end, family in _longest_first(hits):
        quote = repr(text[start:end])
        yield check.finding(
            f"surveillance_{family}", _MESSAGES[family].format(quote=quote), start, end,
            severity=severity, suggestion=_SUGGESTIONS[family],
            data={"family": family, "channel": draft.channel.value})


def _longest_first(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping hits collapse into the longest; the result is in text order."""
    kept: list[tuple[int, int, str]] = []
    taken = Intervals()
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if not taken.overlaps(hit[0], hit[1]):
            kept.append(hit)
            taken.add(hit[0], hit[1])
    return sorted(kept)
