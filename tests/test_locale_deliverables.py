"""Issue 6 deliverables not proven elsewhere: CLDR formats in every required locale, the number-4
rule on prices, quantities, set sizes and offers only, chrysanthemum gifts in everyday Spanish,
12/24-hour clock routing, brand guides written as YAML, and CJK word windows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.locale import LocaleCheck
from copyguard.guides import DEFAULT_GUIDE, BrandGuide, load_guide
from copyguard.io import coerce_draft
from copyguard.locales import LocalePackError, PackLibrary
from copyguard.locales.facts import DATA_DIR as DATA
from copyguard.model import Finding, Route, Severity


@pytest.fixture(scope="module")
def run(guard: Guard) -> Any:
    check = next(c for c in guard.checks if c.name == "locale")
    assert isinstance(check, LocaleCheck)

    def run(text: str, locale: str, guide: BrandGuide = DEFAULT_GUIDE,
            **fields: Any) -> list[Finding]:
        draft = coerce_draft(text, locale=locale, **fields)
        ctx = CheckContext(draft, guide.resolve(draft.locale, draft.channel), guard.nlp)
        return list(check.run(ctx))

    return run


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def formats(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings if f.code.startswith("format.")}


# (locale, copy in the locale's own formats, the same copy with a foreign currency symbol,
#  foreign separators, a numeric date in another order and the other clock)
FORMATS = [
    ("en-US", "Sale ends 12/24/2026 at 6 PM: only $1,299.99!",
     "Sale ends 24/12/2026 at 18:30: only €1.299,99!"),
    ("en-GB", "Sale ends 24/12/2026 at 18:30: only £1,299.99!",
     "Sale ends 12/24/2026 at 6 p.m.: only $1.299,99!"),
    ("en-IN", "Sale ends 24/12/2026 at 6 pm: only ₹1,299.50!",
     "Sale ends 12/24/2026 at 18:30: only €1.299,50!"),
    ("en-AU", "Sale ends 24/12/2026 at 6 pm: only $1,299.95!",
     "Sale ends 12/24/2026 at 18:30: only €1.299,95!"),
    ("de-DE", "Aktion bis 24.12.2026, 18:30 Uhr: nur 1.299,99 €!",
     "Aktion bis 12/24/2026, 6 PM: nur $1,299.99!"),
    ("de-AT", "Aktion bis 24.12.2026, 18:30 Uhr: nur € 1.299,99!",
     "Aktion bis 12/24/2026, 6 PM: nur $1,299.99!"),
    ("de-CH", "Aktion bis 24.12.2026, 18:30 Uhr: nur CHF 1’299.90!",
     "Aktion bis 12/24/2026, 6 PM: nur €1.299,90!"),
    ("fr-FR", "Offre valable jusqu'au 24/12/2026 à 18:30 : 1 299,99 € seulement !",
     "Offre valable jusqu'au 12/24/2026 à 6 PM : $1,299.99 seulement !"),
    ("fr-BE", "Offre valable jusqu'au 24/12/2026 à 18:30 : 1 299,99 € seulement !",
     "Offre valable jusqu'au 12/24/2026 à 6 PM : $1,299.99 seulement !"),
    ("it-IT", "Offerta valida fino al 24/12/2026 alle 18:30: solo 1.299,99 €!",
     "Offerta valida fino al 12/24/2026 alle 6 PM: solo $1,299.99!"),
    ("es-ES", "Oferta válida hasta el 24/12/2026 a las 18:30: solo 1.299,99 €.",
     "Oferta válida hasta el 12/24/2026 a las 6 PM: solo $1,299.99."),
    ("pt-BR", "Oferta válida até 24/12/2026 às 18:30: só R$ 1.299,90!",
     "Oferta válida até 12/24/2026 às 6 PM: só $1,299.90!"),
    ("nl-BE", "Actie geldig tot 24/12/2026 om 18:30 uur: slechts € 1.299,99!",
     "Actie geldig tot 12/24/2026 om 6 PM: slechts $1,299.99!"),
    ("ja-JP", "2026/12/24 18:30まで、特価¥12,900。", "12/24/2026 6 PMまで、特価$1.299,99。"),
    ("zh-CN", "优惠截至2026/12/24 18:30，仅售¥1,299.50。",
     "优惠截至12/24/2026 6 PM，仅售€1.299,50。"),
    ("zh-TW", "優惠至2026/12/24 下午6:30，只要$1,299。",
     "優惠至12/24/2026 18:30，只要€1.299,50。"),
    ("ko-KR", "2026/12/24 PM 6:30까지 특가 ₩12,900!", "12/24/2026 18:30까지 특가 €1.299,50!"),
    ("ar-SA", "العرض حتى 24/12/2026 الساعة 6:30 م: 1,299.50 ر.س فقط",
     "العرض حتى 12/24/2026 الساعة 18:30: €1.299,50 فقط"),
    ("ar-AE", "العرض حتى 24/12/2026 الساعة 6:30 م: 1,299.50 د.إ فقط",
     "العرض حتى 12/24/2026 الساعة 18:30: €1.299,50 فقط"),
    ("hi-IN", "ऑफ़र 24/12/2026 शाम 6 pm तक: सिर्फ ₹1,299.50!",
     "ऑफ़र 12/24/2026 18:30 तक: सिर्फ €1.299,50!"),
    ("tr-TR", "Kampanya 24.12.2026 saat 18:30'a kadar: sadece ₺1.299,50!",
     "Kampanya 12/24/2026 saat 6 PM'e kadar: sadece $1,299.50!"),
    ("fa-IR", "تخفیف تا 2026/12/24 ساعت 18:30: فقط 1,300 ریال",
     "تخفیف تا 12/24/2026 ساعت 6 PM: فقط €1.299,50"),
    ("ru-RU", "Акция до 24.12.2026, 18:30: всего 1 299,50 ₽!",
     "Акция до 12/24/2026, 6 PM: всего $1,299.50!"),
    ("uk-UA", "Акція до 24.12.2026, 18:30: лише 1 299,50 ₴!",
     "Акція до 12/24/2026, 6 PM: лише $1,299.50!"),
]
FORMAT_RULES = {"format.currency_symbol", "format.number_separators",
                "format.numeric_date_order"}


@pytest.mark.parametrize(("locale", "good", "bad"), FORMATS, ids=[f[0] for f in FORMATS])
def test_cldr_formats_in_every_required_locale(run: Any, locale: str, good: str,
                                               bad: str) -> None:
    assert not formats(run(good, locale)), f"{good!r} is written the {locale} way"
    found = formats(run(bad, locale))
    assert found >= FORMAT_RULES, f"{bad!r} in {locale}: {sorted(found)}"
    assert found & {"format.clock", "format.clock_24h"}, f"{bad!r}: clock not flagged"


class TestClockRouting:
    """A 12-hour time in a 24-hour locale is a format error fixed before sending."""

    def test_twelve_hour_time_in_german_is_fixed_and_revised(self, guard: Guard) -> None:
        text = "Late-Night-Shopping am Freitag: Alle Filialen haben bis 10 PM geöffnet."
        verdict = guard.check(text, locale="de-DE", channel="push")
        clock = [f for f in verdict.findings if f.code == "format.clock"]
        assert [(f.severity, f.fix) for f in clock] == [(Severity.WARNING, "22:00")]
        assert verdict.route is Route.REVISE
        assert verdict.fixed_text is not None and "bis 22:00 geöffnet" in verdict.fixed_text

    def test_british_twelve_hour_times_are_only_a_suggestion(self, run: Any) -> None:
        found = [f for f in run("Doors open at 7pm.", "en-GB") if f.code == "format.clock"]
        assert [f.severity for f in found] == [Severity.SUGGESTION]
        assert "gov.uk" in " ".join(found[0].data["source"])

    @pytest.mark.parametrize(("locale", "text"), [
        ("en-US", "Doors open at 18:30."),
        ("ko-KR", "18:30에 시작합니다."),
        ("ar-SA", "نفتح الساعة 18:30"),
    ])
    def test_a_24_hour_time_in_a_12_hour_locale_is_a_suggestion(self, run: Any, locale: str,
                                                                text: str) -> None:
        found = [f for f in run(text, locale) if f.code.startswith("format.clock")]
        assert [(f.code, f.severity) for f in found] == [("format.clock_24h",
                                                           Severity.SUGGESTION)]


class TestNumberFour:
    """4 in prices, quantities, set sizes and offers, in the locale's language; not in dates,
    weekdays, addresses or place names."""

    @pytest.mark.parametrize(("locale", "text"), [
        ("zh-CN", "限时特价，仅售44元。"),  # price
        ("zh-CN", "茶具礼盒每人限购4盒。"),  # quantity
        ("zh-CN", "精选四件套，送礼佳品。"),  # set size
        ("zh-CN", "买四送一，限时优惠。"),  # offer
        ("zh-TW", "限時特價，只要44元。"),
        ("zh-TW", "毛巾禮盒4件套，限量供應。"),
        ("ja-JP", "今なら4,400円でご提供。"),
        ("ja-JP", "人気のタオル4枚セット。"),
        ("ja-JP", "お得な四点セット。"),
        ("ko-KR", "단 4,400원!"),
        ("ko-KR", "수건 4종 세트를 준비했습니다."),
        ("ko-KR", "장미 네 송이 세트 특가!"),
    ])
    def test_four_in_prices_quantities_sets_and_offers(self, run: Any, locale: str,
                                                       text: str) -> None:
        assert "symbolism.number_4" in codes(run(text, locale))

    @pytest.mark.parametrize(("locale", "text"), [
        ("zh-CN", "您的新沙发将于周四送达北京市朝阳区建国路88号，请安排人员在家签收。"),
        ("zh-CN", "星期四送货上门，四月上新。"),
        ("zh-CN", "门店地址：北京市东四环中路4号。"),
        ("zh-TW", "禮拜四送達，週四送貨。"),
        ("ja-JP", "4月4日から販売開始。"),
        ("ko-KR", "네, 박스 포장 가능합니다."),  # 네 is "yes" here, not four
        ("ko-KR", "4월 4일부터 판매합니다."),
    ])
    def test_four_that_is_no_price_quantity_or_offer_passes(self, run: Any, locale: str,
                                                            text: str) -> None:
        assert "symbolism.number_4" not in codes(run(text, locale))


class TestChrysanthemumGifts:
    @pytest.mark.parametrize(("locale", "text"), [
        ("es-ES", "Para el Día de la Madre, sorpréndela con un ramo de crisantemos: entrega "
                  "gratuita en toda España."),
        ("es-ES", "Regálale crisantemos a tu madre."),
        ("es-ES", "Felicítala con un ramo de crisantemos."),
        ("it-IT", "Per la Festa della Mamma, regalale un bouquet di crisantemi."),
        ("fr-FR", "Surprenez-la avec des chrysanthèmes."),
        ("de-AT", "Überraschen Sie Ihre Mutter mit Chrysanthemen."),
        ("nl-BE", "Verras haar met chrysanten."),
    ])
    def test_gift_verbs_and_occasions(self, run: Any, locale: str, text: str) -> None:
        assert "symbolism.chrysanthemum_gift" in codes(run(text, locale))

    @pytest.mark.parametrize(("locale", "text"), [
        ("es-ES", "Crisantemos a precios sorprendentes para Todos los Santos."),
        ("es-ES", "Ramos de crisantemos para llevar al cementerio el 1 de noviembre."),
        ("it-IT", "Crisantemi per il 2 novembre: consegna al cimitero."),
    ])
    def test_grave_flowers_pass(self, run: Any, locale: str, text: str) -> None:
        assert "symbolism.chrysanthemum_gift" not in codes(run(text, locale))

    def test_spanish_chrysanthemum_gift_is_a_warning(self, guard: Guard) -> None:
        verdict = guard.check("Regala crisantemos en su cumpleaños.", locale="es-ES")
        found = [f for f in verdict.findings if f.code == "symbolism.chrysanthemum_gift"]
        assert [f.severity for f in found] == [Severity.WARNING]
        assert verdict.route is Route.REVIEW


class TestMoreRulesInTheirLanguages:
    @pytest.mark.parametrize(("locale", "bad", "good"), [
        ("de-DE", "Rohr mit 2 Zoll Durchmesser.", "Rohr mit 5 cm Durchmesser."),
        ("en-AU", "The tent pole is 80 inches long.", "The tent pole is 2 metres long."),
        ("fr-FR", "Un tuyau de 2 pouces.", "Un tuyau de 5 cm."),
    ])
    def test_inches_in_metric_locales(self, run: Any, locale: str, bad: str,
                                      good: str) -> None:
        assert "format.imperial_units" in codes(run(bad, locale))
        assert "format.imperial_units" not in codes(run(good, locale))

    def test_thumbs_up_in_any_arabic_locale(self, run: Any) -> None:
        assert "gesture.thumbs_up" in codes(run("عرض رائع 👍", "ar-EG"))
        assert "gesture.thumbs_up" not in codes(run("عرض رائع ✅", "ar-EG"))

    def test_pork_in_arabic_for_the_emirates(self, run: Any) -> None:
        assert "restricted.pork" in codes(run("لحم الخنزير المقدد بسعر خاص", "ar-AE"))
        assert "restricted.pork" not in codes(run("بيكون بقري طازج بسعر خاص", "ar-AE"))

    @pytest.mark.parametrize(("locale", "rule", "bad", "good"), [
        ("ar-SA", "occasion.christmas_greeting", "Merry Christmas from our team!",
         "Season's greetings from our team!"),
        ("ar-SA", "restricted.alcohol", "Happy hour: two beers for one!",
         "Try our alcohol-free beer this weekend!"),
        ("ar-AE", "restricted.pork", "Bacon breakfast deal every Friday.",
         "Turkey bacon breakfast deal every Friday."),
    ])
    def test_english_copy_under_a_gulf_arabic_locale(self, run: Any, locale: str, rule: str,
                                                     bad: str, good: str) -> None:
        """ar.yaml reads English words too (``also_read: [en]``): Gulf copy is often English."""
        assert rule in codes(run(bad, locale))
        assert rule not in codes(run(good, locale))

    def test_christmas_greeting_in_arabic_for_saudi_arabia_only(self, run: Any) -> None:
        text = "عيد ميلاد مجيد! خصومات تصل إلى 40% على جميع الهدايا."
        assert "occasion.christmas_greeting" in codes(run(text, "ar-SA"))
        assert "occasion.christmas_greeting" not in codes(run(text, "ar-AE"))


class TestPacks:
    def test_fr_be_gets_french_and_belgian_rules(self, run: Any) -> None:
        text = "Tu vas adorer ces chrysanthèmes en cadeau !"
        assert {"address.informal", "symbolism.chrysanthemum_gift"} <= codes(run(text, "fr-BE"))
        assert "symbolism.chrysanthemum_gift" not in codes(run(text, "fr-CA"))  # no BE rules
        assert "address.informal" in codes(run(text, "fr-CA"))  # still French rules
        flemish = codes(run("Jij krijgt chrysanten cadeau.", "nl-BE"))
        assert "symbolism.chrysanthemum_gift" in flemish  # BE rule, Dutch words
        assert "address.informal" not in flemish  # a French and German rule only

    def test_every_rule_severity_comes_from_nature_and_confidence(self) -> None:
        root = yaml.safe_load((DATA / "root.yaml").read_text(encoding="utf-8"))
        table = root["severity"]
        library = PackLibrary()
        for locale in [row[0] for row in FORMATS]:
            pack = library.pack(locale)
            assert pack is not None
            for rule in pack.rules:
                expected = table[rule.spec.nature][rule.spec.confidence]
                assert rule.severity.value == expected, (locale, rule.id)
                assert rule.spec.source, (locale, rule.id)
                if rule.spec.nature == "symbolism":
                    assert rule.severity in (Severity.SUGGESTION, Severity.WARNING)
                if rule.spec.nature == "legal" and rule.spec.confidence == "high":
                    assert rule.severity is Severity.ERROR

    def test_a_rule_without_confidence_is_rejected(self, tmp_path: Path) -> None:
        (tmp_path / "xx.yaml").write_text(
            "description: test\nlexicon:\n  gift: [present]\nrules:\n  x.rule:\n"
            "    kind: phrase\n    nature: symbolism\n    message: m\n    target: [gift]\n"
            "    active: true\n    source: [https://example.org]\n", encoding="utf-8")
        library = PackLibrary([tmp_path])
        with pytest.raises(LocalePackError, match="confidence"):
            library.pack("xx")


class TestCjkWordWindows:
    """Japanese is split into words (SudachiPy), Chinese into characters, Korean at spaces:
    context windows count those tokens and stop at sentence ends."""

    @pytest.mark.parametrize(("locale", "near", "far"), [
        ("ja-JP", "白いラッピングでお届けします。",
         "白いスニーカーが新登場。プレゼントにもどうぞ。"),
        ("zh-CN", "节日礼物用白色包装。", "白色运动鞋全新上市。节日礼物另有优惠。"),
        ("ko-KR", "흰 포장 상자에 담아 드립니다.",
         "흰 운동화 신상품 출시. 선물 포장도 가능합니다."),
    ])
    def test_white_gift_needs_the_context_in_the_same_sentence(self, run: Any, locale: str,
                                                               near: str, far: str) -> None:
        assert "symbolism.white_gift" in codes(run(near, locale))
        assert "symbolism.white_gift" not in codes(run(far, locale))

    @pytest.mark.parametrize(("locale", "text"), [
        ("zh-CN", "白色运动鞋，送礼自用都合适。"),  # white sneakers; "a gift" is another clause
        ("en-IN", "White sneakers, a great gift for Diwali."),
        ("ja-JP", "白いスニーカー、プレゼントにも最適。"),
    ])
    def test_a_colour_does_not_modify_across_punctuation(self, run: Any, locale: str,
                                                         text: str) -> None:
        assert "symbolism.white_gift" not in codes(run(text, locale))

    def test_japanese_counters_are_found_inside_unspaced_text(self, run: Any) -> None:
        text = "母の日の贈り物に、人気のタオル4枚セットはいかがでしょうか。"
        finding = next(f for f in run(text, "ja-JP") if f.code == "symbolism.number_4")
        assert text[finding.start:finding.end] == "4"


class TestBrandGuideYaml:
    """Brands relax locale rules in their guide file (the ``locale_rules`` section and locale
    overlays of copyguard.guides), by rule id, per locale."""

    GUIDE = """\
id: acme
locale_rules:
  symbolism.number_4: {disable: true, locales: [ja-JP]}
  symbolism.white_gift: {severity: info, locales: [ko]}
overlays:
  locales:
    zh-TW:
      locale_rules:
        symbolism.clock_gift: {disable: true}
"""

    @pytest.fixture()
    def guide(self, tmp_path: Path) -> BrandGuide:
        path = tmp_path / "acme.yaml"
        path.write_text(self.GUIDE, encoding="utf-8")
        return load_guide(path)

    def test_disable_by_id_for_one_locale(self, run: Any, guide: BrandGuide) -> None:
        assert "symbolism.number_4" not in codes(run("人気の4点セット", "ja-JP", guide))
        assert "symbolism.number_4" in codes(run("四件套礼盒特价。", "zh-CN", guide))

    def test_relax_severity_for_one_language(self, run: Any, guide: BrandGuide) -> None:
        found = [f for f in run("흰 장미 꽃다발을 선물하세요.", "ko-KR", guide)
                 if f.code == "symbolism.white_gift"]
        assert [f.severity for f in found] == [Severity.INFO]
        found = [f for f in run("节日礼物用白色包装。", "zh-CN", guide)
                 if f.code == "symbolism.white_gift"]
        assert [f.severity for f in found] == [Severity.WARNING]

    def test_locale_overlay_disables_a_rule(self, run: Any, guide: BrandGuide) -> None:
        assert "symbolism.clock_gift" not in codes(run("買就送精美掛鐘。", "zh-TW", guide))
        assert "symbolism.clock_gift" in codes(run("下单即送精美挂钟一个。", "zh-CN", guide))
