"""Brand guides by id, and which plugins may act on which brand."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from copyguard.checks import Check
from copyguard.errors import DuplicateNameError, GuideError, UnknownBrandError
from copyguard.guides import (
    DEFAULT_GUIDE,
    BrandGuide,
    guide_files,
    load_guide_data,
    merge,
    validate_guide,
)
from copyguard.plugins import PluginHost

BRAND_DIRS_ENV = "COPYGUARD_BRAND_DIRS"


@dataclass(frozen=True, slots=True)
class GuideSource:
    """Where a guide comes from: a file or a plugin-built object, and the owning plugin."""

    origin: str
    path: Path | None = None
    guide: BrandGuide | None = None
    plugin: str | None = None


def default_brand_dirs() -> list[Path]:
    """``$COPYGUARD_BRAND_DIRS`` (path-separated), then ``./brand_guides`` if it exists."""
    dirs = [Path(p) for p in os.environ.get(BRAND_DIRS_ENV, "").split(os.pathsep) if p]
    local = Path("brand_guides")
    if local.is_dir():
        dirs.append(local)
    return dirs


class BrandRegistry:
    """Finds, loads (once, completely or not at all) and scopes brand guides."""

    def __init__(self, host: PluginHost, brand_dirs: Iterable[Path] = ()) -> None:
        self._host = host
        self._lock = threading.Lock()
        self._loaded: dict[str, BrandGuide] = {"default": DEFAULT_GUIDE}
        self._sources: dict[str, GuideSource] = {}
        for directory in brand_dirs:
            for path in guide_files(Path(directory)):
                self._add(self._source_for_path(path, plugin=None))
        for reg in host.guides:
            if isinstance(reg.item, BrandGuide):
                self._add(GuideSource(f"plugin {reg.plugin}", guide=reg.item, plugin=reg.plugin))
            else:
                self._add(self._source_for_path(Path(reg.item), plugin=reg.plugin))
        self.owners: dict[str, str] = {
            bid: src.plugin for bid, src in self._sources.items() if src.plugin is not None}

    @staticmethod
    def _source_for_path(path: Path, plugin: str | None) -> GuideSource:
        origin = f"plugin {plugin}: {path}" if plugin else str(path)
        return GuideSource(origin, path=path, plugin=plugin)

    def _add(self, source: GuideSource) -> None:
        brand_id = self._peek_id(source)
        existing = self._sources.get(brand_id)
        if existing is None:
            self._sources[brand_id] = source
            return
        if self._same_content(existing, source):
            if source.plugin and not existing.plugin:  # the pack owns the brand
                self._sources[brand_id] = source
            return
        raise DuplicateNameError(
            f"brand guide {brand_id!r} is defined twice with different content: "
            f"{existing.origin} and {source.origin}")

    @staticmethod
    def _peek_id(source: GuideSource) -> str:
        if source.guide is not None:
            return source.guide.id
        assert source.path is not None
        data = load_guide_data(source.path)
        brand_id = data.get("id")
        if not isinstance(brand_id, str):
            raise GuideError(source.path, 1, "id", "a brand guide needs a string 'id'")
        return brand_id

    @staticmethod
    def _same_content(a: GuideSource, b: GuideSource) -> bool:
        def content(src: GuideSource) -> object:
            if src.guide is not None:
                return src.guide.model_dump()
            assert src.path is not None
            return load_guide_data(src.path)
        return content(a) == content(b)

    @property
    def brand_ids(self) -> list[str]:
        failed = {f.name for f in self._host.failures}
        return sorted(set(self._sources) | failed)

    def sources(self) -> dict[str, GuideSource]:
        return dict(self._sources)

    def failed_pack(self, brand: str) -> str | None:
        """The import error of the plugin pack for ``brand``, if that pack failed to load."""
        for failure in self._host.failures:
            if failure.name == brand or self.owners.get(brand) == failure.name:
                return failure.error
        return None

    def get(self, brand: str | None) -> BrandGuide:
        """The guide for ``brand`` (the default policy for ``None``), loaded and validated."""
        brand = brand or "default"
        with self._lock:
            return self._load(brand, ())

    def _load(self, brand: str, chain: Sequence[str]) -> BrandGuide:
        if brand in self._loaded:
            return self._loaded[brand]
        source = self._sources.get(brand)
        if source is None:
            raise UnknownBrandError(brand, self.brand_ids)
        if brand in chain:
            raise GuideError(source.path, None, "extends",
                             f"circular 'extends': {' -> '.join((*chain, brand))}")
        if source.guide is not None:
            guide = source.guide
        else:
            assert source.path is not None
            data = load_guide_data(source.path)
            parent_id = data.get("extends")
            if parent_id:
                if parent_id not in self._sources and parent_id not in self._loaded:
                    raise GuideError(source.path, None, "extends",
                                     f"unknown parent guide {parent_id!r}")
                parent = self._load(parent_id, (*chain, brand))
                inherited = parent.model_dump(
                    exclude={"id", "name", "version", "extends", "description"},
                    exclude_unset=True)
                data = merge(inherited, data)
            guide = validate_guide(data, source.path)
        self._loaded[brand] = guide
        return guide

    def checks_for(self, brand: str | None) -> list[Check]:
        """Checks that run for ``brand``: global ones plus those of the brand's own pack."""
        own = self.owners.get(brand or "")
        brand_plugins = set(self.owners.values())
        return [reg.item for reg in self._host.checks.values()
                if reg.plugin not in brand_plugins or reg.plugin == own]

    def foreign_plugins(self, brand: str | None) -> list[object]:
        """Plugins that own other brands: their hooks must not run for ``brand``."""
        own = self.owners.get(brand or "")
        names = {p for p in self.owners.values() if p != own}
        return [plugin for name in names if (plugin := self._host.pm.get_plugin(name)) is not None]
