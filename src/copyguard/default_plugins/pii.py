"""Built-in plugin: the ``pii`` check.

Finds personal data in copy with Presidio (see :mod:`copyguard.pii`): generic PII (e-mail,
phone, card, IBAN, national ids, IP, street address, date of birth), the recipient's own
profile values (each finding names its field; the first name is personalization and allowed),
and names of people who are not the recipient. The brand's domains, senders and ``pii.allow``
values are allowed. Every finding except a wrong name in the salutation carries a fix made
with the guide's presidio-anonymizer operator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.default_plugins.personalization import name_findings
from copyguard.hookspecs import hookimpl
from copyguard.model import Category, Finding, Recipient, Severity
from copyguard.pii.allow import BrandAllowList, brand_allow_list
from copyguard.pii.analyzer import PERSON, Detection, detections
from copyguard.pii.fixes import KIND_ENTITIES, anonymized
from copyguard.pii.languages import pii_languages
from copyguard.pii.names import NameMention, belongs_to, draft_items, name_finder, phrase_spans
from copyguard.pii.policy import entity_policies
from copyguard.pii.profile import PROFILE_PREFIX, SENSITIVE_PREFIX, field_kind, profile_fields

OTHER_PERSON = "OTHER_PERSON"
UNSUPPORTED = "language_unsupported"


def recipient_names(recipient: Recipient) -> list[str]:
    """Every name the recipient goes by: first, nick, last, full name fields."""
    return [str(value) for field, value in recipient.profile.items()
            if value and ("name" in field.lower() or field_kind(field) == "name")]


class PiiCheck(Check):
    name = "pii"
    category = Category.PII
    blocking = False

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        text, guide = ctx.text, ctx.guide.guide
        yield from self._coverage(ctx.draft.language)
        allow = brand_allow_list(guide)
        found = [d for d in detections(ctx) if not (d.field or "").startswith(SENSITIVE_PREFIX)]
        brand_urls: list[tuple[int, int]] | None = None
        for detection in found:
            if detection.entity == PERSON:
                continue
            if detection.field:
                if not self._formal_address(ctx, detection):
                    yield self._own_data(ctx, detection)
                continue
            brand_urls = allow.brand_urls(text) if brand_urls is None else brand_urls
            if not self._allowed(text, detection, allow, brand_urls):
                yield self._generic(ctx, detection)
        taken = [(d.start, d.end) for d in found if d.entity != PERSON]
        ner = [NameMention(d.start, d.end, text[d.start:d.end], "ner")
               for d in found if d.entity == PERSON]
        yield from self._other_people(ctx, allow, taken, ner)

    @staticmethod
    def _formal_address(ctx: CheckContext, detection: Detection) -> bool:
        """The recipient's family name in a formal address is personalization, not a leak:
        before an honorific (山田様, 王先生) always, after a title ("Frau Müller") when the
        brand's register for the locale is formal."""
        field = (detection.field or "").removeprefix(PROFILE_PREFIX)
        if field_kind(field) != "name" or ctx.draft.language not in pii_languages().languages:
            return False
        formal = ctx.guide.guide.voice.register_for(ctx.draft.locale) == "formal"
        return name_finder(ctx.draft.language).formal_address(
            ctx.text, detection.start, detection.end, recipient_names(ctx.draft.recipient),
            titles=formal)

    def _coverage(self, language: str) -> Iterator[Finding]:
        config = pii_languages().languages.get(language)
        if config is None:
            yield self.finding(
                UNSUPPORTED, f"PII checks for language {language!r} are limited: street "
                "addresses, dates of birth, national id numbers, names of other people and "
                "phone numbers without an international prefix were not checked; e-mail, "
                "card, IBAN and IP numbers and the recipient's own data were.",
                severity=Severity.INFO)
        elif not config.addresses:
            yield self.finding(UNSUPPORTED, f"street addresses are not checked for {language!r} "
                               "(no address shapes for this language)", severity=Severity.INFO)

    def _own_data(self, ctx: CheckContext, detection: Detection) -> Finding:
        field = detection.field or ""
        kind = field_kind(field.removeprefix(PROFILE_PREFIX))
        severity = profile_fields().kinds[kind].severity or Severity.WARNING
        value = ctx.text[detection.start:detection.end]
        entity = KIND_ENTITIES.get(kind, "PII")
        return self.finding(
            field, f"the copy prints the recipient's own {kind.replace('_', ' ')} ({field})",
            detection.start, detection.end, severity=severity, field=field,
            fix=anonymized(value, entity, ctx.guide.guide.pii.fix),
            suggestion="remove it: personal data other than the first name stays out of copy",
            data={"score": detection.score, "recognizer": detection.recognizer})

    @staticmethod
    def _allowed(text: str, detection: Detection, allow: BrandAllowList,
                 brand_urls: list[tuple[int, int]]) -> bool:
        value = text[detection.start:detection.end]
        if detection.entity == "EMAIL_ADDRESS" and allow.allows_email(value):
            return True
        if any(s <= detection.start and detection.end <= e for s, e in brand_urls):
            return True
        return allow.allows_value(value, detection.entity)

    def _generic(self, ctx: CheckContext, detection: Detection) -> Finding:
        policy = entity_policies().of(detection.entity)
        value = ctx.text[detection.start:detection.end]
        return self.finding(
            detection.entity, f"the copy contains {policy.label} ({detection.entity}) that is "
            "neither the brand's nor meant for this recipient",
            detection.start, detection.end, severity=policy.severity,
            fix=anonymized(value, detection.entity, ctx.guide.guide.pii.fix),
            suggestion="remove it, or list the brand's own value under pii.allow in the guide",
            data={"score": detection.score, "recognizer": detection.recognizer})

    def _other_people(self, ctx: CheckContext, allow: BrandAllowList,
                      taken: list[tuple[int, int]], ner: list[NameMention]) -> Iterator[Finding]:
        if ctx.draft.language not in pii_languages().languages and not ner:
            return
        text = ctx.text
        own = recipient_names(ctx.draft.recipient)
        found = name_finder(ctx.draft.language).find(text)
        mentions = [*found, *(m for m in ner
                              if not any(m.start < f.end and f.start < m.end for f in found))]
        if mentions:  # product and brand names that look like people ("Rain Shell")
            taken = taken + phrase_spans(text, draft_items(ctx))
        mismatched: list[tuple[int, int]] | None = None
        for mention in mentions:
            if any(mention.start < e and s < mention.end for s, e in taken):
                continue  # the recipient's own data, or a product
            if belongs_to(mention.name, own) or belongs_to(mention.name, allow.names):
                continue
            if allow.allows_value(mention.name, PERSON):
                continue
            # personalization reports a misaddressed greeting (name_mismatch), always on a
            # capitalized word: names in scripts without case are never among them
            if ctx.runs("personalization") and any(c.isupper() for c in mention.name):
                mismatched = self._name_mismatches(ctx) if mismatched is None else mismatched
                if any(mention.start < e and s < mention.end for s, e in mismatched):
                    continue
            yield self._person(ctx, mention, own)

    @staticmethod
    def _name_mismatches(ctx: CheckContext) -> list[tuple[int, int]]:
        """Spans the personalization check reports as ``name_mismatch`` (a greeting naming
        someone else): it owns name misuse, so they are not reported twice. The name findings
        are computed once per draft for both checks."""
        return [(f.start, f.end) for f in name_findings(ctx) if f.code == "name_mismatch"]

    def _person(self, ctx: CheckContext, mention: NameMention, own: list[str]) -> Finding:
        first = ctx.draft.recipient.first_name
        if mention.how in ("greeting", "honorific"):
            whom = f"the recipient is {first!r}" if first else "the recipient's name is unknown"
            return self.finding(
                OTHER_PERSON, f"the copy addresses {mention.name!r} but {whom}: a merge error "
                "or another person's data", mention.start, mention.end, severity=Severity.ERROR,
                suggestion="check the merge: the rest of the copy may be meant for someone else",
                data={"name": mention.name, "how": mention.how})
        return self.finding(
            OTHER_PERSON, f"the copy names {mention.name!r}, who is not the recipient",
            mention.start, mention.end, severity=entity_policies().of(PERSON).severity,
            fix=anonymized(mention.name, PERSON, ctx.guide.guide.pii.fix),
            suggestion="remove the name, or list it under pii.allow if it is meant",
            data={"name": mention.name, "how": mention.how})


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(PiiCheck())
