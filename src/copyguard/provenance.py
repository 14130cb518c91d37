"""Provenance: which words of a draft come from the recipient's data, and the share they take.

Every recipient value (profile fields, purchased and browsed items) is searched in the text
case- and accent-insensitively on word boundaries. ``personalized_share`` is the fraction of
the draft's words that fall inside those spans.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from copyguard.model import PersonalizedSpan, Recipient

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from copyguard.context import CheckContext

# Profile fields that identify the sender side or carry no personal content.
_IGNORED_FIELDS = frozenset({"id", "title", "language", "locale", "gender"})


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping exactly one character per input character."""
    return "".join(_fold_char(char) for char in text)


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
        char = decomposed[0]
    return char.lower()[0]


def recipient_values(recipient: Recipient) -> Iterator[tuple[str, str]]:
    """(field, value) for every recipient datum that could show up in copy."""
    for name, value in recipient.profile.items():
        if name not in _IGNORED_FIELDS and value:
            yield f"profile.{name}", str(value)
    for i, purchase in enumerate(recipient.purchases):
        yield f"purchases[{i}].item", purchase.item
    for i, event in enumerate(recipient.browsing):
        yield f"browsing[{i}].item", event.item


def find_value(text_folded: str, value: str) -> Iterator[tuple[int, int]]:
    needle = fold(value.strip())
    if len(needle) < 2:
        return
    pattern = r"(?<!\w)" + re.escape(needle).replace(r"\ ", r"\s+") + r"(?!\w)"
    for match in re.finditer(pattern, text_folded):
        yield match.start(), match.end()


def personalized_spans(ctx: CheckContext) -> tuple[PersonalizedSpan, ...]:
    text = ctx.draft.text
    folded = fold(text)
    spans: list[PersonalizedSpan] = []
    for field, value in recipient_values(ctx.draft.recipient):
        for start, end in find_value(folded, value):
            spans.append(PersonalizedSpan(start, end, field, text[start:end]))
    return tuple(_drop_nested(spans))


def _drop_nested(spans: list[PersonalizedSpan]) -> Iterator[PersonalizedSpan]:
    """Keep the longest span where spans overlap (a full name over its first name)."""
    kept: list[PersonalizedSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    yield from kept


def personalized_share(doc: Doc, spans: tuple[PersonalizedSpan, ...]) -> float:
    """Fraction of the draft's words (tokens that are not punctuation or space) inside spans."""
    words = [t for t in doc if not (t.is_punct or t.is_space)]
    if not words or not spans:
        return 0.0
    inside = sum(1 for t in words if any(s.start <= t.idx < s.end for s in spans))
    return round(inside / len(words), 4)
