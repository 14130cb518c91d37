"""The ``brand`` check on purpose-built guides: matching, case, inflection, limits, fixes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from copyguard import BrandGuide, Guard, Route, Severity
from copyguard.brand.compiled import GuideCache
from copyguard.plugins import DEFAULT_PLUGINS
from copyguard.testing import GuidePlugin

ONLY_BRAND = tuple(p for p in DEFAULT_PLUGINS if not p.endswith((".brand", ".routing")))

GUIDES = [
    {"id": "words",
     "terms": [{"id": "name", "preferred": "Acme", "exact_case": True,
                "deprecated": ["Acme Corp"], "rationale": "one name",
                "source": "https://acme.example/brand"},
               {"id": "ebike", "preferred": "e-bike", "exact_case": True,
                "deprecated": ["ebike"]},
               {"id": "old-name", "preferred": "Acme", "deprecated": ["Ack Me"],
                "case_sensitive": True}],
     "banned": [{"id": "hype", "phrases": ["cheap", "risk-free", "world's best", "最高"],
                 "severity": "critical"},
                {"id": "free", "phrases": ["free"], "exceptions": ["gluten-free", "free returns"]},
                {"id": "sale", "phrases": ["SALE"], "case_sensitive": True, "kind": "slang"},
                {"id": "codes", "phrases": [r"\bSAVE\d{2}\b"], "regex": True,
                 "message": "promo code {match} in copy"},
                {"id": "ko", "phrases": ["노스윈드"]}],
     "substitutions": [{"id": "shop", "find": "buy now", "replace": "shop now"},
                       {"id": "use", "find": "utilize", "replace": "use"}],
     "competitors": ["Rival", {"id": "other", "name": "Other Outfitters",
                               "aliases": ["Other"]}]},
    {"id": "limits",
     "limits": {"exclamation_marks": 1, "emoji": 1,
                "all_caps": {"min_length": 4, "allow": ["NASA"]},
                "sentence_words": {"max": 8}},
     "overlays": {"channels": {"email": {"limits": {"emoji": {"max": 0}}}}}},
    {"id": "required",
     "required": [{"id": "tagline", "kind": "tagline", "text": "Made to last",
                   "channels": ["email"]},
                  {"id": "fr-legal", "kind": "disclaimer", "text": "Offre soumise à conditions.",
                   "locales": ["fr"]}]},
    {"id": "reading",
     "readability": [{"id": "grade", "language": "en", "max": 8, "min_words": 20,
                      "channels": ["email"]}]},
    {"id": "casual",
     "voice": {"id": "voice", "default": "informal", "locales": {"fr-CA": "formal"}},
     "banned": [{"id": "hype", "phrases": ["billig"]}],
     "overlays": {"locales": {"de-AT": {"disable": ["hype"]}}}},
]


@pytest.fixture(scope="module")
def guard() -> Guard:
    plugins = [GuidePlugin(BrandGuide.model_validate(g)) for g in GUIDES]
    return Guard(load_entrypoints=False, brand_dirs=[], disabled_plugins=ONLY_BRAND,
                 plugins=plugins)


def check(guard, text, brand, channel="email", locale="en-US"):
    return guard.check(text, brand=brand, channel=channel, locale=locale)


def found(verdict, code=None):
    """(code, matched text) of the brand findings."""
    text = verdict.draft.text
    return [(f.code, text[f.start:f.end]) for f in verdict.findings
            if f.check == "brand" and (code is None or f.code == code)]


# -- matching --------------------------------------------------------------------------------

def test_word_boundaries_case_and_inflection(guard):
    verdict = check(guard, "Cheap tents, cheaper boots and the cheapest socks. Cheapskates!",
                    "words")
    assert found(verdict, "banned_phrase") == [
        ("banned_phrase", "Cheap"), ("banned_phrase", "cheaper"), ("banned_phrase", "cheapest")]
    assert found(check(guard, "A cheapskate avoids cheapening.", "words")) == []


def test_inflection_is_english_only(guard):
    german = check(guard, "Nicht cheap, und cheapest auch nicht.", "words", locale="de-DE")
    assert found(german, "banned_phrase") == [("banned_phrase", "cheap")]


@pytest.mark.parametrize("text", [
    "Totally risk-free.", "Totally risk\u2011free.", "Totally risk free.", "Totally risk\nfree.",
    "Totally risk  free.", "Totally RISK-FREE.", "It's ch\u200beap.", "It's the world\u2019s best.",
])
def test_normalized_variants_match_with_spans_in_the_original(guard, text):
    verdict = check(guard, text, "words")
    [(_, matched)] = found(verdict, "banned_phrase")
    assert matched.replace("\u200b", "").lower().replace("\u2019", "'").split() in (
        ["risk-free"], ["risk\u2011free"], ["risk", "free"], ["cheap"], ["world's", "best"])


def test_unspaced_scripts_and_korean_particles(guard):
    assert found(check(guard, "这是最高品质的帐篷。", "words", locale="zh-CN"),
                 "banned_phrase") == [("banned_phrase", "最高")]
    assert found(check(guard, "노스윈드는 최고입니다", "words", locale="ko-KR"),
                 "banned_phrase") == [("banned_phrase", "노스윈드")]
    assert found(check(guard, "가노스윈드", "words", locale="ko-KR"), "banned_phrase") == []


def test_exceptions_and_case_sensitive_lists(guard):
    verdict = check(guard, "Gluten-free bars, free returns, and a free gift. SALE, not sale.",
                    "words")
    assert found(verdict, "banned_phrase") == [("banned_phrase", "free")]
    assert found(verdict, "slang") == [("slang", "SALE")]


def test_regex_phrases_use_re2_and_custom_messages(guard):
    verdict = check(guard, "Use SAVE20 today, or SAVE2024 never.", "words")
    [finding] = [f for f in verdict.findings if f.code == "banned_phrase"]
    assert verdict.draft.text[finding.start:finding.end] == "SAVE20"
    assert finding.message == "promo code SAVE20 in copy"


def test_exact_case_terms_links_and_sentence_starts(guard):
    verdict = check(guard, "Gear from ACME and acme. Visit shop.acme.example or mail "
                           "hi@acme.example. Acme is great. E-bike rides. An E-Bike too.",
                    "words")
    assert found(verdict, "term_case") == [("term_case", "ACME"), ("term_case", "acme"),
                                           ("term_case", "E-Bike")]
    fixes = [f.fix for f in verdict.findings if f.code == "term_case"]
    assert fixes == ["Acme", "Acme", "e-bike"]


def test_deprecated_terms_fix_and_respect_case(guard):
    verdict = check(guard, "Acme Corp and ACME CORP and an ebike; Ack Me but not ack me.",
                    "words")
    assert found(verdict, "deprecated_term") == [
        ("deprecated_term", "Acme Corp"), ("deprecated_term", "ACME CORP"),
        ("deprecated_term", "ebike"), ("deprecated_term", "Ack Me")]
    assert {f.fix for f in verdict.findings if f.code == "deprecated_term"} == {"Acme", "e-bike"}


def test_substitutions_keep_case_and_inflection_and_route_to_revise(guard):
    text = "Buy now! We utilized BUY NOW buttons and utilize them."
    verdict = check(guard, text, "words")
    subs = [(verdict.draft.text[f.start:f.end], f.fix) for f in verdict.findings
            if f.code == "substitution"]
    assert subs == [("Buy now", "Shop now"), ("utilized", "used"), ("BUY NOW", "SHOP NOW"),
                    ("utilize", "use")]
    assert verdict.route is Route.REVISE
    assert verdict.fixed_text == "Shop now! We used SHOP NOW buttons and use them."


def test_competitors_with_aliases_and_possessives(guard):
    verdict = check(guard, "Unlike Rival's tents or Other Outfitters, and unlike Other.",
                    "words")
    assert found(verdict, "competitor") == [("competitor", "Rival"),
                                            ("competitor", "Other Outfitters"),
                                            ("competitor", "Other")]
    assert found(check(guard, "Rivalry and otherwise.", "words")) == []


def test_findings_carry_rule_metadata_and_severity(guard):
    verdict = check(guard, "Cheap. ACME.", "words")
    [banned] = [f for f in verdict.findings if f.code == "banned_phrase"]
    assert banned.severity is Severity.CRITICAL and banned.data["rule"] == "hype"
    [case] = [f for f in verdict.findings if f.code == "term_case"]
    assert case.data == {"rule": "name", "rationale": "one name",
                         "source": "https://acme.example/brand", "match": "ACME"}
    assert verdict.route is Route.BLOCK  # critical -> block through the guide's routing


# -- limits ------------------------------------------------------------------------------------

def test_exclamation_marks(guard):
    verdict = check(guard, "Great! Really great!! Wow?!", "limits", channel="sms")
    spans = [(f.start, f.end, f.fix) for f in verdict.findings if f.code == "exclamation_marks"]
    assert spans == [(19, 21, "."), (26, 27, "")]
    assert verdict.fixed_text == "Great! Really great. Wow?"
    assert found(check(guard, "Great! Fine.", "limits", channel="sms")) == []


def test_emoji_per_channel_and_symbols_are_not_emoji(guard):
    text = "Hi 👋🏽 team 👨‍👩‍👧 Acme™ ©"
    sms = check(guard, text, "limits", channel="sms")
    assert found(sms, "emoji") == [("emoji", " 👨‍👩‍👧")]
    email = check(guard, text, "limits", channel="email")
    assert [m for _, m in found(email, "emoji")] == [" 👋🏽", " 👨‍👩‍👧"]
    assert email.fixed_text == "Hi team Acme™ ©"
    assert found(check(guard, "Acme™ ® ©", "limits", channel="email")) == []


def test_all_caps_with_allow_list(guard):
    verdict = check(guard, "NASA says HUGE deals. Use SAVE20 at WWW.ACME.EXAMPLE. OK.",
                    "limits", channel="sms")
    [finding] = [f for f in verdict.findings if f.code == "all_caps"]
    assert verdict.draft.text[finding.start:finding.end] == "HUGE"
    assert finding.suggestion == "huge" and finding.fix is None


def test_sentence_length(guard):
    verdict = check(guard, "Short one. This sentence has far more than eight words in it, "
                           "sadly. Fine.", "limits", channel="sms")
    [(_, sentence)] = found(verdict, "sentence_length")
    assert sentence.startswith("This sentence") and sentence.endswith("sadly.")


# -- required elements and reading level ----------------------------------------------------------

def test_required_tagline_per_channel_with_append_fix(guard):
    assert found(check(guard, "New boots are in. made to LAST", "required")) == []
    missing = check(guard, "New boots are in.", "required")
    [finding] = [f for f in missing.findings if f.code == "missing_tagline"]
    assert finding.fix == "\n\nMade to last" and finding.start == finding.end == 17
    assert missing.route is Route.REVISE
    assert missing.fixed_text == "New boots are in.\n\nMade to last"
    assert found(check(guard, "New boots are in.", "required", channel="sms")) == []


def test_required_disclaimer_per_locale(guard):
    fr = check(guard, "Nouvelles bottes. Made to last", "required", locale="fr-FR")
    assert [c for c, _ in found(fr)] == ["missing_disclaimer"]
    ok = check(guard, "Nouvelles bottes. Offre soumise à conditions. Made to last", "required",
               locale="fr-FR")
    assert found(ok) == []


HARD = ("Notwithstanding considerable organizational restructuring, comprehensive "
        "implementation of sustainability initiatives necessitates extraordinary "
        "interdepartmental collaboration, meticulous documentation, and continuous "
        "evaluation of environmental performance indicators across manufacturing facilities.")
EASY = ("Our new tent is light. It packs small. You can set it up in five minutes. It keeps "
        "the rain out. Take it on your next trip and sleep well under the stars tonight.")


def test_reading_level_offline(guard, monkeypatch):
    import nltk

    def no_network(*args, **kwargs):
        raise AssertionError("textstat tried to reach NLTK's downloader")

    monkeypatch.setattr(nltk, "download", no_network)
    monkeypatch.setattr(nltk.data, "find", no_network)
    hard = check(guard, HARD, "reading")
    [finding] = [f for f in hard.findings if f.code == "reading_level"]
    assert finding.data["value"] > 8 and finding.data["max"] == 8
    assert found(check(guard, EASY, "reading")) == []
    assert found(check(guard, HARD, "reading", channel="push")) == []  # email only
    assert found(check(guard, "Notwithstanding extraordinary documentation.", "reading")) == []


# -- register, overlays, cache ------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "text", "flagged"), [
    ("de-DE", "Entdecke deine neue Jacke.", []),
    ("de-DE", "Entdecken Sie Ihre neue Jacke.", ["Sie", "Ihre"]),
    ("de-DE", "Sie lieben die Jacke. Wir sehen sie oft.", []),
    ("fr-FR", "Découvre ta nouvelle veste.", []),
    ("fr-FR", "Découvrez votre nouvelle veste. Vous allez l'adorer.", ["votre", "Vous"]),
    ("fr-CA", "Découvrez votre nouvelle veste.", []),
    ("es-ES", "Usted merece lo mejor.", ["Usted"]),
])
def test_informal_brands_flag_formal_address(guard, locale, text, flagged):
    verdict = check(guard, text, "casual", locale=locale)
    assert [m for _, m in found(verdict, "register")] == flagged


def test_overlay_disables_a_rule_for_a_locale(guard):
    assert found(check(guard, "Nicht billig.", "casual", locale="de-DE")) == [
        ("banned_phrase", "billig")]
    assert found(check(guard, "Nicht billig.", "casual", locale="de-AT")) == []


def test_compiled_once_per_guide_locale_and_channel(guard):
    cache = GuideCache(size=2)
    guide = BrandGuide.model_validate(GUIDES[0])
    first = cache.get(guide.resolve("en-US", "email"))
    assert cache.get(guide.resolve("en-US", "email")) is first
    other = cache.get(guide.resolve("en-US", "sms"))
    assert other is not first
    cache.get(guide.resolve("de-DE", "sms"))  # evicts the least recently used entry
    assert cache.get(guide.resolve("en-US", "email")) is not first


def test_concurrent_checks_agree(guard):
    texts = [f"Cheap deal {i}! Buy now!! ACME" for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: found(check(guard, t, "words")), texts))
    assert all(r == results[0] for r in results)
