"""Name order and address for family-name-first locales (ja, zh, ko).

Uses the recipient profile's ``first_name``/``last_name`` (or ``given_name``/``family_name``)
to find how the copy addresses the person: given name before family name (Western order), the
given name alone as a form of address, or the family name without an honorific (様, 님).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copyguard.locales.matching import RuleMatch, Scan
from copyguard.locales.packs import CompiledRule
from copyguard.locales.schema import NameRule
from copyguard.locales.text import Script, end_ok, fold, script_of, start_ok

# What may follow a name used as a form of address ("山田、" "Taro:" "민준!").
ADDRESS_PUNCTUATION = frozenset(",，、!！:：;；.。?？\n")
_SEPARATOR = r"[\s\u3000・·]{0,2}"


@dataclass(frozen=True, slots=True)
class Names:
    given: str
    family: str

    @property
    def joiner(self) -> str:
        """CJK and Hangul full names are written without a space (山田太郎, 김민준)."""
        scripts = {script_of(c) for c in self.given + self.family}
        return "" if scripts <= {Script.HAN, Script.KANA, Script.HANGUL} else " "

    @property
    def eastern(self) -> str:
        return f"{self.family}{self.joiner}{self.given}"


def profile_names(scan: Scan) -> Names | None:
    profile = scan.draft.recipient.profile
    given = (profile.get("first_name") or profile.get("given_name") or "").strip()
    family = (profile.get("last_name") or profile.get("family_name") or "").strip()
    if not given or not family or fold(given) == fold(family):
        return None
    return Names(given, family)


def _bounded(folded: str, start: int, end: int) -> bool:
    return start_ok(folded, start, script_of(folded[start])) and \
        end_ok(folded, end, script_of(folded[end - 1]))


def _spans(folded: str, pattern: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(pattern, folded)
            if m.end() > m.start() and _bounded(folded, m.start(), m.end())]


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in others)


def _next_char(text: str, end: int) -> tuple[int, str]:
    """Offset and character after ``end``, skipping spaces (``""`` at the end of the text)."""
    index = end
    while index < len(text) and text[index] in " \u3000\u00a0":
        index += 1
    return index, text[index] if index < len(text) else ""


def name_rule(rule: CompiledRule, scan: Scan) -> list[RuleMatch]:
    spec = rule.spec
    assert isinstance(spec, NameRule)
    names = profile_names(scan)
    if names is None:
        return []
    folded = fold(scan.text)
    given, family = re.escape(fold(names.given)), re.escape(fold(names.family))
    western = _spans(folded, given + _SEPARATOR + family)
    eastern = _spans(folded, family + _SEPARATOR + given)
    if spec.kind == "western_name_order":
        return [RuleMatch(rule, s, e, _values(scan, s, e, names), names.eastern)
                for s, e in western]
    honorifics = scan.pack.terms.get(spec.honorifics, ())

    def honored(at: int) -> bool:  # suffixes attach to the name: 様, 님 (no word boundary)
        return any(folded.startswith(term, at) for term in honorifics)

    full = western + eastern
    out = []
    if spec.kind == "given_name_only":
        replacement = names.family if spec.replace_with == "family" else names.eastern
        for span in _spans(folded, given):
            if _inside(span, full):
                continue
            after, char = _next_char(scan.text, span[1])
            if honored(after) or char in ADDRESS_PUNCTUATION or not char:
                out.append(RuleMatch(rule, *span, _values(scan, *span, names), replacement))
        return out
    for span in [*_spans(folded, family), *eastern]:  # missing_honorific
        if _inside(span, western) or (span not in eastern and _inside(span, eastern)):
            continue
        after, char = _next_char(scan.text, span[1])
        if not honored(after) and (char in ADDRESS_PUNCTUATION or not char):
            fix = scan.text[span[0]:span[1]] + spec.insert if spec.insert else None
            out.append(RuleMatch(rule, *span, _values(scan, *span, names), fix))
    return out


def _values(scan: Scan, start: int, end: int, names: Names) -> dict[str, str]:
    return {"match": scan.text[start:end], "given": names.given, "family": names.family,
            "eastern": names.eastern}
