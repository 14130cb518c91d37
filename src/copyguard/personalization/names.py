"""Name checks: how often and how the recipient's name is used, and titles that assume gender.

* ``name_repeated``: more name uses than the brand allows (``max_name_uses``);
* ``full_name``, ``middle_name``, ``last_name_alone``: more of the name than a greeting needs;
* ``name_misspelt`` ("Jon" for "John", "Jose" for "José") and ``name_mismatch`` (a greeting
  naming someone else: another recipient's data, or a name the model made up);
* ``gendered_title`` (Mr, Frau, Madame, Signora, Señora ... while the profile holds no
  title) and ``title_mismatch`` (a title other than the one the recipient chose).

Automatic fixes are offered only where the sentence stays grammatical: a vocative name is
removed with its comma, a full or misspelt name becomes the first name.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from copyguard.checks import Check
from copyguard.guides import Personalization
from copyguard.lazy import lazy
from copyguard.model import Draft, Finding, Severity
from copyguard.personalization.lexicon import Lexicon, field_roles
from copyguard.personalization.matching import Word
from copyguard.personalization.text import fold, sentence_at
from copyguard.provenance import Match, Provenance

_VOCATIVE_END = re.compile(r"\s*(?:[.!?,;:]|$)")
_CLAUSE_START = re.compile(r"[.!?\n:]\s*$")
_NAME_END = re.compile(r"\s*(?:[,.!:;\n]|$)")  # what may follow a name in a greeting
_TITLE_JOINERS = frozenset({"", ",", "/", "&", "or", "and", "oder", "und", "ou", "et", "o",
                            "y", "e"})


@dataclass(slots=True)
class Mention:
    """Adjacent name spans read as one name ("Maria Garcia", "Mr Smith" is a title + one)."""

    start: int
    end: int
    parts: list[tuple[str, Match]] = field(default_factory=list)

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.parts}

    @property
    def addresses_by_first_name(self) -> bool:
        return bool(self.roles & {"first", "preferred"})


@dataclass(frozen=True, slots=True)
class Profile:
    first: str | None
    title: str | None

    @classmethod
    def of(cls, draft: Draft) -> Profile:
        roles = field_roles()
        by_role: dict[str, str] = {}
        title: str | None = None
        for name, value in draft.recipient.profile.items():
            if not value:
                continue
            key = name.lower()
            role = roles.name_role.get(key)
            if role:
                by_role.setdefault(role, str(value))
            if title is None and key in roles.titles:
                title = str(value)
        return cls(by_role.get("preferred") or by_role.get("first"), title)


def mentions(provenance: Provenance, text: str) -> list[Mention]:
    roles = field_roles()
    out: list[Mention] = []
    for match in provenance.matches:
        role = roles.role(match.field)
        if not role.startswith("name:"):
            continue
        part = role.split(":")[1]
        if out and text[out[-1].end:match.start].strip(" \u00a0-") == "":
            out[-1].end = match.end
            out[-1].parts.append((part, match))
        else:
            out.append(Mention(match.start, match.end, [(part, match)]))
    return out


def _cased_like(template: str, value: str) -> str:
    return value.upper() if template.isupper() and len(template) > 1 else value


def vocative_fix(text: str, start: int, end: int, lex: Lexicon) -> tuple[int, int, str] | None:
    """Remove a name used as a vocative without breaking the sentence, or ``None``.

    ``"Thanks, Maria!"`` → ``"Thanks!"``; ``"Maria, your order"`` → ``"Your order"``;
    ``"Hi Maria,"`` → ``"Hi,"``. A name after a title, inside a phrase ("Maria's"), or after
    a gendered greeting word ("Liebe Maria") is left for a person to rewrite.
    """
    before, after = text[max(0, start - 80):start], text[end:end + 80]
    if after.startswith(("'", "’")) or after[:1].isalpha():
        return None
    previous = re.search(r"(\S+)\s*$", before)
    if previous and fold(previous.group(1)).rstrip(",") in lex.titles:
        return None
    comma = re.search(r",\s*$", before)
    if comma and _VOCATIVE_END.match(after):
        return start - len(before) + comma.start(), end, ""
    opens_clause = not text[:start].strip() or _CLAUSE_START.search(before)
    if opens_clause and (lead := re.match(r"\s*,\s*(\w)", after)):
        return start, end + lead.end(), lead.group(1).upper()
    sentence = fold(text[sentence_at(text, start)[0]:start])
    if lex.gendered_greeting_end and lex.gendered_greeting_end.search(sentence):
        return None
    if lex.greeting_end and lex.greeting_end.search(sentence):
        spaces = len(before) - len(before.rstrip())
        return start - spaces, end, ""
    return None


class NameChecker:
    """Runs the name checks for one draft."""

    def __init__(self, check: Check, draft: Draft, provenance: Provenance,
                 policy: Personalization, lex: Lexicon) -> None:
        self.check, self.draft, self.text = check, draft, draft.text
        self.provenance, self.words, self.policy, self.lex = \
            provenance, provenance.words, policy, lex

    # Computed on first use: most drafts need none of them.

    @lazy
    def profile(self) -> Profile:
        return Profile.of(self.draft)

    @lazy
    def mentions(self) -> list[Mention]:
        return mentions(self.provenance, self.text)

    @lazy
    def mention_starts(self) -> list[int]:
        return [m.start for m in self.mentions]

    @property
    def starts(self) -> list[int]:
        return self.words.starts

    def findings(self) -> Iterator[Finding]:
        titled = self._titles()
        yield from titled.values()
        for mention in self.mentions:
            yield from self._misspelt(mention)
            yield from self._too_much_name(mention, titled_at=mention.start in titled)
        yield from self._repeated()
        yield from self._mismatched_greetings()

    # -- parts of the name ----------------------------------------------------------------

    def _misspelt(self, mention: Mention) -> Iterator[Finding]:
        for _, match in mention.parts:
            if match.kind != "misspelt":
                continue
            correct = _cased_like(match.text, match.value)
            accents_only = fold(match.text) == fold(match.value)
            yield self.check.finding(
                "name_misspelt", f"the name is written {match.text!r}; the recipient's "
                f"profile says {match.value!r}", match.start, match.end,
                severity=Severity.WARNING if accents_only else Severity.ERROR, fix=correct,
                field=match.field,
                suggestion=f"write the name exactly as in the profile: {match.value}",
                data={"written": match.text, "profile": match.value})

    def _too_much_name(self, mention: Mention, *, titled_at: bool) -> Iterator[Finding]:
        roles, first = mention.roles, self.profile.first
        fix = first if first else None
        shown = self.text[mention.start:mention.end]
        if ("full" in roles or ("last" in roles and mention.addresses_by_first_name)) \
                and not self._formal_full_name(mention):
            yield self.check.finding(
                "full_name", f"the full name {shown!r} is used where the first name would do",
                mention.start, mention.end, fix=fix, field=mention.parts[0][1].field,
                suggestion="address the recipient by first name only")
        elif "middle" in roles:
            yield self.check.finding(
                "middle_name", f"the middle name appears in {shown!r}; the first name would do",
                mention.start, mention.end, fix=fix if mention.addresses_by_first_name else None,
                field=next(m.field for r, m in mention.parts if r == "middle"),
                suggestion="drop the middle name")
        elif ("last" in roles and not titled_at and not self._after_chosen_title(mention)
              and self.draft.language not in field_roles().surname_address_languages):
            yield self.check.finding(
                "last_name_alone", f"the last name {shown!r} is used alone; the first name "
                "would do", mention.start, mention.end, fix=fix,
                field=mention.parts[0][1].field, suggestion="use the first name")

    def _formal_full_name(self, mention: Mention) -> bool:
        """Family name, given name and an honorific ("김지은 고객님", "山田太郎様", "王芳女士"):
        the formal address where the family name comes first (ja, ko, zh), not more of the
        name than needed."""
        if not self.lex.honorifics or mention.parts[0][0] not in {"last", "full"} \
                or self.draft.language not in field_roles().surname_address_languages:
            return False
        after = fold(self.text[mention.end:mention.end + 16]).lstrip()
        return after.startswith(self.lex.honorifics)

    def _after_chosen_title(self, mention: Mention) -> bool:
        """"Dear Dr Smith" when the profile's title is Dr: formal address as chosen."""
        previous = self._word_before(mention.start)
        return bool(previous and self.profile.title
                    and previous.norm.rstrip(".") == fold(self.profile.title).rstrip("."))

    # -- how often ------------------------------------------------------------------------

    def _repeated(self) -> Iterator[Finding]:
        allowed = self.policy.max_name_uses
        uses = len(self.mentions)
        if uses <= allowed:
            return
        for mention in self.mentions[allowed:]:
            fix = vocative_fix(self.text, mention.start, mention.end, self.lex)
            start, end, replacement = fix if fix else (mention.start, mention.end, None)
            yield self.check.finding(
                "name_repeated", f"the recipient's name is used {uses} times; the brand allows "
                f"{allowed}", start, end, fix=replacement, field=mention.parts[0][1].field,
                suggestion="keep one use of the name (in the greeting)",
                data={"uses": uses, "max_name_uses": allowed})

    # -- greetings naming someone else ----------------------------------------------------

    def _mismatched_greetings(self) -> Iterator[Finding]:
        if self.lex.greeting_end is None:
            return
        covered = {w.start for m in self.provenance.matches
                   for w in self.words[bisect.bisect_left(self.starts, m.start):
                                       bisect.bisect_left(self.starts, m.end)]}
        folded = self.provenance.folded or fold(self.text)
        fillers, titles = self.lex.greeting_fillers, self.lex.titles
        for word in self.words.capitalised:  # the cheap tests first: few words pass them
            if word.norm in fillers or word.norm in titles or word.start in covered \
                    or not _NAME_END.match(self.text, word.end) \
                    or not known_first_name(word.text):
                continue
            sentence_start = sentence_at(self.text, word.start)[0]
            title = self._title_before(word)
            before = folded[sentence_start:title.start if title else word.start]
            if not self.lex.greeting_end.search(before):
                continue
            who = self.profile.first or "no name in the profile"
            yield self.check.finding(
                "name_mismatch", f"the greeting names {word.text!r}, but the recipient is "
                f"{who!r}", word.start, word.end, severity=Severity.ERROR,
                suggestion="check that the copy was written for this recipient",
                data={"written": word.text, "profile": self.profile.first})

    def _title_before(self, word: Word) -> Word | None:
        previous = self._word_before(word.start)
        return previous if previous and previous.norm in self.lex.titles else None

    def _word_before(self, position: int) -> Word | None:
        index = bisect.bisect_left(self.starts, position) - 1
        return self.words[index] if index >= 0 else None

    # -- titles ---------------------------------------------------------------------------

    def _titles(self) -> dict[int, Finding]:
        """Gendered titles, keyed by the start of the name they precede (or the title)."""
        found: dict[int, Finding] = {}
        last: tuple[int, int, int] | None = None  # key, start, end of the previous finding
        # A word folded like a title is that title in the folded text: most drafts hold none.
        folded = self.provenance.folded or fold(self.text)
        if not any(map(folded.__contains__, self.lex.gendered_titles)):
            return found
        gendered = self.words.positions(self.lex.gendered_titles & self.words.norm_set)
        for k in gendered:
            word = self.words[k]
            joined = last is not None and \
                fold(self.text[last[2]:word.start]).strip() in _TITLE_JOINERS
            if not joined and not self._used_as_title(k):
                continue
            mention = self._mention_after(word)
            key = mention.start if mention else word.start
            if self.profile.title:
                if fold(self.profile.title).rstrip(".") != word.norm.rstrip("."):
                    found[key] = self.check.finding(
                        "title_mismatch", f"the copy says {word.text!r}; the recipient's "
                        f"title is {self.profile.title!r}", word.start, word.end,
                        severity=Severity.ERROR, fix=self.profile.title, field="profile.title")
                continue
            if joined and last is not None:
                found.pop(last[0])
                found[last[0]] = self._title_finding(last[1], word.end, None)
                last = (last[0], last[1], word.end)
                continue
            found[key] = self._title_finding(word.start, word.end, mention)
            last = (key, word.start, word.end)
        return found

    def _used_as_title(self, k: int) -> bool:
        """A title addresses the recipient: before their name, after a greeting ("Dear
        Sir"), or alone as a vocative ("Merci, Madame !"); "Mr. T. Foley won" does not."""
        word = self.words[k]
        if word.norm in self.lex.ambiguous_titles and not word.is_titlecase:
            return False
        nxt = self.words[k + 1] if k + 1 < len(self.words) else None
        if nxt is not None and nxt.clause == word.clause and self._mention_at(nxt.start):
            return True
        sentence_start = sentence_at(self.text, word.start)[0]
        if self.lex.greeting_end and self.lex.greeting_end.search(
                fold(self.text[sentence_start:word.start])):
            return True
        return self._clause_sizes[word.clause] == 1  # alone in its clause

    @lazy
    def _clause_sizes(self) -> Counter[int]:
        return Counter(w.clause for w in self.words)

    def _mention_at(self, start: int) -> bool:
        index = bisect.bisect_left(self.mention_starts, start)
        return index < len(self.mentions) and self.mention_starts[index] == start

    def _mention_after(self, word: Word) -> Mention | None:
        """The name right after a title ("Mr. Smith"), if any. (Only the first mention after
        the title can be: a later one has that mention in between.)"""
        index = bisect.bisect_right(self.mention_starts, word.end)
        if index < len(self.mentions):
            mention = self.mentions[index]
            if self.text[word.end:mention.start].strip(". ") == "":
                return mention
        return None

    def _title_finding(self, start: int, end: int, mention: Mention | None) -> Finding:
        shown = self.text[start:end]
        fix: str | None = None
        fix_end = end
        if mention is not None:
            sentence_start = sentence_at(self.text, start)[0]
            gendered_greeting = self.lex.gendered_greeting_end is not None and bool(
                self.lex.gendered_greeting_end.search(fold(self.text[sentence_start:start])))
            if mention.addresses_by_first_name:
                fix, fix_end = "", mention.start
            elif self.profile.first and not gendered_greeting:
                fix, fix_end = self.profile.first, mention.end
        return self.check.finding(
            "gendered_title", f"{shown!r} assumes the recipient's gender; the profile has no "
            "title", start, fix_end, fix=fix, field="profile.title",
            suggestion="use the first name, or a neutral greeting",
            data={"title": shown})


def known_first_name(word: str) -> bool:
    """Whether ``word`` is a first name in gender-guesser's international name list
    (about 61,000 spellings; loaded once, on first use)."""
    return word.lower() in first_names()


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The names gender-guesser's ``Detector(case_sensitive=False)`` knows, read from its data
    file the way it reads it (``+`` joins parts: nothing, a space or a hyphen). Only the
    names: its per-country tables take 24 MB, this set 7 MB."""
    names: set[str] = set()
    data = resources.files("gender_guesser").joinpath("data", "nam_dict.txt")
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line[:1] in ("#", "=", ""):
                continue
            name = line.split()[1].lower()
            names.update({name.replace("+", joint) for joint in ("", " ", "-")}
                         if "+" in name else {name})
    return frozenset(names)
