"""The `pii` check: generic PII per language, the brand allow-list, fixes, fallbacks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from copyguard import Guard
from copyguard.model import Route, Severity, Verdict
from copyguard.plugins import DEFAULT_PLUGINS

KEEP = {"copyguard.default_plugins.pii", "copyguard.default_plugins.sensitive",
        "copyguard.default_plugins.routing"}
BRANDS = {
    "acme-mask": "fix: mask",
    "acme-redact": "fix: redact",
    "acme-replace": "fix: replace",
}


def make_guard(brand_dirs: list[Path]) -> Guard:
    return Guard(brand_dirs=brand_dirs, load_entrypoints=False,
                 disabled_plugins=[p for p in DEFAULT_PLUGINS if p not in KEEP])


@pytest.fixture(scope="module")
def brand_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("brands")
    for brand, fix in BRANDS.items():
        (directory / f"{brand}.yaml").write_text(
            f"id: {brand}\ndomains: [acme.example]\nsenders: [anna.berg@mail-acme.example]\n"
            f"pii:\n  {fix}\n  allow: ['0800 123 4567', 'Calvin Klein']\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def pii_guard(brand_dir: Path) -> Guard:
    return make_guard([brand_dir])


def pii(verdict: Verdict) -> list[tuple[str, str]]:
    text = verdict.draft.text
    return [(f.code, text[f.start:f.end]) for f in verdict.findings
            if f.check == "pii" and f.end > f.start]


# (locale, text, entity code, the value that must be found)
POSITIVE = [
    ("en-US", "Questions? Write to jane.doe@gmail.com today.", "EMAIL_ADDRESS",
     "jane.doe@gmail.com"),
    ("en-US", "Call (415) 555-0132 for your appointment.", "PHONE_NUMBER", "(415) 555-0132"),
    ("en-GB", "Ring us on 020 7946 0018 any time.", "PHONE_NUMBER", "020 7946 0018"),
    ("en-US", "Your card 4111 1111 1111 1111 was charged.", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("en-US", "Pay by card: 2223 0000 4841 0010.", "CREDIT_CARD", "2223 0000 4841 0010"),
    ("en-GB", "Transfer to GB82 WEST 1234 5698 7654 32.", "IBAN_CODE",
     "GB82 WEST 1234 5698 7654 32"),
    ("en-US", "The SSN on file is 078-05-1123.", "US_SSN", "078-05-1123"),
    ("en-US", "We saw a login from 203.0.113.42 yesterday.", "IP_ADDRESS", "203.0.113.42"),
    ("en-US", "Our records say you were born on 12/05/1961.", "DATE_OF_BIRTH", "12/05/1961"),
    ("en-US", "Visit us at 1600 Pennsylvania Avenue NW, Washington, DC 20500.", "ADDRESS",
     "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("en-GB", "Drop it at 221B Baker Street, London NW1 6XE.", "ADDRESS",
     "221B Baker Street, London NW1 6XE"),
    ("en-GB", "Your NHS number 943 476 5919 is on the letter.", "UK_NHS", "943 476 5919"),
    ("de-DE", "Schreiben Sie an lena.schmidt@web.de.", "EMAIL_ADDRESS", "lena.schmidt@web.de"),
    ("de-DE", "Rufen Sie uns an: 030 12345678.", "PHONE_NUMBER", "030 12345678"),
    ("de-DE", "Überweisung an DE89 3704 0044 0532 0130 00.", "IBAN_CODE",
     "DE89 3704 0044 0532 0130 00"),
    ("de-DE", "Geboren am 12.05.1961 in Köln.", "DATE_OF_BIRTH", "12.05.1961"),
    ("de-DE", "Die Lieferung geht an Hauptstraße 5, 10115 Berlin.", "ADDRESS",
     "Hauptstraße 5, 10115 Berlin"),
    ("fr-FR", "Écrivez à marie.dupont@orange.fr.", "EMAIL_ADDRESS", "marie.dupont@orange.fr"),
    ("fr-FR", "Appelez le 01 42 68 53 00.", "PHONE_NUMBER", "01 42 68 53 00"),
    ("fr-FR", "Née le 12/05/1961 à Lyon.", "DATE_OF_BIRTH", "12/05/1961"),
    ("fr-FR", "Livraison au 12 rue de la Paix, 75002 Paris.", "ADDRESS",
     "12 rue de la Paix, 75002 Paris"),
    ("fr-FR", "Votre numéro de sécurité sociale 1 85 05 78 006 084 91.", "FR_NIR",
     "1 85 05 78 006 084 91"),
    ("it-IT", "Scrivi a giulia.rossi@libero.it.", "EMAIL_ADDRESS", "giulia.rossi@libero.it"),
    ("it-IT", "Chiamaci al 06 6784343.", "PHONE_NUMBER", "06 6784343"),
    ("it-IT", "Spedizione in Via Roma 12, 00184 Roma.", "ADDRESS", "Via Roma 12, 00184 Roma"),
    ("it-IT", "Codice fiscale: RSSMRA85T10A562S.", "IT_FISCAL_CODE", "RSSMRA85T10A562S"),
    ("es-ES", "Escríbenos a lucia.garcia@gmail.com.", "EMAIL_ADDRESS", "lucia.garcia@gmail.com"),
    ("es-ES", "Llámanos al 612 345 678.", "PHONE_NUMBER", "612 345 678"),
    ("es-ES", "Envío a Calle Mayor 5, 28013 Madrid.", "ADDRESS", "Calle Mayor 5, 28013 Madrid"),
    ("es-ES", "Tu NIF es 12345678Z.", "ES_NIF", "12345678Z"),
    ("pt-PT", "Escreva para joao.silva@sapo.pt.", "EMAIL_ADDRESS", "joao.silva@sapo.pt"),
    ("pt-PT", "Ligue para o 912 345 678.", "PHONE_NUMBER", "912 345 678"),
    ("pt-PT", "Entrega na Rua Augusta 27, 1100-048 Lisboa.", "ADDRESS",
     "Rua Augusta 27, 1100-048 Lisboa"),
    ("pt-BR", "Seu CPF 111.444.777-35 foi confirmado.", "BR_CPF", "111.444.777-35"),
    ("ja-JP", "メールはtaro@example.jpまでお送りください。", "EMAIL_ADDRESS", "taro@example.jp"),
    ("ja-JP", "お電話は03-1234-5678まで。", "PHONE_NUMBER", "03-1234-5678"),
    ("ja-JP", "お届け先：〒100-0005 東京都千代田区丸の内1-2-3", "ADDRESS",
     "〒100-0005 東京都千代田区丸の内1-2-3"),
    ("zh-CN", "请发邮件至wang@example.cn联系我们。", "EMAIL_ADDRESS", "wang@example.cn"),
    ("zh-CN", "请致电13812345678咨询。", "PHONE_NUMBER", "13812345678"),
    ("zh-CN", "身份证号11010519491231002X已登记。", "CN_RESIDENT_ID", "11010519491231002X"),
    ("zh-CN", "送货地址：北京市朝阳区建国路88号", "ADDRESS", "北京市朝阳区建国路88号"),
    ("ko-KR", "이메일 kim@example.kr 로 연락 주세요.", "EMAIL_ADDRESS", "kim@example.kr"),
    ("ko-KR", "전화 010-1234-5678 로 문의하세요.", "PHONE_NUMBER", "010-1234-5678"),
    ("ko-KR", "주소: 서울특별시 강남구 테헤란로 123", "ADDRESS", "서울특별시 강남구 테헤란로 123"),
    ("ar-SA", "راسلنا على ali@example.com اليوم", "EMAIL_ADDRESS", "ali@example.com"),
    ("ar-SA", "اتصل بنا على 0501234567", "PHONE_NUMBER", "0501234567"),
    ("ar-AE", "حوّل إلى AE07 0331 2345 6789 0123 456", "IBAN_CODE",
     "AE07 0331 2345 6789 0123 456"),
]

NEGATIVE = [
    ("en-US", "Save 20% on orders over $5000 until 12/05/2026."),
    ("en-US", "Happy birthday! Your voucher expires 12/05/2026."),
    ("en-US", "Order number 4111 1111 1111 1112 has shipped."),
    ("en-US", "Version 2.1 is out: 1,234,567 downloads and counting."),
    ("en-US", "Our 2 for 1 offer on 3 Street Art prints ends soon."),
    ("de-DE", "Jetzt 20 % sparen, nur bis 31.12.2026, Artikel 1234567."),
    ("fr-FR", "Profitez de -30 % sur 2 articles jusqu'au 31/12/2026."),
    ("it-IT", "Sconto del 20% su 3 articoli fino al 31/12/2026."),
    ("es-ES", "Ahorra un 20 % en 2 artículos hasta el 31/12/2026."),
    ("pt-PT", "Poupe 20% em 2 artigos até 31/12/2026."),
    ("ja-JP", "全品20%オフ、2026年12月31日まで。"),
    ("zh-CN", "全场八折，截止2026年12月31日。"),
    ("ko-KR", "전 품목 20% 할인, 2026년 12월 31일까지."),
    ("ar-SA", "خصم 20% على جميع المنتجات حتى نهاية الشهر"),
]


@pytest.mark.parametrize(("locale", "text", "code", "value"), POSITIVE)
def test_finds_entity(pii_guard: Guard, locale: str, text: str, code: str, value: str) -> None:
    assert (code, value) in pii(pii_guard.check(text, locale=locale))


@pytest.mark.parametrize(("locale", "text"), NEGATIVE)
def test_no_pii_in_plain_offers(pii_guard: Guard, locale: str, text: str) -> None:
    verdict = pii_guard.check(text, locale=locale)
    assert pii(verdict) == []
    assert verdict.route is Route.PASS


# Language-independent entities in every claimed language: (locale, card, IBAN, IP, birth date)
FRAMES = {
    "en-US": ("Your card {} was charged.", "Pay to IBAN {}.", "Login from IP {}.",
              "You were born on {}."),
    "de-DE": ("Ihre Kreditkarte {} wurde belastet.", "Zahlung an IBAN {}.",
              "Anmeldung von IP {}.", "Sie sind geboren am {}."),
    "fr-FR": ("Votre carte {} a été débitée.", "Virement sur l'IBAN {}.",
              "Connexion depuis l'IP {}.", "Vous êtes né le {}."),
    "it-IT": ("La tua carta {} è stata addebitata.", "Bonifico sull'IBAN {}.",
              "Accesso dall'IP {}.", "Sei nato il {}."),
    "es-ES": ("Tu tarjeta {} ha sido cargada.", "Transferencia al IBAN {}.",
              "Acceso desde la IP {}.", "Nacido el {} en Sevilla."),
    "pt-BR": ("Seu cartão {} foi cobrado.", "Transferência para o IBAN {}.",
              "Acesso pelo IP {}.", "Você nascido em {}."),
    "ja-JP": ("カード番号{}でお支払いいただきました。", "振込先口座 IBAN：{}。",
              "IPアドレス{}からログインがありました。", "生年月日：{}"),
    "zh-CN": ("您的信用卡{}已扣款。", "请转账至账户{}。", "IP地址{}登录。", "出生日期：{}"),
    "ko-KR": ("카드번호 {} 로 결제되었습니다.", "계좌 {} 로 송금하세요.",
              "IP {} 에서 로그인했습니다.", "생년월일: {}"),
    "ar-SA": ("تم الخصم من بطاقة {}", "حوّل إلى الحساب {}", "تسجيل دخول من IP {}",
              "تاريخ الميلاد {}"),
}
CJK_DATE = {"ja-JP": "1961年5月12日", "zh-CN": "1961年5月12日", "ko-KR": "1961년 5월 12일"}
VALUES = ("4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "203.0.113.42", "12/05/1961")
INVALID = ("4111 1111 1111 1112", "DE89 3704 0044 0532 0130 01", "203.0.113.420", "12/05/2019")
CODES = ("CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "DATE_OF_BIRTH")


def _frames(values: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    cases = []
    for locale, frames in FRAMES.items():
        for frame, value, code in zip(frames, values, CODES, strict=True):
            if code == "DATE_OF_BIRTH" and locale in CJK_DATE:
                value = CJK_DATE[locale] if values is VALUES else value
            cases.append((locale, frame.format(value), code, value))
    return cases


@pytest.mark.parametrize(("locale", "text", "code", "value"), _frames(VALUES))
def test_generic_entities_in_every_language(pii_guard: Guard, locale: str, text: str,
                                            code: str, value: str) -> None:
    assert (code, value) in pii(pii_guard.check(text, locale=locale))


@pytest.mark.parametrize(("locale", "text", "code", "value"), _frames(INVALID))
def test_invalid_values_in_every_language(pii_guard: Guard, locale: str, text: str,
                                          code: str, value: str) -> None:
    assert code not in [c for c, _ in pii(pii_guard.check(text, locale=locale))]


def test_payment_data_blocks(pii_guard: Guard) -> None:
    verdict = pii_guard.check("Card 4111 1111 1111 1111 on file.", locale="en-US")
    assert verdict.route is Route.BLOCK
    assert {f.severity for f in verdict.findings if f.code == "CREDIT_CARD"} == {Severity.CRITICAL}


def test_phone_regions_follow_the_locale(pii_guard: Guard) -> None:
    text = "Llámanos al 612 345 678."  # a Spanish mobile number, national format
    assert ("PHONE_NUMBER", "612 345 678") in pii(pii_guard.check(text, locale="es-ES"))
    assert pii(pii_guard.check(text, locale="en-US")) == []
    international = "Llámanos al +34 612 345 678."
    assert ("PHONE_NUMBER", "+34 612 345 678") in pii(pii_guard.check(international,
                                                                      locale="en-US"))


def test_brand_domains_and_senders_are_allowed(pii_guard: Guard) -> None:
    text = ("Write to help@acme.example or anna.berg@mail-acme.example, see "
            "https://shop.acme.example/orders/4155550132 or call 0800 123 4567.")
    verdict = pii_guard.check(text, locale="en-GB", brand="acme-replace")
    assert pii(verdict) == []
    other = pii_guard.check("Write to help@othershop.com.", locale="en-GB", brand="acme-replace")
    assert pii(other) == [("EMAIL_ADDRESS", "help@othershop.com")]


def test_recipient_data_is_never_allowed(pii_guard: Guard) -> None:
    verdict = pii_guard.check("We sent it to maria@acme.example.", locale="en-GB",
                              brand="acme-replace",
                              recipient={"profile": {"email": "maria@acme.example"}})
    assert ("profile.email", "maria@acme.example") in pii(verdict)


@pytest.mark.parametrize(("brand", "fixed"), [
    ("acme-replace", "Write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>."),
    ("acme-mask", "Write to ****************** or call **************."),
    ("acme-redact", "Write to  or call ."),
])
def test_fix_uses_the_guides_anonymizer_operator(pii_guard: Guard, brand: str,
                                                 fixed: str) -> None:
    text = "Write to jane.doe@gmail.com or call (415) 555-0132."
    verdict = pii_guard.check(text, locale="en-US", brand=brand)
    assert verdict.fixed_text == fixed
    assert verdict.route is Route.REVISE


def test_unsupported_language_says_what_did_not_run(pii_guard: Guard) -> None:
    verdict = pii_guard.check("Пишите на ivan@example.ru или +7 495 123-45-67",
                              locale="ru-RU")
    info = [f for f in verdict.findings if f.check == "pii" and f.code == "language_unsupported"]
    assert len(info) == 1 and info[0].severity is Severity.INFO
    assert "street addresses" in info[0].message
    assert ("EMAIL_ADDRESS", "ivan@example.ru") in pii(verdict)
    assert ("PHONE_NUMBER", "+7 495 123-45-67") in pii(verdict)


def test_supported_language_has_no_fallback_note(pii_guard: Guard) -> None:
    verdict = pii_guard.check("Hello there.", locale="en-US")
    assert not [f for f in verdict.findings if f.code == "language_unsupported"]


def test_full_check_runs_without_network(brand_dir: Path) -> None:
    pytest_socket = pytest.importorskip("pytest_socket")
    pytest_socket.disable_socket()
    try:
        # cold start of every default check: analyzers, lexicons, name data
        guard = Guard(brand_dirs=[brand_dir], load_entrypoints=False)
        verdict = guard.check("Hi Jennifer, mail maria.rossi@gmail.com. Struggling with "
                              "your diabetes? Jennifer Lopez swears by it.", locale="en-US",
                              recipient={"profile": {"first_name": "Maria",
                                                     "email": "maria.rossi@gmail.com"}})
        with pytest.warns(UserWarning, match="socket"), \
                pytest.raises(pytest_socket.SocketBlockedError):
            socket.socket()
    finally:
        pytest_socket.enable_socket()
    codes = {f.code for f in verdict.findings}
    assert {"profile.email", "OTHER_PERSON", "name_mismatch", "health"} <= codes
    assert "check_error" not in codes
    assert verdict.route is Route.BLOCK
