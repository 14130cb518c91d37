"""The immutable objects copyguard works with: drafts, recipients, findings and verdicts.

Everything here is a frozen dataclass. JSON enters and leaves through :mod:`copyguard.io`
(pydantic); inside the package only these objects travel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class Category(StrEnum):
    PII = "pii"
    SENSITIVE = "sensitive"
    PERSONALIZATION = "personalization"
    CONSENT = "consent"
    BRAND = "brand"
    LOCALE = "locale"
    COMPLIANCE = "compliance"


class Severity(StrEnum):
    """How bad a finding is, from a hint to a must-not-send."""

    INFO = "info"
    SUGGESTION = "suggestion"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = tuple(Severity)


class Route(StrEnum):
    """Where a draft goes: sent, fixed automatically, to a person, or nowhere."""

    PASS = "pass"
    REVISE = "revise"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _ROUTE_ORDER.index(self)

    def at_least(self, other: Route) -> Route:
        """The stricter of the two routes."""
        return self if self.rank >= other.rank else other


_ROUTE_ORDER = tuple(Route)

class FrozenMap(Mapping[str, Any]):
    """A read-only mapping that pickles (verdicts cross process boundaries in batch mode)."""

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    # The dict's own views (read-only), not Mapping's item-by-item ones: checks read the
    # recipient's profile several times per draft.
    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def values(self) -> ValuesView[Any]:
        return self._data.values()

    def items(self) -> ItemsView[str, Any]:
        return self._data.items()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple[type[FrozenMap], tuple[dict[str, Any]]]:
        return FrozenMap, (self._data,)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return dict(self) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items(), key=repr)))


EMPTY: Mapping[str, Any] = FrozenMap()


def no_data() -> Mapping[str, Any]:
    """Default for mapping fields (a shared, read-only empty mapping)."""
    return EMPTY


def frozen_map(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of a mapping (dataclass fields must not be mutated behind our back)."""
    return FrozenMap(values)


@dataclass(frozen=True, slots=True)
class Purchase:
    item: str
    date: date | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class BrowseEvent:
    item: str
    at: datetime | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the pipeline knows about the person the copy is for.

    ``profile`` holds plain fields (``first_name``, ``email``, ``city`` ...), ``updated`` the
    date each field was last confirmed, ``sensitive`` special-category data that must never
    surface in copy.
    """

    id: str | None = None
    profile: Mapping[str, str] = dataclasses.field(default_factory=no_data)
    updated: Mapping[str, date] = dataclasses.field(default_factory=no_data)
    consents: frozenset[str] = frozenset()
    opt_outs: frozenset[str] = frozenset()
    purchases: tuple[Purchase, ...] = ()
    browsing: tuple[BrowseEvent, ...] = ()
    last_active: datetime | None = None
    sensitive: Mapping[str, str] = dataclasses.field(default_factory=no_data)

    @property
    def first_name(self) -> str | None:
        return self.profile.get("first_name")


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str | None = None
    tags: tuple[str, ...] = ()
    industry: str | None = None
    promoted_items: tuple[str, ...] = ()
    sent_at: datetime | None = None


@lru_cache(maxsize=1024)  # checks ask for these many times per draft
def _locale_parts(locale: str) -> tuple[str, str | None]:
    parts = locale.split("-")
    region = parts[-1].upper() if len(parts) > 1 and len(parts[-1]) == 2 else None
    return parts[0].lower(), region


@dataclass(frozen=True, slots=True)
class Draft:
    """One piece of copy for one recipient, as the generator wrote it."""

    text: str
    id: str | None = None
    locale: str = "en-US"
    channel: Channel = Channel.EMAIL
    brand: str | None = None
    recipient: Recipient = dataclasses.field(default_factory=Recipient)
    campaign: Campaign = dataclasses.field(default_factory=Campaign)

    @property
    def language(self) -> str:
        return _locale_parts(self.locale)[0]

    @property
    def region(self) -> str | None:
        return _locale_parts(self.locale)[1]

    def with_text(self, text: str) -> Draft:
        return Draft(text, self.id, self.locale, self.channel, self.brand, self.recipient,
                     self.campaign)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found, anchored to ``text[start:end]`` of the draft.

    ``fix`` is the replacement text for the span when the problem can be fixed automatically
    (``""`` deletes the span); ``field`` names the recipient field the finding came from.
    """

    check: str
    code: str
    category: Category
    severity: Severity
    message: str
    start: int = 0
    end: int = 0
    suggestion: str | None = None
    fix: str | None = None
    field: str | None = None
    data: Mapping[str, Any] = dataclasses.field(default_factory=no_data)

    @property
    def fixable(self) -> bool:
        return self.fix is not None


@dataclass(frozen=True, slots=True)
class PersonalizedSpan:
    """Words of the draft that come from the recipient's data, and the field they came from."""

    start: int
    end: int
    field: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one draft.

    ``reasons`` says in words why the draft got its route; ``timings`` holds milliseconds per
    check, plus ``provenance`` (finding the personalized words, shared by the checks).
    """

    draft: Draft
    route: Route
    findings: tuple[Finding, ...] = ()
    personalized_share: float = 0.0
    personalized_spans: tuple[PersonalizedSpan, ...] = ()
    fixed_text: str | None = None
    reasons: tuple[str, ...] = ()
    timings: Mapping[str, float] = dataclasses.field(default_factory=no_data)

    @property
    def passed(self) -> bool:
        return self.route is Route.PASS

    def by_category(self) -> dict[Category, list[Finding]]:
        grouped: dict[Category, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.category, []).append(finding)
        return grouped

    def __repr__(self) -> str:
        return (f"Verdict(id={self.draft.id!r}, route={self.route.value!r}, "
                f"findings={len(self.findings)}, personalized_share={self.personalized_share:.2f})")

    def _repr_html_(self) -> str:
        from copyguard.render import verdict_html

        return verdict_html(self)
