"""pytest fixtures for copyguard brand-pack and plugin authors (entry point ``pytest11``).

Installed with copyguard, so any test suite can use them without a conftest::

    from copyguard.testing import finding_codes

    def test_no_cheap(brand_guard, make_draft):
        guard = brand_guard("northwind")                  # an installed or local brand
        verdict = guard.check(make_draft("Cheap tents!", brand="northwind"))
        assert "banned_phrase" in finding_codes(verdict, check="brand")

``brand_guard`` also takes a guide file or a :class:`~copyguard.BrandGuide` under development
(then only the built-in checks run with it, no installed packs). Guards are cached for the
session, since building one is the slow part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from copyguard.guard import Guard
from copyguard.guides import BrandGuide, load_guide_data
from copyguard.hookspecs import hookimpl
from copyguard.io import coerce_draft
from copyguard.model import Draft, Finding, Verdict

BrandGuardFactory = Callable[..., Guard]


class GuidePlugin:
    """A plugin that registers one guide (a file or a model): the guide under test."""

    def __init__(self, guide: BrandGuide | Path) -> None:
        self.guide = guide
        label = guide.stem if isinstance(guide, Path) else guide.id
        self.__name__ = f"copyguard.testing.guide.{label}"

    @hookimpl
    def register_brand_guides(self, register: Callable[[BrandGuide | Path], None]) -> None:
        register(self.guide)


def make_guard(brand: str | Path | BrandGuide, **options: Any) -> Guard:
    """A guard whose default brand is ``brand``: an id (installed packs and brand dirs), a
    guide file, or a guide model (built-in checks only)."""
    if isinstance(brand, str):
        return Guard(brand=brand, **options)
    if isinstance(brand, Path):
        brand_id = str(load_guide_data(brand).get("id"))
    elif isinstance(brand, BrandGuide):
        brand_id = brand.id
    else:
        raise TypeError(f"brand_guard needs a brand id, a guide path or a BrandGuide, "
                        f"not {type(brand).__name__}")
    options.setdefault("brand_dirs", [])
    options.setdefault("load_entrypoints", False)
    plugins = [*options.pop("plugins", ()), GuidePlugin(brand)]
    return Guard(brand=brand_id, plugins=plugins, **options)


def finding_codes(verdict: Verdict, *, check: str | None = None) -> set[str]:
    """The codes of a verdict's findings (of one check, if given)."""
    return {f.code for f in verdict.findings if check is None or f.check == check}


def findings_with(verdict: Verdict, code: str) -> list[Finding]:
    """The findings of a verdict with the given code."""
    return [f for f in verdict.findings if f.code == code]


@pytest.fixture(scope="session")
def copyguard_guard() -> Guard:
    """One guard with every installed plugin and the default brand dirs (shared, it is slow
    to build)."""
    return Guard()


@pytest.fixture(scope="session")
def brand_guard() -> Iterator[BrandGuardFactory]:
    """``brand_guard(brand, **guard_options) -> Guard``, cached per brand for the session."""
    cache: dict[tuple[Any, ...], Guard] = {}

    def build(brand: str | Path | BrandGuide, **options: Any) -> Guard:
        key_brand = brand.digest if hasattr(brand, "digest") else str(brand)
        key = (type(brand).__name__, key_brand, repr(sorted(options.items())))
        if key not in cache:
            cache[key] = make_guard(brand, **options)
        return cache[key]

    yield build
    cache.clear()


@pytest.fixture
def make_draft() -> Callable[..., Draft]:
    """Build a draft from text plus any JSON-contract fields: ``make_draft("Hi", locale="de-DE",
    brand="northwind", recipient={"profile": {"first_name": "Mia"}})``."""

    def build(text: str, **fields: Any) -> Draft:
        return coerce_draft(text, **fields)

    return build
