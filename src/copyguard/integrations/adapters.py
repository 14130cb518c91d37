"""Between LangChain values and copyguard's: copy out of generator outputs, draft fields in,
messages for chat models, and streams buffered the way LangChain buffers them."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from langchain_core.language_models import BaseLanguageModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, convert_to_messages
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableBinding

from copyguard.errors import InputError
from copyguard.guard import Guard
from copyguard.model import Campaign, Draft, Recipient

DRAFT_FIELDS = ("id", "locale", "channel", "brand")
RECIPIENT_NOTE = ("Recipient data you may use (nothing else about this person is known; "
                  "use it sparingly):")


def copy_text(output: Any, key: str = "text") -> str:
    """The copy in a generator's output: a string, a message, or ``output[key]``."""
    if isinstance(output, str):
        return str(output)  # an exact str: message text comes as a str subclass
    if isinstance(output, BaseMessage):
        return str(output.text)
    if isinstance(output, Mapping) and key in output:
        return copy_text(output[key], key)
    raise TypeError(f"the copy generator returned {type(output).__name__}; expected a string, "
                    f"a message, or a mapping with the copy under {key!r}")


def draft_template(guard: Guard, fields: Mapping[str, Any]) -> Draft:
    """Validate draft fields (everything but the text) into a :class:`Draft` with empty text.

    ``recipient`` and ``campaign`` may be mappings (the JSON contract) or dataclasses.
    """
    data = {key: value for key, value in fields.items() if value is not None}
    given: dict[str, Any] = {}
    for key, kind in (("recipient", Recipient), ("campaign", Campaign)):
        if isinstance(data.get(key), kind):
            given[key] = data.pop(key)
    return dataclasses.replace(guard.prepare({**data, "text": ""}), **given)


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """The campaign as a prompt variable (it holds no personal data)."""
    data = {"id": campaign.id, "tags": list(campaign.tags), "industry": campaign.industry,
            "promoted_items": list(campaign.promoted_items),
            "sent_at": campaign.sent_at.isoformat() if campaign.sent_at else None}
    return {key: value for key, value in data.items() if value not in (None, [])}


def declared_inputs(chain: Runnable[Any, Any]) -> dict[str, Any] | None:
    """The named inputs a chain declares (a prompt's variables, as JSON schema), or ``None``
    when it declares none (a lambda, a model)."""
    try:
        schema = chain.get_input_jsonschema()
    except Exception:  # a chain whose schema cannot be built declares nothing we can use
        return None
    properties = schema.get("properties")
    return dict(properties) if isinstance(properties, dict) and properties else None


def takes_messages(chain: Runnable[Any, Any]) -> bool:
    """Whether ``chain`` is a model (possibly bound) that takes messages, not prompt variables."""
    while isinstance(chain, RunnableBinding):
        chain = chain.bound
    return isinstance(chain, BaseLanguageModel)


def to_messages(value: Any, key: str) -> list[BaseMessage]:
    if isinstance(value, str):
        return [HumanMessage(value)]
    if isinstance(value, PromptValue):
        return value.to_messages()
    if isinstance(value, list | tuple):
        return convert_to_messages(value)
    raise InputError(f"expected a string, a prompt value or a list of messages, got "
                     f"{type(value).__name__}", field=key)


def with_system_note(messages: list[BaseMessage], note: str) -> list[BaseMessage]:
    """Add the recipient note to the leading system message, or put one in front."""
    if messages and isinstance(messages[0], SystemMessage) and isinstance(messages[0].content,
                                                                          str):
        return [SystemMessage(f"{messages[0].content}\n\n{note}"), *messages[1:]]
    return [SystemMessage(note), *messages]


def accumulate(chunks: Iterable[Any]) -> Any:
    """Buffer a stream the way LangChain does: add the chunks up, else keep the last one."""
    final: Any = None
    for chunk in chunks:
        final = _add(final, chunk)
    return final


async def aaccumulate(chunks: AsyncIterator[Any]) -> Any:
    final: Any = None
    async for chunk in chunks:
        final = _add(final, chunk)
    return final


def _add(final: Any, chunk: Any) -> Any:
    if final is None:
        return chunk
    try:
        return final + chunk
    except TypeError:
        return chunk
