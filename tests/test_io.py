import json

import pytest

from copyguard import InputError
from copyguard.io import coerce_draft, parse_line, verdict_json
from tests.helpers import ChecksPlugin, WordCheck, isolated_guard


def test_full_contract_parses_into_objects():
    line = json.dumps({
        "id": "d1", "text": "Hi", "locale": "pt_br", "channel": "sms", "brand": "b",
        "recipient": {"id": "r", "profile": {"first_name": "Ana", "age": 41},
                      "updated": {"first_name": "2026-01-02"}, "consents": ["personalization"],
                      "opt_outs": ["sms"], "purchases": [{"item": "Tent", "date": "2026-05-01"}],
                      "browsing": [{"item": "Stove", "at": "2026-05-02T10:00:00", "count": 3}],
                      "last_active": "2026-05-03T10:00:00", "sensitive": {"health": "asthma"}},
        "campaign": {"id": "c", "tags": ["promo"], "industry": "retail",
                     "promoted_items": ["Stove"], "sent_at": "2026-06-01T09:00:00"}})
    draft = parse_line(line, source="in.jsonl", line=7)
    assert draft.locale == "pt-BR" and draft.channel.value == "sms"
    assert draft.recipient.profile["age"] == "41"
    assert draft.recipient.purchases[0].date.isoformat() == "2026-05-01"
    assert draft.recipient.browsing[0].count == 3
    assert "opt_outs" not in draft.recipient.consents and "sms" in draft.recipient.opt_outs
    assert draft.campaign.sent_at.year == 2026


@pytest.mark.parametrize(("raw", "field", "needle"), [
    ('{"id": "x"}', "text", "Field required"),
    ('{"text": "x", "channel": "fax"}', "channel", "email"),
    ('{"text": "x", "locale": "english please"}', "locale", "locale tag"),
    ('{"text": "x", "recipient": {"purchases": [{"date": "2026-01-01"}]}}',
     "recipient.purchases.0.item", "Field required"),
    ('{"text": "x", "recipent": {}}', "recipent", "Extra inputs"),
    ('{"text": "x", "campaign": {"sent_at": "yesterday"}}', "campaign.sent_at", "datetime"),
])
def test_bad_input_names_source_line_and_field(raw, field, needle):
    with pytest.raises(InputError) as info:
        parse_line(raw, source="batch.jsonl", line=12)
    error = info.value
    assert error.field == field and error.line == 12
    assert str(error).startswith("batch.jsonl:12: field ")
    assert needle in str(error)


def test_invalid_json_and_non_objects_are_input_errors():
    with pytest.raises(InputError, match=r"in.jsonl:3: invalid JSON"):
        parse_line("{nope", source="in.jsonl", line=3)
    with pytest.raises(InputError, match="expected a JSON object, got list"):
        parse_line("[1, 2]", source="in.jsonl", line=4)


def test_verdict_json_has_the_stable_contract_fields():
    guard = isolated_guard(ChecksPlugin(WordCheck("w", "cheap")))
    verdict = guard.check({"id": "d9", "text": "A cheap tent."})
    out = verdict_json(verdict)
    assert {"id", "route", "personalized_share", "findings"} <= out.keys()
    assert out["id"] == "d9" and out["route"] == "review"
    assert out["findings"][0].keys() >= {"check", "code", "category", "severity", "start", "end",
                                         "message"}
    assert "A cheap tent."[out["findings"][0]["start"]:out["findings"][0]["end"]] == "cheap"
    json.dumps(out)  # serializable as is


def test_text_plus_context_is_accepted():
    draft = coerce_draft("Hola", locale="es-ES", recipient={"profile": {"first_name": "Lu"}})
    assert draft.locale == "es-ES" and draft.recipient.first_name == "Lu"
