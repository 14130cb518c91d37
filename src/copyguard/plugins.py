"""Building the plugin manager: built-in plugins, entry points, and what each one registered.

Load order: entry points of group ``copyguard`` (each in isolation: a plugin that fails to
import is recorded, not fatal), then extra plugins given by the caller, then the built-in
``DEFAULT_PLUGINS``. ``COPYGUARD_DISABLE_PLUGINS=a,b`` blocks plugins by name and
``COPYGUARD_LOAD_PLUGINS=a,b`` (when set) loads only those entry points.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy

from copyguard import hookspecs
from copyguard.checks import Check
from copyguard.errors import DuplicateNameError, GuideError
from copyguard.guides import BrandGuide

log = logging.getLogger("copyguard.plugins")

GROUP = "copyguard"
DISABLE_ENV = "COPYGUARD_DISABLE_PLUGINS"
LOAD_ENV = "COPYGUARD_LOAD_PLUGINS"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "copyguard.default_plugins.pii",
    "copyguard.default_plugins.sensitive",
    "copyguard.default_plugins.personalization",
    "copyguard.default_plugins.consent",
    "copyguard.default_plugins.brand",
    "copyguard.default_plugins.locale",
    "copyguard.default_plugins.routing",
    "copyguard.default_plugins.review_sink",
)


@dataclass(frozen=True, slots=True)
class PluginFailure:
    name: str
    error: str


@dataclass(frozen=True, slots=True)
class Registration:
    """A thing a plugin registered, with the plugin's name (for listings and brand scoping)."""

    plugin: str
    item: Any


@dataclass
class PluginHost:
    """The plugin manager plus what was registered through it."""

    pm: pluggy.PluginManager
    failures: list[PluginFailure] = field(default_factory=list)
    checks: dict[str, Registration] = field(default_factory=dict)
    guides: list[Registration] = field(default_factory=list)
    review_sinks: dict[str, Registration] = field(default_factory=dict)

    def plugin_names(self) -> list[str]:
        return sorted(name for name, plugin in self.pm.list_name_plugin()
                      if name is not None and plugin is not None)


def _names_from_env(variable: str) -> set[str] | None:
    raw = os.environ.get(variable)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def build_plugin_manager(
    *, load_entrypoints: bool = True, extra_plugins: Sequence[object] = (),
    disabled: Iterable[str] = (),
) -> PluginHost:
    """A fresh plugin manager with every plugin loaded and its registrations collected."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm)
    blocked = set(disabled) | (_names_from_env(DISABLE_ENV) or set())
    for name in blocked:
        pm.set_blocked(name)
    if load_entrypoints:
        _load_entrypoints(host, allow=_names_from_env(LOAD_ENV))
    for plugin in extra_plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        _register(host, plugin, name)
    for module_name in DEFAULT_PLUGINS:
        if module_name not in blocked:
            _register(host, importlib.import_module(module_name), module_name)
    pm.check_pending()
    _collect(host)
    return host


def _load_entrypoints(host: PluginHost, allow: set[str] | None) -> None:
    for ep in entry_points(group=GROUP):
        if allow is not None and ep.name not in allow:
            continue
        if host.pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin must not take the host down
            log.error("copyguard plugin %r (%s) failed to import: %s", ep.name, ep.value, exc)
            host.failures.append(PluginFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        _register(host, plugin, ep.name)


def _register(host: PluginHost, plugin: object, name: str) -> None:
    if host.pm.has_plugin(name) or host.pm.get_plugin(name) is not None:
        raise DuplicateNameError(f"two copyguard plugins are named {name!r}")
    host.pm.register(plugin, name=name)


def _call_each(host: PluginHost, hook_name: str, register_for: Callable[[str], Callable[..., None]],
               ) -> None:
    """Call a ``register_*`` hook plugin by plugin, so we know who registered what."""
    caller = getattr(host.pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # registration order
        try:
            impl.function(register_for(impl.plugin_name))
        except (DuplicateNameError, GuideError):
            raise
        except Exception as exc:
            log.error("plugin %r failed in %s: %s", impl.plugin_name, hook_name, exc)
            host.failures.append(PluginFailure(impl.plugin_name, f"{type(exc).__name__}: {exc}"))


def _collect(host: PluginHost) -> None:
    def check_registrar(plugin: str) -> Callable[[Check], None]:
        def register(check: Check) -> None:
            if not isinstance(check, Check):
                raise TypeError(f"plugin {plugin!r} registered {check!r}, which is not a Check")
            if check.name in host.checks:
                other = host.checks[check.name].plugin
                raise DuplicateNameError(
                    f"check {check.name!r} registered by {plugin!r} and by {other!r}")
            host.checks[check.name] = Registration(plugin, check)
        return register

    def guide_registrar(plugin: str) -> Callable[[BrandGuide | Path], None]:
        def register(guide: BrandGuide | Path) -> None:
            if not isinstance(guide, BrandGuide | Path):
                raise TypeError(
                    f"plugin {plugin!r} registered {guide!r}: need a BrandGuide or a Path")
            host.guides.append(Registration(plugin, guide))
        return register

    def sink_registrar(plugin: str) -> Callable[[str, Callable[[str], object]], None]:
        def register(scheme: str, factory: Callable[[str], object]) -> None:
            if scheme in host.review_sinks:
                raise DuplicateNameError(f"review sink {scheme!r} registered twice")
            host.review_sinks[scheme] = Registration(plugin, factory)
        return register

    _call_each(host, "register_checks", check_registrar)
    _call_each(host, "register_brand_guides", guide_registrar)
    _call_each(host, "register_review_sinks", sink_registrar)
