"""Data minimization before generation: guard.minimize(recipient, campaign)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from copyguard import Guard
from copyguard.errors import InputError
from copyguard.guides import Personalization
from copyguard.minimize import REASONS, minimize
from copyguard.model import Recipient

SENT = "2026-11-22T09:00:00"
MARIA: dict[str, Any] = {
    "profile": {"first_name": "Maria", "last_name": "Garcia", "email": "maria@example.com",
                "phone": "+1 303 555 0142", "city": "Denver", "birthday": "1990-05-14",
                "religion": "catholic", "loyalty_tier": "Gold"},
    "updated": {"city": "2026-03-01"},
    "consents": ["personalization", "email"],
    "purchases": [{"item": "Trail boots", "date": "2026-10-30", "category": "footwear"},
                  {"item": "Old tent", "date": "2020-01-01", "category": "camping"},
                  {"item": "Wool socks", "date": "2026-06-01", "category": "footwear"}],
    "browsing": [{"item": "Alpine Shell jacket", "at": "2026-11-20T21:04:00", "count": 5}],
    "sensitive": {"health": "asthma"},
}


def fields(result: dict[str, Any]) -> list[str]:
    return [fact["field"] for fact in result["facts"]]


def reasons(result: dict[str, Any]) -> dict[str, str]:
    return {item["field"]: item["reason"] for item in result["withheld"]}


def test_the_first_name_leads_and_relevant_facts_follow(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"tags": ["birthday"], "sent_at": SENT})
    assert result["facts"] == [{"field": "profile.first_name", "value": "Maria"},
                               {"field": "profile.birth_month", "value": 5}]
    assert result["max_facts"] == 3
    json.dumps(result)  # JSON-ready


def test_never_sensitive_identifiers_or_extra_name_parts(guard: Guard) -> None:
    why = reasons(guard.minimize(MARIA, {"tags": ["winter-boots"], "sent_at": SENT}))
    assert why["sensitive.health"] == why["profile.religion"] == "sensitive"
    assert why["profile.email"] == why["profile.phone"] == "identifier"
    assert why["profile.last_name"] == "first_name_suffices"
    assert set(why.values()) <= set(REASONS)


def test_withheld_never_carries_values(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"tags": ["winter"], "sent_at": SENT})
    dumped = json.dumps(result["withheld"])
    for secret in ("maria@example.com", "asthma", "catholic", "Garcia", "0142"):
        assert secret not in dumped


def test_stale_data_is_withheld(guard: Guard) -> None:
    why = reasons(guard.minimize(MARIA, {"tags": ["camping"], "sent_at": SENT}))
    assert why["purchases[1]"] == "stale"
    recipient = {**MARIA, "updated": {"city": "2024-01-01"}}
    assert reasons(guard.minimize(recipient, {"tags": ["store-opening"],
                                              "sent_at": SENT}))["profile.city"] == "stale"


def test_relevance_to_the_campaign_orders_and_filters(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"tags": ["footwear"], "promoted_items": ["Trail gaiters"],
                                    "sent_at": SENT})
    assert fields(result) == ["profile.first_name", "purchases.category"]
    assert result["facts"][1] == {"field": "purchases.category", "value": "footwear",
                                  "avoid_promoting": True}
    why = reasons(result)
    assert why["profile.loyalty_tier"] == why["browsing[0]"] == "not_relevant"


def test_browsed_items_come_without_times_or_counts(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"promoted_items": ["Alpine Shell jacket"], "sent_at": SENT})
    browsed = [f for f in result["facts"] if f["field"] == "browsing.item"]
    assert browsed == [{"field": "browsing.item", "value": "Alpine Shell jacket",
                        "observed": True}]


def test_store_campaigns_make_the_city_relevant(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"tags": ["store-opening"], "sent_at": SENT})
    assert fields(result) == ["profile.first_name", "profile.city"]


def test_at_most_max_facts(guard: Guard) -> None:
    policy = Personalization(max_facts=2)
    result = minimize(MARIA, {"sent_at": SENT}, policy=policy)
    assert len(result["facts"]) == 2 and result["facts"][0]["field"] == "profile.first_name"
    assert "over_limit" in reasons(result).values()
    assert minimize(MARIA, {"sent_at": SENT}, policy=Personalization(max_facts=0))["facts"] == []


def test_without_a_campaign_recent_facts_fill_the_slots(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"sent_at": SENT})
    assert fields(result)[0] == "profile.first_name"
    assert "browsing.item" not in fields(result)  # observed data needs a relevant campaign
    assert len(result["facts"]) == 3


def test_no_consent_means_nothing(guard: Guard) -> None:
    result = guard.minimize({**MARIA, "consents": ["email"]}, {"tags": ["birthday"]})
    assert result["facts"] == []
    assert set(reasons(result).values()) == {"no_consent"}


def test_never_use_fields_and_consumables_follow_the_policy() -> None:
    policy = Personalization(never_use=["city", "browsing"], consumables=["footwear"])
    result = minimize(MARIA, {"tags": ["store", "footwear"], "sent_at": SENT}, policy=policy)
    why = reasons(result)
    assert why["profile.city"] == "never_use" and why["browsing[0]"] == "never_use"
    footwear = next(f for f in result["facts"] if f["field"] == "purchases.category")
    assert "avoid_promoting" not in footwear


def test_the_date_of_birth_becomes_a_month(guard: Guard) -> None:
    result = guard.minimize(MARIA, {"tags": ["birthday"], "sent_at": SENT})
    assert "1990" not in json.dumps(result) and "14" not in json.dumps(result["facts"])


def test_accepts_recipient_objects_and_reports_bad_input(guard: Guard) -> None:
    recipient = Recipient(profile={"first_name": "Jonas"}, consents=frozenset({"personalization"}))
    assert guard.minimize(recipient)["facts"] == [{"field": "profile.first_name",
                                                   "value": "Jonas"}]
    with pytest.raises(InputError, match=r"recipient\.purchases\.0\.date"):
        guard.minimize({"purchases": [{"item": "x", "date": "not a date"}]})
    with pytest.raises(InputError, match=r"campaign\.tags"):
        minimize(MARIA, {"tags": "birthday"})


def test_the_reference_day_can_be_given() -> None:
    later = minimize(MARIA, {"tags": ["store"]}, today=date(2027, 6, 1))
    assert reasons(later)["profile.city"] == "stale"
