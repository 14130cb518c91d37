"""Freshness and relevance: stale profile fields, promoting a recent purchase, win-back copy
to active recipients. Thresholds come from the brand guide."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.personalization import PersonalizationCheck
from copyguard.guides import BrandGuide, Personalization
from copyguard.io import coerce_draft
from copyguard.model import Finding

CHECK = PersonalizationCheck()
SENT = "2026-11-22T09:00:00"
CODES = {"stale_field", "recent_purchase_promoted", "winback_active"}


def run(guard: Guard, text: str, recipient: dict[str, Any], locale: str = "en-US",
        campaign: dict[str, Any] | None = None, guide: BrandGuide | None = None,
        ) -> list[Finding]:
    draft = coerce_draft(text, locale=locale, recipient={"consents": ["personalization"],
                                                         **recipient},
                         campaign={"sent_at": SENT, **(campaign or {})})
    ctx = CheckContext(draft, (guide or guard.guide()).resolve(draft.locale, draft.channel),
                       guard.nlp)
    return [f for f in CHECK.run(ctx) if f.code in CODES]


# -- stale fields ---------------------------------------------------------------------------


def test_a_field_confirmed_long_ago_is_stale(guard: Guard) -> None:
    recipient = {"profile": {"city": "Denver"}, "updated": {"city": "2025-06-01"}}
    findings = run(guard, "Spring is coming to Denver: are you ready?", recipient)
    assert [(f.code, f.field) for f in findings] == [("stale_field", "profile.city")]
    assert findings[0].data["age_days"] == 539
    assert findings[0].data["stale_after_days"] == 365


def test_a_recently_confirmed_field_is_fresh(guard: Guard) -> None:
    recipient = {"profile": {"city": "Denver"}, "updated": {"city": "2026-03-01"}}
    assert run(guard, "Spring is coming to Denver: are you ready?", recipient) == []


def test_stale_after_days_comes_from_the_guide(guard: Guard) -> None:
    recipient = {"profile": {"city": "Denver"}, "updated": {"profile.city": "2026-03-01"}}
    strict = BrandGuide(id="fresh", personalization=Personalization(stale_after_days=90))
    assert [f.code for f in run(guard, "News from Denver for you.", recipient,
                                guide=strict)] == ["stale_field"]


# -- recent purchases -----------------------------------------------------------------------

BOOTS = {"purchases": [{"item": "Trail boots", "date": "2026-10-30", "category": "footwear"}]}


def test_promoting_what_the_recipient_just_bought(guard: Guard) -> None:
    findings = run(guard, "The Trail boots are built for winter.", BOOTS,
                   campaign={"promoted_items": ["Trail boots"]})
    assert [(f.code, f.field) for f in findings] == [
        ("recent_purchase_promoted", "purchases[0].item")]
    assert findings[0].data["days"] == 23


@pytest.mark.parametrize(("locale", "text", "item"), [
    ("en-US", "Buy your Coffee beans again today.", "Coffee beans"),
    ("de-DE", "Kauf jetzt deine Kaffeebohnen nach.", "Kaffeebohnen"),
    ("fr-FR", "Achetez votre café en grains, -20 % !", "café en grains"),
    ("it-IT", "Acquista di nuovo il tuo caffè in grani.", "caffè in grani"),
    ("es-ES", "Compra otra vez tu café en grano.", "café en grano"),
    ("pt-BR", "Compre de novo o seu café em grão.", "café em grão"),
])
def test_promoting_a_recent_purchase_in_the_copy(guard: Guard, locale: str, text: str,
                                                 item: str) -> None:
    recipient = {"purchases": [{"item": item, "date": "2026-11-10"}]}
    findings = run(guard, text, recipient, locale)
    assert [f.code for f in findings] == ["recent_purchase_promoted"]
    consumables = BrandGuide(id="coffee", personalization=Personalization(
        consumables=[item]))
    assert run(guard, text, recipient, locale, guide=consumables) == []


def test_mentioning_a_purchase_is_not_promoting_it(guard: Guard) -> None:
    text = "Love your Trail boots? Pair them with our wool socks, 20% off."
    assert run(guard, text, BOOTS) == []


def test_an_older_purchase_may_be_promoted_again(guard: Guard) -> None:
    old = {"purchases": [{"item": "Trail boots", "date": "2026-05-01"}]}
    assert run(guard, "The Trail boots are back.", old,
               campaign={"promoted_items": ["Trail boots"]}) == []
    longer = BrandGuide(id="patient", personalization=Personalization(recent_purchase_days=365))
    assert [f.code for f in run(guard, "The Trail boots are back.", old, guide=longer,
                                campaign={"promoted_items": ["Trail boots"]})] == [
        "recent_purchase_promoted"]


def test_consumable_categories_are_exempt(guard: Guard) -> None:
    coffee = {"purchases": [{"item": "House blend", "date": "2026-11-10", "category": "coffee"}]}
    guide = BrandGuide(id="cafe", personalization=Personalization(consumables=["coffee"]))
    assert run(guard, "House blend, now 10% off.", coffee, guide=guide,
               campaign={"promoted_items": ["House blend"]}) == []


# -- win-back -------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "phrase"), [
    ("en-US", "We miss you! Here is 10% off.", "We miss you"),
    ("en-US", "It's been a while. Come back and see what's new.", "It's been a while"),
    ("de-DE", "Wir vermissen dich! Hier sind 10 % Rabatt.", "Wir vermissen dich"),
    ("fr-FR", "Vous nous manquez ! Voici 10 % de remise.", "Vous nous manquez"),
    ("it-IT", "Ci manchi! Ecco il 10% di sconto.", "Ci manchi"),
    ("es-ES", "¡Te echamos de menos! Aquí tienes un 10 %.", "Te echamos de menos"),
    ("pt-BR", "Sentimos sua falta! Aqui estão 10% de desconto.", "Sentimos sua falta"),
])
def test_winback_to_an_active_recipient(guard: Guard, locale: str, text: str,
                                        phrase: str) -> None:
    active = {"last_active": "2026-11-20T10:00:00"}
    findings = run(guard, text, active, locale)
    assert [text[f.start:f.end] for f in findings][:1] == [phrase]
    assert {f.code for f in findings} == {"winback_active"}
    lapsed = {"last_active": "2026-06-01T10:00:00"}
    assert run(guard, text, lapsed, locale) == []


def test_come_back_for_more_is_not_winback(guard: Guard) -> None:
    assert run(guard, "Come back tomorrow for more deals.",
               {"last_active": "2026-11-20T10:00:00"}) == []


def test_active_days_comes_from_the_guide(guard: Guard) -> None:
    recent = {"last_active": "2026-10-01T10:00:00"}
    assert run(guard, "We miss you!", recent) == []
    guide = BrandGuide(id="slow", personalization=Personalization(active_days=90))
    assert [f.code for f in run(guard, "We miss you!", recent, guide=guide)] == [
        "winback_active"]
