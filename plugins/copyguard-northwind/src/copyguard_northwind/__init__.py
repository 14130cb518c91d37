"""copyguard brand pack for Northwind (entry point ``northwind`` in group ``copyguard``).

It registers the Northwind brand guide (package data) and the ``northwind.catalog`` check, and
tells the PII check that product names from the catalog are not people ("Ridgeline Rain
Shell"). Because the pack registers the ``northwind`` guide it owns that brand: copyguard runs
its check and its ``adjust_finding`` hook only for Northwind drafts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from copyguard import BrandGuide, Category, Check, Draft, Finding, ResolvedGuide, hookimpl
from copyguard_northwind.catalog import Catalog, CatalogCheck, CatalogError, Product

__version__ = "1.0.0"
GUIDE_PATH = Path(str(resources.files(__name__).joinpath("data", "northwind.yaml")))
CATALOG = Catalog.packaged()

__all__ = ["CATALOG", "GUIDE_PATH", "Catalog", "CatalogCheck", "CatalogError", "Product"]


@hookimpl
def register_brand_guides(register: Callable[[BrandGuide | Path], None]) -> None:
    register(GUIDE_PATH)


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(CatalogCheck(CATALOG))


@hookimpl
def adjust_finding(draft: Draft, finding: Finding, guide: ResolvedGuide) -> bool | None:
    """Drop PII findings on a product name ("The Ridgeline" in "The Ridgeline Rain Shell"):
    a product is never personal data."""
    if finding.category is not Category.PII or finding.end <= finding.start:
        return None
    on_product = any(start < finding.end and finding.start < end
                     for start, end in _product_spans(draft.text))
    return False if on_product else None


@lru_cache(maxsize=32)
def _product_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Catalog mentions, found once per draft however many findings ask (a names-heavy 100 KB
    draft has thousands)."""
    return tuple((start, end) for start, end, _ in CATALOG.mentions(text))
