"""Building blocks of the PII checks: data files, tolerant matching, checksums, context."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from copyguard.pii import data as pii_data
from copyguard.pii.attributes import Lexicon
from copyguard.pii.data import DataFileError, data_path, load_model
from copyguard.pii.languages import pii_languages, regions_for
from copyguard.pii.names import belongs_to, name_finder
from copyguard.pii.national import (
    BrCpfRecognizer,
    CnResidentIdRecognizer,
    FrNirRecognizer,
    JpMyNumberRecognizer,
    PtNifRecognizer,
)
from copyguard.pii.recognizers import DateOfBirthRecognizer, PhoneShapeRecognizer
from copyguard.pii.text import sentence_spans, tolerant_pattern

LANGUAGES = ("en", "de", "fr", "it", "es", "pt", "ja", "zh", "ko", "ar")


def test_every_claimed_language_is_configured() -> None:
    config = pii_languages()
    assert set(config.languages) == set(LANGUAGES)
    for language in LANGUAGES:
        assert config.languages[language].regions
    assert regions_for("en", "GB") == ("GB",)
    assert regions_for("en", None)[0] == "US"
    assert regions_for("ru", None) == ("ZZ",)


def test_data_files_name_their_sources() -> None:
    for path in [*data_path("pii").glob("*.yaml"), *data_path("names").glob("*.yaml"),
                 *data_path("sensitive").glob("*.yaml")]:
        head = path.read_text(encoding="utf-8")[:3000].lower()
        assert "source" in head or "sources" in head, path
        assert "mit" in head or "license" in head, path


def test_a_broken_data_file_names_file_line_and_field(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sensitive").mkdir()
    bad = tmp_path / "sensitive" / "xx.yaml"
    bad.write_text("language: xx\nsources: []\nlicense: MIT\nrecipient:\n  markers: [you]\n"
                   "categories:\n  health:\n    description: d\n    terms: [ok, 'bad(term']\n",
                   encoding="utf-8")
    monkeypatch.setattr(pii_data, "data_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(DataFileError) as error:
        load_model(Lexicon, "sensitive", "xx.yaml")
    message = str(error.value)
    assert "xx.yaml:9" in message and "categories.health.terms" in message
    assert "bad(term" in message


def test_invalid_yaml_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pii").mkdir()
    (tmp_path / "pii" / "broken.yaml").write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    monkeypatch.setattr(pii_data, "data_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(DataFileError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_model(Lexicon, "pii", "broken.yaml")


@pytest.mark.parametrize(("value", "text", "found"), [
    ("Müller", "Dear Ms MULLER,", True),
    ("Müller", "Dear Ms Mueller,", True),
    ("Straße 5", "Strasse 5", True),
    ("Jean-Luc", "jean luc", True),
    ("Ana", "Banana", False),
    ("Rossi", "Rossini", False),
])
def test_tolerant_pattern(value: str, text: str, found: bool) -> None:
    assert bool(re.search(tolerant_pattern(value), text, re.IGNORECASE)) is found


def test_sentences_split_at_end_punctuation_and_blank_lines() -> None:
    text = "Hi! Are you ok?\n\nNew line. 最後。"
    assert [text[s:e].strip() for s, e in sentence_spans(text)] == [
        "Hi!", "Are you ok?", "New line.", "最後。"]


@pytest.mark.parametrize(("recognizer", "valid", "invalid"), [
    (FrNirRecognizer(), "1 85 05 78 006 084 91", "1 85 05 78 006 084 36"),
    (BrCpfRecognizer(), "111.444.777-35", "111.444.777-36"),
    (PtNifRecognizer(), "123456789", "123456788"),
    (CnResidentIdRecognizer(), "11010519491231002X", "110105194912310021"),
    (JpMyNumberRecognizer(), "123456789018", "123456789012"),
])
def test_national_checksums(recognizer: object, valid: str, invalid: str) -> None:
    validate = recognizer.validate_result  # type: ignore[attr-defined]
    assert validate(valid) is not False
    assert validate(invalid) is False


def test_phone_shapes_exclude_dates_prices_and_short_numbers() -> None:
    recognizer = PhoneShapeRecognizer("en", ["call"])
    assert recognizer.validate_result("0490 75 40 81") is None
    for text in ("2026-12-31", "12.05.1961", "123 456", "19.99"):
        assert recognizer.validate_result(text) is False


def test_birth_dates_must_be_old_enough() -> None:
    recognizer = DateOfBirthRecognizer("en", ["born"])
    assert recognizer.validate_result("12/05/1961") is None
    assert recognizer.validate_result("12/05/2025") is False


@pytest.mark.parametrize(("language", "text", "names"), [
    ("en", "Hi Jennifer, thanks!", ["Jennifer"]),
    ("en", "Dear Mr. O'Brien, welcome.", ["O'Brien"]),
    ("en", "MS Word and MS Excel are included.", []),
    ("en", "The Register reports: All My Savings Be in the Bank", []),
    ("en", "Thanks for shopping, Jennifer!", ["Jennifer"]),
    ("en", "Shops in London, Paris.", []),
    ("de", "Sehr geehrte Frau Schmidt,", ["Schmidt"]),
    ("fr", "Chère Madame Dupont,", ["Dupont"]),
    ("ja", "ポイント会員様へのお知らせ", []),
])
def test_name_finder(language: str, text: str, names: list[str]) -> None:
    assert [m.name for m in name_finder(language).find(text)] == names


def test_belongs_to_recipient_names() -> None:
    assert belongs_to("Maria Rossi", ["Maria", "Rossi"])
    assert belongs_to("MARÍA", ["Maria"])
    assert not belongs_to("Maria Bianchi", ["Maria", "Rossi"])
    assert belongs_to("山田太郎", ["山田"])
