"""Shared fixtures: one guard per session (building spaCy and Presidio is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copyguard import Guard

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVALDATA = SHARED / "evaldata"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def evaldata() -> Path:
    if not EVALDATA.is_dir():
        pytest.fail(f"../shared/evaldata is missing next to the repo ({EVALDATA})")
    return EVALDATA


@pytest.fixture(scope="session")
def guard() -> Guard:
    """A guard with the built-in plugins, installed packs and the repo's brand_guides/."""
    return Guard(brand_dirs=[ROOT / "brand_guides"])
