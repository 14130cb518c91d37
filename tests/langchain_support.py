"""Shared pieces of the LangChain integration tests: a test-only check, a recording review
store, a callback recorder and a driver that runs a runnable sync or async, invoked or
streamed."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableConfig

from copyguard import Category, Check, CheckContext, Finding, Guard, Severity, Verdict, hookimpl
from tests.helpers import isolated_guard

GOOD = "Maria, our new trail boots are here. Take them out this weekend."
CLAIM = "Maria, our trail boots are guaranteed to last forever."  # review, no automatic fix
SHOUT = "Maria, get FREE socks with our trail boots."  # revise: the fix passes
BLOCKED = "Maria, trail boots to help with your diagnosis."  # sensitive: block
GATED = "[gate] Maria, trail boots for the weekend."  # waits at MarkerCheck.gate
SLOW = "[slow] Maria, trail boots for the weekend."  # sleeps in the check

RECIPIENT = {"id": "r-1", "profile": {"first_name": "Maria", "email": "maria.lopez@example.com",
                                      "city": "Porto"},
             "sensitive": {"health": "diabetes"}, "consents": ["personalization"]}
CAMPAIGN = {"id": "spring", "tags": ["boots"], "promoted_items": ["trail boots"]}

MODES = ["invoke", "ainvoke", "stream", "astream"]

PROMPT = ChatPromptTemplate.from_messages([
    ("system", "You write short marketing e-mails. Recipient: {recipient}. Campaign: {campaign}."),
    ("human", "Write two sentences about {product}.\n{feedback}"),
])


class MarkerCheck(Check):
    """Flags marker words so each draft routes exactly as a test needs."""

    name = "test_markers"
    category = Category.BRAND
    gate: threading.Barrier | None = None
    slow_seconds = 0.3

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        if "[gate]" in ctx.text and self.gate is not None:
            self.gate.wait(timeout=5)
        if "[slow]" in ctx.text:
            time.sleep(self.slow_seconds)
        for match in re.finditer(r"\b(?:guaranteed|FREE|diagnosis)\b", ctx.text):
            word, start, end = match.group(), match.start(), match.end()
            if word == "guaranteed":
                yield self.finding("claim", "an unsupported guarantee", start, end,
                                   suggestion="promise what the product does, not forever")
            elif word == "FREE":
                yield self.finding("shouting", "a word in capitals", start, end, fix="free")
            else:
                yield self.finding("health", "refers to the recipient's health", start, end,
                                   category=Category.SENSITIVE, severity=Severity.ERROR)


class MarkerPlugin:
    """The test guard's only check, as a plugin (the built-in heuristics are disabled)."""

    __name__ = "test-markers"

    def __init__(self) -> None:
        self.check = MarkerCheck()

    @hookimpl
    def register_checks(self, register: Any) -> None:
        register(self.check)


def marker_guard() -> tuple[Guard, MarkerCheck]:
    plugin = MarkerPlugin()
    return isolated_guard(plugin), plugin.check


def prompt_chain(*answers: str) -> Runnable[Any, str]:
    """``prompt | model | parser`` whose model answers ``answers`` in order."""
    return PROMPT | GenericFakeChatModel(messages=iter(answers)) | StrOutputParser()


def inputs(**extra: Any) -> dict[str, Any]:
    return {"product": "trail boots", "recipient": RECIPIENT, "campaign": CAMPAIGN,
            "id": "d-1", **extra}


class RecordingStore:
    """A review store that keeps what it is given (the real store has its own tests)."""

    def __init__(self) -> None:
        self.items: list[Verdict] = []
        self._lock = threading.Lock()

    def submit(self, verdict: Verdict) -> str:
        with self._lock:
            self.items.append(verdict)
            return f"item-{len(self.items)}"


class Recorder(BaseCallbackHandler):
    """Records what tracing tools would see."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any, list[str], dict[str, Any]]] = []
        self.chains: list[dict[str, Any]] = []
        self.ends: dict[UUID, Any] = {}
        self.prompts: list[list[BaseMessage]] = []
        self.tokens = 0

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID,
                        tags: list[str] | None = None, metadata: dict[str, Any] | None = None,
                        **kwargs: Any) -> None:
        self.events.append((name, data, tags or [], metadata or {}))

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID,
                       tags: list[str] | None = None, metadata: dict[str, Any] | None = None,
                       **kwargs: Any) -> None:
        self.chains.append({"name": kwargs.get("name"), "run_id": run_id, "inputs": inputs,
                            "tags": tags or [], "metadata": metadata or {},
                            "parent": kwargs.get("parent_run_id")})

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.ends[run_id] = outputs

    def on_chat_model_start(self, serialized: Any, messages: list[list[BaseMessage]],
                            **kwargs: Any) -> None:
        self.prompts.append(messages[0])

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        self.tokens += 1

    def named(self, name: str) -> list[dict[str, Any]]:
        return [run for run in self.chains if run["name"] == name]

    def verdict_events(self) -> list[dict[str, Any]]:
        return [data for name, data, _, _ in self.events if name == "copyguard.verdict"]


async def _collect(chunks: AsyncIterator[Any]) -> list[Any]:
    return [chunk async for chunk in chunks]


def drive(runnable: Runnable[Any, Any], value: Any, mode: str,
          config: RunnableConfig | None = None) -> Any:
    """Run ``runnable`` one way; a stream must yield exactly one (checked) result."""
    if mode == "invoke":
        return runnable.invoke(value, config)
    if mode == "ainvoke":
        return asyncio.run(runnable.ainvoke(value, config))
    if mode == "stream":
        chunks = list(runnable.stream(value, config))
    else:
        chunks = asyncio.run(_collect(runnable.astream(value, config)))
    assert len(chunks) == 1, f"{mode} yielded {len(chunks)} chunks, expected one result"
    return chunks[0]
