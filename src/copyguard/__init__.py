"""copyguard: a guardrail for LLM-written marketing copy.

>>> from copyguard import Guard
>>> guard = Guard()                                             # doctest: +SKIP
>>> guard.check("Hi Maria, your order ships today.").route      # doctest: +SKIP
<Route.PASS: 'pass'>
"""

from copyguard.checks import Check
from copyguard.context import CheckContext
from copyguard.errors import (
    CopyguardError,
    DuplicateNameError,
    GuideError,
    InputError,
    UnknownBrandError,
)
from copyguard.guard import Guard
from copyguard.guides import BrandGuide, ResolvedGuide
from copyguard.hookspecs import hookimpl
from copyguard.model import (
    BrowseEvent,
    Campaign,
    Category,
    Channel,
    Draft,
    Finding,
    PersonalizedSpan,
    Purchase,
    Recipient,
    Route,
    Severity,
    Verdict,
)
from copyguard.routing import RouteDecision

__version__ = "0.1.0"

__all__ = [
    "BrandGuide",
    "BrowseEvent",
    "Campaign",
    "Category",
    "Channel",
    "Check",
    "CheckContext",
    "CopyguardError",
    "Draft",
    "DuplicateNameError",
    "Finding",
    "Guard",
    "GuideError",
    "InputError",
    "PersonalizedSpan",
    "Purchase",
    "Recipient",
    "ResolvedGuide",
    "Route",
    "RouteDecision",
    "Severity",
    "UnknownBrandError",
    "Verdict",
    "__version__",
    "hookimpl",
]
