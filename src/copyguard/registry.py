"""Brand guides by id, and which plugins may act on which brand.

Guides come from brand directories (``brand_guides/``, ``--brand-dir``, ``$COPYGUARD_BRAND_DIRS``)
and from plugin packs (``register_brand_guides``). The same brand from two places is fine when
the content is identical (the pack then owns it) and an error when it differs. A pack owns the
brands it registers: its checks and verdict hooks run only for those brands' drafts. A guide is
validated completely on first use and cached only when valid: it never half-loads. A guide file
that cannot even be read (bad YAML, no ``id``) takes down only the brand named like the file:
its drafts get the file's error and every other brand keeps working.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

from copyguard import plugins
from copyguard.checks import Check
from copyguard.errors import CopyguardError, DuplicateNameError, GuideError, UnknownBrandError
from copyguard.guides import (
    DEFAULT_GUIDE,
    BrandGuide,
    guide_files,
    inherit,
    line_of,
    load_guide_data,
    validate_guide,
)
from copyguard.plugins import GROUP, PluginFailure, PluginHost

BRAND_DIRS_ENV = "COPYGUARD_BRAND_DIRS"
log = logging.getLogger("copyguard.registry")


@dataclass(frozen=True, slots=True)
class GuideSource:
    """Where a guide comes from: a file or a plugin-built object, and the owning plugin."""

    origin: str
    path: Path | None = None
    guide: BrandGuide | None = None
    plugin: str | None = None


@dataclass(frozen=True, slots=True)
class BrandListing:
    """One line of ``copyguard brands``: a guide, its version and where it comes from."""

    brand: str
    version: str | None
    industry: str | None
    origin: str
    pack: str | None = None  # "distribution version" of the owning plugin pack
    error: str | None = None


def default_brand_dirs() -> list[Path]:
    """``$COPYGUARD_BRAND_DIRS`` (path-separated), then ``./brand_guides`` if it exists."""
    dirs = [Path(p) for p in os.environ.get(BRAND_DIRS_ENV, "").split(os.pathsep) if p]
    local = Path("brand_guides")
    if local.is_dir():
        dirs.append(local)
    return dirs


def _entry_points() -> list[EntryPoint]:
    """The plugin loader's own entry-point lookup (so what it loaded is what we list)."""
    return list(plugins.entry_points(group=GROUP))  # type: ignore[attr-defined]


def pack_distributions() -> dict[str, str]:
    """Entry-point name -> "distribution version" for installed plugins of group ``copyguard``."""
    found: dict[str, str] = {}
    for ep in _entry_points():
        dist = ep.dist
        if dist is not None:
            found[ep.name] = f"{dist.metadata['Name']} {dist.version}"
    return found


class BrandRegistry:
    """Finds, loads (once, completely or not at all) and scopes brand guides."""

    def __init__(self, host: PluginHost, brand_dirs: Iterable[Path] = ()) -> None:
        self._host = host
        self._lock = threading.RLock()
        self._loaded: dict[str, BrandGuide] = {"default": DEFAULT_GUIDE}
        self._sources: dict[str, GuideSource] = {}
        # Guide files that cannot be read, by file stem (their id is unknown): see _add_file.
        self._unreadable: dict[str, tuple[GuideSource, GuideError]] = {}
        for directory in brand_dirs:
            for path in guide_files(Path(directory)):
                self._add_file(self._source_for_path(path, plugin=None))
        for reg in host.guides:
            if isinstance(reg.item, BrandGuide):
                self._add(GuideSource(f"plugin {reg.plugin}", guide=reg.item, plugin=reg.plugin))
            else:
                self._add_file(self._source_for_path(Path(reg.item), plugin=reg.plugin))
        for stem in [s for s in self._unreadable if s in self._sources]:
            del self._unreadable[stem]  # the brand is defined by a readable file after all
        self.owners: dict[str, str] = {
            bid: src.plugin for bid, src in self._sources.items() if src.plugin is not None}
        self.owners.update({stem: src.plugin for stem, (src, _) in self._unreadable.items()
                            if src.plugin is not None})
        packs = {ep.name for ep in _entry_points()} | set(self.owners.values())
        self.pack_failures: list[PluginFailure] = [
            f for f in host.failures if f.name in packs]

    @staticmethod
    def _source_for_path(path: Path, plugin: str | None) -> GuideSource:
        origin = f"plugin {plugin}: {path}" if plugin else str(path)
        return GuideSource(origin, path=path, plugin=plugin)

    def _add_file(self, source: GuideSource) -> None:
        """Add a guide file; one that cannot be read blocks only the brand named like it."""
        assert source.path is not None
        try:
            self._add(source)
        except GuideError as exc:
            log.error("brand guide %s cannot be loaded: %s", source.path, exc)
            self._unreadable[source.path.stem] = (source, exc)

    def _add(self, source: GuideSource) -> None:
        brand_id = self._peek_id(source)
        existing = self._sources.get(brand_id)
        if existing is None:
            self._sources[brand_id] = source
            return
        if self._content(existing) == self._content(source):
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
    def _content(source: GuideSource) -> Any:
        """Comparable content: the validated guide where it stands alone, else the raw data."""
        if source.guide is not None:
            return source.guide.model_dump()
        assert source.path is not None
        data = load_guide_data(source.path)
        if data.get("extends"):
            return data
        return validate_guide(data, source.path).model_dump()

    @property
    def brand_ids(self) -> list[str]:
        failed = {f.name for f in self.pack_failures}
        return sorted(set(self._sources) | failed | set(self._unreadable))

    def sources(self) -> dict[str, GuideSource]:
        return dict(self._sources)

    def failed_pack(self, brand: str) -> str | None:
        """The import error of the plugin pack for ``brand``, if that pack failed to load.

        A pack's entry point is named after its brand (``northwind = copyguard_northwind``).
        """
        for failure in self.pack_failures:
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
        if source is None and brand in self._unreadable:
            raise self._unreadable[brand][1]
        if source is None:
            if chain:
                child = self._sources.get(chain[-1])
                path = child.path if child else None
                raise GuideError(path, line_of(path, ("extends",)) if path else None, "extends",
                                 f"unknown parent guide {brand!r}; known guides: "
                                 f"{', '.join(self.brand_ids)}")
            raise UnknownBrandError(brand, self.brand_ids)
        if brand in chain:
            raise GuideError(source.path, None, "extends",
                             f"circular 'extends': {' -> '.join((*chain, brand))}")
        guide = self._build(source, (*chain, brand))
        self._loaded[brand] = guide
        return guide

    def _build(self, source: GuideSource, chain: Sequence[str]) -> BrandGuide:
        if source.guide is not None:
            if not source.guide.extends:
                return source.guide
            parent = self._load(source.guide.extends, chain)
            return validate_guide(inherit(parent, source.guide.model_dump(exclude_unset=True)))
        assert source.path is not None
        data = load_guide_data(source.path)
        own = validate_guide(data, source.path)  # errors point at the file's own lines
        if not own.extends:
            return own
        parent = self._load(own.extends, chain)
        return validate_guide(inherit(parent, data), source.path)

    def validate_file(self, path: Path) -> BrandGuide:
        """Validate a guide file completely (its ``extends`` parent from this registry; every
        overlay is validated with the guide)."""
        data = load_guide_data(path)
        own = validate_guide(data, path)
        if not own.extends:
            return own
        if own.extends not in self._sources and own.extends not in self._loaded:
            raise GuideError(path, line_of(path, ("extends",)), "extends",
                             f"unknown parent guide {own.extends!r}; known guides: "
                             f"{', '.join(self.brand_ids)}")
        with self._lock:
            parent = self._load(own.extends, (own.id,))
        return validate_guide(inherit(parent, data), path)

    def listing(self) -> list[BrandListing]:
        """Every known brand with its version, origin and pack, and packs that failed."""
        packs = pack_distributions()
        out: list[BrandListing] = []
        for brand, source in sorted(self._sources.items()):
            pack = packs.get(source.plugin) if source.plugin else None
            try:
                guide = self.get(brand)
            except CopyguardError as exc:
                out.append(BrandListing(brand, None, None, source.origin, pack, str(exc)))
                continue
            out.append(BrandListing(brand, guide.version, guide.industry, source.origin, pack))
        for stem, (source, error) in sorted(self._unreadable.items()):
            pack = packs.get(source.plugin) if source.plugin else None
            out.append(BrandListing(stem, None, None, source.origin, pack, str(error)))
        for failure in self.pack_failures:
            if failure.name not in self._sources and failure.name not in self._unreadable:
                out.append(BrandListing(failure.name, None, None, f"plugin {failure.name}",
                                        packs.get(failure.name), failure.error))
        return out

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
