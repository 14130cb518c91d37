"""Hostile input, property-based: the whole check on arbitrary Unicode, recipients and campaigns.

Properties, for every generated draft (JSON-like mapping, as the JSONL contract takes it):
no exception and no ``check_error`` finding (a crashed check), every finding span inside the
text and a quoted match equal to ``text[start:end]``, personalized spans inside the text, the
same verdict when checked twice, and a verdict that encodes as UTF-8 JSON.

Runs are derandomized (reproducible in CI). ``COPYGUARD_HYPOTHESIS_EXAMPLES=N`` runs N random
examples per property instead, for a long local run.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from copyguard import Guard, InputError
from copyguard.io import verdict_json
from copyguard.model import Verdict
from copyguard.routing import CHECK_ERROR

LONG_RUN = int(os.environ.get("COPYGUARD_HYPOTHESIS_EXAMPLES", "0"))


def bounded(examples: int) -> settings:
    """``examples`` derandomized examples, or ``$COPYGUARD_HYPOTHESIS_EXAMPLES`` random ones."""
    return settings(max_examples=LONG_RUN or examples, deadline=None, derandomize=not LONG_RUN,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


# -- text -------------------------------------------------------------------------------------

RANGES = [  # (first, last) code points of the scripts and oddities mixed into drafts
    (0x20, 0x7E), (0xA0, 0xFF),        # ASCII, Latin-1 (NBSP, soft hyphen, accents)
    (0x00, 0x1F), (0x7F, 0x9F),        # C0 and C1 control characters
    (0x300, 0x36F), (0x1AB0, 0x1AFF),  # combining marks
    (0x590, 0x5FF), (0x600, 0x6FF),    # Hebrew, Arabic
    (0x900, 0x97F), (0xE00, 0xE7F),    # Devanagari, Thai
    (0x3040, 0x30FF), (0x4E00, 0x4E80), (0xAC00, 0xAC80),  # kana, CJK, Hangul
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2069),  # zero-width and bidi controls
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFF01, 0xFF5E),  # variation selectors, BOM, fullwidth
    (0x1F300, 0x1F6FF), (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF),  # emoji, flags, skin tones
    (0xE000, 0xE010), (0x10FFF0, 0x10FFFD),  # private use
]
ODD_CHARS = st.one_of(*(st.characters(min_codepoint=a, max_codepoint=b) for a, b in RANGES))
SNIPPETS = st.sampled_from([
    "Maria", "Müller", "José", "Ünïcödé", "O'Brien", "محمد", "佐藤", "김민준", "Dvořák",
    "cheap", "CHEAP!!!", "guaranteed cure", "Hey, awesome", "Sie", "du", "Ihnen",
    "we noticed you viewed", "18 times", "at 2 am", "pregnant", "your diagnosis", "debt",
    "maria.garcia@example.com", "+1 303 555 0142", "DE89 3704 0044 0532 0130 00",
    "4111 1111 1111 1111", "1985-04-12", "12/04/1985", "$19.99", "19,99 €", "¥1,000", "4",
    "Alpine Shell", "Ridgeline Rain Shell", "https://example.com/x?y=1", "👨‍👩‍👧‍👦",
    "🏳️‍🌈", "👍🏽", "🇯🇵", "e\u0301", "\u202eevil\u202c", "\u200d", "\ufeff", "\r\n", "\n\n",
    "!!!", "！！", "。", "?!", " ", "\t", "...", "Made for the way you roam", "white flowers",
])
TEXT = st.lists(st.one_of(ODD_CHARS, SNIPPETS, st.characters(blacklist_categories=["Cs"])),
                max_size=60).map("".join)

# -- recipients and campaigns -----------------------------------------------------------------

VALUE = st.one_of(
    st.text(st.one_of(ODD_CHARS, st.characters(blacklist_categories=["Cs"])), max_size=20),
    SNIPPETS, st.just(""), st.just(" "),
    st.builds(lambda s, n: s * n, SNIPPETS, st.integers(50, 400)),  # very long values
    st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
)
FIELD = st.one_of(st.sampled_from([
    "first_name", "last_name", "name", "email", "phone", "mobile", "city", "street_address",
    "postcode", "birth_date", "iban", "card_number", "customer_id", "title", "nickname",
    "favourite_colour"]), st.text(min_size=1, max_size=12))
DATE = st.dates().map(lambda d: d.isoformat())
DATETIME = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),          # mixed naive and aware
    st.datetimes().map(lambda d: d.isoformat() + "+05:30"))
TAGS = st.lists(st.one_of(st.sampled_from(
    ["personalization", "email", "sms", "push", "promotions", "sms-marketing", "newsletter"]),
    st.text(max_size=8)), max_size=4)
RECIPIENT = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=10),
    "profile": st.dictionaries(FIELD, VALUE, max_size=6),
    "updated": st.dictionaries(FIELD, DATE, max_size=3),
    "consents": TAGS,
    "opt_outs": TAGS,
    "purchases": st.lists(st.fixed_dictionaries({"item": VALUE.map(str)}, optional={
        "date": DATE, "category": st.text(max_size=10)}), max_size=3),
    "browsing": st.lists(st.fixed_dictionaries({"item": VALUE.map(str)}, optional={
        "at": DATETIME, "count": st.integers(-5, 10**6)}), max_size=3),
    "last_active": DATETIME,
    "sensitive": st.dictionaries(st.sampled_from(["health", "religion", "pregnancy", "debt"]),
                                 VALUE.map(str), max_size=2),
})
CAMPAIGN = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=10),
    "tags": TAGS,
    "industry": st.one_of(st.sampled_from(["retail", "pharma", "finance", "government"]),
                          st.text(max_size=10)),
    "promoted_items": st.lists(VALUE.map(str), max_size=3),
    "sent_at": DATETIME,
})
LOCALES = ["en-US", "ja-JP", "ar-SA", "de-DE", "fr-FR", "he-IL", "zh-CN", "ko-KR", "hi-IN",
           "th-TH", "pt-BR", "tr-TR", "de-AT", "en-GB", "es-MX", "zz-ZZ"]


def _embed(text: str, recipient: dict[str, Any], cut: int) -> str:
    """Put a recipient value into the text so personalization paths are exercised."""
    values = [str(v) for v in recipient.get("profile", {}).values() if str(v)]
    if not values:
        return text
    cut = cut % (len(text) + 1)
    return text[:cut] + values[cut % len(values)][:300] + text[cut:]


@st.composite
def drafts(draw: st.DrawFn) -> dict[str, Any]:
    recipient = draw(RECIPIENT)
    text = _embed(draw(TEXT), recipient, draw(st.integers(0, 10**6)))
    draft: dict[str, Any] = {"id": "h", "text": text, "locale": draw(st.sampled_from(LOCALES)),
                             "channel": draw(st.sampled_from(["email", "sms", "push"])),
                             "recipient": recipient, "campaign": draw(CAMPAIGN)}
    brand = draw(st.sampled_from([None, "northwind", "civica"]))
    if brand is not None:
        draft["brand"] = brand
    return draft


# -- properties -------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def warm(guard: Guard) -> None:
    """Load every language's and brand's data first: what is tested here is the input, and
    first-use loading inside a check's budget is measured on its own (docs/hardening.md)."""
    for locale in LOCALES:
        guard.check("Hello", locale=locale)
    for brand in ("northwind", "civica"):
        for channel in ("email", "sms", "push"):
            guard.check("Hello", brand=brand, channel=channel)


QUOTED = ("match", "written")  # data keys that quote the flagged text


def assert_sound(verdict: Verdict) -> None:
    """Every property that must hold of one verdict."""
    text = verdict.draft.text
    crashed = [f"{f.check}: {f.message}" for f in verdict.findings if f.code == CHECK_ERROR]
    assert not crashed, f"checks crashed: {crashed}"
    for f in verdict.findings:
        assert 0 <= f.start <= f.end <= len(text), f"{f.check}.{f.code} span {f.start}:{f.end}"
        for key in QUOTED:
            if key in f.data and f.end > f.start:
                assert text[f.start:f.end] == f.data[key], (
                    f"{f.check}.{f.code}: text[{f.start}:{f.end}]={text[f.start:f.end]!r} "
                    f"but data[{key!r}]={f.data[key]!r}")
    for span in verdict.personalized_spans:
        assert 0 <= span.start <= span.end <= len(text), f"personalized span {span}"
    assert 0.0 <= verdict.personalized_share <= 1.0
    encoded = json.dumps(verdict_json(verdict), ensure_ascii=False).encode("utf-8")
    assert json.loads(encoded)["route"] == verdict.route.value


def comparable(verdict: Verdict) -> dict[str, Any]:
    out = verdict_json(verdict)
    del out["timings_ms"]
    return out


@bounded(30)
@given(draft=drafts())
@example(draft={"text": "Hi Maria \u200d\U0001F468\u200d\U0001F469 مرحبا 日本語 e\u0301!!!",
                "locale": "ar-SA", "recipient": {"profile": {"first_name": "Maria"}}})
@example(draft={"text": "", "locale": "ja-JP", "recipient": {"profile": {"first_name": ""}}})
@example(draft={"text": "\x00\x1b[31m\u202e\ufeff", "locale": "de-DE", "brand": "northwind",
                "recipient": {"profile": {"last_name": "x" * 5000, "": ""}}})
@example(draft={"text": "Hi Maria", "recipient": {"last_active": "2026-11-20T21:04:00Z"},
                "campaign": {"sent_at": "2026-11-22T09:00:00"}})
@example(draft={"text": "//", "recipient": {"profile": {"last_name": "//"}}})  # long run, 10k
@example(draft={"text": "", "recipient": {"last_active": "0001-01-01T00:00:00+05:30"}})  # 5k
def test_the_whole_check_is_sound_and_deterministic(guard: Guard, draft: dict[str, Any]) -> None:
    try:
        first = guard.check(draft)
    except InputError as error:  # the one input error these drafts can have: see below
        assert "out of range once converted to UTC" in str(error), error
        return
    assert_sound(first)
    assert comparable(guard.check(draft)) == comparable(first)


@bounded(20)
@given(text=st.text(st.characters(blacklist_categories=["Cs"]), max_size=300),
       locale=st.sampled_from(LOCALES))
def test_arbitrary_text_alone(guard: Guard, text: str, locale: str) -> None:
    assert_sound(guard.check(text, locale=locale))


@bounded(20)
@example(text="Great!!! Wow! Yes! 🎉 there 🎉 x 🎉🎉 ！！", locale="de-DE", brand="northwind",
         channel="sms")
@given(text=TEXT, locale=st.sampled_from(["ja-JP", "ar-SA", "de-DE"]),
       brand=st.sampled_from(["northwind", "civica"]), channel=st.sampled_from(["sms", "push"]))
def test_brand_fixes_keep_spans_sound(guard: Guard, text: str, locale: str, brand: str,
                                      channel: str) -> None:
    """Fixes are applied span by span: the fixed text (re-checked for revise) is sound too."""
    verdict = guard.check(text, locale=locale, brand=brand, channel=channel)
    assert_sound(verdict)
    if verdict.fixed_text is not None:
        assert_sound(guard.check(verdict.fixed_text, locale=locale, brand=brand,
                                 channel=channel))


@pytest.mark.parametrize(("draft", "field"), [
    ({"recipient": {"last_active": "0001-01-01T00:00:00+05:30"}}, "recipient.last_active"),
    ({"recipient": {"browsing": [{"item": "x", "at": "9999-12-31T23:59:59-05:00"}]}},
     "recipient.browsing.0.at"),
    ({"campaign": {"sent_at": "0001-01-01T04:00:00+05:00"}}, "campaign.sent_at"),
])
def test_a_moment_that_does_not_exist_in_utc_is_an_input_error(
        guard: Guard, draft: dict[str, Any], field: str) -> None:
    """Found by a 5,000-example run: year 1 at +05:30 is before year 1 in UTC, and comparing
    it crashed the personalization and consent checks. The boundary refuses it by name."""
    with pytest.raises(InputError) as info:
        guard.check({"text": "Hi", **draft})
    assert info.value.field == field
    assert str(info.value).startswith(f"field {field!r}: ") and "Value error" not in str(
        info.value)
    assert guard.check({"text": "Hi", "recipient": {"last_active": "0001-01-01T00:00:00Z"},
                        "campaign": {"sent_at": "9999-12-31T23:59:59-00:00"}})


# -- the JSON boundary: lone surrogates -------------------------------------------------------

SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


@bounded(30)
@given(before=st.text(max_size=10), surrogate=SURROGATE, after=st.text(max_size=10),
       where=st.sampled_from(["text", "profile", "key", "campaign"]))
def test_lone_surrogates_are_an_input_error_naming_the_field(
        guard: Guard, before: str, surrogate: str, after: str, where: str) -> None:
    """JSON can spell a lone surrogate ("\\ud800") but it is not Unicode text: it cannot be
    encoded as UTF-8, so no check could read it and no output could carry it. The boundary
    refuses it as an input error naming the field (batch: that line only)."""
    bad = before + surrogate + after
    draft: dict[str, Any] = {"text": "Hello"}
    field = {"text": "text", "profile": "recipient.profile.city",
             "key": "recipient.profile", "campaign": "campaign.promoted_items.0"}[where]
    if where == "text":
        draft["text"] = bad
    elif where == "profile":
        draft["recipient"] = {"profile": {"city": bad}}
    elif where == "key":
        draft["recipient"] = {"profile": {bad: "x"}}
    else:
        draft["campaign"] = {"promoted_items": [bad]}
    with pytest.raises(InputError) as info:
        guard.check(draft)
    assert info.value.field is not None and info.value.field.startswith(field)
    assert "surrogate" in str(info.value) and f"U+{ord(surrogate):04X}" in str(info.value)


def test_a_json_escaped_surrogate_in_a_batch_errors_that_line_only(tmp_path, capsys) -> None:
    from copyguard.cli import main

    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "Hi \\ud800 there"}\n'
                    '{"id": "b", "text": "Hi \\ud83d\\ude00 there"}\n', encoding="utf-8")
    assert main(["check", "--batch", str(path), "--brand-dir", str(tmp_path)]) == 2
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["route"] is None and first["field"] == "text" and first["line"] == 1
    assert "U+D800" in first["error"]
    assert second["route"] is not None  # a surrogate *pair* is one emoji: checked normally
