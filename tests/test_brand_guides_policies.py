"""The shipped guides' policies that other checks enforce from the guide: personalization caps,
fields never used, the recipient's health, and the register of address (du / tu)."""

from __future__ import annotations

from copyguard import Category, Route

TAGLINE = "Made for the way you roam"
DISCLAIMER = "Plan details and exclusions apply."
SENT = {"sent_at": "2026-11-22T09:00:00"}
MARIA = {"profile": {"first_name": "Maria", "city": "Denver"}, "consents": ["personalization"],
         "purchases": [{"item": "Trailblazer Hiking Boots", "date": "2025-01-10"}]}
# 7 of 29 words come from the recipient (24%): over Northwind's 20% and Civica's 10%,
# under the default 25%
SHARE_23 = ("Maria, your Trailblazer Hiking Boots and your Denver trails deserve a partner. Our "
            "new rain shell keeps you dry on every trail. It packs small and weighs almost "
            "nothing.")
# 7 of 47 words (15%): over Civica's cap only
SHARE_16 = (SHARE_23 + " The hood fits over a helmet. The zips work with gloves on. Take it on "
            "your next hike.")
THREE_FACTS = ("Maria, the trails around Denver are calling, and your Trailblazer Hiking Boots are "
               "ready. Our new rain shell keeps you dry on every trail, packs small and weighs "
               "almost nothing, so it fits in any pack you own. Take it on your next long hike "
               "and stay dry.")
TWO_FACTS = THREE_FACTS.replace(", and your Trailblazer Hiking Boots are ready", "")


def codes(verdict, check="personalization"):
    return {f.code for f in verdict.findings if f.check == check}


def run(guard, text, brand, **context):
    context.setdefault("recipient", MARIA)
    context.setdefault("campaign", SENT)
    return guard.check(text, brand=brand, **context)


def test_share_caps_per_brand(guard):
    assert round(run(guard, SHARE_23, None).personalized_share, 2) == 0.24
    assert round(run(guard, SHARE_16, None).personalized_share, 2) == 0.15
    assert "share_exceeded" in codes(run(guard, SHARE_23, "northwind", channel="sms"))
    assert "share_exceeded" not in codes(run(guard, SHARE_23, None, channel="sms"))
    assert "share_exceeded" not in codes(run(guard, SHARE_16, "northwind", channel="sms"))
    assert "share_exceeded" in codes(run(guard, SHARE_16, "civica", channel="sms"))
    clean = "Your plan now covers an annual eye exam at no extra cost."
    assert "share_exceeded" not in codes(run(guard, clean, "civica", channel="sms"))


def test_first_name_at_most_once(guard):
    twice = f"Maria, our new rain shell is here. See you on the trail, Maria. {TAGLINE}"
    once = f"Maria, our new rain shell is here. See you on the trail. {TAGLINE}"
    assert "name_repeated" in codes(run(guard, twice, "northwind"))
    assert "name_repeated" not in codes(run(guard, once, "northwind"))
    civica_twice = f"Maria, your plan renews in May. Thank you, Maria. {DISCLAIMER}"
    civica_once = f"Maria, your plan renews in May. Thank you. {DISCLAIMER}"
    assert "name_repeated" in codes(run(guard, civica_twice, "civica"))
    assert "name_repeated" not in codes(run(guard, civica_once, "civica"))


def test_northwind_uses_at_most_two_profile_facts(guard):
    assert "too_many_facts" in codes(run(guard, f"{THREE_FACTS} {TAGLINE}", "northwind"))
    assert "too_many_facts" not in codes(run(guard, f"{TWO_FACTS} {TAGLINE}", "northwind"))
    assert "too_many_facts" not in codes(run(guard, THREE_FACTS, None))  # default cap is 3


def test_civica_never_mentions_the_recipients_health(guard):
    recipient = {"profile": {"first_name": "Maria"}, "consents": ["personalization"],
                 "sensitive": {"health_condition": "type 2 diabetes"}}
    bad = run(guard, f"Managing type 2 diabetes is easier with our plan. {DISCLAIMER}", "civica",
              recipient=recipient)
    assert any(f.category is Category.SENSITIVE for f in bad.findings)
    assert bad.route is Route.BLOCK
    good = run(guard, f"Your plan now covers an annual eye exam at no extra cost. {DISCLAIMER}",
               "civica", recipient=recipient)
    assert not any(f.category is Category.SENSITIVE for f in good.findings)
    assert good.route is Route.REVIEW  # insurance: a person always signs off


def informal_flags(verdict):
    text = verdict.draft.text
    return [text[f.start:f.end] for f in verdict.findings
            if f.category is Category.LOCALE or f.code == "register"]


def test_northwind_says_du_and_tu(guard):
    recipient = {"profile": {"first_name": "Maria"}, "consents": ["personalization"]}
    for locale, text in (("de-DE", "Hallo Maria, entdecke deine neue Regenjacke."),
                         ("fr-FR", "Salut Maria, découvre ta nouvelle veste.")):
        northwind = run(guard, text, "northwind", locale=locale, channel="sms",
                        recipient=recipient)
        assert informal_flags(northwind) == [], locale
        civica = run(guard, text, "civica", locale=locale, channel="sms", recipient=recipient)
        assert informal_flags(civica), locale  # a formal brand may not say du / tu
