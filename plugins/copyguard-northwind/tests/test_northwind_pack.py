"""Tests of the Northwind pack, written with the copyguard.testing fixtures (pytest11)."""

from __future__ import annotations

import copyguard_northwind
import pytest
from copyguard_northwind import GUIDE_PATH, Catalog, CatalogCheck, CatalogError

from copyguard import BrandGuide, Category, Finding, Route, Severity
from copyguard.testing import finding_codes, findings_with

TAGLINE = "Made for the way you roam"


@pytest.fixture(scope="module")
def northwind(brand_guard):
    return brand_guard("northwind")


def test_pack_is_loaded_through_its_entry_point(northwind):
    assert "northwind" in northwind.host.plugin_names()
    assert northwind.host.checks["northwind.catalog"].plugin == "northwind"
    assert northwind.brands.owners["northwind"] == "northwind"
    assert northwind.brands.sources()["northwind"].path == GUIDE_PATH


def test_promoted_items_in_the_catalog_pass(northwind, make_draft):
    draft = make_draft(f"The Ridgeline Rain Shell keeps you dry on every trail. {TAGLINE}",
                       brand="northwind",
                       campaign={"promoted_items": ["ridgeline rain shell", "NW-2001"]})
    verdict = northwind.check(draft)
    assert finding_codes(verdict, check="northwind.catalog") == set()
    assert verdict.route is Route.PASS
    assert verdict.findings == ()  # nor does the PII check take the product for a person


def test_pii_findings_on_product_names_are_dropped(make_draft):
    draft = make_draft("The Ridgeline Rain Shell is here, Maria Jones.", brand="northwind")

    def pii(start, end):
        return Finding("pii", "OTHER_PERSON", Category.PII, Severity.WARNING, "a name", start,
                       end)

    assert copyguard_northwind.adjust_finding(draft, pii(0, 13), None) is False
    assert copyguard_northwind.adjust_finding(draft, pii(34, 45), None) is None
    brand = Finding("brand", "x", Category.BRAND, Severity.WARNING, "b", 0, 13)
    assert copyguard_northwind.adjust_finding(draft, brand, None) is None


def test_the_catalog_is_scanned_once_per_draft_not_once_per_finding(make_draft, monkeypatch):
    calls = []
    catalog = copyguard_northwind.CATALOG

    class Counting:
        def mentions(self, text):
            calls.append(text)
            return catalog.mentions(text)

    monkeypatch.setattr(copyguard_northwind, "CATALOG", Counting())
    text = "Ask Anna Berg, Jonas Weber or Lea Roth about the Ridgeline Rain Shell. " * 50
    draft = make_draft(text, brand="northwind")
    for start in range(0, len(text) - 10, 7):
        finding = Finding("pii", "OTHER_PERSON", Category.PII, Severity.WARNING, "a name", start,
                          start + 9)
        copyguard_northwind.adjust_finding(draft, finding, None)
    assert len(calls) == 1


def test_unknown_promoted_item_is_flagged_where_the_copy_names_it(northwind, make_draft):
    text = f"Meet the Skyline Ultra Jacket, new this spring. {TAGLINE}"
    draft = make_draft(text, brand="northwind",
                       campaign={"promoted_items": ["Skyline Ultra Jacket"]})
    verdict = northwind.check(draft)
    [finding] = findings_with(verdict, "unknown_promoted_item")
    assert text[finding.start:finding.end] == "Skyline Ultra Jacket"
    assert finding.field == "campaign.promoted_items"
    assert verdict.route is Route.REVIEW


def test_discontinued_item_is_flagged(northwind, make_draft):
    draft = make_draft(f"The Coastal Windbreaker is back for the season. {TAGLINE}",
                       brand="northwind", campaign={"promoted_items": ["NW-1004"]})
    verdict = northwind.check(draft)
    assert finding_codes(verdict, check="northwind.catalog") == {"discontinued_promoted_item"}


def test_pack_guide_rules_run(northwind, make_draft):
    verdict = northwind.check(make_draft(f"Cheap tents for NORTHWIND fans. {TAGLINE}",
                                         brand="northwind"))
    assert {"banned_phrase", "term_case"} <= finding_codes(verdict, check="brand")


def test_catalog_check_runs_only_for_northwind(brand_guard, make_draft):
    guard = brand_guard(BrandGuide(id="acme-outdoor"), load_entrypoints=True)
    assert "northwind.catalog" in guard.host.checks  # the pack is installed and loaded ...
    verdict = guard.check(make_draft("Meet the Skyline Ultra Jacket.", brand="acme-outdoor",
                                     campaign={"promoted_items": ["Skyline Ultra Jacket"]}))
    assert finding_codes(verdict, check="northwind.catalog") == set()  # ... but not for acme


def test_catalog_rejects_malformed_rows_naming_the_line():
    with pytest.raises(CatalogError, match=r"catalog.csv:3: column 'status'"):
        Catalog.parse("sku,name,category,status\nA-1,Tent,shelter,active\n"
                      "A-2,Tarp,shelter,retired\n")
    with pytest.raises(CatalogError, match="appears twice"):
        Catalog.parse("sku,name,category,status\nA-1,Tent,shelter,active\n"
                      "A-2,tent,shelter,active\n")
    with pytest.raises(CatalogError, match=":1: columns must be"):
        Catalog.parse("sku,title\nA-1,Tent\n")


def test_packaged_catalog_loads():
    catalog = CatalogCheck().catalog
    product = catalog.lookup("nw-4001")
    assert product is not None and product.name == "Basecamp 2 Tent"
    assert catalog.lookup("Basecamp  2   tent") == product
    assert catalog.lookup("Basecamp 3 Tent") is None
