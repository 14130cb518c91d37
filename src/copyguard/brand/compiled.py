"""A brand guide compiled for one locale and channel: every matcher built once, then reused.

:class:`GuideCache` keeps compiled guides by (guide digest, locale, channel), so the first draft
of a brand pays for building the Aho-Corasick automaton and every later draft only searches.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import yaml

from copyguard.brand import inflection
from copyguard.brand.matcher import Hit, PhraseIndex
from copyguard.brand.regex import compile_pattern
from copyguard.brand.text import BrandText, TextLayout, match_case
from copyguard.guides import (
    AllCaps,
    Competitor,
    Limit,
    PhraseList,
    Readability,
    Required,
    ResolvedGuide,
    Rule,
    Substitution,
    Term,
)
from copyguard.model import Finding, Severity

if TYPE_CHECKING:
    from copyguard.checks import Check
    from copyguard.context import CheckContext

Role = Literal["phrase", "case", "exception", "required", "register"]

# code -> (default severity, default message). Messages may use the placeholders in
# copyguard.guides.MESSAGE_FIELDS; a rule's own ``message`` replaces the default.
DEFAULTS: Mapping[str, tuple[Severity, str]] = {
    "term_case": (Severity.WARNING, "Write '{fix}', not '{match}'."),
    "deprecated_term": (Severity.WARNING, "'{match}' is a deprecated term; write '{fix}'."),
    "substitution": (Severity.WARNING, "Write '{fix}' instead of '{match}'."),
    "banned_phrase": (Severity.ERROR, "'{match}' is banned from this brand's copy."),
    "forbidden_claim": (Severity.ERROR, "'{match}' is a claim this brand must not make."),
    "slang": (Severity.WARNING, "'{match}' is slang this brand does not use."),
    "competitor": (Severity.ERROR, "'{match}' is a competitor; never name it."),
    "exclamation_marks": (Severity.WARNING,
                          "{count} exclamation marks; the brand allows at most {max}."),
    "emoji": (Severity.WARNING, "{count} emoji; the brand allows at most {max} in {channel}."),
    "all_caps": (Severity.WARNING, "'{match}' is written in capitals; allowed: {value}."),
    "sentence_length": (Severity.WARNING, "A sentence of {count} words; at most {max}."),
    "missing_tagline": (Severity.ERROR, "Every {channel} message must contain the tagline "
                                        "'{value}'."),
    "missing_disclaimer": (Severity.ERROR, "Every {channel} message must contain the "
                                           "disclaimer '{value}'."),
    "missing_required": (Severity.ERROR, "Every {channel} message must contain '{value}'."),
    "reading_level": (Severity.WARNING, "Reading level ({metric}) is {value}; the brand's "
                                        "limit is {max}."),
    "register": (Severity.WARNING, "'{match}' is formal address; this brand speaks informally "
                                   "to readers in {locale}."),
}
_PHRASE_CODES = {"banned": "banned_phrase", "claim": "forbidden_claim", "slang": "slang"}
_REQUIRED_CODES = {"tagline": "missing_tagline", "disclaimer": "missing_disclaimer",
                   "other": "missing_required"}
_LIMIT_CODES = {"exclamation_marks": "exclamation_marks", "emoji": "emoji",
                "all_caps": "all_caps", "sentence_words": "sentence_length"}
_EXCLAMATIONS = frozenset("!\uff01")
# Occurrences one rule reports per draft. More add nothing to the route, and a fix that left
# some out is caught when the fixed text is checked again; without a cap a hostile draft
# (100,000 characters of "ab ab ...") costs a finding object per match.
MAX_FINDINGS = 1000
_TRAILING_PUNCT = ".!?\u3002\uff01\uff1f "


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What every finding of one rule shares: its id, code, severity, message and sources."""

    rule_id: str
    code: str
    severity: Severity
    template: str
    data: Mapping[str, Any]

    @classmethod
    def of(cls, rule_id: str, rule: Rule, code: str) -> RuleInfo:
        severity, template = DEFAULTS[code]
        data = {"rule": rule_id, "rationale": rule.rationale, "source": rule.source}
        return cls(rule_id, code, rule.severity or severity, rule.message or template,
                   {k: v for k, v in data.items() if v is not None})

    def finding(self, check: Check, start: int, end: int, *, fix: str | None = None,
                suggestion: str | None = None, **fields: Any) -> Finding:
        """A finding of this rule; ``match`` (when given) is always ``text[start:end]``."""
        values = _Fields(rule=self.rule_id, fix=fix, **fields)
        return check.finding(self.code, self.template.format_map(values), start, end,
                             severity=self.severity, fix=fix, suggestion=suggestion,
                             data={**self.data, **{k: v for k, v in fields.items()
                                                   if k in ("match", "count", "max", "value")}})


@dataclass(frozen=True, slots=True)
class Entry:
    """What a phrase in the automaton stands for."""

    info: RuleInfo
    role: Role
    fix: str | None = None
    adapt_case: bool = False  # give the fix the case pattern of the match
    expected: str | None = None  # exact-case terms: the one right spelling
    mid_sentence_only: bool = False


@dataclass(order=True, frozen=True, slots=True)
class _Candidate:
    start: int
    neg_length: int
    neg_rank: int
    finding: Finding = field(compare=False)


@dataclass(frozen=True, slots=True)
class FormalForms:
    forms: tuple[str, ...]
    case_sensitive: bool
    mid_sentence_only: bool


@cache
def formal_address() -> Mapping[str, FormalForms]:
    """``data/brand/formal_address.yaml``: formal-register forms per language."""
    path = "data/brand/formal_address.yaml"
    raw = yaml.safe_load(resources.files("copyguard").joinpath(path).read_text("utf-8"))
    try:
        return {lang: FormalForms(tuple(spec["forms"]), bool(spec["case_sensitive"]),
                                  bool(spec["mid_sentence_only"]))
                for lang, spec in raw["languages"].items()}
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: missing or malformed key {exc}") from exc


class CompiledGuide:
    """Every rule of a resolved guide, ready to run on drafts (thread-safe, read-only)."""

    def __init__(self, resolved: ResolvedGuide) -> None:
        guide = resolved.guide
        self.locale, self.channel = resolved.locale, resolved.channel
        self.language = resolved.locale.split("-")[0]
        english = self.language == "en"
        patterns: list[tuple[str, bool, Entry]] = []
        self._regexes: list[tuple[Any, Entry]] = []
        self._limits: dict[str, tuple[Limit, RuleInfo]] = {}
        self._required: list[tuple[Required, RuleInfo]] = []
        self._readability: list[tuple[Readability, RuleInfo]] = []
        for rule_id, rule in guide.active_rules():
            if isinstance(rule, Term):
                patterns += self._term(rule_id, rule)
            elif isinstance(rule, PhraseList):
                patterns += self._phrases(rule_id, rule, english)
            elif isinstance(rule, Substitution):
                patterns += self._substitution(rule_id, rule, english)
            elif isinstance(rule, Competitor):
                info = RuleInfo.of(rule_id, rule, "competitor")
                patterns += [(name, False, Entry(info, "phrase"))
                             for name in (rule.name, *rule.aliases)]
            elif isinstance(rule, Required) and self._applies(rule):
                code = _REQUIRED_CODES[rule.kind]
                info = RuleInfo.of(rule_id, rule, code)
                self._required.append((rule, info))
                patterns.append((rule.text.rstrip(_TRAILING_PUNCT), rule.case_sensitive,
                                 Entry(info, "required")))
            elif (isinstance(rule, Readability) and rule.language == self.language
                  and self.channel in rule.channels):
                self._readability.append((rule, RuleInfo.of(rule_id, rule, "reading_level")))
        active = {rule_id for rule_id, _ in guide.active_rules()}
        for name, code in _LIMIT_CODES.items():
            limit: Limit | None = getattr(guide.limits, name)
            if limit is not None and (limit.id or f"limits.{name}") in active:
                self._limits[name] = (limit, RuleInfo.of(limit.id or f"limits.{name}", limit,
                                                         code))
        voice, voice_id = guide.voice, guide.voice.id or "voice"
        forms = formal_address().get(self.language)
        if forms and voice_id in active and voice.register_for(resolved.locale) == "informal":
            info = RuleInfo.of(voice_id, voice, "register")
            patterns += [(form, forms.case_sensitive,
                          Entry(info, "register", mid_sentence_only=forms.mid_sentence_only))
                         for form in forms.forms]
        self.index: PhraseIndex[Entry] = PhraseIndex(patterns)
        # nothing to look for: no draft can get a finding (the default guide, for one)
        self.idle = not (self.index.size or self._regexes or self._limits or self._required
                         or self._readability)

    # -- building -------------------------------------------------------------------------

    def _applies(self, rule: Required) -> bool:
        if self.channel not in rule.channels:
            return False
        return not rule.locales or self.locale in rule.locales or self.language in rule.locales

    @staticmethod
    def _term(rule_id: str, term: Term) -> list[tuple[str, bool, Entry]]:
        out: list[tuple[str, bool, Entry]] = []
        if term.exact_case:
            info = RuleInfo.of(rule_id, term, "term_case")
            out.append((term.preferred, False, Entry(info, "case", expected=term.preferred)))
        info = RuleInfo.of(rule_id, term, "deprecated_term")
        out += [(old, term.case_sensitive, Entry(info, "phrase", fix=term.preferred))
                for old in term.deprecated]
        return out

    def _phrases(self, rule_id: str, rule: PhraseList, english: bool,
                 ) -> list[tuple[str, bool, Entry]]:
        info = RuleInfo.of(rule_id, rule, _PHRASE_CODES[rule.kind])
        entry = Entry(info, "phrase")
        out: list[tuple[str, bool, Entry]] = []
        if rule.regex:
            self._regexes += [(compile_pattern(p, case_sensitive=rule.case_sensitive), entry)
                              for p in rule.phrases]
        else:
            out += [(p, rule.case_sensitive, entry) for p in rule.phrases]
        if english and rule.inflect and not rule.regex:
            out += [(form, rule.case_sensitive, entry)
                    for p in rule.phrases for form in inflection.phrase_forms(p)]
        exception = Entry(info, "exception")  # literal phrases, for regex rules too
        out += [(p, rule.case_sensitive, exception) for p in rule.exceptions]
        return out

    @staticmethod
    def _substitution(rule_id: str, rule: Substitution, english: bool,
                      ) -> list[tuple[str, bool, Entry]]:
        info = RuleInfo.of(rule_id, rule, "substitution")
        adapt = not rule.case_sensitive
        pairs = [(rule.find, rule.replace)]
        if english and rule.inflect:
            pairs += inflection.substitution_forms(rule.find, rule.replace)
        return [(find, rule.case_sensitive, Entry(info, "phrase", fix=repl, adapt_case=adapt))
                for find, repl in pairs]

    # -- running ----------------------------------------------------------------------------

    def findings(self, check: Check, ctx: CheckContext) -> Iterator[Finding]:
        if self.idle:
            return
        text = ctx.text
        layout = ctx.memo("brand.layout", lambda: TextLayout(text))
        hits = self._regex_hits(text)
        if self.index.size:
            hits = self.index.find(ctx.memo("brand.text", lambda: BrandText.of(text))) + hits
        candidates = self._phrase_findings(check, hits, layout)
        candidates += self._all_caps(check, layout)
        yield from _without_overlaps(candidates)
        yield from self._exclamations(check, text)
        yield from self._emoji(check, text)
        yield from self._sentence_length(check, ctx, layout)
        found = {h.payload.info.rule_id for h in hits if h.payload.role == "required"}
        yield from self._missing(check, text, found)
        yield from self._reading_level(check, text)

    def _regex_hits(self, text: str) -> list[Hit[Entry]]:
        return [Hit(m.start(), m.end(), m.group(), entry) for regex, entry in self._regexes
                for m in itertools.islice(regex.finditer(text), MAX_FINDINGS)
                if m.end() > m.start()]  # a guide pattern never matches empty: regex.py

    def _phrase_findings(self, check: Check, hits: list[Hit[Entry]], layout: TextLayout,
                         ) -> list[_Candidate]:
        spans: dict[str, list[tuple[int, int]]] = {}
        for h in hits:
            if h.payload.role == "exception":
                spans.setdefault(h.payload.info.rule_id, []).append((h.start, h.end))
        allowed = {rule_id: _Cover(found) for rule_id, found in spans.items()}
        out: list[_Candidate] = []
        counts: dict[str, int] = {}
        for hit in hits:
            entry = hit.payload
            if entry.role in ("exception", "required"):
                continue
            if counts.get(entry.info.rule_id, 0) >= MAX_FINDINGS:
                continue
            cover = allowed.get(entry.info.rule_id)
            if cover is not None and cover.covers(hit.start, hit.end):
                continue
            if entry.role == "case" and not self._wrong_case(hit, entry, layout):
                continue
            if entry.mid_sentence_only and hit.start in layout.sentence_starts:
                continue
            fix = entry.expected if entry.role == "case" else entry.fix
            if fix is not None and entry.adapt_case:
                fix = match_case(hit.matched, fix)
            finding = entry.info.finding(check, hit.start, hit.end, fix=fix, match=hit.matched,
                                         locale=self.locale)
            out.append(_Candidate(hit.start, hit.start - hit.end, -finding.severity.rank,
                                  finding))
            counts[entry.info.rule_id] = counts.get(entry.info.rule_id, 0) + 1
        return out

    @staticmethod
    def _wrong_case(hit: Hit[Entry], entry: Entry, layout: TextLayout) -> bool:
        expected = entry.expected or ""
        if hit.matched == expected or layout.in_link(hit.start, hit.end):
            return False
        # "e-bike" may open a sentence as "E-bike".
        capitalized = expected[:1].upper() + expected[1:]
        return not (expected[:1].islower() and hit.matched == capitalized
                    and hit.start in layout.sentence_starts)

    def _all_caps(self, check: Check, layout: TextLayout) -> list[_Candidate]:
        if "all_caps" not in self._limits:
            return []
        rule, info = self._limits["all_caps"]
        assert isinstance(rule, AllCaps)
        allow = set(rule.allow)
        words = [m for m in _WORDS.finditer(layout.text)
                 if len(w := m.group()) >= rule.min_length and w.isalpha() and w.isupper()
                 and w not in allow and not layout.in_link(m.start(), m.end())]
        out = []
        for match in words[rule.max:rule.max + MAX_FINDINGS]:
            word = match.group()
            suggestion = word.capitalize() if match.start() in layout.sentence_starts \
                else word.lower()
            finding = info.finding(check, match.start(), match.end(), match=word,
                                   suggestion=suggestion, count=len(words), max=rule.max,
                                   value=", ".join(sorted(allow)) or "none")
            out.append(_Candidate(match.start(), match.start() - match.end(), 0, finding))
        return out

    def _exclamations(self, check: Check, text: str) -> Iterator[Finding]:
        if "exclamation_marks" not in self._limits:
            return
        rule, info = self._limits["exclamation_marks"]
        total = sum(map(text.count, _EXCLAMATIONS))
        if total <= rule.max:
            return
        runs = _runs(text, _EXCLAMATIONS)
        kept = 0
        for start, end in runs[:rule.max + MAX_FINDINGS]:
            if kept < rule.max:  # keep one mark of this run, drop the rest of it
                kept += 1
                if end - start > 1:
                    yield info.finding(check, start + 1, end, fix="",
                                       match=text[start + 1:end], count=total, max=rule.max)
                continue
            after_question = start > 0 and text[start - 1] in "?\uff1f"
            stop = "" if after_question else ("\u3002" if text[start] == "\uff01" else ".")
            yield info.finding(check, start, end, fix=stop, match=text[start:end],
                               count=total, max=rule.max)

    def _emoji(self, check: Check, text: str) -> Iterator[Finding]:
        if "emoji" not in self._limits:
            return
        rule, info = self._limits["emoji"]
        found = _emoji_spans(text)
        for start, end in found[rule.max:rule.max + MAX_FINDINGS]:
            cut_start, cut_end = start, end
            if cut_start > 0 and text[cut_start - 1] == " ":
                cut_start -= 1
            elif cut_end < len(text) and text[cut_end] == " ":
                cut_end += 1
            yield info.finding(check, cut_start, cut_end, fix="", match=text[cut_start:cut_end],
                               count=len(found), max=rule.max, channel=self.channel.value)

    def _sentence_length(self, check: Check, ctx: CheckContext, layout: TextLayout,
                         ) -> Iterator[Finding]:
        if "sentence_words" not in self._limits:
            return
        rule, info = self._limits["sentence_words"]
        starts = [t.idx for t in ctx.doc if not (t.is_punct or t.is_space)]  # ascending
        reported = 0
        for start, end in layout.sentences:
            words = bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)
            if words > rule.max and reported < MAX_FINDINGS:
                reported += 1
                yield info.finding(check, start, end, count=words, max=rule.max)

    def _missing(self, check: Check, text: str, found: set[str]) -> Iterator[Finding]:
        for rule, info in self._required:
            if info.rule_id in found:
                continue
            fix = None
            if rule.append:
                separator = "\n\n" if self.channel.value == "email" else " "
                fix = rule.text if not text or text[-1].isspace() else separator + rule.text
            yield info.finding(check, len(text), len(text), fix=fix, value=rule.text,
                               channel=self.channel.value)

    def _reading_level(self, check: Check, text: str) -> Iterator[Finding]:
        if not self._readability:
            return
        from copyguard.brand import readability

        words = readability.word_count(text)
        for rule, info in self._readability:
            if words < rule.min_words:
                continue
            value = readability.score(rule.metric, text, self.language)
            too_high = rule.max is not None and value > rule.max
            too_low = rule.min is not None and value < rule.min
            if too_high or too_low:
                bound = rule.max if too_high else rule.min
                yield info.finding(check, 0, 0, metric=rule.metric, value=value,
                                   max=bound, min=rule.min, count=words)


_WORDS = re.compile(r"\w+")


def _runs(text: str, chars: frozenset[str]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if char in chars:
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
    return runs


@cache
def emoji_chars() -> frozenset[str]:
    """The non-ASCII characters of the emoji package's emoji. Each of its emoji has one (a
    keycap such as 1️⃣ has U+20E3), and all it finds in a text are its emoji or ZWJ joins of
    them, so a text without any of these characters holds no emoji."""
    import emoji

    return frozenset(char for item in emoji.EMOJI_DATA for char in item if not char.isascii())


def may_hold_emoji(text: str) -> bool:
    return not text.isascii() and not emoji_chars().isdisjoint(text)


def _emoji_spans(text: str) -> list[tuple[int, int]]:
    """Emoji as pictures: text-style symbols such as ©, ® and ™ (Unicode "unqualified" without
    the emoji variation selector) are not counted."""
    if not may_hold_emoji(text):  # the emoji package's tokenizer runs in Python, per character
        return []
    import emoji

    unqualified = emoji.STATUS["unqualified"]
    return [(item["match_start"], item["match_end"]) for item in emoji.emoji_list(text)
            if emoji.EMOJI_DATA.get(item["emoji"], {}).get("status") != unqualified]


def _without_overlaps(candidates: list[_Candidate]) -> Iterator[Finding]:
    """Longest (then most severe) match first; a match inside an earlier one is dropped.

    Candidates come by start, so every kept match starts at or before the current one, which
    is inside one of them exactly when it ends by the furthest kept end (linear, not n^2).
    """
    reach = -1
    for candidate in sorted(candidates):
        finding = candidate.finding
        if finding.end <= reach:
            continue
        reach = finding.end
        yield finding


class _Cover:
    """Spans that answer "is ``[start, end)`` inside one of you?" in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self._starts = [start for start, _ in spans]
        self._reach = list(itertools.accumulate((end for _, end in spans), max))

    def covers(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self._reach[index] >= end


class GuideCache:
    """Compiled guides by (digest, locale, channel), least recently used evicted.

    The first compile loads LemmInflect's lexicon and emoji data (seconds on a busy machine);
    the guard gives each brand and language's first draft a cold-start allowance for it.
    """

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, str], CompiledGuide] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, resolved: ResolvedGuide) -> CompiledGuide:
        key = (resolved.guide.digest, resolved.locale, resolved.channel.value)
        with self._lock:
            compiled = self._items.get(key)
            if compiled is None:
                compiled = CompiledGuide(resolved)
                self._items[key] = compiled
                if len(self._items) > self._size:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(key)
            return compiled
