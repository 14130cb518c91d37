"""Provenance: which words come from the recipient's data, which field, and the share."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.io import coerce_draft, verdict_json
from copyguard.provenance import Provenance, fact_key, share_breakdown, trace
from copyguard.render import marked_text, verdict_text

SENT = "2026-11-22T09:00:00"  # a Sunday; "last Tuesday" is 2026-11-17, "yesterday" 11-21


def traced(guard: Guard, text: str, locale: str = "en-US", **fields: Any
           ) -> tuple[Provenance, CheckContext]:
    fields.setdefault("campaign", {"sent_at": SENT})
    draft = coerce_draft(text, locale=locale, **fields)
    ctx = CheckContext(draft, guard.guide().resolve(draft.locale, draft.channel), guard.nlp)
    return trace(ctx), ctx


def spans_of(guard: Guard, text: str, locale: str = "en-US", **fields: Any
             ) -> list[tuple[str, str]]:
    provenance, _ = traced(guard, text, locale, **fields)
    return [(m.text, m.field) for m in provenance.matches]


def recipient(**extra: Any) -> dict[str, Any]:
    return {"consents": ["personalization"], **extra}


# -- names, case, possessives, inflection -----------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("en-US", "Maria's picks are in.", [("Maria", "profile.first_name")]),
    ("en-US", "HI MARIA, big news.", [("MARIA", "profile.first_name")]),
    ("de-DE", "Marias Favoriten sind da.", [("Maria", "profile.first_name")]),
    ("fr-FR", "Les favoris de Maria sont là.", [("Maria", "profile.first_name")]),
    ("it-IT", "I preferiti di Maria.", [("Maria", "profile.first_name")]),
    ("es-ES", "Los favoritos de Maria.", [("Maria", "profile.first_name")]),
    ("pt-BR", "Os favoritos da Maria.", [("Maria", "profile.first_name")]),
])
def test_names_are_found_whatever_case_and_possessive(guard: Guard, locale: str, text: str,
                                                      expected: list[tuple[str, str]]) -> None:
    assert spans_of(guard, text, locale, recipient=recipient(
        profile={"first_name": "Maria"})) == expected


def test_a_name_inside_another_word_is_not_the_name(guard: Guard) -> None:
    assert spans_of(guard, "Our Marianne collection is here.", recipient=recipient(
        profile={"first_name": "Maria"})) == []


def test_umlaut_spelling_variants_are_the_same_name(guard: Guard) -> None:
    found = spans_of(guard, "Hallo Herr Mueller.", "de-DE", recipient=recipient(
        profile={"last_name": "Müller"}))
    assert found == [("Mueller", "profile.last_name")]


@pytest.mark.parametrize(("locale", "item", "text", "mention"), [
    ("en-US", "Trail boot", "Still loving your trail boots?", "trail boots"),
    ("de-DE", "Daunenjacke", "Wie gefallen dir deine Daunenjacken?", "Daunenjacken"),
    ("fr-FR", "chaussure de randonnée", "Vos chaussures de randonnée vous attendent.",
     "chaussures de randonnée"),
    ("it-IT", "scarpa da trekking", "Le tue scarpe da trekking sono pronte.",
     "scarpe da trekking"),
    ("es-ES", "zapatilla de trail", "Tus zapatillas de trail te esperan.",
     "zapatillas de trail"),
    ("pt-BR", "bota de trilha", "Suas botas de trilha chegaram.", "botas de trilha"),
])
def test_purchased_items_match_through_inflection(guard: Guard, locale: str, item: str,
                                                  text: str, mention: str) -> None:
    found = spans_of(guard, text, locale, recipient=recipient(
        purchases=[{"item": item, "date": "2026-01-10"}]))
    assert found == [(mention, "purchases[0].item")]


def test_a_stemmer_that_strips_prefixes_compares_every_word(guard: Guard) -> None:
    """Words are stemmed lazily, and in most languages only words with the value's first
    letter are compared; Indonesian strips prefixes ("membeli" is "beli"), so all are."""
    found = spans_of(guard, "Kamu membeli tas baru.", "id-ID", recipient=recipient(
        purchases=[{"item": "beli", "date": "2026-01-10"}]))
    assert found == [("membeli", "purchases[0].item")]


def test_item_names_match_through_light_paraphrase(guard: Guard) -> None:
    found = spans_of(guard, "Your Alpine Shell is ready for the first snow.", recipient=recipient(
        browsing=[{"item": "Alpine Shell jacket"}]))
    assert found == [("Alpine Shell", "browsing[0].item")]


def test_one_shared_word_is_not_a_paraphrase(guard: Guard) -> None:
    assert spans_of(guard, "Your next jacket is here.", recipient=recipient(
        browsing=[{"item": "Alpine Shell jacket"}])) == []


def test_item_words_in_brand_copy_are_not_personalization(guard: Guard) -> None:
    """Generic words are personal only when the clause speaks to the recipient."""
    text = "Our winter collection is here: waterproof shells and boots for every trail."
    assert spans_of(guard, text, recipient=recipient(
        purchases=[{"item": "Trail boots", "date": "2026-10-30", "category": "footwear"}])) == []
    assert spans_of(guard, "Your Trail boots are ready for winter.", recipient=recipient(
        purchases=[{"item": "Trail boots"}])) == [("Trail boots", "purchases[0].item")]


def test_a_purchase_category_counts_when_tied_to_the_recipient(guard: Guard) -> None:
    data = recipient(purchases=[{"item": "Trail Runner 2", "category": "running"}])
    assert spans_of(guard, "Since you love running, meet the new range.", recipient=data) == [
        ("running", "purchases[0].category")]
    assert spans_of(guard, "Running season starts now.", recipient=data) == []


def test_the_promoted_item_is_brand_copy_unless_tied_to_the_recipient(guard: Guard) -> None:
    data = recipient(browsing=[{"item": "Alpine Shell jacket"}])
    campaign = {"sent_at": SENT, "promoted_items": ["Alpine Shell jacket"]}
    assert spans_of(guard, "The Alpine Shell jacket is back.", recipient=data,
                    campaign=campaign) == []
    assert spans_of(guard, "The Alpine Shell jacket you liked is back.", recipient=data,
                    campaign=campaign) == [("Alpine Shell jacket", "browsing[0].item")]


def test_places_match_with_derived_forms(guard: Guard) -> None:
    assert spans_of(guard, "Berliner Luft für dich.", "de-DE", recipient=recipient(
        profile={"city": "Berlin"})) == [("Berliner", "profile.city")]
    assert spans_of(guard, "Notre sélection parisienne.", "fr-FR", recipient=recipient(
        profile={"city": "Paris"})) == [("parisienne", "profile.city")]


def test_phone_numbers_match_whatever_the_format(guard: Guard) -> None:
    found = spans_of(guard, "Wir rufen dich an: 030 1234567.", "de-DE", recipient=recipient(
        profile={"phone": "+49 30 1234567"}))
    assert found == [("030 1234567", "profile.phone")]


def test_cjk_values_are_found_without_spaces(guard: Guard) -> None:
    found = spans_of(guard, "田中様、東京店で新商品をご用意しました。", "ja-JP",
                     recipient=recipient(profile={"last_name": "田中", "city": "東京"}))
    assert found == [("田中", "profile.last_name"), ("東京", "profile.city")]


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "mention"), [
    ("en-US", "You were here last Tuesday at 9pm.", "last Tuesday at 9pm"),
    ("de-DE", "Du warst letzten Dienstag um 21 Uhr hier.", "letzten Dienstag um 21 Uhr"),
    ("fr-FR", "Vous étiez là mardi dernier à 21h.", "mardi dernier à 21h"),
    ("it-IT", "Eri qui martedì scorso alle 21.", "martedì scorso alle 21"),
    ("es-ES", "Estuviste aquí el martes pasado a las 21:00.", "el martes pasado a las 21:00"),
    ("pt-BR", "Você esteve aqui na terça passada às 21h.", "na terça passada às 21h"),
])
def test_relative_weekdays_resolve_to_the_visit(guard: Guard, locale: str, text: str,
                                                mention: str) -> None:
    found = spans_of(guard, text, locale, recipient=recipient(
        browsing=[{"item": "Alpine Shell jacket", "at": "2026-11-17T21:00:00"}]))
    assert found == [(mention, "browsing[0].at")]


@pytest.mark.parametrize(("locale", "word"), [
    ("en-US", "yesterday"), ("de-DE", "gestern"), ("fr-FR", "hier"), ("it-IT", "ieri"),
    ("es-ES", "ayer"), ("pt-BR", "ontem")])
def test_yesterday_is_the_purchase_of_yesterday_only(guard: Guard, locale: str,
                                                     word: str) -> None:
    bought = [{"item": "Daunenjacke", "date": "2026-11-21"}]
    assert spans_of(guard, f"{word.capitalize()}!", locale, recipient=recipient(
        purchases=bought)) == [(word.capitalize(), "purchases[0].date")]
    older = [{"item": "Daunenjacke", "date": "2026-11-10"}]
    assert spans_of(guard, f"{word.capitalize()}!", locale,
                    recipient=recipient(purchases=older)) == []


def test_future_weekdays_are_not_past_visits(guard: Guard) -> None:
    assert spans_of(guard, "Our sale starts on Tuesday at 9 am.", recipient=recipient(
        browsing=[{"item": "Alpine Shell jacket", "at": "2026-11-17T21:00:00"}])) == []


@pytest.mark.parametrize(("locale", "text", "mention"), [
    ("en-US", "Your order of 11/01 has shipped.", "11/01"),
    ("en-GB", "Your order of 1 November has shipped.", "1 November"),
    ("de-DE", "Deine Bestellung vom 01.11. ist unterwegs.", "01.11"),
    ("fr-FR", "Votre commande du 1er novembre est partie.", "1er novembre"),
    ("es-ES", "Tu pedido del 1 de noviembre ya salió.", "1 de noviembre"),
])
def test_explicit_dates_match_the_purchase_date(guard: Guard, locale: str, text: str,
                                                mention: str) -> None:
    found = spans_of(guard, text, locale, recipient=recipient(
        purchases=[{"item": "Daunenjacke", "date": "2026-11-01"}]))
    assert (mention, "purchases[0].date") in found


def test_birthday_word_and_month_count_the_date_of_birth_is_a_disclosure(guard: Guard) -> None:
    data = recipient(profile={"first_name": "Maria", "birthday": "1990-05-14"})
    provenance, _ = traced(guard, "Happy birthday, Maria! Your May treat is 20% off.",
                           recipient=data)
    assert [(m.text, m.kind) for m in provenance.matches] == [
        ("birthday", "birthday"), ("Maria", "exact")]
    provenance, _ = traced(guard, "Happy birthday! Born on May 14, 1990, you turn 36 in May.",
                           recipient=data)
    kinds = {(m.text, m.kind) for m in provenance.matches}
    assert ("May 14, 1990", "birth_date") in kinds
    assert ("you turn 36", "birth_date") in kinds


# -- misspelt names -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "written", "found"), [
    ("John", "Jon", True), ("Maria", "Mariah", True), ("Marc", "Mark", True),
    ("Maria", "Martin", False), ("Anna", "And", False),
])
def test_misspelt_names_are_traced_to_the_name_field(guard: Guard, name: str, written: str,
                                                     found: bool) -> None:
    provenance, _ = traced(guard, f"Thanks for shopping with us, {written}.", recipient=recipient(
        profile={"first_name": name}))
    misspelt = [(m.text, m.field) for m in provenance.of_kind("misspelt")]
    assert misspelt == ([(written, "profile.first_name")] if found else [])


def test_a_capitalised_sentence_opener_is_not_a_misspelt_name(guard: Guard) -> None:
    provenance, _ = traced(guard, "Mark your calendar: the sale starts Friday.",
                           recipient=recipient(profile={"first_name": "Marc"}))
    assert provenance.matches == ()


# -- the share ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "share"), [
    # 7 words; only the name counts: 1/7
    ("Hi Maria, our autumn range is here.", round(1 / 7, 4)),
    # "you love running" ties the fact to the reader (3 words); 9 words in all
    ("Since you love running, here is our new range.", round(3 / 9, 4)),
    # the reader after the fact: "Running is what you" (4 of 10)
    ("Running is what you love, so meet our new range.", round(4 / 10, 4)),
    # the offer after the fact in the same clause is the brand's: "your running" (2 of 10)
    ("For your running we have new socks at 20% off.", round(2 / 10, 4)),
    # the nearest second-person word counts, not the first one: "your running" (2 of 12)
    ("You get new socks at 20% off for your running this week.", round(2 / 12, 4)),
    # a fact in a clause that does not speak to the recipient counts alone: 1/6
    ("Greetings from Lyon to our friends.", round(1 / 6, 4)),
    # no recipient data at all
    ("Our autumn range is here.", 0.0),
])
def test_share_counts_address_words_and_the_words_tying_facts_to_the_reader(
        guard: Guard, text: str, share: float) -> None:
    data = recipient(profile={"first_name": "Maria", "city": "Lyon"},
                     purchases=[{"item": "Trail Runner 2", "category": "running"}])
    provenance, ctx = traced(guard, text, recipient=data)
    assert share_breakdown(ctx.doc, provenance.spans).share == share


def test_share_in_german_counts_the_fact_not_the_offer_in_its_clause(guard: Guard) -> None:
    """German puts no comma after a leading phrase: "Passend zu Ihren Laufschuhen gibt es
    ... 15 % auf alle Laufsocken" is one clause, and only "Ihren Laufschuhen" is about the
    recipient (2 of 12 words; "%" is not a word)."""
    data = recipient(profile={"first_name": "Anna"},
                     purchases=[{"item": "Laufschuhe Aero 3", "category": "Laufschuhe"}])
    text = "Passend zu Ihren Laufschuhen gibt es diese Woche 15 % auf alle Laufsocken."
    provenance, ctx = traced(guard, text, "de-DE", recipient=data)
    assert [m.text for m in provenance.matches] == ["Laufschuhen"]
    breakdown = share_breakdown(ctx.doc, provenance.spans)
    assert (breakdown.words, breakdown.personalized_words) == (12, 2)
    assert [text[s:e] for s, e in breakdown.ranges] == ["Ihren Laufschuhen"]


def test_a_split_possessive_is_not_a_word(guard: Guard) -> None:
    provenance, ctx = traced(guard, "Maria's picks are in.", recipient=recipient(
        profile={"first_name": "Maria"}))
    breakdown = share_breakdown(ctx.doc, provenance.spans)
    assert (breakdown.words, breakdown.personalized_words) == (4, 1)


def test_facts_group_a_purchase_and_the_name(guard: Guard) -> None:
    assert fact_key("profile.first_name") == fact_key("profile.last_name") == "name"
    assert fact_key("profile.title") == "name"
    assert fact_key("purchases[2].item") == fact_key("purchases[2].date") == "purchases[2]"
    assert fact_key("profile.city") == "profile.city"


def test_every_verdict_reports_the_share_and_spans(guard: Guard) -> None:
    verdict = guard.check({"text": "Hi Maria, since you love running, meet our new range.",
                           "recipient": recipient(profile={"first_name": "Maria"}, purchases=[
                               {"item": "Trail Runner 2", "category": "running"}])})
    assert [(s.field, s.value) for s in verdict.personalized_spans] == [
        ("profile.first_name", "Maria"), ("purchases[0].category", "running")]
    assert verdict.personalized_share == round(4 / 10, 4)  # Maria, "you love running"
    out = verdict_json(verdict)
    assert out["personalized_share"] == verdict.personalized_share
    assert [s["field"] for s in out["personalized_spans"]] == [
        "profile.first_name", "purchases[0].category"]
    assert "{Maria}" in marked_text(verdict) and "{running}" in marked_text(verdict)
    assert "personalized share 40%" in verdict_text(verdict)


def test_a_verdict_without_recipient_data_has_a_zero_share(guard: Guard) -> None:
    verdict = guard.check("Our autumn range is here.")
    assert verdict.personalized_share == 0.0
    assert verdict.personalized_spans == ()
