"""CLDR format rules (Babel) and the script-aware matching helpers underneath them."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.lang.en import English

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.locale import LocaleCheck
from copyguard.guides import DEFAULT_GUIDE
from copyguard.io import coerce_draft
from copyguard.locales.numbers import find_money, find_numbers
from copyguard.locales.text import Hit, Lexicon, TokenIndex, fold
from copyguard.model import Finding, Severity


@pytest.fixture(scope="module")
def run(guard: Guard) -> Any:
    check = next(c for c in guard.checks if c.name == "locale")
    assert isinstance(check, LocaleCheck)

    def run(text: str, locale: str, **fields: Any) -> list[Finding]:
        draft = coerce_draft(text, locale=locale, **fields)
        ctx = CheckContext(draft, DEFAULT_GUIDE.resolve(draft.locale, draft.channel), guard.nlp)
        return list(check.run(ctx))

    return run


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def spans(text: str, findings: list[Finding]) -> list[str]:
    return [text[f.start:f.end] for f in findings]


class TestDates:
    @pytest.mark.parametrize(("locale", "text", "flagged"), [
        ("en-GB", "Offer ends 11/12/2026.", True),
        ("de-DE", "Angebot gültig bis 11/12/2026.", True),
        ("de-DE", "Angebot gültig bis 11.12.2026.", False),  # dots: day.month everywhere
        ("en-US", "Offer ends 11/12/2026.", False),  # month-first is how US readers read it
        ("en-GB", "Offer ends 25/12/2026.", False),  # only one reading
        ("fr-FR", "Offre valable jusqu'au 2026-11-12.", False),  # ISO year-first
        ("en-GB", "Offer ends 05/05/2026.", False),  # both readings are the same day
    ])
    def test_ambiguous_numeric_dates(self, run: Any, locale: str, text: str,
                                     flagged: bool) -> None:
        assert bool(only(run(text, locale), "format.numeric_date_ambiguous")) is flagged

    @pytest.mark.parametrize(("locale", "text", "fix"), [
        ("en-GB", "Offer ends 12/25/2026.", "25 Dec 2026"),
        ("de-DE", "Versand bis 12/25/2026.", "25.12.2026"),
        ("en-US", "Offer ends 25/12/2026.", "Dec 25, 2026"),
        ("ja-JP", "12/25/2026まで有効です。", "2026/12/25"),
        ("ja-JP", "11/12/2026まで有効です。", None),  # not the y/M/d order, and ambiguous
    ])
    def test_dates_in_the_wrong_order(self, run: Any, locale: str, text: str,
                                      fix: str | None) -> None:
        found = only(run(text, locale), "format.numeric_date_order")
        assert [f.fix for f in found] == [fix]

    def test_dates_in_the_locale_order_pass(self, run: Any) -> None:
        assert not only(run("2026/12/25まで有効です。", "ja-JP"), "format.numeric_date_order")
        assert not only(run("Offer ends 12/25/2026.", "en-US"), "format.numeric_date_order")


class TestCurrency:
    @pytest.mark.parametrize(("locale", "text", "symbols"), [
        ("de-DE", "Jetzt nur $59!", ["$"]),
        ("de-DE", "Jetzt nur 59 €!", []),
        ("de-CH", "Jetzt nur 59 €!", ["€"]),
        ("en-AU", "Now only $59!", []),
        ("en-GB", "Now only €59!", ["€"]),
        ("ja-JP", "今だけ¥1,000、￥2,000も。", []),
        ("zh-TW", "限時¥100。", ["¥"]),
        ("pt-BR", "Só hoje R$ 49,90!", []),
        ("pt-BR", "Só hoje $49,90!", ["$"]),
        ("ko-KR", "지금 ₩5,000!", []),
        ("en-US", "Now only US$59!", []),
        ("en-AU", "Now only A$59 (US$39)!", ["US$"]),
    ])
    def test_currency_symbol_of_the_locale(self, run: Any, locale: str, text: str,
                                           symbols: list[str]) -> None:
        assert spans(text, only(run(text, locale), "format.currency_symbol")) == symbols

    def test_symbol_without_amount_is_not_a_price(self, run: Any) -> None:
        assert not only(run("Ke$ha tickets inside", "de-DE"), "format.currency_symbol")

    @pytest.mark.parametrize(("locale", "text", "flagged"), [
        ("ja-JP", "特価¥1,234.50", True),
        ("ja-JP", "特価1,235円", False),
        ("ja-JP", "特価1,234.5円", True),
        ("ko-KR", "특가 ₩5,000.50", True),
        ("en-US", "Now $12.50", False),
        ("de-DE", "Nur 12,50 €", False),
    ])
    def test_currency_decimals(self, run: Any, locale: str, text: str, flagged: bool) -> None:
        assert bool(only(run(text, locale), "format.currency_decimals")) is flagged


class TestSeparators:
    @pytest.mark.parametrize(("locale", "text", "fix"), [
        ("de-DE", "Nur 49.99 EUR!", "49,99"),
        ("de-DE", "Nur 1,299.00 €!", "1.299,00"),
        ("en-US", "Only 1.299,00 $!", "1,299.00"),
        ("fr-FR", "Seulement 1,234.50 € !", "1\u202f234,50"),
        ("de-DE", "Jetzt 12.5 % Rabatt!", "12,5"),
    ])
    def test_wrong_separators_are_fixed(self, run: Any, locale: str, text: str, fix: str) -> None:
        assert [f.fix for f in only(run(text, locale), "format.number_separators")] == [fix]

    @pytest.mark.parametrize(("locale", "text"), [
        ("de-DE", "Nur 49,99 EUR!"),
        ("de-DE", "Nur 1.299,00 €!"),
        ("fr-FR", "Seulement 1 234,50 € !"),  # a plain space is an acceptable group mark
        ("de-CH", "Nur CHF 1'234.50!"),
        ("en-IN", "Only ₹12,34,567.00!"),
        ("de-DE", "Nur 1,234 €!"),  # one separator before three digits: ambiguous, left alone
        ("de-DE", "Version 4.5 ist da."),  # not an amount
    ])
    def test_correct_or_ambiguous_separators_pass(self, run: Any, locale: str, text: str) -> None:
        assert not only(run(text, locale), "format.number_separators")

    def test_guard_applies_the_fix_and_rechecks(self, guard: Guard) -> None:
        verdict = guard.check("Nur 49.99 EUR!", locale="de-DE")
        assert verdict.fixed_text == "Nur 49,99 EUR!"
        locale_findings = [f for f in verdict.findings if f.check == "locale"]
        assert [f.code for f in locale_findings] == ["format.number_separators"]
        again = guard.check(verdict.fixed_text, locale="de-DE")
        assert not [f for f in again.findings if f.check == "locale"]


class TestClock:
    @pytest.mark.parametrize(("locale", "text", "code", "fix"), [
        ("de-DE", "Ab 6 PM geöffnet.", "format.clock", "18:00"),
        ("de-DE", "Ab 6:30 p.m. geöffnet.", "format.clock", "18:30"),
        ("en-GB", "Doors open at 7pm.", "format.clock", "19:00"),
        ("en-US", "Doors open at 18:30.", "format.clock_24h", "6:30 PM"),
        ("en-US", "Doors open at 18:30: be early.", "format.clock_24h", "6:30 PM"),
        ("ko-KR", "18:30에 시작합니다.", "format.clock_24h", "PM 6:30"),  # CLDR 47: AM/PM first
    ])
    def test_clock_mismatch_is_fixed(self, run: Any, locale: str, text: str, code: str,
                                     fix: str) -> None:
        assert [f.fix for f in only(run(text, locale), code)] == [fix]

    @pytest.mark.parametrize(("locale", "text"), [
        ("de-DE", "Ab 18:00 Uhr geöffnet."),
        ("en-US", "Doors open at 6:30 PM."),
        ("en-US", "Doors open at 10:30."),  # no hour past noon: could be either
        ("en-US", "Lap time 13:05:20."),  # a duration, not a time of day
        ("ja-JP", "18時から開始します。"),
    ])
    def test_local_clock_passes(self, run: Any, locale: str, text: str) -> None:
        found = run(text, locale)
        assert not only(found, "format.clock") and not only(found, "format.clock_24h")

    def test_severity_by_direction(self, run: Any) -> None:
        """A 12-hour time where only 24-hour times are written is a format error (warning, it
        routes to revise with its fix); a 24-hour time reads correctly everywhere
        (suggestion)."""
        german = only(run("Ab 6 PM geöffnet.", "de-DE"), "format.clock")
        american = only(run("Doors open at 18:30.", "en-US"), "format.clock_24h")
        assert [f.severity for f in german + american] == [Severity.WARNING,
                                                             Severity.SUGGESTION]


class TestUnits:
    @pytest.mark.parametrize(("locale", "text", "code", "metric"), [
        ("de-DE", "Reichweite: 10 Meilen.", "format.imperial_units", "16,1 km"),
        ("de-DE", "Nur 5 lbs leicht.", "format.imperial_units", "2,3 kg"),
        ("en-AU", "Runs 10 miles on one charge.", "format.imperial_units", "16.1 km"),
        ("ja-JP", "10マイル走れます。", "format.imperial_units", "16.1 km"),
        ("de-DE", "Wohlfühlen bei 72°F.", "format.fahrenheit", "22,2 °C"),
        ("en-GB", "Best served at 40 °F.", "format.fahrenheit", "4.4 °C"),
        ("en-GB", "Best served at 40ºF.", "format.fahrenheit", "4.4 °C"),  # º for °
    ])
    def test_imperial_units_in_metric_locales(self, run: Any, locale: str, text: str, code: str,
                                              metric: str) -> None:
        found = only(run(text, locale), code)
        assert len(found) == 1 and metric in found[0].message

    @pytest.mark.parametrize(("locale", "text"), [
        ("en-US", "Runs 10 miles on one charge at 72°F."),
        ("en-GB", "Runs 10 miles on one charge."),  # UK: miles on the road
        ("de-DE", "Der neue 55 Zoll Fernseher."),  # screen diagonals are inches everywhere
        ("en-AU", "Our new 65-inch TV."),
        ("en-AU", "Worth the extra mile."),  # no quantity
        ("en-GB", "Buy 2 of our jackets."),  # "ºF" is not "of"
        ("es-ES", "Llega el 1º de julio."),  # an ordinal, not a unit
    ])
    def test_units_of_the_locale_pass(self, run: Any, locale: str, text: str) -> None:
        found = run(text, locale)
        assert not only(found, "format.imperial_units") and not only(found, "format.fahrenheit")


class TestMatchingHelpers:
    def test_fold_keeps_offsets_and_kana_voicing(self) -> None:
        for text in ("Fête ＡＢＣ４ İstanbul", "ギフトとバラ", "Ёлка", "t’offre"):
            assert len(fold(text)) == len(text)
        assert fold("Fête ＡＢＣ４") == "fete abc4"
        assert fold("ギフト") == "ギフト"
        assert fold("t’offre") == "t'offre"

    def test_word_boundaries_per_script(self) -> None:
        lexicon = Lexicon({"gift": ["gift", "geschenk*", "선물", "贈り物"],
                           "wine": ["نبيذ"]}, clitics=["وال", "ال", "و"])

        def found(text: str) -> list[str]:
            return [text[h.start:h.end] for h in lexicon.find(text)]

        assert found("A gift, gifted.") == ["gift"]  # "gifted" needs gift*
        assert found("Geschenke!") == ["Geschenk"]
        assert found("선물을 드려요, 친선물") == ["선물"]  # particle ok, not inside a word
        assert found("心を込めた贈り物です") == ["贈り物"]  # substring: no spaces in Japanese
        assert found("والنبيذ ونبيذي") == ["نبيذ"]  # clitic prefix ok, نبيذي is another word

    def test_terms_ending_in_digits_do_not_match_longer_numbers(self) -> None:
        lexicon = Lexicon({"claim": ["NO.1", "TOP1"]})
        assert [h.end for h in lexicon.find("销量NO.1！")] == [6]
        assert not lexicon.find("ROOM401, NO.19, TOP10")

    def test_numerals_carry_values(self) -> None:
        lexicon = Lexicon({}, {"numeral": {4: ["четыре"], 12: ["дюжина"]}})
        assert [(h.value) for h in lexicon.find("четыре розы и дюжина тюльпанов")] == [4, 12]

    def test_token_distance_stops_at_sentence_end(self) -> None:
        doc = English()("White boxes. Gifts inside the white box")
        index = TokenIndex(doc)
        first, gifts = Hit("white", 0, 5), Hit("gift", 13, 18)
        second, box = Hit("white", 30, 35), Hit("wrapping", 36, 39)
        assert index.distance(first, gifts) is None
        assert index.distance(second, box) == (1, 0)
        assert index.distance(box, gifts) == (-1, 3)  # inside, the, white

    def test_numbers_and_money(self) -> None:
        text = "¥1,234.50 · 4,400円 · ₹12,34,567 · 1,234 · 49.99 EUR"
        numbers = {n.text: n for n in find_numbers(text)}
        assert numbers["1,234.50"].fraction == "50" and numbers["1,234.50"].integer == 1234
        assert numbers["12,34,567"].integer == 1234567 and not numbers["12,34,567"].fraction
        assert numbers["1,234"].ambiguous
        assert numbers["49.99"].rebuilt(",", ".") == "49,99"
        yen = text.index("円")
        money = find_money(text, list(numbers.values()), [(yen, yen + 1)])
        assert sorted((m.number.text, m.marker, m.kind) for m in money) == [
            ("1,234.50", "¥", "symbol"), ("12,34,567", "₹", "symbol"),
            ("4,400", "円", "word"), ("49.99", "EUR", "code")]
