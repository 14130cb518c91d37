"""The consent check: personalization without consent, and opted-out campaign tags."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard import Guard
from copyguard.context import CheckContext
from copyguard.default_plugins.consent import ConsentCheck
from copyguard.guard import apply_fixes
from copyguard.io import coerce_draft
from copyguard.model import Category, Finding, Route, Severity

CHECK = ConsentCheck()
NO_CONSENT = {"profile": {"first_name": "Maria", "city": "Lyon"}, "consents": ["email"],
              "purchases": [{"item": "Trail Runner 2", "category": "running"}]}


def consent(guard: Guard, text: str, recipient: dict[str, Any], locale: str = "en-US",
            **fields: Any) -> list[Finding]:
    draft = coerce_draft(text, locale=locale, recipient=recipient, **fields)
    ctx = CheckContext(draft, guard.guide().resolve(draft.locale, draft.channel), guard.nlp)
    return list(CHECK.run(ctx))


@pytest.mark.parametrize(("locale", "text", "spans"), [
    ("en-US", "Hi Maria, since you love running, see our new range.", ["Maria", "running"]),
    ("de-DE", "Hallo Maria, neue Ideen für Lyon.", ["Maria", "Lyon"]),
    ("fr-FR", "Bonjour Maria, nouveautés à Lyon.", ["Maria", "Lyon"]),
    ("it-IT", "Ciao Maria, novità a Lyon.", ["Maria", "Lyon"]),
    ("es-ES", "Hola Maria, novedades en Lyon.", ["Maria", "Lyon"]),
    ("pt-BR", "Olá Maria, novidades em Lyon.", ["Maria", "Lyon"]),
])
def test_personalization_without_consent(guard: Guard, locale: str, text: str,
                                         spans: list[str]) -> None:
    findings = consent(guard, text, NO_CONSENT, locale)
    assert [f.code for f in findings] == ["no_personalization_consent"] * len(spans)
    assert [f.field for f in findings][1:] == [
        "purchases[0].category" if spans[1] == "running" else "profile.city"]
    assert all(f.severity is Severity.ERROR and f.category is Category.CONSENT for f in findings)
    assert spans[1] in {text[f.start:f.end] for f in findings}


def test_consent_allows_the_same_copy(guard: Guard) -> None:
    consented = {**NO_CONSENT, "consents": ["email", "Personalization"]}
    assert consent(guard, "Hi Maria, since you love running, see our new range.",
                   consented) == []


def test_copy_without_recipient_data_needs_no_consent(guard: Guard) -> None:
    assert consent(guard, "Our new range is here.", NO_CONSENT) == []


def test_an_unconsented_greeting_name_is_removed_automatically(guard: Guard) -> None:
    text = "Hi Maria, our new range is here."
    findings = consent(guard, text, NO_CONSENT)
    assert apply_fixes(text, findings) == "Hi, our new range is here."
    verdict = guard.check({"text": text, "recipient": NO_CONSENT})
    assert [f.code for f in verdict.findings if f.check == "consent"] == [
        "no_personalization_consent"]
    assert verdict.fixed_text == "Hi, our new range is here."


def test_an_unconsented_fact_goes_to_a_person(guard: Guard) -> None:
    verdict = guard.check({"text": "Since you love running, see our new range.",
                           "recipient": NO_CONSENT})
    finding = next(f for f in verdict.findings if f.check == "consent")
    assert finding.fix is None
    assert verdict.route.rank >= Route.REVIEW.rank


@pytest.mark.parametrize(("opt_outs", "tags", "channel", "blocked"), [
    (["sms-marketing"], ["sms-marketing"], "sms", ["sms-marketing"]),
    (["Promotions"], ["promotions", "winter"], "email", ["promotions"]),
    (["sms"], ["winter"], "sms", ["sms"]),
    (["newsletter"], ["promotions"], "email", []),
    ([], ["promotions"], "push", []),
])
def test_opted_out_tags_and_channels_block(guard: Guard, opt_outs: list[str], tags: list[str],
                                           channel: str, blocked: list[str]) -> None:
    recipient = {"profile": {"first_name": "Maria"}, "consents": ["personalization"],
                 "opt_outs": opt_outs}
    draft: dict[str, Any] = {"text": "New arrivals are in.", "channel": channel,
                             "recipient": recipient, "campaign": {"tags": tags}}
    findings = consent(guard, **draft)
    assert [f.data["opt_out"] for f in findings if f.code == "opted_out"] == blocked
    verdict = guard.check(draft)
    if blocked:
        assert verdict.route is Route.BLOCK
        assert all(f.severity is Severity.CRITICAL for f in findings)
    else:
        assert not any(f.code == "opted_out" for f in verdict.findings)
