"""pytest fixtures for copyguard plugin and brand-pack authors (entry point ``pytest11``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from copyguard.guard import Guard
from copyguard.io import coerce_draft
from copyguard.model import Draft


@pytest.fixture(scope="session")
def copyguard_guard() -> Guard:
    """One guard with every installed plugin and the default brand dirs (shared, it is slow
    to build)."""
    return Guard()


@pytest.fixture
def make_draft() -> Callable[..., Draft]:
    """Build a draft from text plus any JSON-contract fields: ``make_draft("Hi", locale="de-DE")``."""

    def build(text: str, **fields: Any) -> Draft:
        return coerce_draft(text, **fields)

    return build
