"""The northwind plugin pack as installed, and the copyguard.testing fixtures it is tested with."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from copyguard import BrandGuide, Route
from copyguard.testing import finding_codes

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "plugins" / "copyguard-northwind"
TAGLINE = "Made for the way you roam"


def test_pack_guide_is_identical_to_the_repository_guide():
    packaged = PACK / "src" / "copyguard_northwind" / "data" / "northwind.yaml"
    assert packaged.read_bytes() == (ROOT / "brand_guides" / "northwind.yaml").read_bytes()


def test_pack_is_installed_with_a_copyguard_entry_point():
    [ep] = [ep for ep in entry_points(group="copyguard") if ep.name == "northwind"]
    assert ep.value == "copyguard_northwind"
    assert ep.dist is not None and ep.dist.metadata["Name"] == "copyguard-northwind"
    [plugin] = [ep for ep in entry_points(group="pytest11") if ep.name == "copyguard"]
    assert plugin.value == "copyguard.testing"


def test_pack_check_runs_through_the_entry_point_for_its_brand_only(guard):
    campaign = {"promoted_items": ["Skyline Ultra Jacket"]}
    northwind = guard.check(f"Meet the Skyline Ultra Jacket. {TAGLINE}", brand="northwind",
                            campaign=campaign)
    assert "unknown_promoted_item" in finding_codes(northwind, check="northwind.catalog")
    assert northwind.route is not Route.PASS
    civica = guard.check("Meet the Skyline Ultra Jacket.", brand="civica", channel="sms",
                         campaign=campaign)
    assert finding_codes(civica, check="northwind.catalog") == set()


def test_registry_prefers_the_pack_for_the_identical_guide(guard):
    assert guard.brands.owners["northwind"] == "northwind"
    source = guard.brands.sources()["northwind"]
    assert source.plugin == "northwind" and source.path is not None
    assert source.path.read_bytes() == (ROOT / "brand_guides" / "northwind.yaml").read_bytes()


def test_testing_fixtures_build_guards_for_guides_under_development(brand_guard, make_draft,
                                                                     tmp_path):
    path = tmp_path / "trailhead.yaml"
    path.write_text("id: trailhead\nbanned: [{phrases: [cheap]}]\n", encoding="utf-8")
    from_file = brand_guard(path)
    verdict = from_file.check(make_draft("Cheap tents.", channel="sms"))
    assert verdict.draft.brand == "trailhead"
    assert finding_codes(verdict, check="brand") == {"banned_phrase"}
    assert "northwind" not in from_file.host.plugin_names()  # only the guide under test
    model = brand_guard(BrandGuide(id="trailhead", competitors=["Peakway"]))
    assert finding_codes(model.check(make_draft("Peakway who?", channel="sms")),
                         check="brand") == {"competitor"}
    assert brand_guard(path) is from_file  # cached for the session
