"""Loading the packaged YAML data files (lexicons, patterns, locale facts), validated by pydantic.

A broken data file is a packaging bug, so loading fails loudly with the file, line and field.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from copyguard.errors import CopyguardError
from copyguard.yamlpos import node_line

M = TypeVar("M", bound=BaseModel)


class DataFileError(CopyguardError, ValueError):
    """A packaged data file that does not parse or validate."""

    def __init__(self, path: Path, line: int | None, field: str | None, message: str) -> None:
        self.path, self.line, self.field = path, line, field
        where = f"{path}:{line}" if line else str(path)
        at = f" field {field!r}:" if field else ""
        super().__init__(f"{where}:{at} {message}")


def data_path(*parts: str) -> Path:
    return Path(str(resources.files("copyguard").joinpath("data", *parts)))


@lru_cache(maxsize=64)
def _raw(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, None, None, f"cannot read ({exc.strerror})") from exc
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(path, mark.line + 1 if mark else None, None,
                            f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def load_model(model: type[M], *parts: str) -> M:
    """Parse ``data/<parts>`` into ``model``; errors name the file, line and field."""
    path = data_path(*parts)
    data, node = _raw(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(p) for p in loc) or None
        raise DataFileError(path, _line(node, loc), field, error["msg"]) from exc


def _line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    return node_line(node, loc)
