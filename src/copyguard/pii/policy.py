"""How bad each PII entity is in copy (data/pii/entities.yaml)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from copyguard.model import Severity
from copyguard.pii.data import load_model


class EntityPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    severity: Severity
    label: str


class EntityPolicies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    default: EntityPolicy
    entities: dict[str, EntityPolicy]

    def of(self, entity: str) -> EntityPolicy:
        return self.entities.get(entity, self.default)


@lru_cache(maxsize=1)
def entity_policies() -> EntityPolicies:
    return load_model(EntityPolicies, "pii", "entities.yaml")
