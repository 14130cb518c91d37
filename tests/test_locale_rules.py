"""Cultural locale rules, each tested positive and negative with copy in the locale's language."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.locale import LocaleCheck
from copyguard.guides import DEFAULT_GUIDE, BrandGuide, LocaleRuleOverride, Voice
from copyguard.io import coerce_draft
from copyguard.model import Finding, Severity


@pytest.fixture(scope="module")
def check(guard: Guard) -> LocaleCheck:
    found = next(c for c in guard.checks if c.name == "locale")
    assert isinstance(found, LocaleCheck)
    return found


@pytest.fixture(scope="module")
def run(guard: Guard, check: LocaleCheck) -> Any:
    def run(text: str, locale: str, guide: BrandGuide = DEFAULT_GUIDE,
            **fields: Any) -> list[Finding]:
        draft = coerce_draft(text, locale=locale, **fields)
        ctx = CheckContext(draft, guide.resolve(draft.locale, draft.channel), guard.nlp)
        return list(check.run(ctx))

    return run


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def profile(given: str, family: str) -> dict[str, Any]:
    return {"recipient": {"profile": {"first_name": given, "last_name": family}}}


# (rule, locale, copy that breaks the rule, copy in the same language that does not)
CASES = [
    # white as the colour of gifts, flowers, wrapping, celebrations -- not of products
    ("symbolism.white_gift", "it-IT", "Confezione regalo bianca per il vostro anniversario.",
     "Le nostre sneakers bianche sono perfette per l'estate."),
    ("symbolism.white_gift", "ja-JP", "白いバラの花束を贈りませんか。",
     "白いスニーカーが新登場。"),
    ("symbolism.white_gift", "zh-CN", "节日礼物用白色包装。", "白色运动鞋全新上市。"),
    ("symbolism.white_gift", "ko-KR", "흰 장미 꽃다발을 선물하세요.", "흰 운동화 신상품 출시."),
    ("symbolism.white_gift", "hi-IN", "दिवाली के लिए सफेद उपहार पैकिंग।",
     "नए सफेद स्नीकर्स अब उपलब्ध हैं।"),
    ("symbolism.white_gift", "en-IN", "Celebrate Diwali with white gift boxes.",
     "Our white sneakers make a great gift for the festive season."),
    ("symbolism.white_gift", "en-IN", "White roses for the wedding, delivered today.",
     "Wear white this Holi!"),
    # chrysanthemums as a gift or for a celebration
    ("symbolism.chrysanthemum_gift", "it-IT", "Regala un mazzo di crisantemi alla mamma.",
     "Crisantemi per il 2 novembre, consegna al cimitero."),
    ("symbolism.chrysanthemum_gift", "fr-FR", "Offrez des chrysanthèmes pour son anniversaire.",
     "Nos chrysanthèmes pour la Toussaint sont arrivés."),
    ("symbolism.chrysanthemum_gift", "fr-BE", "Des chrysanthèmes en cadeau pour la fête des mères.",
     "Fleurissez les tombes : chrysanthèmes en pot."),
    ("symbolism.chrysanthemum_gift", "nl-BE", "Geef chrysanten cadeau voor haar verjaardag.",
     "Chrysanten voor Allerheiligen, nu in de winkel."),
    ("symbolism.chrysanthemum_gift", "es-ES", "Regala crisantemos en su cumpleaños.",
     "Crisantemos para el Día de Todos los Santos."),
    ("symbolism.chrysanthemum_gift", "de-AT", "Verschenken Sie Chrysanthemen zum Geburtstag.",
     "Chrysanthemen für Allerheiligen jetzt im Gartencenter."),
    # clocks as gifts
    ("symbolism.clock_gift", "zh-CN", "下单即送精美挂钟一个。", "全场包邮，30分钟送达。"),
    ("symbolism.clock_gift", "zh-TW", "買就送精美掛鐘。", "新款掛鐘上市，歡迎選購。"),
    # number 4 in prices, quantities, set sizes and offers; 9 in Japanese gift quantities
    ("symbolism.number_4", "ja-JP", "人気の4点セットをお届けします。", "4月10日から販売開始。"),
    ("symbolism.number_4", "ja-JP", "特別価格¥4,400でご提供。", "特別価格¥4,980でご提供。"),
    ("symbolism.number_4", "zh-CN", "四件套礼盒特价。", "四川美食节开幕。"),
    ("symbolism.number_4", "zh-TW", "買4送1限時優惠。", "營業時間至24時。"),
    ("symbolism.number_4", "ko-KR", "장미 4송이 세트 특가!", "4개월 무이자 할부 가능."),
    ("symbolism.number_9", "ja-JP", "9個入りのギフトセット", "9月の新作、価格は9,990円。"),
    # gestures
    ("gesture.thumbs_up", "ar-SA", "عرض رائع 👍", "عرض رائع ✅"),
    ("gesture.thumbs_up", "ar-AE", "تم تأكيد طلبك 👍🏽", "تم تأكيد طلبك"),
    ("gesture.thumbs_up", "fa-IR", "پیشنهاد ویژه 👍", "پیشنهاد ویژه ✅"),
    ("gesture.ok_hand", "pt-BR", "Tudo certo 👌 com seu pedido!", "Tudo certo ✅ com seu pedido!"),
    ("gesture.ok_hand", "tr-TR", "Siparişiniz hazır 👌", "Siparişiniz hazır ✅"),
    # even numbers of flowers
    ("symbolism.even_flowers", "ru-RU", "Букет из 4 роз — идеальный подарок.",
     "Букет из 5 роз — идеальный подарок."),
    ("symbolism.even_flowers", "ru-RU", "Подарите ей две розы.",
     "Четыре розовых платья со скидкой."),
    ("symbolism.even_flowers", "uk-UA", "Букет з 6 троянд до свята.", "Букет з 7 троянд до свята."),
    # informal address under a formal brand voice
    ("address.informal", "de-DE", "Hol dir jetzt deinen Gutschein!",
     "Sichern Sie sich jetzt Ihren Gutschein!"),
    ("address.informal", "de-AT", "Wir haben ein Angebot für dich.",
     "Wir haben ein Angebot für Sie."),
    ("address.informal", "de-CH", "Euer Paket ist unterwegs.", "Ihr Paket ist unterwegs."),
    ("address.informal", "fr-FR", "Tu vas adorer ton cadeau !",
     "Vous allez adorer le ton pastel de votre cadeau !"),
    # occasions
    ("occasion.thanksgiving", "en-GB", "Happy Thanksgiving from all of us!",
     "Happy holidays from all of us!"),
    ("occasion.thanksgiving", "de-DE", "Frohes Thanksgiving! 20 % auf alles.",
     "Frohe Feiertage! 20 % auf alles."),
    ("occasion.thanksgiving", "ja-JP", "サンクスギビングセール開催中！", "お客様感謝祭開催中！"),
    ("occasion.thanksgiving", "zh-CN", "感恩节特惠，全场八折。", "双十一特惠，全场八折。"),
    ("occasion.christmas_greeting", "ar-SA", "ميلاد مجيد وكل عام وأنتم بخير",
     "عيد ميلاد سعيد يا أحمد"),
    ("occasion.christmas_greeting", "en-SA", "Merry Christmas from our team!",
     "Season's greetings from our team!"),
    # restricted categories
    ("restricted.alcohol", "ar-SA", "خصم خاص على النبيذ الأحمر والبيرة",
     "بيرة خالية من الكحول وفستان أحمر نبيذي"),
    ("restricted.alcohol", "ar-AE", "عروض الويسكي لهذا الأسبوع", "عروض العصائر لهذا الأسبوع"),
    ("restricted.alcohol", "en-AE", "Happy hour: two beers for one!",
     "Try our alcohol-free beer this weekend!"),
    ("restricted.pork", "ar-SA", "لحم الخنزير المقدد بسعر خاص", "بيكون بقري طازج بسعر خاص"),
    ("restricted.pork", "en-AE", "Bacon breakfast deal every Friday.",
     "Turkey bacon breakfast deal every Friday."),
    # claims
    ("claims.absolute_terms", "zh-CN", "全网最低价，销量第一！",
     "第一次购物立减10元，纯棉T恤舒适透气。"),
]


@pytest.mark.parametrize(("rule", "locale", "bad", "good"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_copy_and_not_on_good_copy(run: Any, rule: str, locale: str, bad: str,
                                                     good: str) -> None:
    assert rule in codes(run(bad, locale)), f"{rule} should flag {bad!r} in {locale}"
    assert rule not in codes(run(good, locale)), f"{rule} should pass {good!r} in {locale}"


# Rules every locale gets from root.yaml, in each required locale's language:
# (locale, Thanksgiving copy, summer copy, ten miles)
EVERY_LANGUAGE = [
    ("en-GB", "Happy Thanksgiving!", "Summer sale now on!", None),
    ("en-IN", "Happy Thanksgiving!", "Summer sale now on!", "Only 10 miles away."),
    ("en-AU", "Happy Thanksgiving!", "Summer sale now on!", "Only 10 miles away."),
    ("de-DE", "Frohes Thanksgiving!", "Der Sommerschlussverkauf läuft!", "Nur 10 Meilen entfernt."),
    ("de-AT", "Frohes Thanksgiving!", "Der Sommerschlussverkauf läuft!", "Nur 10 Meilen entfernt."),
    ("de-CH", "Frohes Thanksgiving!", "Der Sommerschlussverkauf läuft!", "Nur 10 Meilen entfernt."),
    ("fr-FR", "Joyeux Thanksgiving !", "Les soldes d'été sont là !", "À 10 miles d'ici."),
    ("fr-BE", "Joyeux Thanksgiving !", "Les soldes d'été sont là !", "À 10 miles d'ici."),
    ("it-IT", "Buona festa del Ringraziamento!", "Saldi estivi da non perdere!",
     "A 10 miglia da qui."),
    ("es-ES", "¡Feliz Día de Acción de Gracias!", "¡Rebajas de verano!", "A 10 millas de aquí."),
    ("pt-BR", "Feliz Dia de Ação de Graças!", "Liquidação de verão!", "A 10 milhas daqui."),
    ("nl-BE", "Fijne Thanksgiving!", "De zomeruitverkoop is begonnen!", "Op 10 mijl afstand."),
    ("ja-JP", "サンクスギビングセール！", "夏セール開催中！", "ここから10マイル。"),
    ("zh-CN", "感恩节快乐！", "夏季特卖开始啦！", "距离10英里。"),
    ("zh-TW", "感恩節快樂！", "夏季特賣開始囉！", "距離10英里。"),
    ("ko-KR", "행복한 추수감사절 보내세요!", "여름 세일 시작!", "여기서 10마일 거리."),
    ("ar-SA", "عروض عيد الشكر", "عروض الصيف الكبرى", "على بعد 10 أميال"),
    ("ar-AE", "عروض عيد الشكر", "عروض الصيف الكبرى", "على بعد 10 أميال"),
    ("hi-IN", "थैंक्सगिविंग की शुभकामनाएं!", "गर्मी की सेल शुरू!", "सिर्फ 10 मील दूर।"),
    ("tr-TR", "Şükran Günü kutlu olsun!", "Yaz indirimi başladı!", "Sadece 10 mil uzakta."),
    ("fa-IR", "روز شکرگزاری مبارک", "حراج تابستانی", "فقط 10 مایل فاصله"),
    ("ru-RU", "С Днём благодарения!", "Летняя распродажа!", "Всего 10 миль отсюда."),
    ("uk-UA", "З Днем подяки!", "Літній розпродаж!", "Лише 10 миль звідси."),
]


@pytest.mark.parametrize(("locale", "thanks", "summer", "miles"), EVERY_LANGUAGE,
                         ids=[c[0] for c in EVERY_LANGUAGE])
def test_root_rules_read_every_language(run: Any, locale: str, thanks: str, summer: str,
                                        miles: str | None) -> None:
    assert "occasion.thanksgiving" in codes(run(thanks, locale))
    assert "occasion.thanksgiving" not in codes(run(summer, locale))
    south = locale in ("en-AU", "pt-BR")
    wrong, right = ("2026-07-10T09:00:00", "2026-01-10T09:00:00") if south else \
        ("2026-01-10T09:00:00", "2026-07-10T09:00:00")
    assert "occasion.season_hemisphere" in codes(run(summer, locale, campaign={"sent_at": wrong}))
    assert "occasion.season_hemisphere" not in codes(run(summer, locale,
                                                         campaign={"sent_at": right}))
    if miles is not None:
        assert "format.imperial_units" in codes(run(miles, locale))
        assert "format.imperial_units" not in codes(run(thanks, locale))


def test_root_rules_in_the_us(run: Any) -> None:
    assert "occasion.thanksgiving" not in codes(run("Happy Thanksgiving!", "en-US"))
    assert "format.imperial_units" not in codes(run("Only 10 miles away.", "en-US"))
    assert "occasion.season_hemisphere" in codes(
        run("Summer sale now on!", "en-US", campaign={"sent_at": "2026-01-10T09:00:00"}))


@pytest.mark.parametrize(("rule", "locale", "copy"), [
    ("symbolism.white_gift", "en-US", "Celebrate with white gift boxes."),
    ("symbolism.chrysanthemum_gift", "de-DE", "Verschenken Sie Chrysanthemen zum Geburtstag."),
    ("symbolism.number_4", "en-US", "Our 4-piece gift set is back."),
    ("gesture.thumbs_up", "en-US", "Great deal 👍"),
    ("gesture.ok_hand", "en-GB", "All set 👌"),
    ("occasion.thanksgiving", "en-US", "Happy Thanksgiving from all of us!"),
    ("occasion.thanksgiving", "en-CA", "Happy Thanksgiving from all of us!"),
    ("occasion.christmas_greeting", "ar-AE", "ميلاد مجيد وكل عام وأنتم بخير"),
    ("restricted.alcohol", "en-GB", "Happy hour: two beers for one!"),
    ("claims.absolute_terms", "zh-TW", "全網第一，銷量第一！"),
    ("symbolism.even_flowers", "de-DE", "Ein Strauß mit 4 Rosen."),
])
def test_rule_is_local_to_its_markets(run: Any, rule: str, locale: str, copy: str) -> None:
    assert rule not in codes(run(copy, locale))


def test_chrysanthemum_gift_severity_follows_each_region_s_confidence(run: Any) -> None:
    """Austria's sources are weaker (low: a suggestion); Spain's and France's agree (medium)."""
    austria = next(f for f in run("Verschenken Sie Chrysanthemen zum Geburtstag.", "de-AT")
                   if f.code == "symbolism.chrysanthemum_gift")
    spain = next(f for f in run("Regala crisantemos en su cumpleaños.", "es-ES")
                 if f.code == "symbolism.chrysanthemum_gift")
    france = next(f for f in run("Offrez des chrysanthèmes pour son anniversaire.", "fr-FR")
                  if f.code == "symbolism.chrysanthemum_gift")
    assert [f.data["confidence"] for f in (austria, spain, france)] == ["low", "medium", "medium"]
    assert [f.severity for f in (austria, spain, france)] == [
        Severity.SUGGESTION, Severity.WARNING, Severity.WARNING]


def test_restricted_categories_are_errors_with_sources(run: Any) -> None:
    finding = next(f for f in run("خصم خاص على النبيذ", "ar-SA")
                   if f.code == "restricted.alcohol")
    assert finding.severity is Severity.ERROR
    assert finding.data["nature"] == "legal"
    assert all(url.startswith("http") for url in finding.data["source"])
    assert "und-SA" in finding.data["packs"]
    assert "ar-SA" in finding.message


def test_finding_spans_point_at_the_offending_words(run: Any) -> None:
    text = "人気の4点セットをお届けします。"
    finding = next(f for f in run(text, "ja-JP") if f.code == "symbolism.number_4")
    assert text[finding.start:finding.end] == "4"


class TestNames:
    def test_western_order_is_fixed_to_family_name_first(self, run: Any) -> None:
        text = "Taro Yamada様、いつもありがとうございます。"
        finding = next(f for f in run(text, "ja-JP", **profile("Taro", "Yamada"))
                       if f.code == "names.western_order")
        assert (text[finding.start:finding.end], finding.fix) == ("Taro Yamada", "Yamada Taro")

    def test_cjk_names_in_western_order(self, run: Any) -> None:
        found = run("花子 田中様、ご注文ありがとうございます。", "ja-JP", **profile("花子", "田中"))
        assert next(f.fix for f in found if f.code == "names.western_order") == "田中花子"
        assert "names.western_order" not in codes(
            run("田中花子様、ご注文ありがとうございます。", "ja-JP", **profile("花子", "田中")))

    @pytest.mark.parametrize(("locale", "given", "family", "bad", "good"), [
        ("zh-CN", "Ming", "Wang", "尊敬的 Ming Wang，您好！", "尊敬的 Wang Ming 先生，您好！"),
        ("ko-KR", "Minjun", "Kim", "Minjun Kim님, 안녕하세요.", "Kim Minjun님, 안녕하세요."),
    ])
    def test_western_order_other_locales(self, run: Any, locale: str, given: str, family: str,
                                         bad: str, good: str) -> None:
        assert "names.western_order" in codes(run(bad, locale, **profile(given, family)))
        assert "names.western_order" not in codes(run(good, locale, **profile(given, family)))

    @pytest.mark.parametrize(("locale", "given", "family", "bad", "fix", "good"), [
        ("ja-JP", "花子", "田中", "花子様、いつもありがとうございます。", "田中",
         "田中様、いつもありがとうございます。"),
        ("zh-CN", "明", "王", "明，您好！明天见。", "王明", "王明，您好！明天见。"),
        ("ko-KR", "민준", "김", "민준님, 안녕하세요.", "김민준", "김민준님, 안녕하세요."),
    ])
    def test_given_name_only(self, run: Any, locale: str, given: str, family: str, bad: str,
                             fix: str, good: str) -> None:
        found = [f for f in run(bad, locale, **profile(given, family))
                 if f.code == "names.given_name_only"]
        assert [f.fix for f in found] == [fix]  # "明天" (tomorrow) is not the name
        assert "names.given_name_only" not in codes(run(good, locale, **profile(given, family)))

    @pytest.mark.parametrize(("locale", "given", "family", "bad", "fix", "good"), [
        ("ja-JP", "花子", "田中", "田中、ご注文ありがとうございます。", "田中様",
         "田中様、ご注文ありがとうございます。"),
        ("ko-KR", "민준", "김", "김민준, 주문 감사합니다.", "김민준님",
         "김민준 고객님, 주문 감사합니다."),
    ])
    def test_missing_honorific(self, run: Any, locale: str, given: str, family: str, bad: str,
                               fix: str, good: str) -> None:
        found = [f for f in run(bad, locale, **profile(given, family))
                 if f.code == "names.missing_honorific"]
        assert [f.fix for f in found] == [fix]
        assert "names.missing_honorific" not in codes(run(good, locale, **profile(given, family)))

    def test_no_profile_names_no_name_findings(self, run: Any) -> None:
        found = codes(run("花子様、こんにちは。", "ja-JP"))
        assert not [c for c in found if c.startswith("names.")]

    def test_names_are_not_checked_in_given_name_first_locales(self, run: Any) -> None:
        found = run("Hi Taro, thanks for your order.", "en-US", **profile("Taro", "Yamada"))
        assert not [c for c in codes(found) if c.startswith("names.")]


class TestSeasons:
    @pytest.mark.parametrize(("locale", "text", "sent", "flagged"), [
        ("en-AU", "Our winter sale is on now!", "2026-07-10T09:00:00", False),
        ("en-AU", "Our winter sale is on now!", "2026-12-10T09:00:00", True),
        ("en-US", "Our winter sale is on now!", "2026-07-10T09:00:00", True),
        ("en-US", "Our winter sale is on now!", "2026-12-10T09:00:00", False),
        ("pt-BR", "Liquidação de verão: até 50% off!", "2026-01-15T09:00:00", False),
        ("pt-BR", "Liquidação de verão: até 50% off!", "2026-07-15T09:00:00", True),
        ("ja-JP", "夏セール開催中！", "2026-01-15T09:00:00", True),
        ("ja-JP", "冬セール開催中！", "2026-01-15T09:00:00", False),
        ("de-DE", "Der Sommerschlussverkauf beginnt!", "2026-12-01T09:00:00", True),
        ("ar-SA", "عروض الربيع", "2026-10-01T09:00:00", True),
        ("ar-SA", "عروض شهر ربيع الأول", "2026-10-01T09:00:00", False),
    ])
    def test_season_against_hemisphere_and_send_date(self, run: Any, locale: str, text: str,
                                                     sent: str, flagged: bool) -> None:
        found = run(text, locale, campaign={"sent_at": sent})
        assert ("occasion.season_hemisphere" in codes(found)) is flagged

    def test_without_send_date_seasons_are_not_checked(self, run: Any) -> None:
        assert "occasion.season_hemisphere" not in codes(run("Winter sale!", "en-AU"))


class TestBrandOverrides:
    def guide(self, **overrides: LocaleRuleOverride) -> BrandGuide:
        return BrandGuide(id="acme", locale_rules=overrides)

    def test_disable_a_rule_everywhere(self, run: Any) -> None:
        guide = self.guide(**{"symbolism.number_4": LocaleRuleOverride(disable=True)})
        assert "symbolism.number_4" in codes(run("4点セット", "ja-JP"))
        assert "symbolism.number_4" not in codes(run("4点セット", "ja-JP", guide))
        assert "symbolism.number_4" not in codes(run("四件套礼盒", "zh-CN", guide))

    def test_disable_for_some_locales_only(self, run: Any) -> None:
        guide = self.guide(**{"address.informal": LocaleRuleOverride(disable=True,
                                                                      locales=["de-AT"])})
        assert "address.informal" not in codes(run("Ein Angebot für dich.", "de-AT", guide))
        assert "address.informal" in codes(run("Ein Angebot für dich.", "de-DE", guide))

    def test_language_and_pattern_scopes(self, run: Any) -> None:
        guide = self.guide(**{"gesture.*": LocaleRuleOverride(disable=True, locales=["ar-*"])})
        assert "gesture.thumbs_up" not in codes(run("عرض رائع 👍", "ar-SA", guide))
        assert "gesture.thumbs_up" in codes(run("پیشنهاد ویژه 👍", "fa-IR", guide))
        guide = self.guide(**{"claims.absolute_terms": LocaleRuleOverride(
            severity=Severity.WARNING, locales=["zh"])})
        finding = next(f for f in run("销量第一", "zh-CN", guide)
                       if f.code == "claims.absolute_terms")
        assert finding.severity is Severity.WARNING

    def test_relax_severity(self, run: Any) -> None:
        guide = self.guide(**{"restricted.alcohol": LocaleRuleOverride(severity=Severity.INFO)})
        found = [f for f in run("عروض الويسكي", "ar-AE", guide) if f.code == "restricted.alcohol"]
        assert [f.severity for f in found] == [Severity.INFO]

    def test_exact_id_beats_pattern(self, run: Any) -> None:
        guide = self.guide(**{
            "gesture.*": LocaleRuleOverride(disable=True),
            "gesture.ok_hand": LocaleRuleOverride(disable=False, severity=Severity.ERROR)})
        found = run("Tudo certo 👌", "pt-BR", guide)
        assert [f.severity for f in found if f.code == "gesture.ok_hand"] == [Severity.ERROR]

    def test_unknown_override_is_reported(self, run: Any) -> None:
        guide = self.guide(**{"symbolism.white_gifts": LocaleRuleOverride(disable=True)})
        found = run("Hallo", "de-DE", guide)
        assert [f.severity for f in found if f.code == "unknown_rule_override"] == [Severity.INFO]
        assert "unknown_rule_override" not in codes(run("Hallo", "de-DE"))

    def test_informal_brand_voice_allows_informal_address(self, run: Any) -> None:
        voice = Voice(default="formal", locales={"de-CH": "informal", "fr": "informal"})
        guide = BrandGuide(id="acme", voice=voice)
        assert "address.informal" not in codes(run("Dein Paket ist unterwegs.", "de-CH", guide))
        assert "address.informal" in codes(run("Dein Paket ist unterwegs.", "de-DE", guide))
        assert "address.informal" not in codes(run("Ton colis arrive.", "fr-FR", guide))
