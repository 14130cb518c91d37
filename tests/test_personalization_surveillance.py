"""Surveillance phrasing: observation, behaviour details, location tracking and inference
disclosure in en, de, fr, it, es, pt; more severe in push and SMS than in e-mail."""

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
