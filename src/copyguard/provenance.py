"""Provenance: which words of a draft come from the recipient's data, and the share they take.

Every recipient datum (profile fields, purchased and browsed items and their categories, dates
of purchases and visits, the birthday) is looked for among the draft's words, tolerating case,
accents, possessives ("Maria's", German "Marias"), inflection (Snowball stems), derived place
names ("Berliner") and light paraphrase of item names (weighted token overlap). Relative dates
("last Tuesday", "yesterday") are resolved against ``campaign.sent_at``. Misspelt names ("Jon"
for "John") are traced to the name field they try to use.

The personalized share is defined in ``docs/personalization.md``: the words of every span,
plus, for a fact (anything but a name or title), the words from the nearest second-person word
of its clause to it ("Since you love running": "you love running").
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from copyguard.lazy import lazy
from copyguard.model import Campaign, Draft, PersonalizedSpan, Recipient
from copyguard.personalization import dates
from copyguard.personalization.lexicon import Lexicon, field_roles, lexicon
from copyguard.personalization.matching import (
    Word,
    WordIndex,
    Words,
    accent_differs,
    derived_place,
    digit_matches,
    doc_text,
    find_sequence,
    misspelling,
    misspelt_lengths,
    paraphrase_matches,
    same_name,
    same_stem,
    value_words,
    words_of,
)
from copyguard.personalization.text import (
    Intervals,
    fold,
    sentence_at,
    sentence_spans,
)

if TYPE_CHECKING:
    from copyguard.context import CheckContext

__all__ = ["Match", "Provenance", "fact_key", "fold", "personalized_share",
           "personalized_spans", "reference_time", "send_time", "share_breakdown", "trace"]

MEMO_KEY = "copyguard.provenance"
SHARE_KEY = "copyguard.share"
# Languages written without spaces: values are found as substrings, not word sequences.
_UNSPACED = frozenset({"ja", "zh", "th", "lo", "km", "my"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
# Which match wins where matches overlap: longer first, then the surer kind, then the field.
_KIND_RANK = {"exact": 0, "inflected": 1, "birth_date": 1, "date": 2, "birthday": 2,
              "derived": 3, "paraphrase": 4, "misspelt": 5}
_ROLE_RANK = {"name": 0, "title": 1, "contact": 2, "birthday": 3, "date": 3, "location": 4,
              "text": 5, "item": 6}


@dataclass(frozen=True, slots=True)
class Match:
    """A personalized span with how it was found.

    ``kind``: ``exact``, ``inflected`` (same stems), ``derived`` (place adjective),
    ``paraphrase`` (item name reworded), ``misspelt`` (a name written wrong), ``date`` (a day
    tied to a purchase or visit), ``birthday`` (the word or the month) or ``birth_date`` (the
    date, year or age of birth). ``value`` is the recipient's value it came from.
    """

    start: int
    end: int
    field: str
    text: str
    kind: str
    value: str
    score: float = 1.0

    @property
    def span(self) -> PersonalizedSpan:
        return PersonalizedSpan(self.start, self.end, self.field, self.text)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Every personalized span of one draft, in text order, and the draft's words."""

    matches: tuple[Match, ...]
    words: Words = dataclasses.field(default_factory=Words)
    folded: str = ""  # the draft's text folded (see :func:`fold`), for the checks to share

    @property
    def spans(self) -> tuple[PersonalizedSpan, ...]:
        return tuple(match.span for match in self.matches)

    def of_kind(self, *kinds: str) -> list[Match]:
        return [m for m in self.matches if m.kind in kinds]


def reference_time(draft: Draft) -> datetime:
    """When the copy is read: ``campaign.sent_at``, else now (UTC); always timezone-aware."""
    return send_time(draft.campaign)


def send_time(campaign: Campaign) -> datetime:
    return as_utc(campaign.sent_at) if campaign.sent_at else datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes in recipient and campaign data are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recipient_values(recipient: Recipient) -> Iterator[tuple[str, str]]:
    """(field, value) for every recipient datum that could show up in copy."""
    for name, value in recipient.profile.items():
        if value:
            yield f"profile.{name}", str(value)
    for i, purchase in enumerate(recipient.purchases):
        yield f"purchases[{i}].item", purchase.item
        if purchase.category:
            yield f"purchases[{i}].category", purchase.category
    for i, event in enumerate(recipient.browsing):
        yield f"browsing[{i}].item", event.item
    for name, value in recipient.sensitive.items():
        if value:
            yield f"sensitive.{name}", str(value)


@lru_cache(maxsize=4096)
def role_of(field: str) -> str:
    """``name``, ``title``, ``contact``, ``birthday``, ``date``, ``location``, ``text``,
    ``item`` or ``ignored``."""
    return field_roles().role(field).split(":")[0]


def fact_key(field: str) -> str:
    """What counts as one fact: all name parts and the title are one (the name); a purchase
    or visit is one whatever is said of it (item, category, date); else the field."""
    if role_of(field) in {"name", "title"}:
        return "name"
    match = re.match(r"(purchases|browsing)\[\d+\]", field)
    return match.group() if match else field


def trace(ctx: CheckContext) -> Provenance:
    """The draft's provenance, computed once per draft and shared by every check."""
    return ctx.memo(MEMO_KEY, lambda: build(
        ctx.draft, ctx.doc, ctx.nlp.pipeline(ctx.draft.language).tokenizer))


def personalized_spans(ctx: CheckContext) -> tuple[PersonalizedSpan, ...]:
    return trace(ctx).spans


class _Tracer:
    """Collects candidate matches for one draft; :meth:`result` resolves overlaps."""

    def __init__(self, draft: Draft, doc: Doc, tokenize: Callable[[str], Doc]) -> None:
        self.draft, self.text, self.tokenize = draft, draft.text, tokenize
        self.folded = fold(draft.text)
        self.lex: Lexicon = lexicon(draft.language)
        self.words = words_of(doc, draft.text)
        self.index = WordIndex(self.words, self.lex.possessive_suffixes, self.folded,
                               ascii_text=draft.text.isascii())
        self.unspaced = draft.language in _UNSPACED
        self.candidates: list[tuple[Match, str]] = []

    @property
    def starts(self) -> list[int]:
        return self.words.starts

    @lazy
    def clause_bounds(self) -> dict[int, tuple[int, int]]:
        """The first and last word of each clause."""
        bounds: dict[int, tuple[int, int]] = {}
        for index, word in enumerate(self.words):
            low = bounds.get(word.clause, (index, index))[0]
            bounds[word.clause] = (low, index)
        return bounds

    @lazy
    def ref(self) -> date:
        return reference_time(self.draft).date()

    def add(self, start: int, end: int, field: str, kind: str, value: str,
            score: float = 1.0) -> None:
        if 0 <= start < end <= len(self.text):
            self.candidates.append((Match(start, end, field, self.text[start:end], kind, value,
                                          score), role_of(field)))

    # -- values ---------------------------------------------------------------------------

    def values(self) -> None:
        seen: set[tuple[str, str]] = set()
        for field, value in recipient_values(self.draft.recipient):
            role = role_of(field)
            if role in {"ignored", "birthday"}:
                continue
            prepared = _prepared(value, role, self.unspaced, self.tokenize)
            key = ("name" if role in {"name", "title"} else role, prepared.folded)
            if not prepared.worth or key in seen:
                continue
            seen.add(key)
            if role == "date":
                self.profile_date(field, value)
            elif prepared.substring:
                self.substring(field, value)
            else:
                self.words_value(field, value, role, prepared.words)

    def substring(self, field: str, value: str) -> None:
        needle = fold(value.strip())
        for match in re.finditer(re.escape(needle), self.folded):
            self.add(match.start(), match.end(), field, "exact", value)

    def words_value(self, field: str, value: str, role: str, vwords: tuple[Word, ...]
                    ) -> None:
        if not vwords:
            return
        if role in {"name", "title"}:
            starts = self.index.name_starts(vwords[0])
            if not starts:
                return
            suffixes = self.lex.possessive_suffixes
            for start, end in find_sequence(
                    self.words, vwords, lambda w, v: same_name(w, v, suffixes), starts):
                kind = "exact"
                if role == "name" and any(accent_differs(w, v) for w, v in zip(
                        self._words_in(start, end), vwords, strict=False)):
                    kind = "misspelt"
                self.add(start, end, field, kind, value)
        elif role == "contact":
            found = list(digit_matches(self.text, value))
            starts = [] if found else self.index.norm_starts(vwords[0])
            if starts:
                found = list(find_sequence(
                    self.words, vwords, lambda w, v: len(w.text) if w.norm == v.norm else None,
                    starts))
            for start, end in found:
                self.add(start, end, field, "exact", value)
        elif len(vwords) == 1 or role == "location":
            for start, end in find_sequence(self.words, vwords, _stem_length,
                                            self.index.stem_starts(vwords[0])):
                exact = fold(self.text[start:end]) == fold(value)
                self.add(start, end, field, "exact" if exact else "inflected", value)
            if role == "location" and len(vwords) == 1:
                self.derived_places(field, value, vwords[0])
        else:
            for start, end, score in paraphrase_matches(self.words, vwords, self.index):
                exact = fold(self.text[start:end]) == fold(value)
                self.add(start, end, field, "exact" if exact else "paraphrase", value, score)

    def derived_places(self, field: str, value: str, place: Word) -> None:
        if place.norm[:4] not in self.folded:  # every derived form starts so
            return
        positions = [p for norm, found in self.index.by_norm.items()
                     if derived_place(norm, place.norm) for p in found]
        for word in (self.words[p] for p in sorted(positions)):
            if not same_stem(word, place):
                self.add(word.start, word.end, field, "derived", value)

    def _words_in(self, start: int, end: int) -> Sequence[Word]:
        low, high = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return self.words[low:high]

    # -- dates ----------------------------------------------------------------------------

    def explicit_dates(self, months: set[int]) -> list[dates.DateMention]:
        """The dates written out that may fall in one of ``months``."""
        return list(dates.explicit_mentions(self.folded, self.lex, self.draft.region, months))

    def mentions(self, days: Sequence[date]) -> list[dates.DateMention]:
        """The date mentions that may mean one of ``days``."""
        return self.explicit_dates({day.month for day in days}) + list(
            dates.relative_mentions(self.folded, self.lex, self.ref, days))

    def events(self) -> None:
        recipient = self.draft.recipient
        days = [(f"purchases[{i}].date", p.item, p.date)
                for i, p in enumerate(recipient.purchases) if p.date]
        days += [(f"browsing[{i}].at", b.item, as_utc(b.at).date())
                 for i, b in enumerate(recipient.browsing) if b.at]
        if not days:
            return
        for mention in self.mentions([day for _, _, day in days]):
            for field, item, day in days:
                if mention.means(day):
                    self.add(mention.start, mention.end, field, "date", item)

    def profile_date(self, field: str, value: str) -> None:
        parsed = dates.parse_birthdate(value)
        if parsed is None or parsed.year is None:
            return
        for start, end, year in dates.year_mentions(self.folded):
            if year == parsed.year:
                self.add(start, end, field, "date", value)
        day = date(parsed.year, parsed.month, parsed.day)
        for mention in self.mentions([day]):
            if mention.means(day):
                self.add(mention.start, mention.end, field, "date", value)

    def birthday(self) -> None:
        """The word "birthday" and the birth month count; the date, year or age is a
        disclosure (``birth_date``)."""
        roles = field_roles()
        profile = self.draft.recipient.profile
        field = next((f for f in profile if f.lower() in roles.birthdays and profile[f]), None)
        if field is None or self.lex.birthday is None:
            return
        value = str(profile[field])
        name = f"profile.{field}"
        parsed = dates.parse_birthdate(value)
        bday_sentences: list[tuple[int, int]] = []
        for match in self.lex.birthday.finditer(self.folded):
            self.add(match.start(), match.end(), name, "birthday", value)
            bday_sentences.append(sentence_at(self.text, match.start()))
        if parsed is None:
            return
        in_bday = [s for s in sentence_spans(self.text) if s in bday_sentences]

        def near_birthday(start: int) -> bool:
            return any(s <= start < e for s, e in in_bday)

        for start, end, month in dates.month_mentions(self.text, self.folded, self.lex):
            if month == parsed.month and near_birthday(start):
                self.add(start, end, name, "birthday", value)
        for mention in self.explicit_dates({parsed.month}):
            if mention.month_day == (parsed.month, parsed.day):
                self.add(mention.start, mention.end, name, "birth_date", value)
        for start, end, year in dates.year_mentions(self.folded):
            if year == parsed.year and near_birthday(start):
                self.add(start, end, name, "birth_date", value)
        age = parsed.age_on(self.ref)
        for pattern in self.lex.age:
            for match in pattern.finditer(self.folded):
                if age is not None and self.lex.number(match.group("num")) in {age, age + 1}:
                    self.add(match.start(), match.end(), name, "birth_date", value)

    # -- misspelt names -------------------------------------------------------------------

    def misspelt_names(self) -> None:
        name_role = field_roles().name_role  # role_of(f"profile.{f}") == "name"
        names = [(f"profile.{f}", str(v)) for f, v in self.draft.recipient.profile.items()
                 if v and f.lower() in name_role]
        if not names or self.unspaced:
            return
        # Each part with the word lengths it may be misspelt as (the parts no word can
        # misspell, and the words of other lengths, are not compared).
        parts = [(field, w, sizes) for field, value in names
                 for w in value_words(value, self.tokenize) if (sizes := misspelt_lengths(w))]
        if not parts:
            return
        for word in self.words.capitalised:
            size = len(word.norm)
            if size < 3:
                continue
            for field, part, sizes in parts:  # the first name part it misspells
                if size in sizes and misspelling(word, part):
                    if self._addressable(word):
                        self.add(word.start, word.end, field, "misspelt", part.text)
                    break

    def _addressable(self, word: Word) -> bool:
        """Whether the word stands where a name addresses the reader: after a greeting
        ("Hi Jon", "Dear Mrs Jon") or as a vocative ("Thanks, Jon." / "Jon, your ...").
        Elsewhere a near-miss is more likely someone else's name ("Mariam Abacha")."""
        sentence_start = sentence_at(self.text, word.start)[0]
        before = self.folded[sentence_start:word.start]
        title = re.search(r"(\S+)\s*$", before)
        if title and title.group(1) in self.lex.titles:
            before = before[:title.start()]
        if self.lex.greeting_end is not None and self.lex.greeting_end.search(before):
            return True
        after = self.text[word.end:].lstrip(" ")
        if before.rstrip().endswith(","):
            return after[:1] in {"", ",", ".", "!", "?", ";", ":"}
        return word.after_break and after[:1] == ","

    # -- resolution -----------------------------------------------------------------------

    def result(self) -> Provenance:
        ranked = sorted(self.candidates, key=lambda c: (
            -(c[0].end - c[0].start), _KIND_RANK.get(c[0].kind, 9), _ROLE_RANK.get(c[1], 9),
            -c[0].score))
        kept: list[Match] = []
        taken = Intervals()
        for match, role in ranked:
            if taken.overlaps(match.start, match.end):
                continue
            if self._generic(match, role) and not self._addressed(match, role):
                continue
            kept.append(match)
            taken.add(match.start, match.end)
        return Provenance(tuple(sorted(kept, key=lambda m: (m.start, m.end))), self.words,
                          self.folded)

    def _generic(self, match: Match, role: str) -> bool:
        """Whether a match is personal only when tied to "you": purchased, browsed or
        sensitive items and their categories are ordinary words in brand copy too ("boots
        for every trail"), as is a one-word profile value."""
        if match.kind not in {"exact", "inflected", "paraphrase"}:
            return False
        return role == "item" or (role == "text" and len(match.value.split()) == 1)

    def _addressed(self, match: Match, role: str) -> bool:
        """Whether the match's clause speaks to the recipient ("your", "you"); for a profile
        value the whole sentence may ("As a Gold member, you get early access")."""
        if self.lex.second_person is None:
            return True
        first = bisect.bisect_left(self.starts, match.start)
        if first >= len(self.words) or self.words[first].start >= match.end:
            return False
        if role == "text":
            start, end = sentence_at(self.text, match.start)
        else:
            low, high = self.clause_bounds[self.words[first].clause]
            start, end = self.words[low].start, self.words[high].end
        return self.lex.second_person.search(self.folded[start:end]) is not None


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A recipient value made ready for matching (the same for every draft)."""

    folded: str  # folded and stripped: what tells two values apart
    worth: bool  # see :func:`_worth_matching`
    substring: bool  # looked for as a substring (CJK, or a language without spaces)
    words: tuple[Word, ...]  # tokenized like the draft, when looked for by words


@lru_cache(maxsize=4096)
def _prepared(value: str, role: str, unspaced: bool, tokenize: Callable[[str], Doc]
              ) -> _Prepared:
    substring = unspaced or _CJK.search(value) is not None
    words = () if role == "date" or substring else value_words(value, tokenize)
    return _Prepared(fold(value).strip(), _worth_matching(value, role), substring, words)


def _stem_length(word: Word, value: Word) -> int | None:
    return len(word.text) if same_stem(word, value) else None


def _worth_matching(value: str, role: str) -> bool:
    """Skip values too short to be told apart from ordinary words (one CJK character is a
    word: "李" is a surname)."""
    folded = fold(value).strip()
    if _CJK.search(folded):
        return len(folded) >= (1 if role in {"name", "title"} else 2)
    if role in {"name", "title"}:
        return len(folded) >= 2
    return len(folded) >= 3 or (len(folded) >= 2 and folded.isdigit())


def build(draft: Draft, doc: Doc, tokenize: Callable[[str], Doc]) -> Provenance:
    """Trace every recipient value in ``draft`` (tokenized as ``doc``)."""
    tracer = _Tracer(draft, doc, tokenize)
    tracer.values()
    tracer.events()
    tracer.birthday()
    tracer.misspelt_names()
    return tracer.result()


# -- the personalized share ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareBreakdown:
    """The share and what it is made of (word counts and the counted character ranges)."""

    share: float
    words: int
    personalized_words: int
    ranges: tuple[tuple[int, int], ...]


def is_address(field: str) -> bool:
    """Names and titles address the recipient; every other field is a fact about them."""
    return role_of(field) in {"name", "title"}


def share_breakdown(doc: Doc, spans: Sequence[PersonalizedSpan]) -> ShareBreakdown:
    """The personalized share, defined in ``docs/personalization.md``.

    Counted: the words of every span and, for a fact span (anything but a name or title),
    the words that tie it to the reader: from the nearest second-person word of its clause
    to the span ("you love running", "Ihren Laufschuhen"). Words are tokens with a letter
    or digit; a split-off possessive ("'s") is not a word. Clauses end at punctuation and
    line breaks. In a language without a lexicon (no second-person words known) only span
    words count. Kept in ``doc.user_data``: the check and the verdict ask for the same spans.
    """
    spans = tuple(spans)
    cached: tuple[tuple[PersonalizedSpan, ...], ShareBreakdown] | None = \
        doc.user_data.get(SHARE_KEY)
    if cached is None or cached[0] != spans:
        cached = doc.user_data[SHARE_KEY] = (spans, _share(doc, spans))
    return cached[1]


def _share(doc: Doc, spans: Sequence[PersonalizedSpan]) -> ShareBreakdown:
    lex = lexicon(doc.lang_)
    suffixes = _folded(lex.possessive_suffixes)
    if not spans:  # only the words are counted
        every = words_of(doc)
        count = len(every) - sum(map(suffixes.__contains__, every.norms))
        return ShareBreakdown(0.0, count, 0, ())
    words = [w for w in words_of(doc) if w.norm not in suffixes]
    if not words:
        return ShareBreakdown(0.0, 0, 0, ())
    starts = [w.start for w in words]
    ends = [w.end for w in words]
    readers = _Readers(doc_text(doc), words, starts, lex)
    counted: set[int] = set()
    for span in spans:
        first = bisect.bisect_right(ends, span.start)
        last = bisect.bisect_left(starts, span.end) - 1
        if first > last:
            continue
        counted.update(range(first, last + 1))
        if not is_address(span.field):
            reader = readers.nearest(first, last)
            if reader is not None:
                counted.update(range(min(first, reader), max(last, reader) + 1))
    ranges: list[tuple[int, int]] = []
    previous: int | None = None  # clause of the previous word when it was counted
    for index, word in enumerate(words):
        if index not in counted:
            previous = None
            continue
        if ranges and previous == word.clause:
            ranges[-1] = (ranges[-1][0], word.end)
        else:
            ranges.append((word.start, word.end))
        previous = word.clause
    return ShareBreakdown(round(len(counted) / len(words), 4), len(words), len(counted),
                          tuple(ranges))


@lru_cache(maxsize=64)
def _folded(suffixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(s) for s in suffixes)


class _Readers:
    """Where each clause speaks to the reader: the positions of its second-person words."""

    def __init__(self, text: str, words: Sequence[Word], starts: list[int], lex: Lexicon
                 ) -> None:
        self.text, self.words, self.starts, self.lex = text, words, starts, lex
        self.found: dict[int, list[int]] = {}

    def nearest(self, first: int, last: int) -> int | None:
        """The second-person word of the clause of ``words[first]`` nearest to the words
        ``first`` to ``last`` (``None`` when the clause has none)."""
        clause = self.words[first].clause
        if clause not in self.found:
            self.found[clause] = self._in_clause(first)
        return min(self.found[clause], key=lambda k: max(first - k, k - last, 0),
                   default=None)

    def _in_clause(self, index: int) -> list[int]:
        if self.lex.second_person is None:
            return []
        clause = self.words[index].clause
        low = high = index
        while low > 0 and self.words[low - 1].clause == clause:
            low -= 1
        while high + 1 < len(self.words) and self.words[high + 1].clause == clause:
            high += 1
        start = self.words[low].start
        segment = fold(self.text[start:self.words[high].end])
        return [bisect.bisect_right(self.starts, start + m.start()) - 1
                for m in self.lex.second_person.finditer(segment)]


def personalized_share(doc: Doc, spans: tuple[PersonalizedSpan, ...]) -> float:
    """The personalized share of the draft (0..1); see :func:`share_breakdown`."""
    return share_breakdown(doc, spans).share
