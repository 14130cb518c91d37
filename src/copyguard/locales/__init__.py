"""Locale rule packs: data-driven cultural rules and CLDR format checks per locale.

Packs live in ``copyguard/data/locales`` (``root.yaml``, a file per language such as
``fr.yaml``, per region such as ``und-BE.yaml``, per locale such as ``fr-BE.yaml``); see
``docs/locales.md``. :class:`LocaleEngine` compiles them once per locale and brand guide.
"""

from copyguard.locales.engine import LocaleEngine, Outcome
from copyguard.locales.matching import RuleMatch
from copyguard.locales.packs import LocalePack, PackLibrary
from copyguard.locales.schema import LocalePackError
from copyguard.locales.tags import LocaleTag, parse_tag

__all__ = ["LocaleEngine", "LocalePack", "LocalePackError", "LocaleTag", "Outcome",
           "PackLibrary", "RuleMatch", "parse_tag"]
