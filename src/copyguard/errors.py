"""Exceptions copyguard raises. Every message says where the problem is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


class CopyguardError(Exception):
    """Base class for copyguard's own errors."""


class InputError(CopyguardError, ValueError):
    """A draft or batch line that cannot be checked: names the source, line and field."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.source, self.line, self.field, self.problem = source, line, field, message
        where = ":".join(str(part) for part in (source, line) if part is not None)
        prefix = f"{where}: " if where else ""
        at = f"field {field!r}: " if field else ""
        super().__init__(f"{prefix}{at}{message}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return _rebuild_input_error, (self.problem, self.source, self.line, self.field)


class GuideError(CopyguardError, ValueError):
    """A brand guide that does not load; it never half-loads."""

    def __init__(self, path: Path | str | None, line: int | None, field: str | None,
                 message: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, message
        where = ":".join(str(part) for part in (path, line) if part is not None)
        at = f" field {field!r}:" if field else ""
        super().__init__(f"{where or '<guide>'}:{at} {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return GuideError, (self.path, self.line, self.field, self.problem)


class UnknownBrandError(CopyguardError, LookupError):
    def __init__(self, brand: str, known: Iterable[str]) -> None:
        self.brand, self.known = brand, sorted(known)
        known_list = ", ".join(self.known) or "none"
        super().__init__(f"unknown brand {brand!r}; known brands: {known_list}")

    def __reduce__(self) -> tuple[Any, ...]:
        return UnknownBrandError, (self.brand, self.known)


class DuplicateNameError(CopyguardError, ValueError):
    """Two plugins, checks or guides registered under one name."""


def _rebuild_input_error(problem: str, source: str | None, line: int | None,
                         field: str | None) -> InputError:
    return InputError(problem, source=source, line=line, field=field)
