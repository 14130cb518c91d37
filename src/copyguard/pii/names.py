"""Names in the copy that are not the recipient's ("Hi Jennifer," in a mail to Maria).

Works without a trained model: a name is a capitalized word in a salutation ("Hi Jennifer,"),
after a title ("Mrs Smith"), as a closing vocative (", Jennifer!"), or a common first name
followed by a capitalized word ("Jennifer Lopez"); in Japanese, Chinese and Korean the name
before an honorific suffix (田中様, 王先生, 김민수님). First names come from the name dictionary
shipped with the ``gender-guesser`` package (Jörg Michael's ``nam_dict.txt``, about 48,000
names from 54 countries with their frequency, GNU FDL), read from the installed package.
A trained spaCy pipeline's PERSON entities are added by the analyzer (Presidio SpacyRecognizer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import regex
import spacy
from babel.dates import get_day_names, get_month_names
from pydantic import BaseModel, ConfigDict

from copyguard.pii.data import load_model
from copyguard.pii.text import fold

if TYPE_CHECKING:
    from copyguard.context import CheckContext

How = Literal["greeting", "title", "vocative", "full_name", "honorific", "ner"]
# A first name this common (gender-guesser frequency, 1 = rare .. 13 = very common) followed
# by a capitalized word is read as a person's full name.
FULL_NAME_MIN_FREQUENCY = 4
# A capitalized name word: Maria, O'Brien, McDonald, Jean-Luc.
_WORD = (r"(?=\p{L}{2}|\p{L}['’])\p{Lu}\p{Ll}*(?:['’]\p{Lu}?\p{Ll}+|\p{Lu}\p{Ll}+)?"
         r"(?:-\p{Lu}\p{Ll}+)?")
_END = r"(?=[ \t]*(?:[,!:;.?\n—–]|[ \t]-[ \t]|$))"
_PREVIOUS_WORD = regex.compile(r"(?P<word>\p{Lu}[\p{L}'’-]*)[ \t]+$")
# A capital not inside a word, and a run of name characters from one up to a space or tab.
_CAPITAL = regex.compile(r"(?<![\p{L}\-])\p{Lu}")
_FIRST_WORD = regex.compile(r"(?<![\p{L}\-])\p{Lu}[\p{L}'’\-]*(?=[ \t])")
# Where a salutation may start: the text start, a line start or after a sentence end.
_GREETING_START = re.compile(r"[\n.!?¡¿]")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;\n¡¿\"“(])[ \t]*$")


class _LanguageNames(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    greetings: list[str] = []
    honorifics: list[str] = []
    suffixes: list[str] = []
    not_names: list[str] = []
    # Scripts without a first-name lexicon (ko): a name written as a word of its own before
    # the honorific ("김지은 고객님") starts with a family name and does not end like a verb
    # or adjective modifying it ("소중한 고객님", "힘드신 고객님").
    family_names: list[str] = []
    modifier_endings: list[str] = []


class _GreetingData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    common_not_names: list[str]
    languages: dict[str, _LanguageNames]


@dataclass(frozen=True, slots=True)
class NameMention:
    start: int
    end: int
    name: str
    how: How


@lru_cache(maxsize=1)
def name_frequencies() -> dict[str, int]:
    """Folded first name -> highest frequency class in any country (from gender-guesser)."""
    path = resources.files("gender_guesser").joinpath("data", "nam_dict.txt")
    names: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[0] in "#=" or len(line) < 31:
                continue
            name = line[3:29].strip()
            frequency = max((int(c, 16) for c in line[30:-2] if c in "0123456789ABCDEF"),
                            default=1)
            for form in {name.replace("+", sep) for sep in ("", " ", "-")}:
                key = fold(form)
                names[key] = max(frequency, names.get(key, 0))
    return names


@lru_cache(maxsize=1)
def _greeting_data() -> _GreetingData:
    return load_model(_GreetingData, "names", "greetings.yaml")


def _alternatives(words: Iterable[str]) -> str:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(regex.escape(w).replace(r"\ ", r"[ \t]+") for w in ordered)


class NameFinder:
    """Finds personal names in copy of one language (compiled once, thread-safe)."""

    def __init__(self, language: str) -> None:
        data = _greeting_data()
        config = data.languages.get(language, _LanguageNames())
        self.language = language
        self._frequencies = name_frequencies()
        self.not_names = frozenset(fold(w) for w in [*data.common_not_names, *config.not_names,
                                                     *config.greetings, *config.honorifics,
                                                     *_calendar_words(language),
                                                     *_stop_words(language)])
        # Nouns an honorific also follows (ポイント会員様, 고객님): a run ending in one is no name.
        self._addressees = tuple(fold(w) for w in config.not_names)
        self._greeting_words = tuple(fold(w) for w in config.greetings)
        self._suffixes = config.suffixes
        self._family_names = tuple(sorted(config.family_names, key=len, reverse=True))
        self._modifier_endings = tuple(config.modifier_endings)
        # Titles are written capitalized ("Ms Smith"), never in capitals ("MS Word").
        greet = _alternatives(config.greetings)
        titles = _alternatives(h[:1].upper() + h[1:] for h in config.honorifics)
        title = rf"(?:(?:{titles})(?:\.|(?<=\p{{L}}{{2}}))[ \t]+)" if titles else r"(?!)"
        self._greeting = regex.compile(
            rf"(?:^|(?<=[\n.!?¡¿]))[ \t]*(?i:{greet})[ \t]*,?[ \t]+(?P<title>{title})?"
            rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,2}}){_END}", regex.MULTILINE) \
            if greet and language not in ("zh", "ar") else None
        self._title = regex.compile(rf"(?<!\w){title}(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,2}})") \
            if titles else None
        self._vocative = regex.compile(rf",[ \t]*(?P<name>{_WORD})[ \t]*(?=[!?]|$)",
                                       regex.MULTILINE)
        self._full = regex.compile(rf"(?<![\p{{L}}\-])(?P<name>{_WORD}[ \t]+{_WORD})(?![\p{{L}}])")
        script = r"[\p{Han}\p{Katakana}ー]{1,6}|\p{Lu}\p{Ll}+" if language == "ja" else \
            r"\p{Hangul}{2,4}" if language == "ko" else r"\p{Han}{1,4}"
        # Chinese titles also follow common nouns (本店女士专享): only a salutation counts.
        then = r"(?=[，,！!：:、。\s]|您好|$)" if language == "zh" else ""
        self._suffix = regex.compile(
            rf"(?P<name>{script})[ \t]?(?:{_alternatives(config.suffixes)}){then}") \
            if config.suffixes else None
        self._prefix = regex.compile(
            rf"(?i:{greet})[ \t]*(?P<name>\p{{Han}}{{1,4}}?|\p{{Arabic}}+)"
            rf"(?=[ \t]*(?:{_alternatives(config.suffixes) or '(?!)'})|[ \t,，!！:：、،؛.。]|$)") \
            if greet and language in ("zh", "ar") else None
        # Formal address: a title right before the name, an honorific right after it.
        self._title_before = regex.compile(
            rf"(?<!\w)(?i:{_alternatives(config.honorifics)})\.?[ \t]+$") \
            if config.honorifics else None
        self._suffix_after = regex.compile(rf"[ \t]?(?:{_alternatives(config.suffixes)})") \
            if config.suffixes else None

    def formal_address(self, text: str, start: int, end: int, others: Iterable[str] = (),
                       *, titles: bool = True) -> bool:
        """Whether the name at ``text[start:end]`` is addressed formally: an honorific follows
        (山田様, 王先生, 김지은 고객님) or, when ``titles``, a title precedes ("Frau Müller",
        "Mrs Smith", "Sr. García"). The person's ``others`` names may come in between
        ("山田花子様", "Ms Anna Smith")."""
        others = [fold(n) for n in others if n]
        after, before = _past(text, end, others, 1), _past(text, start, others, -1)
        if self._suffix_after is not None and self._suffix_after.match(text, after):
            return True
        return titles and self._title_before is not None and \
            self._title_before.search(text, max(0, before - 40), before) is not None

    def find(self, text: str) -> list[NameMention]:
        """Every name mention; where two overlap, the salutation and title readings win."""
        strong = merge_mentions([*self._from_greetings(text), *self._from_titles(text),
                                 *self._from_scripts(text)])
        weak = [m for m in merge_mentions([*self._from_vocatives(text),
                                           *self._from_full_names(text)])
                if not any(m.start < s.end and s.start < m.end for s in strong)]
        return sorted([*strong, *weak], key=lambda m: m.start)

    def is_name(self, word: str, min_frequency: int = 1) -> bool:
        key = fold(word)
        return key not in self.not_names and self._frequencies.get(key, 0) >= min_frequency

    def _from_greetings(self, text: str) -> Iterator[NameMention]:
        if self._greeting is None:
            return
        for match in self._greetings(self._greeting, text):
            words = match.group("name").split()
            if match.group("title") or self.is_name(words[0]):
                yield self._mention(match, "greeting")

    @staticmethod
    def _greetings(pattern: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
        """``pattern.finditer(text)``, tried only where a salutation may start."""
        end = 0
        for start in (0, *(m.end() for m in _GREETING_START.finditer(text))):
            if start >= end and (match := pattern.match(text, start)) is not None:
                end = match.end()
                yield match

    def _from_titles(self, text: str) -> Iterator[NameMention]:
        if self._title is None:
            return
        for match in self._title.finditer(text):
            if fold(match.group("name").split()[0]) not in self.not_names:
                yield self._mention(match, "title")

    def _from_vocatives(self, text: str) -> Iterator[NameMention]:
        for match in self._vocative.finditer(text):
            if self.is_name(match.group("name")):
                yield self._mention(match, "vocative")

    def _from_full_names(self, text: str) -> Iterator[NameMention]:
        """Two capitalized words starting with a common first name, at every capital where
        they match (an overlapped search). The first word runs up to the space before the
        second, so only a run of name characters before a space can start one."""
        for run in _FIRST_WORD.finditer(text):
            end = run.end()
            for start in _word_starts(text, run.start(), end):
                if not self.is_name(text[start:end], FULL_NAME_MIN_FREQUENCY):
                    continue
                match = self._full.match(text, start)
                if match is not None and fold(match.group("name").split()[1]) not in \
                        self.not_names and not self._inside_title(text, start):
                    yield self._mention(match, "full_name")

    def _inside_title(self, text: str, start: int) -> bool:
        """Whether a capitalized word that is no name comes right before, mid-sentence: the
        words are part of a product or title ("the Ridgeline Rain Shell"), not a person."""
        before = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
        if before is None or self.is_name(before.group("word")):
            return False
        word_start = before.start("word")
        return not _SENTENCE_START.search(text, max(0, word_start - 20), word_start)

    def _from_scripts(self, text: str) -> Iterator[NameMention]:
        for pattern in (self._suffix, self._prefix):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                start, name = match.start("name"), match.group("name")
                for greeting in self._greeting_words:  # 尊敬的王先生: the name is 王
                    if fold(name).startswith(greeting) and len(name) > len(greeting):
                        start, name = start + len(greeting), name[len(greeting):]
                before = text[max(0, start - 1):start]
                folded = fold(name)
                if before in ("お", "ご") or folded in self.not_names or any(
                        folded.endswith(w) for w in self._addressees):
                    continue
                spaced = text[start + len(name):start + len(name) + 1].isspace()
                if spaced and self._family_names and not self._family_name_first(name):
                    continue
                yield NameMention(start, start + len(name), name, "honorific")

    def _family_name_first(self, name: str) -> bool:
        """"김지은": a family name and a two-syllable given name, not ending like a
        modifier ("소중한")."""
        return any(name.startswith(f) and len(name) == len(f) + 2 for f in self._family_names) \
            and not name.endswith(self._modifier_endings)

    @staticmethod
    def _mention(match: regex.Match[str], how: How) -> NameMention:
        return NameMention(match.start("name"), match.end("name"), match.group("name"), how)


def _past(text: str, position: int, names: list[str], step: int) -> int:
    """``position`` moved past one of ``names`` (and the spaces before it) in direction
    ``step`` (1: forward, -1: backward), or unchanged."""
    if step > 0:
        rest = text[position:position + 60]
        spaced = rest.lstrip(" \t")
        gap = len(rest) - len(spaced)
        for name in names:
            if fold(spaced).startswith(name):
                return position + gap + len(name)
        return position
    rest = text[max(0, position - 60):position]
    spaced = rest.rstrip(" \t")
    gap = len(rest) - len(spaced)
    for name in names:
        if fold(spaced).endswith(name):
            return position - gap - len(name)
    return position


def _word_starts(text: str, start: int, end: int) -> list[int]:
    """Where a capitalized word starts in the run of name characters ``text[start:end]``: at
    the run's start, and at a capital after an apostrophe ("O'Brien" also holds "Brien")."""
    run = text[start:end]
    if "'" not in run and "’" not in run:
        return [start]
    return [start, *(capital.start() for capital in _CAPITAL.finditer(text, start + 1, end))]


def merge_mentions(mentions: Iterable[NameMention]) -> list[NameMention]:
    """Overlapping mentions reduced to the longest one."""
    kept: list[NameMention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


@lru_cache(maxsize=32)
def name_finder(language: str) -> NameFinder:
    return NameFinder(language)


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    """Function words ("The", "My", "All") that start Title Case headlines, not names."""
    try:
        return frozenset(spacy.util.get_lang_class(language).Defaults.stop_words)
    except ImportError:
        return frozenset()


@lru_cache(maxsize=32)
def _calendar_words(language: str) -> frozenset[str]:
    words: set[str] = set()
    for lang in {language, "en"}:
        try:
            words.update(get_month_names("wide", locale=lang).values())
            words.update(get_day_names("wide", locale=lang).values())
        except (ValueError, LookupError):
            continue
    return frozenset(words)


def draft_items(ctx: CheckContext) -> list[str]:
    """Names of things the draft may mention: promoted items, the recipient's purchases and
    browsing, the brand guide's terms."""
    draft = ctx.draft
    items = [*draft.campaign.promoted_items, *(t.preferred for t in ctx.guide.guide.terms)]
    for purchase in draft.recipient.purchases:
        items += [purchase.item, purchase.category or ""]
    items += [event.item for event in draft.recipient.browsing]
    return [item for item in items if item.strip()]


def phrase_spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Where each phrase occurs in the text, case- and accent-insensitively."""
    folded = fold(text)
    spans = []
    for phrase in {fold(p.strip()) for p in phrases}:
        start = folded.find(phrase)
        while start >= 0 and phrase:
            spans.append((start, start + len(phrase)))
            start = folded.find(phrase, start + 1)
    return spans


def belongs_to(mention: str, names: Iterable[str]) -> bool:
    """Whether every word of ``mention`` is one of the given names (folded, hyphen-split).

    For scripts without spaces the mention counts when it ends with one of the names
    (ja/zh/ko write the family name first: 田中太郎 ends with 太郎 and starts with 田中).
    """
    known = {fold(part) for name in names for part in regex.split(r"[\s\-]+", name) if part}
    known |= {fold(regex.sub(r"\s+", "", name)) for name in names}
    words = [fold(w) for w in regex.split(r"[\s\-]+", mention) if w]
    if all(word in known for word in words):
        return True
    compact = fold(regex.sub(r"\s+", "", mention))
    return any(compact.startswith(k) or compact.endswith(k) for k in known
               if k and not k.isascii())
