"""The Northwind product catalog and the check that promoted items exist in it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Literal

from copyguard import Category, Check, CheckContext, Finding, Severity
from copyguard.brand import PhraseIndex
from copyguard.brand.text import BrandText

CATALOG_FILE = "data/catalog.csv"
_COLUMNS = ("sku", "name", "category", "status")
_STATUSES = ("active", "discontinued")


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    category: str
    status: Literal["active", "discontinued"]


def _key(value: str) -> str:
    """Case- and spacing-insensitive lookup key for SKUs and product names."""
    return " ".join(value.casefold().split())


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file, line and column."""


@dataclass(frozen=True)
class Catalog:
    """Products by SKU and by name (both looked up case-insensitively)."""

    by_key: Mapping[str, Product]

    @cached_property
    def _names(self) -> PhraseIndex[Product]:
        return PhraseIndex((p.name, False, p) for p in self.by_key.values())

    def mentions(self, text: str) -> list[tuple[int, int, Product]]:
        """Where ``text`` names a catalog product (word boundaries, any case)."""
        return [(hit.start, hit.end, hit.payload) for hit in self._names.find(BrandText.of(text))]

    @classmethod
    def parse(cls, text: str, source: str = CATALOG_FILE) -> Catalog:
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise CatalogError(f"{source}:1: columns must be {', '.join(_COLUMNS)}; "
                               f"found {', '.join(reader.fieldnames or ())}")
        by_key: dict[str, Product] = {}
        for row in reader:
            line = reader.line_num
            values = {column: (row.get(column) or "").strip() for column in _COLUMNS}
            for column, value in values.items():
                if not value:
                    raise CatalogError(f"{source}:{line}: column {column!r} is empty")
            if values["status"] not in _STATUSES:
                raise CatalogError(f"{source}:{line}: column 'status' must be one of "
                                   f"{', '.join(_STATUSES)}, not {values['status']!r}")
            product = Product(values["sku"], values["name"], values["category"],
                              values["status"])  # type: ignore[arg-type]
            for key in (_key(product.sku), _key(product.name)):
                if key in by_key:
                    raise CatalogError(f"{source}:{line}: {key!r} appears twice in the catalog")
                by_key[key] = product
        return cls(by_key)

    @classmethod
    def packaged(cls) -> Catalog:
        text = resources.files("copyguard_northwind").joinpath(CATALOG_FILE).read_text("utf-8")
        return cls.parse(text)

    def lookup(self, item: str) -> Product | None:
        return self.by_key.get(_key(item))


class CatalogCheck(Check):
    """Every promoted item must be a product Northwind sells today."""

    name = "northwind.catalog"
    category = Category.COMPLIANCE
    blocking = False

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or Catalog.packaged()

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        for item in ctx.draft.campaign.promoted_items:
            product = self.catalog.lookup(item)
            start, end = _mention(ctx.text, product.name if product else item)
            if product is None:
                yield self.finding(
                    "unknown_promoted_item",
                    f"the campaign promotes {item!r}, which is not in the Northwind catalog",
                    start, end, severity=Severity.ERROR, field="campaign.promoted_items",
                    data={"item": item})
            elif product.status == "discontinued":
                yield self.finding(
                    "discontinued_promoted_item",
                    f"the campaign promotes {product.name} ({product.sku}), which is "
                    "discontinued", start, end, severity=Severity.ERROR,
                    field="campaign.promoted_items", data={"item": item, "sku": product.sku})


def _mention(text: str, name: str) -> tuple[int, int]:
    """Where the copy names the item (case-insensitive), or an empty span at the start."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)"
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else (0, 0)
