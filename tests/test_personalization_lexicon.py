"""The language data behind the personalization checks: complete, sourced, and strict."""

from __future__ import annotations

import pytest

from copyguard.personalization.lexicon import (
    LanguageFile,
    LexiconError,
    available_languages,
    build_lexicon,
    field_roles,
    lexicon,
    validate,
)

REQUIRED = ["en", "de", "fr", "it", "es", "pt"]


def test_the_six_languages_ship() -> None:
    assert set(REQUIRED) <= set(available_languages())


@pytest.mark.parametrize("language", REQUIRED)
def test_every_family_is_filled_in(language: str) -> None:
    lex = lexicon(language)
    assert set(lex.surveillance) == {"observation", "detail", "detail_always", "location",
                                     "inference"}
    for part in ("winback", "promo", "birthday", "second_person", "behaviour", "greeting_end",
                 "relative_day", "at_time"):
        assert getattr(lex, part) is not None, part
    assert "gendered" in lex.titles.values()
    assert len(lex.weekdays) >= 7 and len(lex.months) >= 12
    assert lex.past_weekday and lex.days_ago and lex.age


@pytest.mark.parametrize("language", available_languages())
def test_every_file_names_its_sources(language: str) -> None:
    from copyguard.personalization.lexicon import _read

    data = validate(f"{language}.yaml", _read(f"{language}.yaml"), LanguageFile)
    assert data.sources and all(s.title and (s.url or s.license) for s in data.sources)


def test_a_language_without_a_file_gets_cldr_names_only() -> None:
    lex = lexicon("nl")
    assert lex.surveillance == {} and lex.winback is None
    assert lex.weekdays["dinsdag"] == 1


def test_field_roles() -> None:
    roles = field_roles()
    assert roles.role("profile.first_name") == "name:first"
    assert roles.role("profile.Last_Name") == "name:last"
    assert roles.role("profile.city") == "location"
    assert roles.role("profile.favourite_colour") == "text"
    assert roles.role("purchases[0].item") == "item"
    assert "religion" in roles.sensitive and "email" in roles.identifiers


def test_a_bad_file_names_the_file_line_and_field() -> None:
    text = "language: xx\nsources: []\nsurveillance:\n  observation: 'not a list'\n"
    with pytest.raises(LexiconError, match=r"xx\.yaml:4: field 'surveillance\.observation'"):
        build_lexicon("xx", text, "xx.yaml")


def test_a_bad_pattern_names_the_file_line_and_field() -> None:
    text = "language: xx\nsources: []\nwinback:\n  - 'we miss you'\n  - '(unclosed'\n"
    with pytest.raises(LexiconError, match=r"xx\.yaml:5: field 'winback\.1': bad pattern"):
        build_lexicon("xx", text, "xx.yaml")


def test_unknown_keys_and_wrong_language_are_refused() -> None:
    with pytest.raises(LexiconError, match=r"xx\.yaml:3: field 'winbak'"):
        build_lexicon("xx", "language: xx\nsources: []\nwinbak: []\n", "xx.yaml")
    with pytest.raises(LexiconError, match="does not match the file name"):
        build_lexicon("xx", "language: yy\nsources: []\n", "xx.yaml")
    with pytest.raises(LexiconError, match=r"xx\.yaml:3: invalid YAML"):
        build_lexicon("xx", "language: xx\nsources: [\n", "xx.yaml")


@pytest.mark.parametrize("language", ["ja", "zh", "ko"])
def test_cjk_files_give_surveillance_and_honorifics(language: str) -> None:
    """ja, zh and ko have surveillance phrasing (matched without word boundaries) and the
    honorifics that make family name + given name the formal address."""
    lex = lexicon(language)
    assert {"observation", "detail", "location"} <= set(lex.surveillance)
    assert lex.behaviour is not None and lex.honorifics
    assert all(not p.pattern.startswith("(?<!") for p in lex.surveillance.values())
