"""Data minimization before generation: the recipient facts a copy model may be given.

:func:`minimize` keeps what the copy can use tastefully and drops the rest, saying why:
nothing without the recipient's ``personalization`` consent; never special-category data,
identifiers (e-mail, phone, address ...), fields the brand never uses, or stale data; the
first name rather than the full name; a birth month rather than the date of birth; purchase
categories rather than orders; browsed items without times or counts; at most
``max_facts`` facts, the most relevant to the campaign first. Used by the LangChain
integration; in a notebook: ``Guard(brand="northwind").minimize(recipient, campaign)``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import spacy
from pydantic import ValidationError
from spacy.tokens import Doc

from copyguard.errors import InputError
from copyguard.guides import Personalization
from copyguard.io import CampaignIn, RecipientIn
from copyguard.model import Campaign, Recipient
from copyguard.personalization.dates import parse_birthdate
from copyguard.personalization.lexicon import field_roles
from copyguard.personalization.text import fold, stem
from copyguard.provenance import as_utc, send_time

CONSENT = "personalization"
REASONS = ("no_consent", "sensitive", "never_use", "identifier", "first_name_suffices",
           "stale", "not_relevant", "over_limit")


@dataclass(slots=True)
class _Fact:
    field: str
    value: str | int
    relevance: float = 0.0
    recency: date | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    always: bool = False  # the first name (and title): what almost every greeting uses
    sources: list[str] = dataclasses.field(default_factory=list)  # e.g. purchases[0], [2]

    def json(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, **self.extra}


def coerce_recipient(recipient: Recipient | Mapping[str, Any]) -> Recipient:
    if isinstance(recipient, Recipient):
        return recipient
    try:
        return RecipientIn.model_validate(recipient).build()
    except ValidationError as exc:
        raise _input_error("recipient", exc) from exc


def coerce_campaign(campaign: Campaign | Mapping[str, Any] | None) -> Campaign:
    if campaign is None:
        return Campaign()
    if isinstance(campaign, Campaign):
        return campaign
    try:
        return CampaignIn.model_validate(campaign).build()
    except ValidationError as exc:
        raise _input_error("campaign", exc) from exc


def _input_error(root: str, exc: ValidationError) -> InputError:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in (root, *error["loc"]))
    return InputError(error["msg"], field=where)


class _Relevance:
    """Scores a fact by the words it shares with the campaign's tags and promoted items."""

    def __init__(self, campaign: Campaign, language: str,
                 tokenize: Callable[[str], Doc]) -> None:
        self.language, self.tokenize = language, tokenize
        text = " ".join([*campaign.tags, *campaign.promoted_items])
        self.terms = self._stems(re.sub(r"[-_/]+", " ", text))
        self.folded = {fold(w) for w in re.split(r"[\W_]+", text) if w}

    def _stems(self, text: str) -> set[str]:
        return {stem(t.text, self.language) for t in self.tokenize(text)
                if any(c.isalnum() for c in t.text) and not t.is_stop}

    @property
    def known(self) -> bool:
        return bool(self.terms)

    def score(self, key: str, value: str) -> float:
        hints = field_roles().relevance_hints.get(key, ())
        if any(h in self.folded or any(w.startswith(h) for w in self.folded) for h in hints):
            return 1.0
        words = self._stems(value) | self._stems(key.replace("_", " "))
        return len(words & self.terms) / len(words) if words else 0.0


def minimize(recipient: Recipient | Mapping[str, Any],
             campaign: Campaign | Mapping[str, Any] | None = None, *,
             policy: Personalization | None = None, language: str = "en",
             today: date | None = None, tokenize: Callable[[str], Doc] | None = None,
             ) -> dict[str, Any]:
    """The recipient facts a copy model may be given for ``campaign``.

    Returns a JSON-ready dict::

        {"facts": [{"field": "profile.first_name", "value": "Maria"},
                   {"field": "purchases.category", "value": "running",
                    "avoid_promoting": True},       # bought within recent_purchase_days
                   {"field": "profile.birth_month", "value": 5}],
         "withheld": [{"field": "profile.email", "reason": "identifier"}, ...],
         "max_facts": 3}

    ``facts`` is ordered most relevant first (the first name, then a title the recipient
    chose, lead); it holds at most ``max_facts`` facts, name and title counting as one.
    Browsed items carry ``"observed": true`` (use them, never say you saw them); purchases
    bought within ``recent_purchase_days`` (not consumables) carry ``"avoid_promoting":
    true``. ``withheld`` names every datum left out and why (one of :data:`REASONS`), never
    its value. ``language`` picks the stemmer that matches facts to the campaign.
    """
    recipient, campaign = coerce_recipient(recipient), coerce_campaign(campaign)
    policy = policy or Personalization()
    today = today or send_time(campaign).date()
    tokenize = tokenize or _blank_tokenizer(language)
    return _Minimizer(recipient, campaign, policy, language, today, tokenize).run()


@cache
def _blank_tokenizer(language: str) -> Callable[[str], Doc]:
    """A blank pipeline's tokenizer (the guard passes its own shared pipeline instead)."""
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")
    tokenizer: Callable[[str], Doc] = nlp.tokenizer
    return tokenizer


class _Minimizer:
    def __init__(self, recipient: Recipient, campaign: Campaign, policy: Personalization,
                 language: str, today: date, tokenize: Callable[[str], Doc]) -> None:
        self.recipient, self.campaign, self.policy = recipient, campaign, policy
        self.today, self.tokenize, self.language = today, tokenize, language
        self.relevance = _Relevance(campaign, language, tokenize)
        self.withheld: list[dict[str, str]] = []
        self.never = {e.strip().removeprefix("profile.") for e in policy.never_use if e.strip()}

    def run(self) -> dict[str, Any]:
        if CONSENT not in {c.casefold() for c in self.recipient.consents}:
            self._withhold_all("no_consent")
            return self._result([])
        for name in self.recipient.sensitive:
            self._withhold(f"sensitive.{name}", "sensitive")
        facts = [*self._profile(), *self._purchases(), *self._browsing()]
        return self._result(self._select(facts))

    def _result(self, facts: list[_Fact]) -> dict[str, Any]:
        return {"facts": [f.json() for f in facts], "withheld": self.withheld,
                "max_facts": self.policy.max_facts}

    def _withhold(self, field_name: str, reason: str) -> None:
        self.withheld.append({"field": field_name, "reason": reason})

    def _withhold_fact(self, fact: _Fact, reason: str) -> None:
        for name in fact.sources or [fact.field]:
            self._withhold(name, reason)

    def _withhold_all(self, reason: str) -> None:
        r = self.recipient
        names = [f"profile.{k}" for k in r.profile] + [f"sensitive.{k}" for k in r.sensitive]
        names += [f"purchases[{i}]" for i in range(len(r.purchases))]
        names += [f"browsing[{i}]" for i in range(len(r.browsing))]
        for name in names:
            self._withhold(name, reason)

    def _stale(self, when: date | None) -> bool:
        return when is not None and (self.today - when).days > self.policy.stale_after_days

    def _banned(self, *names: str) -> bool:
        return any(n in self.never for n in names)

    # -- candidates -----------------------------------------------------------------------

    def _profile(self) -> Iterable[_Fact]:
        roles = field_roles()
        for key, value in self.recipient.profile.items():
            name, low = f"profile.{key}", key.lower()
            role = roles.role(name)
            updated = self.recipient.updated.get(key, self.recipient.updated.get(name))
            reason = self._profile_reason(low, role, updated)
            if reason is not None:
                self._withhold(name, reason)
            elif role == "birthday":
                fact = self._birth_month(name, str(value))
                if fact is not None:
                    yield fact
            elif role.startswith("name:") or role == "title":
                yield _Fact(name, str(value), always=True)
            else:
                yield _Fact(name, str(value), self.relevance.score(low, str(value)), updated)

    def _profile_reason(self, key: str, role: str, updated: date | None) -> str | None:
        roles = field_roles()
        if key in roles.sensitive:
            return "sensitive"
        if self._banned(key, f"profile.{key}", "profile"):
            return "never_use"
        if key in roles.identifiers or role in {"contact", "ignored"}:
            return "identifier"
        if role in {"name:middle", "name:last", "name:full"}:
            return "first_name_suffices"
        if role == "name:first" and self._has_preferred():
            return "first_name_suffices"
        if self._stale(updated):
            return "stale"
        return None

    def _has_preferred(self) -> bool:
        return any(field_roles().name_role.get(k.lower()) == "preferred" and v
                   for k, v in self.recipient.profile.items())

    def _birth_month(self, name: str, value: str) -> _Fact | None:
        parsed = parse_birthdate(value)
        key = name.removeprefix("profile.").lower()
        score = self.relevance.score("birthday", "birthday") or self.relevance.score(key, key)
        if parsed is None:
            self._withhold(name, "identifier")
            return None
        return _Fact("profile.birth_month", parsed.month, score)

    def _purchases(self) -> Iterable[_Fact]:
        by_label: dict[tuple[str, str], _Fact] = {}
        for i, purchase in enumerate(self.recipient.purchases):
            name = f"purchases[{i}]"
            if self._banned("purchases", name):
                self._withhold(name, "never_use")
                continue
            if self._stale(purchase.date):
                self._withhold(name, "stale")
                continue
            label = ("purchases.category", purchase.category) if purchase.category \
                else ("purchases.item", purchase.item)
            score = self.relevance.score("purchases", f"{purchase.item} {purchase.category or ''}")
            fact = by_label.get((label[0], fold(label[1])))
            if fact is None:
                fact = _Fact(label[0], label[1], score, purchase.date)
                by_label[(label[0], fold(label[1]))] = fact
            fact.sources.append(name)
            fact.relevance = max(fact.relevance, score)
            if purchase.date and (fact.recency is None or purchase.date > fact.recency):
                fact.recency = purchase.date
            if self._recent(purchase.date) and not self._consumable(purchase.item,
                                                                    purchase.category):
                fact.extra["avoid_promoting"] = True
        yield from by_label.values()

    def _recent(self, when: date | None) -> bool:
        return when is not None and 0 <= (self.today - when).days <= \
            self.policy.recent_purchase_days

    def _consumable(self, item: str, category: str | None) -> bool:
        words = {stem(t.text, self.language) for t in self.tokenize(f"{item} {category or ''}")}
        for term in self.policy.consumables:
            wanted = {stem(t.text, self.language) for t in self.tokenize(term)
                      if any(c.isalnum() for c in t.text)}
            if wanted and wanted <= words:
                return True
        return False

    def _browsing(self) -> Iterable[_Fact]:
        seen: set[str] = set()
        for i, event in enumerate(self.recipient.browsing):
            name = f"browsing[{i}]"
            when = as_utc(event.at).date() if event.at else None
            if self._banned("browsing", name):
                self._withhold(name, "never_use")
            elif self._stale(when):
                self._withhold(name, "stale")
            elif fold(event.item) not in seen:
                seen.add(fold(event.item))
                yield _Fact("browsing.item", event.item,
                            self.relevance.score("browsing", event.item), when,
                            extra={"observed": True}, sources=[name])

    # -- choosing -------------------------------------------------------------------------

    def _select(self, facts: list[_Fact]) -> list[_Fact]:
        """The name first, then the most relevant (recent first among equals); observed data
        (browsing) only when relevant; when the campaign says nothing to rank by, recent
        purchases and profile facts fill the remaining slots."""
        name_facts = sorted((f for f in facts if f.always),
                            key=lambda f: field_roles().role(f.field) == "title")
        others = [f for f in facts if not f.always]
        chosen = name_facts[:2] if self.policy.max_facts > 0 else []
        for fact in name_facts[len(chosen):]:
            self._withhold_fact(fact, "over_limit")
        slots = self.policy.max_facts - (1 if chosen else 0)
        ranked = sorted(others, key=lambda f: (-f.relevance, -(f.recency or date.min).toordinal()))
        for fact in ranked:
            relevant = fact.relevance > 0 or (not self.relevance.known
                                              and "observed" not in fact.extra)
            if not relevant:
                self._withhold_fact(fact, "not_relevant")
            elif slots <= 0:
                self._withhold_fact(fact, "over_limit")
            else:
                chosen.append(fact)
                slots -= 1
        return chosen
