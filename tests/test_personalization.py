"""The personalization check: share cap, fact cap, never-used fields, birth dates, caps from
brand guides (per channel), and tasteful copy that must pass in every language."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.personalization import PersonalizationCheck
from copyguard.guides import BrandGuide, Overlays, Personalization
from copyguard.io import coerce_draft
from copyguard.model import Category, Channel, Finding, Route

SENT = "2026-11-22T09:00:00"
CHECK = PersonalizationCheck()


def run(guard: Guard, text: str, locale: str = "en-US", *, guide: BrandGuide | None = None,
        channel: str = "email", **fields: Any) -> list[Finding]:
    fields.setdefault("campaign", {"sent_at": SENT})
    draft = coerce_draft(text, locale=locale, channel=channel, **fields)
    resolved = (guide or guard.guide()).resolve(draft.locale, draft.channel)
    return list(CHECK.run(CheckContext(draft, resolved, guard.nlp)))


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def mine(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings
            if f.category in {Category.PERSONALIZATION, Category.CONSENT}]


MARIA = {"profile": {"first_name": "Maria", "last_name": "Garcia", "city": "Lyon",
                     "birthday": "1990-05-14", "loyalty_tier": "Gold"},
         "consents": ["personalization", "email"],
         "purchases": [{"item": "Trail Runner 2", "date": "2026-03-02", "category": "running"}],
         "last_active": "2026-08-01T10:00:00"}

# -- the share cap ----------------------------------------------------------------------------

OVER_SHARE = "Maria, since you love running and live in Lyon, your Gold status gets you more."


def test_over_the_share_cap_reports_share_and_cap(guard: Guard) -> None:
    findings = [f for f in run(guard, OVER_SHARE, recipient=MARIA)
                if f.code == "share_exceeded"]
    assert len(findings) == 1
    data = findings[0].data
    assert data["share"] > 0.25 and data["max_share"] == 0.25
    assert f"{data['share']:.0%}" in findings[0].message and "25%" in findings[0].message
    assert data["personalized_words"] <= data["words"]


def test_under_the_share_cap_is_quiet(guard: Guard) -> None:
    text = ("Hi Maria, our autumn collection is here: warm layers, waterproof shells and "
            "boots built for wet trails, all made to last for years.")
    assert "share_exceeded" not in codes(run(guard, text, recipient=MARIA))


def test_the_share_cap_comes_from_the_brand_guide(guard: Guard) -> None:
    generous = BrandGuide(id="generous", personalization=Personalization(max_share=1.0,
                                                                         max_facts=9))
    assert "share_exceeded" not in codes(run(guard, OVER_SHARE, recipient=MARIA,
                                             guide=generous))
    strict = BrandGuide(id="strict", personalization=Personalization(max_share=0.05))
    text = "Hi Maria, our autumn collection is here: warm layers for wet trails."
    assert "share_exceeded" in codes(run(guard, text, recipient=MARIA, guide=strict))


def test_channel_overlays_change_the_caps(guard: Guard) -> None:
    guide = BrandGuide(id="pushy", overlays=Overlays(channels={
        Channel.PUSH: {"personalization": {"max_share": 1.0, "max_facts": 5}}}))
    assert "share_exceeded" in codes(run(guard, OVER_SHARE, recipient=MARIA, guide=guide))
    assert "share_exceeded" not in codes(run(guard, OVER_SHARE, recipient=MARIA, guide=guide,
                                             channel="push"))


# -- the fact cap -----------------------------------------------------------------------------


def test_more_facts_than_the_cap(guard: Guard) -> None:
    findings = [f for f in run(guard, OVER_SHARE, recipient=MARIA) if f.code == "too_many_facts"]
    assert len(findings) == 1
    assert findings[0].data["count"] == 4 and findings[0].data["max_facts"] == 3
    assert set(findings[0].data["facts"]) == {"name", "purchases[0]", "profile.city",
                                              "profile.loyalty_tier"}


def test_name_parts_count_as_one_fact(guard: Guard) -> None:
    text = "Maria Garcia, since you love running, see the new range in Lyon."
    facts = run(guard, text, recipient=MARIA, guide=BrandGuide(
        id="two", personalization=Personalization(max_facts=2, max_share=1)))
    finding = next(f for f in facts if f.code == "too_many_facts")
    assert finding.data["facts"] == ["name", "purchases[0]", "profile.city"]
    three = BrandGuide(id="three", personalization=Personalization(max_facts=3, max_share=1))
    assert "too_many_facts" not in codes(run(guard, text, recipient=MARIA, guide=three))


# -- never-used fields and birth dates ----------------------------------------------------------


def test_never_use_fields_are_errors(guard: Guard) -> None:
    guide = BrandGuide(id="no-tier", personalization=Personalization(never_use=["loyalty_tier"]))
    findings = run(guard, "As a Gold member, you get early access.", recipient=MARIA,
                   guide=guide)
    never = [f for f in findings if f.code == "never_use_field"]
    assert [(f.field, f.severity.value) for f in never] == [("profile.loyalty_tier", "error")]
    assert "never_use_field" not in codes(run(guard, "As a Gold member, you get early access.",
                                              recipient=MARIA))


def test_never_use_can_name_a_whole_record_kind(guard: Guard) -> None:
    guide = BrandGuide(id="no-purchases", personalization=Personalization(never_use=["purchases"]))
    findings = run(guard, "Since you love running, here is more.", recipient=MARIA, guide=guide)
    assert [f.field for f in findings if f.code == "never_use_field"] == [
        "purchases[0].category"]


@pytest.mark.parametrize(("locale", "text", "disclosed"), [
    ("en-US", "Happy birthday! You turn 36 today.", "You turn 36"),
    ("de-DE", "Alles Gute zum Geburtstag am 14.05.!", "14.05"),
    ("fr-FR", "Joyeux anniversaire ! Pour vos 36 ans, un cadeau.", "vos 36 ans"),
    ("it-IT", "Buon compleanno! Il 14 maggio è il tuo giorno.", "14 maggio"),
    ("es-ES", "¡Feliz cumpleaños! Cumples 36 años.", "Cumples 36 años"),
    ("pt-BR", "Feliz aniversário! Nascida em 14/05/1990, você merece.", "14/05/1990"),
])
def test_birth_dates_and_ages_are_disclosures(guard: Guard, locale: str, text: str,
                                              disclosed: str) -> None:
    findings = [f for f in run(guard, text, locale, recipient=MARIA)
                if f.code == "birth_date_disclosed"]
    assert [text[f.start:f.end] for f in findings] == [disclosed]


# -- tasteful copy passes -------------------------------------------------------------------

TASTEFUL = [
    # first name once
    ("en-US", "Hi Maria, our autumn collection has landed: warm layers, waterproof shells "
              "and boots made for wet trails. Come and see what is new this week."),
    ("de-DE", "Hallo Maria, unsere Herbstkollektion ist da: warme Schichten, wasserdichte "
              "Jacken und Stiefel für nasse Wege. Entdecke jetzt die Neuheiten der Woche."),
    ("fr-FR", "Bonjour Maria, notre collection d'automne est arrivée : des couches chaudes, "
              "des vestes imperméables et des bottes pour les sentiers mouillés."),
    # one relevant past purchase category
    ("en-US", "Since you love running, you might like our new trail range: lighter soles, "
              "better grip and a fit that lasts for hundreds of kilometres on any terrain."),
    ("it-IT", "Visto che ami il running, ecco la nuova linea trail: suole più leggere, più "
              "aderenza e una calzata che dura centinaia di chilometri su ogni terreno."),
    ("es-ES", "Como te encanta el running, te presentamos la nueva línea trail: suelas más "
              "ligeras, mejor agarre y un ajuste que dura cientos de kilómetros."),
    # a birthday offer without the date of birth
    ("en-US", "Happy birthday, Maria! Enjoy 20% off anything in store or online this month, "
              "with our compliments and best wishes for the year ahead."),
    ("pt-BR", "Feliz aniversário, Maria! Aproveite 20% de desconto em toda a loja durante "
              "este mês, com os nossos votos de um ano cheio de aventuras."),
    ("fr-FR", "Joyeux anniversaire Maria ! Profitez de 20 % de réduction sur toute la "
              "boutique pendant tout le mois, avec nos meilleurs vœux."),
    ("de-DE", "Alles Gute zum Geburtstag, Maria! Genieße diesen Monat 20 % Rabatt auf das "
              "ganze Sortiment, online und in allen Filialen."),
]


@pytest.mark.parametrize(("locale", "text"), TASTEFUL)
def test_tasteful_copy_passes(guard: Guard, locale: str, text: str) -> None:
    verdict = guard.check({"text": text, "locale": locale, "recipient": MARIA,
                           "campaign": {"sent_at": SENT, "tags": ["newsletter"]}})
    assert mine(verdict.findings) == []
    assert 0 < verdict.personalized_share <= 0.25


def test_an_over_personalized_draft_is_reviewed(guard: Guard) -> None:
    verdict = guard.check({"text": OVER_SHARE, "recipient": MARIA,
                           "campaign": {"sent_at": SENT}})
    assert {"share_exceeded", "too_many_facts"} <= {f.code for f in mine(verdict.findings)}
    assert verdict.route.rank >= Route.REVIEW.rank
