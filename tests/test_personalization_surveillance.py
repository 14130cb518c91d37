"""Surveillance phrasing: observation, behaviour details, location tracking and inference
disclosure in en, de, fr, it, es, pt (and all but inference in ja, zh, ko); more severe in
push and SMS than in e-mail."""

from __future__ import annotations

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.personalization import PersonalizationCheck
from copyguard.io import coerce_draft
from copyguard.model import Finding, Route, Severity

CHECK = PersonalizationCheck()
RECIPIENT = {"profile": {"first_name": "Maria"}, "consents": ["personalization"],
             "browsing": [{"item": "Alpine Shell jacket", "at": "2026-11-17T21:00:00",
                           "count": 3}]}


def surveillance(guard: Guard, text: str, locale: str, channel: str = "email"
                 ) -> list[Finding]:
    draft = coerce_draft(text, locale=locale, channel=channel, recipient=RECIPIENT,
                         campaign={"sent_at": "2026-11-22T09:00:00"})
    ctx = CheckContext(draft, guard.guide().resolve(draft.locale, draft.channel), guard.nlp)
    return [f for f in CHECK.run(ctx) if f.code.startswith("surveillance_")]


def found(guard: Guard, text: str, locale: str) -> list[tuple[str, str]]:
    return [(f.code.removeprefix("surveillance_"), text[f.start:f.end])
            for f in surveillance(guard, text, locale)]


POSITIVE = [
    # observation verbs
    ("en-US", "We noticed you left something behind.", ("observation", "We noticed")),
    ("en-US", "Based on your browsing, we picked these.", ("observation",
                                                          "Based on your browsing")),
    ("en-US", "Looks like you've been eyeing our boots.", ("observation",
                                                          "Looks like you've been eyeing")),
    ("de-DE", "Uns ist aufgefallen, dass du gestöbert hast.", ("observation",
                                                              "Uns ist aufgefallen")),
    ("fr-FR", "Nous avons remarqué votre intérêt pour nos bottes.",
     ("observation", "Nous avons remarqué")),
    ("it-IT", "Abbiamo notato il tuo interesse per i nostri stivali.",
     ("observation", "Abbiamo notato")),
    ("es-ES", "Según tu historial, te recomendamos esto.", ("observation", "Según tu historial")),
    ("pt-BR", "Com base no seu histórico, separamos isto.", ("observation",
                                                            "Com base no seu histórico")),
    ("es-ES", "Hemos registrado tu visita a nuestra web.",
     ("observation", "Hemos registrado tu visita")),
    ("it-IT", "Abbiamo registrato che hai guardato questi stivali.",
     ("observation", "Abbiamo registrato che")),
    ("de-DE", "Wir haben registriert, dass du Stiefel magst.",
     ("observation", "Wir haben registriert, dass")),
    # exact counts, durations, timestamps of behaviour
    ("en-US", "You viewed these boots 18 times this week.", ("detail", "18 times")),
    ("en-US", "You have opened our app 12 days in a row.", ("detail", "12 days in a row")),
    ("en-US", "You were browsing our sale at 2 am.", ("detail", "at 2 am")),
    ("de-DE", "Du hast die Stiefel 5-mal angesehen.", ("detail", "5-mal")),
    ("fr-FR", "Vous avez consulté ces bottes 7 fois.", ("detail", "7 fois")),
    ("it-IT", "Hai guardato questi stivali 4 volte.", ("detail", "4 volte")),
    ("es-ES", "Has visto estas botas 6 veces.", ("detail", "6 veces")),
    ("pt-BR", "Você viu estas botas 3 vezes.", ("detail", "3 vezes")),
    ("de-DE", "Du warst 10 Tage in Folge bei uns.", ("detail", "10 Tage in Folge")),
    # location tracking
    ("en-US", "There is a pop-up store near your home.", ("location", "near your home")),
    ("en-US", "We see you're close to our Denver store.", ("location",
                                                          "We see you're close to")),
    ("de-DE", "Du bist nur 200 m von unserer Filiale entfernt.",
     ("location", "Du bist nur 200 m von")),
    ("fr-FR", "Une boutique ouvre près de chez vous.", ("location", "près de chez vous")),
    ("it-IT", "Un negozio apre vicino a casa tua.", ("location", "vicino a casa tua")),
    ("es-ES", "Abrimos una tienda cerca de tu casa.", ("location", "cerca de tu casa")),
    ("pt-BR", "Abrimos uma loja perto da sua casa.", ("location", "perto da sua casa")),
    # the recipient's live position: a distance, or near a store right now
    ("en-US", "You're just 300 feet from our Pearl District store right now.",
     ("location", "You're just 300 feet from")),
    ("en-US", "You're near our Pearl District store right now, so stop in.",
     ("location", "You're near our Pearl District store right now")),
    ("en-US", "Right now you're just around the corner. Stop in!",
     ("location", "Right now you're just around the corner")),
    ("en-US", "You're currently in the neighborhood of our flagship.",
     ("location", "You're currently in the neighborhood")),
    ("de-DE", "Sie sind gerade ganz in der Nähe – kommen Sie vorbei!",
     ("location", "Sie sind gerade ganz in der Nähe")),
    ("fr-FR", "Vous êtes en ce moment à 300 mètres de notre boutique.",
     ("location", "Vous êtes en ce moment à 300 mètres de")),
    ("fr-FR", "Vous êtes actuellement dans le quartier : passez nous voir.",
     ("location", "Vous êtes actuellement dans le quartier")),
    ("it-IT", "Sei in zona proprio adesso: passa a trovarci.",
     ("location", "Sei in zona proprio adesso")),
    ("it-IT", "Ti trovi in questo momento a 300 metri dal nostro negozio.",
     ("location", "Ti trovi in questo momento a 300 metri dal")),
    ("es-ES", "Estás ahora mismo a 300 metros de nuestra tienda.",
     ("location", "Estás ahora mismo a 300 metros de")),
    ("es-ES", "Estás por la zona ahora mismo: ven a vernos.",
     ("location", "Estás por la zona ahora mismo")),
    ("pt-BR", "Você está neste momento a 300 metros da nossa loja.",
     ("location", "Você está neste momento a 300 metros da")),
    ("pt-BR", "Você está na região agora mesmo: passe na loja.",
     ("location", "Você está na região agora mesmo")),
    # Japanese, Chinese and Korean (no word boundaries)
    ("ja-JP", "今週、アルパイン2テントを3回ご覧になりましたね。日曜日まで10%オフです。",
     ("detail", "3回")),
    ("ja-JP", "閲覧履歴に基づいて、おすすめの商品を選びました。",
     ("observation", "閲覧履歴に基づいて")),
    ("ja-JP", "店舗まであと300メートルです。", ("location", "店舗まであと300メートル")),
    ("zh-CN", "您本周已经浏览这款帐篷3次了。", ("detail", "3次")),
    ("zh-CN", "我们注意到您最近在看帐篷。", ("observation", "我们注意到您")),
    ("zh-CN", "您距离我们的门店仅300米。", ("location", "您距离我们的门店仅300米")),
    ("ko-KR", "이번 주에 텐트를 3번 보셨네요.", ("detail", "3번")),
    ("ko-KR", "검색 기록을 바탕으로 추천해 드려요.", ("observation", "검색 기록을 바탕으로")),
    ("ko-KR", "지금 저희 매장 근처에 계시네요!", ("location", "지금 저희 매장 근처에 계시")),
    # inference disclosure
    ("en-US", "Looks like you're moving soon!", ("inference", "Looks like you're moving")),
    ("de-DE", "Sieht so aus, als würdest du umziehen.", ("inference",
                                                        "Sieht so aus, als würdest du umziehen")),
    ("fr-FR", "On dirait que vous allez déménager.", ("inference",
                                                    "On dirait que vous allez déménager")),
    ("it-IT", "Sembra che tu stia per traslocare.", ("inference",
                                                    "Sembra che tu stia per traslocare")),
    ("es-ES", "Parece que te vas a mudar.", ("inference", "Parece que te vas a mudar")),
    ("pt-BR", "Parece que você vai se mudar.", ("inference", "Parece que você vai se mudar")),
]


@pytest.mark.parametrize(("locale", "text", "expected"), POSITIVE)
def test_surveillance_phrasing_is_found(guard: Guard, locale: str, text: str,
                                        expected: tuple[str, str]) -> None:
    assert found(guard, text, locale) == [expected]


NEGATIVE = [
    ("en-US", "Our sale starts at 9 am on Tuesday. Earn 3x points on every order."),
    ("en-US", "We think you'll love it. Looks like you're in luck!"),
    ("en-US", "Find a store near you. We have seen record demand this season."),
    ("en-US", "Still thinking about the Alpine Shell? It is ready when you are."),
    ("de-DE", "Unser Sale startet am Dienstag um 9 Uhr. Sammle 3-mal so viele Punkte."),
    ("de-DE", "Wir glauben, dass du es lieben wirst. Filialen in Ihrer Nähe."),
    ("fr-FR", "Les soldes commencent mardi à 9h. Gagnez 3 fois plus de points."),
    ("it-IT", "I saldi iniziano martedì alle 9. Accumula 3 volte i punti."),
    ("es-ES", "Las rebajas empiezan el martes a las 9. Consigue 3 veces más puntos."),
    ("pt-BR", "A liquidação começa na terça às 9h. Ganhe 3 vezes mais pontos."),
    # "registered your card" is an account action, not a record of behaviour
    ("es-ES", "Hemos registrado tu tarjeta de socio. ¡Ya tienes 500 puntos de bienvenida!"),
    ("it-IT", "Abbiamo registrato la tua carta fedeltà. Ecco 500 punti di benvenuto!"),
    ("de-DE", "Wir haben Ihre Kundenkarte registriert. Sie erhalten 500 Punkte."),
    ("ja-JP", "日曜日まで10%オフです。ポイントが3倍になります。"),
    ("ja-JP", "今回のセールは3回目です。ぜひご覧ください。"),
    ("zh-CN", "本周末全场8折，积分3倍。查找您附近的门店。"),
    ("ko-KR", "이번 주말 전 품목 30% 할인! 포인트 3배 적립."),
    # a count next to an invitation, not a report of what the reader did
    ("ja-JP", "期間中は3回までご来店ください。"),
    ("zh-CN", "每天可抽奖3次，点击查看详情。"),
    ("ko-KR", "1번 출구로 나와서 방문하세요."),
    # where a store is, or an invitation for when the reader happens to be near
    ("en-US", "Our store is 300 feet from the station. When you're in the area, stop by."),
    ("en-US", "You're close to your next reward: 20 points to go."),
    ("de-DE", "Sind Sie in der Nähe? Unsere Filiale ist 300 m vom Bahnhof entfernt."),
    ("fr-FR", "Quand vous êtes dans le quartier, passez nous voir."),
    ("it-IT", "Se sei in zona, passa a trovarci."),
    ("es-ES", "Si estás por la zona, ven a vernos."),
    ("pt-BR", "Se você está na região, passe na loja."),
]


@pytest.mark.parametrize(("locale", "text"), NEGATIVE)
def test_ordinary_marketing_copy_is_not_surveillance(guard: Guard, locale: str,
                                                     text: str) -> None:
    assert found(guard, text, locale) == []


def test_the_time_of_a_recorded_visit_is_a_behaviour_detail(guard: Guard) -> None:
    """"last Tuesday at 9pm" is the visit's timestamp even without a behaviour verb."""
    text = "Last Tuesday at 9pm was a good time for boots."
    assert found(guard, text, "en-US") == [("detail", "Last Tuesday at 9pm")]


@pytest.mark.parametrize(("channel", "severity"), [
    ("email", Severity.WARNING), ("push", Severity.ERROR), ("sms", Severity.ERROR)])
def test_push_and_sms_are_more_severe(guard: Guard, channel: str, severity: Severity) -> None:
    findings = surveillance(guard, "We noticed you looked at these boots 18 times.", "en-US",
                            channel)
    assert {f.severity for f in findings} == {severity}
    assert all(f.data["channel"] == channel for f in findings)


def test_surveillance_sends_the_draft_to_a_person(guard: Guard) -> None:
    verdict = guard.check({"text": "We noticed you looked at these boots 18 times.",
                           "channel": "push", "recipient": RECIPIENT})
    assert verdict.route.rank >= Route.REVIEW.rank
    assert any(f.code == "surveillance_observation" for f in verdict.findings)
