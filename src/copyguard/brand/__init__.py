"""The machinery of the ``brand`` check: text normalization, the phrase matcher, English
inflection, offline readability, and guides compiled once per locale and channel."""

from copyguard.brand.compiled import CompiledGuide, GuideCache
from copyguard.brand.matcher import PhraseIndex

__all__ = ["CompiledGuide", "GuideCache", "PhraseIndex"]
