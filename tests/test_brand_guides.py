"""The two shipped guides, rule by rule: failing copy is flagged, passing copy is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard import Route
from copyguard.guides import load_guide

ROOT = Path(__file__).resolve().parents[1]
TAGLINE = "Made for the way you roam"
DISCLAIMER = "Plan details and exclusions apply."
NW_OK = f"Our new rain shell keeps you dry on every trail. {TAGLINE}"
CIVICA_OK = f"Your plan now covers an annual eye exam at no extra cost. {DISCLAIMER}"


def brand_findings(verdict):
    text = verdict.draft.text
    return [(f.code, text[f.start:f.end]) for f in verdict.findings if f.check == "brand"]


def run(guard, text, brand, channel="email", locale="en-US"):
    return guard.check(text, brand=brand, channel=channel, locale=locale)


def test_both_guides_load_with_identity():
    northwind = load_guide(ROOT / "brand_guides" / "northwind.yaml")
    civica = load_guide(ROOT / "brand_guides" / "civica.yaml")
    assert (northwind.id, northwind.industry, northwind.regulated) == ("northwind", "retail",
                                                                       False)
    assert (civica.id, civica.industry, civica.regulated) == ("civica", "insurance", True)
    assert northwind.version == civica.version == "1.0.0"


# (brand, channel, locale, failing copy, expected (code, matched) findings, passing copy)
RULES = [
    # northwind: the brand name
    ("northwind", "email", "en-US", f"Gear from NorthWind. {TAGLINE}",
     [("term_case", "NorthWind")], f"Gear from Northwind. {TAGLINE}"),
    ("northwind", "email", "en-US", f"NORTHWIND gear. {TAGLINE}",
     [("term_case", "NORTHWIND")], f"Northwind gear. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Gear from North Wind. {TAGLINE}",
     [("deprecated_term", "North Wind")], f"Gear from Northwind, built for a cold north "
                                          f"wind. {TAGLINE}"),
    # northwind: banned phrases
    ("northwind", "email", "en-US", f"Cheap tents for everyone. {TAGLINE}",
     [("banned_phrase", "Cheap")], f"Affordable tents for everyone. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Act now to save. {TAGLINE}",
     [("banned_phrase", "Act now")], f"Save this weekend. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Guaranteed to keep you dry. {TAGLINE}",
     [("banned_phrase", "Guaranteed")], f"Built to keep you dry. {TAGLINE}"),
    ("northwind", "email", "en-US", f"A risk-free trial. {TAGLINE}",
     [("banned_phrase", "risk-free")], f"A 30-day trial. {TAGLINE}"),
    ("northwind", "email", "en-US", f"A once-in-a-lifetime hike. {TAGLINE}",
     [("banned_phrase", "once-in-a-lifetime")], f"A memorable hike. {TAGLINE}"),
    ("northwind", "email", "en-US", f"The world's best boots. {TAGLINE}",
     [("banned_phrase", "world's best")], f"Our best boots yet. {TAGLINE}"),
    # northwind: substitutions (with automatic fixes)
    ("northwind", "email", "en-US", f"Buy now and roam. {TAGLINE}",
     [("substitution", "Buy now")], f"Shop now and roam. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Consumers love it. {TAGLINE}",
     [("substitution", "Consumers")], f"Customers love it. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Utilize the hood. {TAGLINE}",
     [("substitution", "Utilize")], f"Use the hood. {TAGLINE}"),
    # northwind: limits
    ("northwind", "email", "en-US", f"New boots! New socks! {TAGLINE}",
     [("exclamation_marks", "!")], f"New boots! New socks. {TAGLINE}"),
    ("northwind", "email", "en-US", f"HUGE savings on SALE items. {TAGLINE}",
     [("all_caps", "HUGE"), ("all_caps", "SALE")],
     f"UV 50 and SPF 30 protection, made in the USA. {TAGLINE}"),
    ("northwind", "email", "en-US", f"New boots 🥾 are here. {TAGLINE}",
     [("emoji", " 🥾")], f"New boots are here. {TAGLINE}"),
    ("northwind", "sms", "en-US", "New boots 🥾 are here ⛺", [("emoji", " ⛺")],
     "New boots 🥾 are here"),
    ("northwind", "push", "en-US", "🥾 New boots ⛺", [("emoji", " ⛺")], "🥾 New boots"),
    # northwind: competitors
    ("northwind", "email", "en-US", f"Lighter than Summitline. {TAGLINE}",
     [("competitor", "Summitline")], f"Lighter than ever. {TAGLINE}"),
    ("northwind", "email", "en-US", f"Unlike Trailmark Outfitters, we care. {TAGLINE}",
     [("competitor", "Trailmark Outfitters")], f"We care. {TAGLINE}"),
    ("northwind", "sms", "en-US", "Better than Peakway's packs", [("competitor", "Peakway")],
     "Better packs"),
    # northwind: tagline in every email (not in sms)
    ("northwind", "email", "en-US", "Our new rain shell keeps you dry.",
     [("missing_tagline", "")], NW_OK),
    # northwind: informal voice (du / tu are right, Sie / vous are not)
    ("northwind", "sms", "de-DE", "Entdecken Sie die neue Regenjacke.", [("register", "Sie")],
     "Entdecke deine neue Regenjacke."),
    ("northwind", "sms", "fr-FR", "Découvrez votre nouvelle veste.", [("register", "votre")],
     "Découvre ta nouvelle veste."),
    # civica: forbidden claims
    *[("civica", "sms", "en-US", f"Our plan is {claim} for you.", [("forbidden_claim", claim)],
       "Our plan is a good fit for you.")
      for claim in ("cure", "cures", "miracle", "100% effective", "no side effects",
                    "guaranteed approval", "risk-free")],
    # civica: no emoji, no exclamation marks, no slang
    ("civica", "sms", "en-US", "Your card is ready 💳", [("emoji", " 💳")], "Your card is ready"),
    ("civica", "push", "en-US", "Your card is ready!", [("exclamation_marks", "!")],
     "Your card is ready."),
    *[("civica", "sms", "en-US", f"{slang.capitalize()} news about your plan.",
       [("slang", slang.capitalize())], "News about your plan.")
      for slang in ("hey", "awesome", "gonna", "wanna")],
    # civica: the disclaimer in every email
    ("civica", "email", "en-US", "Your plan now covers an annual eye exam.",
     [("missing_disclaimer", "")], CIVICA_OK),
]


@pytest.mark.parametrize(("brand", "channel", "locale", "bad", "expected", "good"), RULES)
def test_rule_flags_failing_copy_and_passes_good_copy(guard, brand, channel, locale, bad,
                                                      expected, good):
    assert brand_findings(run(guard, bad, brand, channel, locale)) == expected
    assert brand_findings(run(guard, good, brand, channel, locale)) == []


def test_northwind_reading_level_for_long_emails(guard):
    hard = ("Notwithstanding considerable organizational restructuring, our comprehensive "
            "implementation of sustainability initiatives necessitates extraordinary "
            "interdepartmental collaboration, meticulous documentation, and continuous "
            "evaluation of environmental performance indicators across manufacturing "
            "facilities, distribution partnerships and international subsidiaries, "
            f"particularly regarding regulatory documentation requirements. {TAGLINE}")
    easy = ("Our new rain shell is light and packs small. It keeps you dry when the clouds "
            "roll in. The hood fits over a helmet. The zips work with gloves on. Take it on "
            f"your next hike and stay warm and dry all day long. {TAGLINE}")
    assert len(hard.split()) >= 40 and len(easy.split()) >= 40
    assert [c for c, _ in brand_findings(run(guard, hard, "northwind"))] == ["reading_level"]
    assert brand_findings(run(guard, easy, "northwind")) == []
    short_hard = f"Comprehensive organizational sustainability documentation. {TAGLINE}"
    assert brand_findings(run(guard, short_hard, "northwind")) == []  # under 40 words
    assert brand_findings(run(guard, hard.replace(TAGLINE, ""), "northwind", "sms")) == []


def test_northwind_fixable_findings_route_to_revise_and_the_fix_passes(guard):
    verdict = run(guard, "Buy now, consumers! Utilize the hood!!", "northwind")
    assert verdict.route is Route.REVISE
    assert verdict.fixed_text == f"Shop now, customers! Use the hood.\n\n{TAGLINE}"
    assert brand_findings(run(guard, verdict.fixed_text, "northwind")) == []


def test_civica_drafts_always_reach_a_person(guard):
    clean = run(guard, CIVICA_OK, "civica")
    assert brand_findings(clean) == []
    assert clean.route is Route.REVIEW
    assert any("insurance" in reason for reason in clean.reasons)
    # the same clean copy under a non-regulated brand passes the brand check and is not
    # forced to review by industry
    assert run(guard, NW_OK, "northwind").route is Route.PASS
