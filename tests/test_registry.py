"""The brand registry: finding guides, dedupe, unknown brands, failed packs, brand scoping."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from copyguard import (
    BrandGuide,
    Category,
    Check,
    CheckContext,
    DuplicateNameError,
    Finding,
    Guard,
    GuideError,
    Route,
    RouteDecision,
    Severity,
    UnknownBrandError,
    hookimpl,
)
from copyguard.cli import main
from copyguard.plugins import DEFAULT_PLUGINS, build_plugin_manager
from copyguard.registry import BrandRegistry

ROOT = Path(__file__).resolve().parents[1]
BRAND_DIR = ROOT / "brand_guides"
ONLY_BRAND = tuple(p for p in DEFAULT_PLUGINS if not p.endswith((".brand", ".routing")))


class AcmeOnlyCheck(Check):
    name = "acme.rule"
    category = Category.BRAND

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        yield self.finding("acme_rule", "acme's own rule ran", severity=Severity.INFO)


class AcmePack:
    """What a brand pack module looks like: a guide, a check and a verdict hook."""

    @hookimpl
    def register_brand_guides(self, register):
        register(BrandGuide(id="acme", version="3.1"))

    @hookimpl
    def register_checks(self, register):
        register(AcmeOnlyCheck())

    @hookimpl
    def decide_route(self, draft, findings, guide):
        return RouteDecision(Route.BLOCK, ("block: acme sends nothing today",))


class BrokenRegistrationPack:
    @hookimpl
    def register_checks(self, register):
        raise RuntimeError("catalog file missing")


acme_pack = AcmePack()
broken_registration_pack = BrokenRegistrationPack()


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="copyguard")


@pytest.fixture
def fake_packs(monkeypatch):
    def install(*eps: EntryPoint) -> None:
        monkeypatch.setattr("copyguard.plugins.entry_points",
                            lambda group: [ep for ep in eps if ep.group == group])
    return install


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def registry(*dirs: Path, **options) -> BrandRegistry:
    return BrandRegistry(build_plugin_manager(load_entrypoints=False, **options), dirs)


def brand_guard(**options) -> Guard:
    options.setdefault("brand_dirs", [BRAND_DIR])
    return Guard(disabled_plugins=ONLY_BRAND, **options)


# -- finding and loading guides -------------------------------------------------------------

def test_unknown_brand_lists_the_known_brands():
    brands = registry(BRAND_DIR)
    with pytest.raises(UnknownBrandError) as info:
        brands.get("northwnd")
    assert "unknown brand 'northwnd'; known brands: civica, northwind" in str(info.value)
    with pytest.raises(UnknownBrandError, match="known brands: civica, northwind"):
        Guard(brand="northwnd", brand_dirs=[BRAND_DIR], load_entrypoints=False)
    assert brands.get(None).id == "default"


def test_identical_guides_dedupe_and_different_ones_are_an_error(tmp_path):
    text = (BRAND_DIR / "civica.yaml").read_text(encoding="utf-8")
    write(tmp_path / "a", "civica.yaml", text)
    write(tmp_path / "b", "civica-copy.yaml", text)
    assert registry(tmp_path / "a", tmp_path / "b").brand_ids == ["civica"]
    write(tmp_path / "c", "civica.yaml", text.replace('version: "1.0.0"', 'version: "1.0.1"'))
    with pytest.raises(DuplicateNameError, match=r"'civica' is defined twice.*a/civica.yaml"
                                                 r" and .*c/civica.yaml"):
        registry(tmp_path / "a", tmp_path / "c")


def test_an_invalid_guide_never_half_loads(tmp_path):
    write(tmp_path, "good.yaml", "id: good\nbanned: [{phrases: [cheap]}]\n")
    write(tmp_path, "bad.yaml", "id: bad\nbanned:\n  - phrases: [cheap]\n    kind: rude\n")
    brands = registry(tmp_path)
    for _ in range(2):  # not cached after a failure: it fails the same way every time
        with pytest.raises(GuideError) as info:
            brands.get("bad")
        assert info.value.line == 4 and info.value.field == "banned.0.kind"
    assert brands.get("good").banned[0].phrases == ["cheap"]
    guard = Guard(brand_dirs=[tmp_path], load_entrypoints=False, disabled_plugins=ONLY_BRAND)
    with pytest.raises(GuideError):
        guard.check("Cheap!", brand="bad")
    assert guard.check("Cheap!", brand="good").route is Route.REVIEW


def test_extends_chain_unknown_parent_and_cycles(tmp_path):
    write(tmp_path, "base.yaml", "id: base\nbanned: [{id: hype, phrases: [cheap]}]\n")
    write(tmp_path, "child.yaml", "id: child\nextends: base\nlimits: {emoji: 0}\n")
    write(tmp_path, "grandchild.yaml", "id: grandchild\nextends: child\nindustry: pharma\n")
    write(tmp_path, "orphan.yaml", "id: orphan\nextends: nobody\n")
    write(tmp_path, "loop-a.yaml", "id: loop-a\nextends: loop-b\n")
    write(tmp_path, "loop-b.yaml", "id: loop-b\nextends: loop-a\n")
    brands = registry(tmp_path)
    grandchild = brands.get("grandchild")
    assert grandchild.banned[0].id == "hype" and grandchild.limits.emoji is not None
    assert grandchild.regulated and grandchild.id == "grandchild"
    with pytest.raises(GuideError, match="unknown parent guide 'nobody'; known guides: base"):
        brands.get("orphan")
    with pytest.raises(GuideError, match="circular 'extends': loop-a -> loop-b -> loop-a"):
        brands.get("loop-a")


# -- plugin packs -----------------------------------------------------------------------------

def test_a_pack_that_fails_to_import_blocks_only_its_brand(fake_packs):
    fake_packs(entry_point("northwind", "copyguard_northwind_is_not_installed:plugin"))
    guard = brand_guard()
    assert "northwind" in guard.brands.brand_ids and "civica" in guard.brands.brand_ids
    blocked = guard.check("Our new rain shell. Made for the way you roam", brand="northwind")
    assert blocked.route is Route.BLOCK
    [finding] = blocked.findings
    assert finding.code == "brand_pack_failed" and "ModuleNotFoundError" in finding.message
    assert "failed to load" in blocked.reasons[0]
    civica = guard.check("Hey, awesome news.", brand="civica", channel="sms")
    assert {f.code for f in civica.findings} == {"slang"}  # the brand check ran normally
    assert civica.route is Route.REVIEW


def test_a_pack_that_fails_while_registering_blocks_its_brand(fake_packs):
    fake_packs(entry_point("northwind", "tests.test_registry:broken_registration_pack"))
    guard = brand_guard()
    verdict = guard.check("Our new rain shell.", brand="northwind", channel="sms")
    assert verdict.route is Route.BLOCK and "catalog file missing" in verdict.findings[0].message
    assert guard.check("News about your plan.", brand="civica", channel="sms").route is not (
        Route.BLOCK)


def test_pack_checks_and_hooks_run_only_for_the_pack_brand(fake_packs):
    fake_packs(entry_point("acme", "tests.test_registry:acme_pack"))
    guard = brand_guard()
    assert guard.brands.owners == {"acme": "acme"}
    assert "acme.rule" in [c.name for c in guard.brands.checks_for("acme")]
    assert "acme.rule" not in [c.name for c in guard.brands.checks_for("civica")]
    assert "acme.rule" not in [c.name for c in guard.brands.checks_for(None)]
    assert guard.brands.foreign_plugins("civica") == [acme_pack]
    assert guard.brands.foreign_plugins("acme") == []

    acme = guard.check("Anything at all.", brand="acme", channel="sms")
    assert [f.code for f in acme.findings] == ["acme_rule"]
    assert acme.route is Route.BLOCK and acme.reasons == ("block: acme sends nothing today",)
    other = guard.check("News about your plan.", brand="civica", channel="sms")
    assert "acme_rule" not in {f.code for f in other.findings}
    assert "block: acme sends nothing today" not in other.reasons
    unbranded = guard.check("Anything at all.", channel="sms")
    assert unbranded.findings == () and unbranded.route is Route.PASS


def test_listing_shows_versions_packs_and_failures(fake_packs):
    fake_packs(entry_point("acme", "tests.test_registry:acme_pack"),
               entry_point("ghost", "no_such_module:plugin"))
    listing = {item.brand: item for item in brand_guard().brands.listing()}
    assert listing["acme"].version == "3.1" and listing["acme"].origin == "plugin acme"
    assert listing["civica"].version == "1.0.0" and listing["civica"].industry == "insurance"
    assert listing["ghost"].error is not None and "ModuleNotFoundError" in listing["ghost"].error


def test_cli_brands_lists_dirs_and_installed_packs(tmp_path, capsys):
    write(tmp_path, "acme.yaml", 'id: acme\nversion: "2.0"\nindustry: pharma\n')
    assert main(["brands", "--brand-dir", str(tmp_path), "--brand-dir", str(BRAND_DIR)]) == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in
            capsys.readouterr().out.splitlines()[1:]}
    assert rows["acme"][1:4] == ["2.0", "pharma", "-"]
    assert rows["civica"][1] == "1.0.0"
    # the northwind pack is installed in the development environment (pip install -e)
    assert rows["northwind"][1:4] == ["1.0.0", "retail", "copyguard-northwind 1.0.0"]
    write(tmp_path, "broken.yaml", "id: broken\nlimits: {emoji: lots}\n")
    assert main(["brands", "--brand-dir", str(tmp_path)]) == 2
    assert "broken\tINVALID" in capsys.readouterr().out
