"""The brand-guide format: validation with file/line/field errors, extends, overlays, schema."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from copyguard.cli import main
from copyguard.errors import GuideError
from copyguard.guides import (
    BrandGuide,
    GuideValidationError,
    guide_schema,
    load_guide,
    schema_json,
)
from copyguard.model import Channel, Route, Severity

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_full_format_loads(tmp_path):
    path = write(tmp_path, """
        id: acme
        name: Acme
        version: "2.1"
        owner: brand team
        industry: Retail
        domains: [ACME.example]
        senders: [News@acme.example]
        terms:
          - {id: name, preferred: Acme, exact_case: true, deprecated: [ACME Corp],
             message: "Write '{fix}'", rationale: one name, source: https://acme.example/b}
        banned:
          - {id: hype, phrases: [cheap], severity: critical}
          - {id: claims, kind: claim, phrases: ["cure"], inflect: false}
          - {id: codes, phrases: ['\\bSAVE\\d+\\b'], regex: true}
        substitutions: [{find: utilize, replace: use}]
        competitors: [Rival, {name: Other Co, aliases: [Other]}]
        limits: {exclamation_marks: 1, emoji: {max: 0}, all_caps: {allow: [USA]},
                 sentence_words: 25}
        required: [{text: Acme cares, kind: tagline, channels: [email], locales: [en]}]
        readability: [{language: en, max: 8, min_words: 40}]
        voice: {default: formal, locales: {de: informal, fr_ca: formal}}
        personalization: {max_share: 0.2, max_facts: 2, max_name_uses: 1,
                          never_use: [health]}
        pii: {fix: mask}
        routing: {severities: {warning: revise}, audit_sample: 0.05}
        locale_rules: {zh.superlatives: {severity: warning, locales: [zh-CN]}}
        """)
    guide = load_guide(path)
    assert (guide.id, guide.version, guide.owner) == ("acme", "2.1", "brand team")
    assert guide.domains == ["acme.example"] and guide.senders == ["news@acme.example"]
    assert [c.name for c in guide.competitors] == ["Rival", "Other Co"]
    assert guide.limits.exclamation_marks is not None
    assert guide.limits.exclamation_marks.max == 1
    assert guide.banned[0].severity is Severity.CRITICAL
    assert guide.terms[0].source == "https://acme.example/b"
    assert guide.voice.register_for("de-AT") == "informal"
    assert guide.voice.register_for("fr-CA") == "formal"
    assert guide.voice.register_for("en-US") == "formal"
    assert guide.personalization.max_facts == 2 and guide.pii.fix == "mask"
    assert guide.routing.severities == {Severity.WARNING: Route.REVISE}
    assert guide.locale_rules["zh.superlatives"].severity is Severity.WARNING
    assert not guide.regulated
    rule_ids = [rule_id for rule_id, _ in guide.rules()]
    assert rule_ids[:5] == ["name", "hype", "claims", "codes", "substitutions.0"]


@pytest.mark.parametrize(("body", "line", "field", "message"), [
    ("id: acme\nbanned:\n  - phrases: [cheap]\n    severity: fatal\n", 4,
     "banned.0.severity", "Input should be"),
    ("id: acme\nlimits:\n  emoji: {max: -1}\n", 3, "limits.emoji.max", "greater than or equal"),
    ("id: acme\ncolour: blue\n", 2, "colour", "Extra inputs are not permitted"),
    ("id: Acme Brand\n", 1, "id", "should match pattern"),
    ("id: acme\nterms:\n  - preferred: '  '\n", 3, "terms.0.preferred", "should match pattern"),
    ("id: acme\nbanned:\n  - phrases: ['(a']\n    regex: true\n", 3, "banned.0",
     "not a valid RE2 pattern"),
    ("id: acme\nbanned:\n  - phrases: [x]\n    message: 'no {word}'\n", 4,
     "banned.0.message", "unknown placeholder"),
    ("id: acme\nreadability:\n  - {language: ja, max: 5}\n", 3, "readability.0",
     "no hyphenation dictionary"),
    ("id: acme\nreadability:\n  - {language: en}\n", 3, "readability.0", "needs 'max' or 'min'"),
    ("id: acme\nbanned:\n  - {id: x, phrases: [a]}\n  - {id: x, phrases: [b]}\n", 1, None,
     "rule id 'x' is used twice"),
    ("id: acme\noverlays:\n  channels:\n    sms:\n      limits: {emoji: {maximum: 1}}\n", 5,
     "overlays.channels.sms.limits.emoji", "Field required"),
    ("id: acme\noverlays:\n  locales:\n    de: {disable: [nope]}\n", 1, None,
     "unknown rule(s) ['nope']"),
])
def test_errors_name_file_line_and_field(tmp_path, body, line, field, message):
    path = write(tmp_path, body)
    with pytest.raises(GuideValidationError) as info:
        load_guide(path)
    error = info.value
    assert error.path == path and error.line == line
    assert (error.field or "").startswith(field or "")
    assert message in str(error)
    assert str(error).startswith(f"{path}:{line}:")


def test_every_problem_is_reported(tmp_path):
    path = write(tmp_path, "id: acme\nlimits:\n  emoji: -1\nvoice: {default: casual}\n")
    with pytest.raises(GuideValidationError) as info:
        load_guide(path)
    assert [line for line, _, _ in info.value.problems] == [3, 4]
    assert "(and 1 more)" in str(info.value)
    assert info.value.lines()[1].startswith(f"{path}:4: field 'voice.default':")


@pytest.mark.parametrize(("body", "line", "message"), [
    ("id: acme\nbanned: [\n", 3, "invalid YAML"),
    ("id: acme\nversion: '1'\nid: other\n", 3, "duplicate key 'id' (first on line 1)"),
    ("- just\n- a list\n", 1, "must be a YAML mapping"),
])
def test_yaml_problems_name_the_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(GuideError) as info:
        load_guide(path)
    assert info.value.line == line and message in str(info.value)


def test_extends_merges_parent_and_errors_point_at_the_child(tmp_path):
    parent = load_guide(write(tmp_path, """
        id: parent
        banned: [{id: hype, phrases: [cheap]}]
        limits: {exclamation_marks: 1}
        personalization: {max_share: 0.2}
        """, "parent.yaml"))
    child = load_guide(write(tmp_path, """
        id: child
        extends: parent
        banned: [{id: more, phrases: [free]}]
        personalization: {max_facts: 1}
        """, "child.yaml"), {"parent": parent})
    assert [rule.id for rule in child.banned] == ["hype", "more"]
    assert child.personalization.max_share == 0.2 and child.personalization.max_facts == 1
    assert child.limits.exclamation_marks is not None and child.id == "child"

    bad = write(tmp_path, "id: child\nextends: parent\nbanned:\n  - phrases: []\n", "bad.yaml")
    with pytest.raises(GuideValidationError) as info:
        load_guide(bad, {"parent": parent})
    assert info.value.line == 4 and info.value.field == "banned.0.phrases"
    orphan = write(tmp_path, "id: orphan\nextends: nobody\n", "orphan.yaml")
    with pytest.raises(GuideError, match="unknown parent guide 'nobody'; known guides: parent"):
        load_guide(orphan, {"parent": parent})


def test_overlays_merge_per_locale_then_channel_and_are_cached():
    guide = BrandGuide.model_validate({
        "id": "acme",
        "banned": [{"id": "hype", "phrases": ["cheap"]}],
        "limits": {"emoji": 0},
        "voice": {"default": "formal"},
        "overlays": {
            "locales": {"de": {"banned": [{"id": "hype-de", "phrases": ["billig"]}],
                               "voice": {"default": "informal"}},
                        "de-AT": {"disable": ["hype"]}},
            "channels": {"sms": {"limits": {"emoji": {"max": 1}}}},
        },
    })
    base = guide.resolve("en-US", Channel.EMAIL)
    assert base.guide is guide and base.locale == "en-US"
    de_sms = guide.resolve("de-DE", "sms").guide
    assert [b.id for b in de_sms.banned] == ["hype", "hype-de"]
    assert de_sms.limits.emoji is not None and de_sms.limits.emoji.max == 1
    assert de_sms.voice.default == "informal"
    at = guide.resolve("de_at", "email").guide
    assert [rule_id for rule_id, _ in at.active_rules() if rule_id.startswith("hype")] == [
        "hype-de"]
    assert guide.resolve("de-DE", "sms") is guide.resolve("de-DE", Channel.SMS)  # cached
    assert guide.resolve("de-DE", "sms").guide.digest != guide.digest


def test_resolution_cache_does_not_change_equality_or_digest():
    one = BrandGuide(id="acme")
    two = BrandGuide(id="acme")
    digest = one.digest
    one.resolve("fr-FR", "push")
    assert one == two and one.digest == digest == two.digest


def test_regulated_industries():
    assert BrandGuide(id="x", industry="Insurance").regulated
    assert not BrandGuide(id="x", industry="retail").regulated


def test_published_schema_is_committed_and_printed_by_the_cli(capsys):
    committed = (ROOT / "docs" / "brand-guide.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), "regenerate: copyguard brand schema > docs/..."
    assert main(["brand", "schema"]) == 0
    assert capsys.readouterr().out == committed
    schema = json.loads(committed)
    assert schema["$schema"].endswith("2020-12/schema")
    for field in ("extends", "overlays", "terms", "banned", "substitutions", "limits",
                  "required", "readability", "competitors", "voice", "personalization",
                  "domains", "senders", "pii", "routing", "industry"):
        assert field in schema["properties"], field
    assert guide_schema()["additionalProperties"] is False


def test_the_schema_accepts_the_shipped_guides_and_rejects_bad_ones():
    validator = jsonschema.Draft202012Validator(json.loads(schema_json()))
    for path in sorted((ROOT / "brand_guides").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], path
    assert list(validator.iter_errors({"id": "x", "limits": {"emoji": "many"}}))
    assert list(validator.iter_errors({"id": "x", "colour": "blue"}))


def test_cli_validate_reports_ok_and_every_problem(tmp_path, capsys):
    good = ROOT / "brand_guides" / "northwind.yaml"
    assert main(["brand", "validate", str(good), "--brand-dir", str(tmp_path)]) == 0
    assert "ok: northwind 1.0.0" in capsys.readouterr().out
    bad = write(tmp_path / "..", "id: acme\nlimits:\n  emoji: -1\nvoice: {default: casual}\n",
                "bad-guide.yaml")
    assert main(["brand", "validate", str(bad), "--brand-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:3: field 'limits.emoji")
    assert err[1].startswith(f"{bad}:4: field 'voice.default'")


def test_cli_validate_resolves_extends_from_the_brand_dirs(tmp_path, capsys):
    brands = ["--brand-dir", str(ROOT / "brand_guides")]
    child = write(tmp_path, "id: civica-de\nextends: civica\nlimits: {sentence_words: 20}\n",
                  "child.yaml")
    assert main(["brand", "validate", str(child), *brands]) == 0
    assert "ok: civica-de 1 (7 rules" in capsys.readouterr().out
    orphan = write(tmp_path, "id: orphan\n\nextends: nobody\n", "orphan.yaml")
    assert main(["brand", "validate", str(orphan), *brands]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{orphan}:3: field 'extends': unknown parent guide 'nobody'; "
        "known guides: civica, northwind")
