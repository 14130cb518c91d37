"""How bad each PII entity is in copy, and what every match of it contains.

Data: data/pii/entities.yaml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from copyguard.model import Severity
from copyguard.pii.data import load_model


class EntityPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    severity: Severity
    label: str
    min_digits: int = Field(0, ge=0)   # every match holds at least this many digits,
    needs_any: list[str] = []          # one of these strings
    hint: str | None = None            # and a match of this regex

    @field_validator("hint")
    @classmethod
    def _valid_hint(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    def possible_in(self, text: str, digits: int) -> bool:
        """Whether ``text`` (holding ``digits`` digits) can contain a match at all."""
        return digits >= self.min_digits and (
            not self.needs_any or any(mark in text for mark in self.needs_any)) and (
            self.hint is None or _compiled(self.hint).search(text) is not None)


class EntityPolicies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    default: EntityPolicy
    entities: dict[str, EntityPolicy]

    def of(self, entity: str) -> EntityPolicy:
        return self.entities.get(entity, self.default)


@lru_cache(maxsize=1)
def entity_policies() -> EntityPolicies:
    return load_model(EntityPolicies, "pii", "entities.yaml")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
