"""Events passed to the ``record_event`` observer hook."""

from __future__ import annotations

from dataclasses import dataclass

from copyguard.model import Draft, Verdict


@dataclass(frozen=True, slots=True)
class Event:
    """Base class: every event has a name observers can switch on."""

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class PluginFailed(Event):
    """A plugin could not be imported or registered; ``brand`` is set for brand packs."""

    plugin: str
    error: str


@dataclass(frozen=True, slots=True)
class CheckFailed(Event):
    draft: Draft
    check: str
    error: str


@dataclass(frozen=True, slots=True)
class VerdictReached(Event):
    verdict: Verdict
