"""What the store keeps of a draft: the JSON-contract form, with recipient data minimized.

``full`` keeps the whole recipient. ``referenced`` (the default) keeps the recipient id, the
consents and opt-outs, and only the profile, sensitive and date fields that a finding or a
personalized span points at, plus the purchases and browsing items the copy mentions: what
the reviewer needs to judge the flags and what a re-check of an edit needs to catch them
again. ``id`` keeps the recipient id alone. Campaign data is kept whole (it is not personal).
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from copyguard.model import Draft, Recipient, Verdict

MINIMIZE_ENV = "COPYGUARD_REVIEW_RECIPIENT"
FIELD_PREFIXES = ("recipient.", "profile.", "sensitive.", "updated.")


class Minimization(StrEnum):
    FULL = "full"
    REFERENCED = "referenced"
    ID = "id"


def draft_key(draft: Draft) -> str:
    """The draft's id ("" for drafts without one: they are told apart by content alone)."""
    return draft.id or ""


def content_hash(draft: Draft) -> str:
    """Identity of the draft's content: text, locale, channel, brand, recipient and campaign ids."""
    parts = [draft.text, draft.locale, draft.channel.value, draft.brand, draft.recipient.id,
             draft.campaign.id]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def referenced_fields(verdict: Verdict) -> set[str]:
    """Recipient field names the findings and personalized spans point at (prefix-free)."""
    names: set[str] = set()
    fields = [f.field for f in verdict.findings] + [s.field for s in verdict.personalized_spans]
    for field in filter(None, fields):
        for prefix in FIELD_PREFIXES:
            field = field.removeprefix(prefix)
        names.add(field)
    return names


def recipient_json(recipient: Recipient, level: Minimization, verdict: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"id": recipient.id}
    if level is Minimization.ID:
        return out
    keep = referenced_fields(verdict) if level is Minimization.REFERENCED else None
    text = verdict.draft.text.casefold()

    def wanted(name: str) -> bool:
        return keep is None or name in keep

    def mentioned(item: str) -> bool:
        return keep is None or item.casefold() in text

    out["profile"] = {k: v for k, v in recipient.profile.items() if wanted(k)}
    out["updated"] = {k: v.isoformat() for k, v in recipient.updated.items() if wanted(k)}
    out["sensitive"] = {k: v for k, v in recipient.sensitive.items() if wanted(k)}
    out["consents"] = sorted(recipient.consents)
    out["opt_outs"] = sorted(recipient.opt_outs)
    out["purchases"] = [
        {"item": p.item, "date": p.date.isoformat() if p.date else None, "category": p.category}
        for p in recipient.purchases if mentioned(p.item)]
    out["browsing"] = [
        {"item": b.item, "at": b.at.isoformat() if b.at else None, "count": b.count}
        for b in recipient.browsing if mentioned(b.item)]
    if recipient.last_active is not None and wanted("last_active"):
        out["last_active"] = recipient.last_active.isoformat()
    return out


def draft_json(verdict: Verdict, level: Minimization) -> dict[str, Any]:
    """The draft of ``verdict`` as a JSON-contract object (parseable by ``parse_draft``)."""
    draft = verdict.draft
    campaign = draft.campaign
    return {
        "id": draft.id, "text": draft.text, "locale": draft.locale,
        "channel": draft.channel.value, "brand": draft.brand,
        "recipient": recipient_json(draft.recipient, level, verdict),
        "campaign": {"id": campaign.id, "tags": list(campaign.tags),
                     "industry": campaign.industry,
                     "promoted_items": list(campaign.promoted_items),
                     "sent_at": campaign.sent_at.isoformat() if campaign.sent_at else None},
    }
