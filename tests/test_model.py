import dataclasses

import pytest

from copyguard import Category, Draft, Finding, Recipient, Route, Severity
from copyguard.io import coerce_draft


def test_routes_and_severities_are_ordered():
    assert [r.rank for r in Route] == sorted(r.rank for r in Route)
    assert Route.PASS.at_least(Route.REVIEW) is Route.REVIEW
    assert Route.BLOCK.at_least(Route.REVISE) is Route.BLOCK
    assert Severity.INFO.rank < Severity.WARNING.rank < Severity.CRITICAL.rank


def test_objects_inside_are_immutable():
    draft = coerce_draft("Hi", recipient={"profile": {"first_name": "Maria"}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        draft.recipient.profile["first_name"] = "Jennifer"  # type: ignore[index]
    finding = Finding("c", "x", Category.PII, Severity.ERROR, "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.severity = Severity.INFO  # type: ignore[misc]


def test_draft_language_and_region():
    assert Draft("x", locale="fr-BE").language == "fr"
    assert Draft("x", locale="fr-BE").region == "BE"
    assert Draft("x", locale="de").region is None
    assert Recipient(profile={"first_name": "Ana"}).first_name == "Ana"
