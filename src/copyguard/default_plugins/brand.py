"""Built-in plugin: the ``brand`` check runs the rules of the draft's brand guide.

Terminology and exact-case brand names, banned phrases, forbidden claims and slang, competitor
names, substitutions (with automatic fixes), limits on exclamation marks, emoji, capitals and
sentence length, required taglines and disclaimers, reading level, and the brand's register of
address. See docs/brand-guides.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from copyguard.brand.compiled import GuideCache
from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.hookspecs import hookimpl
from copyguard.model import Category, Finding


class BrandCheck(Check):
    """Compiles each guide once per (digest, locale, channel) and reuses it for every draft."""

    name = "brand"
    category = Category.BRAND
    blocking = False

    def __init__(self, cache_size: int = 128) -> None:
        self.cache = GuideCache(cache_size)

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        yield from self.cache.get(ctx.guide).findings(self, ctx)


@hookimpl
def register_checks(register: Callable[[Check], None]) -> None:
    register(BrandCheck())
