"""Automatic fixes for PII findings, made with presidio-anonymizer operators.

The brand guide picks the operator (``pii.fix``): ``redact`` removes the value, ``mask``
replaces every character with ``*``, ``replace`` puts a placeholder such as ``<EMAIL_ADDRESS>``.
Each finding's ``fix`` is the anonymized span, so the guard's ``fixed_text`` is the draft
anonymized by Presidio.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

Operator = Literal["redact", "mask", "replace"]

# Placeholders for the recipient's own fields, by field kind (data/pii/profile_fields.yaml).
KIND_ENTITIES = {"name": "PERSON", "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER",
                 "address": "ADDRESS", "postcode": "ZIP_CODE", "birth_date": "DATE_OF_BIRTH",
                 "account": "ACCOUNT_NUMBER", "identifier": "ID_NUMBER",
                 "reference": "REFERENCE_NUMBER"}


@lru_cache(maxsize=1)
def _engine() -> AnonymizerEngine:
    return AnonymizerEngine()  # type: ignore[no-untyped-call]


def operator_config(operator: Operator, entity: str, length: int) -> OperatorConfig:
    if operator == "redact":
        return OperatorConfig("redact", {})
    if operator == "mask":
        return OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": length,
                                       "from_end": False})
    return OperatorConfig("replace", {"new_value": f"<{entity}>"})


def anonymized(value: str, entity: str, operator: Operator) -> str:
    """``value`` (one detected span) after the operator, computed by Presidio's anonymizer."""
    result = _engine().anonymize(
        text=value,
        analyzer_results=[RecognizerResult(entity_type=entity, start=0, end=len(value),
                                           score=1.0)],
        operators={entity: operator_config(operator, entity, len(value))})
    text: str = result.text
    return text
