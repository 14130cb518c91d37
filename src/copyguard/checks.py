"""The :class:`Check` base class every built-in and third-party check derives from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from copyguard.model import EMPTY, Category, Finding, Severity, frozen_map

if TYPE_CHECKING:
    from copyguard.context import CheckContext


class Check(ABC):
    """A named detector run once per draft.

    Subclasses set ``name`` and ``category`` and implement :meth:`run`. A check is built once
    per guard (load lexicons and compile matchers in ``__init__``) and must be safe to call from
    several threads. Exceptions are caught by the guard and turned into an error finding, so a
    check never needs to guard itself.
    """

    name: ClassVar[str]
    category: ClassVar[Category]
    #: Whether :meth:`run` may wait (on I/O, a service, a lock, another thread). A blocking
    #: check runs on a runner thread that the guard abandons at the check's time budget. Set
    #: it to ``False`` for a check that only computes: it then runs on the calling thread,
    #: with no thread hand-off, and is stopped at its budget by an exception raised in it
    #: (:mod:`copyguard.watchdog`), so it must not catch ``BaseException``.
    blocking: ClassVar[bool] = True

    @abstractmethod
    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        """Yield the findings for ``ctx.draft``."""

    def finding(
        self,
        code: str,
        message: str,
        start: int = 0,
        end: int = 0,
        *,
        severity: Severity = Severity.WARNING,
        category: Category | None = None,
        suggestion: str | None = None,
        fix: str | None = None,
        field: str | None = None,
        data: Mapping[str, Any] = EMPTY,
    ) -> Finding:
        """Build a finding stamped with this check's name and category."""
        return Finding(
            check=self.name,
            code=code,
            category=category or self.category,
            severity=severity,
            message=message,
            start=start,
            end=end,
            suggestion=suggestion,
            fix=fix,
            field=field,
            data=frozen_map(data),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
