"""The JSON boundary: pydantic models for input drafts, and verdicts as JSON-ready dicts.

Input line: ``{"id","text","locale","channel","brand","recipient":{...},"campaign":{...}}``.
Output line: ``{"id","route","personalized_share","findings":[{"check","code","category",
"severity","start","end","message",...}], ...}`` (see README, "JSONL contract").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from copyguard.errors import InputError
from copyguard.model import (
    BrowseEvent,
    Campaign,
    Channel,
    Draft,
    Finding,
    Purchase,
    Recipient,
    Verdict,
    frozen_map,
)

# BCP 47 language[-script][-region], the subset copyguard understands.
LOCALE_RE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Z][a-z]{3})?(-([A-Za-z]{2}|[0-9]{3}))?$")


def _utc_representable(value: dt.datetime) -> dt.datetime:
    """An aware datetime must exist in UTC too (every check compares moments in UTC)."""
    if value.tzinfo is not None:
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError(f"{value.isoformat()} is out of range once converted to UTC "
                             "(before year 1 or after year 9999)") from None
    return value


Moment = Annotated[dt.datetime, AfterValidator(_utc_representable)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class PurchaseIn(_In):
    item: str
    date: dt.date | None = None
    category: str | None = None


class BrowseIn(_In):
    item: str
    at: Moment | None = None
    count: int | None = None


class RecipientIn(_In):
    id: str | None = None
    profile: dict[str, str | int | float] = {}
    updated: dict[str, dt.date] = {}
    consents: list[str] = []
    opt_outs: list[str] = []
    purchases: list[PurchaseIn] = []
    browsing: list[BrowseIn] = []
    last_active: Moment | None = None
    sensitive: dict[str, str] = {}

    def build(self) -> Recipient:
        return Recipient(
            id=self.id,
            profile=frozen_map({k: str(v) for k, v in self.profile.items()}),
            updated=frozen_map(self.updated),
            consents=frozenset(self.consents),
            opt_outs=frozenset(self.opt_outs),
            purchases=tuple(Purchase(p.item, p.date, p.category) for p in self.purchases),
            browsing=tuple(BrowseEvent(b.item, b.at, b.count) for b in self.browsing),
            last_active=self.last_active,
            sensitive=frozen_map(self.sensitive),
        )


class CampaignIn(_In):
    id: str | None = None
    tags: list[str] = []
    industry: str | None = None
    promoted_items: list[str] = []
    sent_at: Moment | None = None

    def build(self) -> Campaign:
        return Campaign(self.id, tuple(self.tags), self.industry, tuple(self.promoted_items),
                        self.sent_at)


class DraftIn(_In):
    id: str | None = None
    text: str
    locale: str = "en-US"
    channel: Channel = Channel.EMAIL
    brand: str | None = None
    recipient: RecipientIn = Field(default_factory=RecipientIn)
    campaign: CampaignIn = Field(default_factory=CampaignIn)

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        value = value.replace("_", "-")
        if not LOCALE_RE.match(value):
            raise ValueError(f"{value!r} is not a locale tag like 'en-US' or 'de'")
        parts = value.split("-")
        parts[0] = parts[0].lower()
        if len(parts[-1]) == 2 and len(parts) > 1:
            parts[-1] = parts[-1].upper()
        return "-".join(parts)

    def build(self) -> Draft:
        return Draft(self.text, self.id, self.locale, self.channel, self.brand,
                     self.recipient.build(), self.campaign.build())


def _surrogate(value: Any, path: tuple[str, ...] = ()) -> tuple[str, str, int] | None:
    """The field path, the character and its index of the first lone surrogate in ``value``.

    JSON may spell one (``"\\ud800"``) but it is not Unicode text: UTF-8 cannot encode it, so
    no check could tokenize it and no output line could carry it.
    """
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return ".".join(path), value[exc.start], exc.start
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _surrogate(key, path) or _surrogate(item, (*path, str(key)))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if found := _surrogate(item, (*path, str(index))):
                return found
    return None


def parse_draft(data: Any, *, source: str | None = None, line: int | None = None) -> Draft:
    """Validate one JSON object into a :class:`Draft`, or raise :class:`InputError`."""
    if not isinstance(data, Mapping):
        raise InputError(f"expected a JSON object, got {type(data).__name__}", source=source,
                         line=line)
    if found := _surrogate(data):
        where, char, index = found
        raise InputError(f"lone surrogate U+{ord(char):04X} at index {index} is not valid "
                         "Unicode text (it cannot be encoded as UTF-8)", source=source,
                         line=line, field=where or None)
    try:
        return DraftIn.model_validate(data).build()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or None
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        message = error["msg"].removeprefix("Value error, ")
        raise InputError(message + more, source=source, line=line, field=field) from exc


def parse_line(raw: str, *, source: str, line: int) -> Draft:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} at column {exc.colno}", source=source,
                         line=line) from exc
    return parse_draft(data, source=source, line=line)


def coerce_draft(draft: Draft | Mapping[str, Any] | str, **context: Any) -> Draft:
    """Accept a Draft, a JSON-like mapping, or text plus keyword context."""
    if isinstance(draft, Draft):
        if context:
            raise TypeError("pass context inside the Draft, not as keywords")
        return draft
    if isinstance(draft, str):
        return parse_draft({"text": draft, **context})
    return parse_draft({**draft, **context})


def finding_json(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "check": finding.check, "code": finding.code, "category": finding.category.value,
        "severity": finding.severity.value, "start": finding.start, "end": finding.end,
        "message": finding.message,
    }
    for key in ("suggestion", "fix", "field"):
        if (value := getattr(finding, key)) is not None:
            out[key] = value
    if finding.data:
        out["data"] = dict(finding.data)
    return out


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """The stable output object for one verdict."""
    out: dict[str, Any] = {
        "id": verdict.draft.id,
        "route": verdict.route.value,
        "personalized_share": verdict.personalized_share,
        "findings": [finding_json(f) for f in verdict.findings],
        "personalized_spans": [{"start": s.start, "end": s.end, "field": s.field}
                               for s in verdict.personalized_spans],
        "reasons": list(verdict.reasons),
        "timings_ms": dict(verdict.timings),
    }
    if verdict.fixed_text is not None:
        out["fixed_text"] = verdict.fixed_text
    return out


def error_json(error: InputError | Exception, draft_id: str | None = None) -> dict[str, Any]:
    """The output line for an input that could not be checked."""
    out: dict[str, Any] = {"id": draft_id, "route": None, "error": str(error)}
    if isinstance(error, InputError):
        out.update({k: v for k, v in (("line", error.line), ("field", error.field)) if v})
    return out
