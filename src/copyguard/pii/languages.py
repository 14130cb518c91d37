"""Which recognizers run for which language and region (data: data/pii/languages.yaml)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, field_validator

from copyguard.pii.data import load_model

ENTITIES_WITH_CONTEXT = ("PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE",
                         "IP_ADDRESS", "DATE_OF_BIRTH")
# Phone region that matches only numbers written with an international prefix.
INTERNATIONAL_ONLY = "ZZ"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LanguageConfig(_Model):
    regions: list[str]
    addresses: list[str]
    context: dict[str, list[str]]

    @field_validator("context")
    @classmethod
    def _known_entities(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(ENTITIES_WITH_CONTEXT):
            raise ValueError(f"context words needed for exactly {list(ENTITIES_WITH_CONTEXT)}; "
                             f"got {sorted(value)}")
        return value


class PiiLanguages(_Model):
    national: dict[str, list[str]]
    languages: dict[str, LanguageConfig]


@lru_cache(maxsize=1)
def pii_languages() -> PiiLanguages:
    return load_model(PiiLanguages, "pii", "languages.yaml")


def supported_languages() -> tuple[str, ...]:
    return tuple(pii_languages().languages)


def regions_for(language: str, region: str | None) -> tuple[str, ...]:
    """Phone and national-id regions for a draft: its own region, else the language's list."""
    if region:
        return (region.upper(),)
    config = pii_languages().languages.get(language)
    return tuple(config.regions) if config else (INTERNATIONAL_ONLY,)


def foreign_regions(regions: tuple[str, ...]) -> tuple[str, ...]:
    """Phone regions looked at (with context only) beyond a draft's own: Presidio's default
    regions and the main region of every configured language."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    main = {config.regions[0] for config in pii_languages().languages.values()}
    return tuple(sorted({*PhoneRecognizer.DEFAULT_SUPPORTED_REGIONS, *main} - set(regions)))
