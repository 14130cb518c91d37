"""LangChain integration: ``guard.as_runnable()`` and ``guard.wrap(copy_chain, on_fail=...)``.

>>> safe = guard.wrap(prompt | model | StrOutputParser(), on_fail="reask")  # doctest: +SKIP
>>> safe.invoke({"product": "boots", "recipient": {...}, "campaign": {...}}).text  # +SKIP

``as_runnable()`` checks whatever copy reaches it and returns the :class:`Verdict`.
``wrap()`` puts the guard around a generator: the recipient data the generator sees is
minimized first (``guard.minimize``), the copy is checked, and the ``on_fail`` policy
(:mod:`copyguard.integrations.policy`) decides what happens when it does not pass. Copy is
never released before it passes, streaming included: ``stream`` buffers the generator's
chunks and yields one :class:`GuardedCopy` once the copy has been checked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, cast

from langchain_core.callbacks import AsyncCallbackManagerForChainRun, CallbackManagerForChainRun
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.base import coerce_to_runnable
from langchain_core.runnables.config import (
    ensure_config,
    get_async_callback_manager_for_config,
    get_callback_manager_for_config,
    merge_configs,
    patch_config,
    set_config_context,
)
from langchain_core.runnables.utils import coro_with_context
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, RootModel, field_validator

from copyguard.errors import InputError
from copyguard.guard import Guard
from copyguard.integrations.adapters import (
    DRAFT_FIELDS,
    RECIPIENT_NOTE,
    aaccumulate,
    accumulate,
    campaign_json,
    copy_text,
    declared_inputs,
    draft_template,
    takes_messages,
    to_messages,
    with_system_note,
)
from copyguard.integrations.policy import (
    Check,
    CopyRejected,
    Generate,
    GuardedCopy,
    OnFail,
    Outcome,
    Policy,
    Step,
    feedback_text,
    run_policy,
)
from copyguard.integrations.tracing import (
    UNCHECKED_TAG,
    arecord_review,
    arecord_verdict,
    record_review,
    record_verdict,
)
from copyguard.model import Draft, Verdict

__all__ = ["CopyRejected", "GuardRunnable", "GuardedCopy", "GuardedRunnable", "OnFail",
           "Outcome", "copy_text", "wrap"]


class VerdictOutput(RootModel[Any]):
    """A :class:`copyguard.Verdict` object (``copyguard.io.verdict_json`` gives its JSON)."""


class GuardedCopyOutput(RootModel[Any]):
    """A :class:`copyguard.integrations.policy.GuardedCopy` object."""


class GuardRunnable(RunnableSerializable[Any, Verdict]):
    """``copy_chain | guard.as_runnable()``: checks the copy that reaches it, returns a Verdict.

    Input: copy text, a message, a :class:`Draft`, or a mapping with ``text`` plus draft fields
    (``recipient``, ``campaign``, ``locale`` ...). ``context`` fills draft fields for text,
    message and mapping inputs; a :class:`Draft` is checked as it is.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    guard: Guard
    context: dict[str, Any] = Field(default_factory=dict)
    name: str | None = "copyguard"

    def draft(self, value: Any) -> Draft:
        if isinstance(value, Draft):
            return self.guard.prepare(value)
        if isinstance(value, str | BaseMessage):
            fields, text = dict(self.context), copy_text(value)
        elif isinstance(value, Mapping):
            fields = {**self.context, **value}
            if "text" not in fields:
                raise InputError("the mapping has no copy to check", field="text")
            text = copy_text(fields.pop("text"))
        else:
            raise InputError(f"cannot check a {type(value).__name__}: pass copy text, a message, "
                             "a Draft, or a mapping with 'text'")
        return self.guard.prepare(draft_template(self.guard, fields).with_text(text))

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return VerdictOutput

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Verdict:
        return self._call_with_config(self._check, input, config)

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None,
                      **kwargs: Any) -> Verdict:
        return await self._acall_with_config(self._acheck, input, config)

    def _check(self, value: Any, run_manager: CallbackManagerForChainRun) -> Verdict:
        verdict = self.guard.check(self.draft(value))
        record_verdict(run_manager, verdict, attempt=1)
        return verdict

    async def _acheck(self, value: Any, run_manager: AsyncCallbackManagerForChainRun) -> Verdict:
        verdict = await self.guard.acheck(self.draft(value))
        await arecord_verdict(run_manager, verdict, attempt=1)
        return verdict


def shared_data(guard: Guard, draft: Draft) -> dict[str, Any]:
    """What the generator may know about the recipient: ``guard.minimize`` under the draft's
    brand, locale and channel, without its ``withheld`` list (which fields exist and why
    they were left out is nothing the model needs)."""
    minimized = guard.minimize(draft.recipient, draft.campaign, brand=draft.brand,
                               locale=draft.locale, channel=draft.channel.value)
    return {key: value for key, value in minimized.items() if key != "withheld"}


@dataclasses.dataclass(frozen=True, slots=True)
class _Request:
    """One guarded generation: the draft to fill in and what the generator gets."""

    template: Draft
    chain_input: dict[str, Any] | list[BaseMessage]
    trace_input: dict[str, Any]
    feedback_key: str
    feedback_as_messages: bool  # the prompt has a messages placeholder for the feedback

    def input_for(self, feedback: Verdict | None) -> Any:
        if feedback is None:
            return self.chain_input
        exchange = [AIMessage(feedback.draft.text),
                    HumanMessage(feedback_text(feedback, include_copy=False))]
        if isinstance(self.chain_input, list):
            return [*self.chain_input, *exchange]
        value = exchange if self.feedback_as_messages else feedback_text(feedback)
        return {**self.chain_input, self.feedback_key: value}


class GuardedRunnable(RunnableSerializable[dict[str, Any], GuardedCopy]):
    """A copy generator with the guard around it (build it with ``guard.wrap``).

    Input: a mapping with the generator's own inputs plus ``recipient`` and ``campaign`` (and
    optionally ``id``, ``locale``, ``channel``, ``brand``). A prompt chain receives its inputs
    with ``recipient`` replaced by ``guard.minimize(...)``, ``campaign`` as a plain mapping and
    ``feedback`` (empty, or what to change on a reask). A chat model receives the messages
    under ``input`` with the minimized recipient data in the system message.
    Output: a :class:`GuardedCopy`; ``on_fail="raise"`` raises :class:`CopyRejected`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    guard: Guard
    chain: Runnable[Any, Any]
    on_fail: OnFail = OnFail.RAISE
    fallback: OnFail = OnFail.REVIEW
    max_attempts: int = Field(default=3, ge=1)
    review_store: Any = None
    feedback_key: str = "feedback"
    input_key: str = "input"
    output_key: str = "text"
    messages: bool | None = None
    name: str | None = "copyguard.wrap"

    _store: Any = PrivateAttr(default=None)
    _store_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _feedback_as_messages: bool = PrivateAttr(default=False)

    @field_validator("on_fail", mode="before")
    @classmethod
    def _on_fail(cls, value: Any) -> OnFail:
        return OnFail.parse(value)

    @field_validator("fallback", mode="before")
    @classmethod
    def _fallback(cls, value: Any) -> OnFail:
        policy = OnFail.parse(value, name="fallback")
        if policy in (OnFail.FIX, OnFail.REASK):
            raise ValueError(f"fallback={policy.value!r}: use 'raise', 'return' or 'review'")
        return policy

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        if self.messages is None:
            self.messages = takes_messages(self.chain)
        declared = None if self.messages else declared_inputs(self.chain)
        if declared is None:
            return
        slot = declared.get(self.feedback_key)
        if slot is None and self.on_fail is OnFail.REASK:
            raise ValueError(
                f"on_fail='reask' sends the findings back as {self.feedback_key!r}, but the "
                f"chain takes only {sorted(declared)}: add {{{self.feedback_key}}} or "
                f"MessagesPlaceholder({self.feedback_key!r}, optional=True) to the prompt, or "
                "name the slot with feedback_key=")
        self._feedback_as_messages = isinstance(slot, Mapping) and slot.get("type") == "array"

    # -- input ------------------------------------------------------------------------------

    def request(self, value: Any) -> _Request:
        """Validate one input: the draft fields, the minimized data, the generator's input."""
        if not isinstance(value, Mapping):
            raise InputError(f"a guarded chain takes a mapping with the chain's inputs plus "
                             f"'recipient' and 'campaign', not a {type(value).__name__}")
        inputs = dict(value)
        fields = {key: inputs.get(key) for key in (*DRAFT_FIELDS, "recipient", "campaign")}
        template = draft_template(self.guard, fields)
        shared = shared_data(self.guard, template)
        campaign = campaign_json(template.campaign)
        meta = {key: inputs[key] for key in DRAFT_FIELDS if key in inputs}
        as_messages = self._feedback_as_messages
        if not self.messages:
            no_feedback: str | list[BaseMessage] = [] if as_messages else ""
            chain_input = {**inputs, "recipient": shared, "campaign": campaign,
                           self.feedback_key: inputs.get(self.feedback_key, no_feedback)}
            return _Request(template, chain_input, chain_input, self.feedback_key, as_messages)
        extra = sorted(set(inputs) - {*DRAFT_FIELDS, "recipient", "campaign", self.input_key})
        if extra:
            raise InputError(f"unexpected key {extra[0]!r}: a chat model takes its messages "
                             f"under {self.input_key!r}", field=extra[0])
        if self.input_key not in inputs:
            raise InputError("no messages for the chat model", field=self.input_key)
        note = f"{RECIPIENT_NOTE}\n{json.dumps(shared, ensure_ascii=False, default=str)}"
        if campaign:
            note += f"\nCampaign: {json.dumps(campaign, ensure_ascii=False)}"
        messages = with_system_note(to_messages(inputs[self.input_key], self.input_key), note)
        return _Request(template, messages, {self.input_key: messages, **meta},
                        self.feedback_key, as_messages)

    # -- the runnable interface -------------------------------------------------------------

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return GuardedCopyOutput

    def invoke(self, input: dict[str, Any], config: RunnableConfig | None = None,
               **kwargs: Any) -> GuardedCopy:
        return self._call(input, config, streaming=False)

    async def ainvoke(self, input: dict[str, Any], config: RunnableConfig | None = None,
                      **kwargs: Any) -> GuardedCopy:
        return await self._acall(input, config, streaming=False)

    def stream(self, input: dict[str, Any], config: RunnableConfig | None = None,
               **kwargs: Any) -> Iterator[GuardedCopy]:
        """Stream the generator, buffer its chunks, yield the checked result once."""
        yield self._call(input, config, streaming=True)

    async def astream(self, input: dict[str, Any], config: RunnableConfig | None = None,
                      **kwargs: Any) -> AsyncIterator[GuardedCopy]:
        yield await self._acall(input, config, streaming=True)

    # -- runs -------------------------------------------------------------------------------

    def _run_metadata(self) -> dict[str, Any]:
        return {"copyguard_on_fail": self.on_fail.value, "copyguard_fallback": self.fallback.value,
                "copyguard_max_attempts": self.max_attempts, "copyguard_brand": self.guard.brand}

    def _policy(self) -> Policy:
        return run_policy(self.on_fail, fallback=self.fallback, max_attempts=self.max_attempts)

    def _generator_config(self, config: RunnableConfig, attempt: int) -> RunnableConfig:
        return merge_configs(config, {"tags": [UNCHECKED_TAG],
                                      "metadata": {"copyguard_attempt": attempt}})

    def _call(self, value: Any, config: RunnableConfig | None, *, streaming: bool) -> GuardedCopy:
        request = self.request(value)
        config = ensure_config(config)
        manager = get_callback_manager_for_config(config)
        manager.add_metadata(self._run_metadata(), inherit=False)
        run = manager.on_chain_start(None, request.trace_input,
                                     name=config.get("run_name") or self.get_name(),
                                     run_id=config.pop("run_id", None))
        try:
            child = patch_config(config, callbacks=run.get_child())
            with set_config_context(child) as context:
                result = context.run(self._drive, request, child, run, streaming)
        except BaseException as exc:
            run.on_chain_error(exc)
            raise
        run.on_chain_end(result)
        return result

    async def _acall(self, value: Any, config: RunnableConfig | None, *,
                     streaming: bool) -> GuardedCopy:
        request = self.request(value)
        config = ensure_config(config)
        manager = get_async_callback_manager_for_config(config)
        manager.add_metadata(self._run_metadata(), inherit=False)
        run = await manager.on_chain_start(None, request.trace_input,
                                           name=config.get("run_name") or self.get_name(),
                                           run_id=config.pop("run_id", None))
        try:
            child = patch_config(config, callbacks=run.get_child())
            with set_config_context(child) as context:
                result = await coro_with_context(
                    self._adrive(request, child, run, streaming), context)
        except BaseException as exc:
            await run.on_chain_error(exc)
            raise
        await run.on_chain_end(result)
        return result

    # -- the policy, driven sync and async --------------------------------------------------

    def _drive(self, request: _Request, config: RunnableConfig, run: CallbackManagerForChainRun,
               streaming: bool) -> GuardedCopy:
        policy = self._policy()
        step = next(policy)
        while True:
            result = self._perform(step, request, config, run, streaming)
            try:
                step = policy.send(result)
            except StopIteration as done:
                return cast(GuardedCopy, done.value)

    async def _adrive(self, request: _Request, config: RunnableConfig,
                      run: AsyncCallbackManagerForChainRun, streaming: bool) -> GuardedCopy:
        policy = self._policy()
        step = next(policy)
        while True:
            result = await self._aperform(step, request, config, run, streaming)
            try:
                step = policy.send(result)
            except StopIteration as done:
                return cast(GuardedCopy, done.value)

    def _perform(self, step: Step, request: _Request, config: RunnableConfig,
                 run: CallbackManagerForChainRun, streaming: bool) -> Any:
        if isinstance(step, Generate):
            value = request.input_for(step.feedback)
            settings = self._generator_config(config, step.attempt)
            output = (accumulate(self.chain.stream(value, settings)) if streaming
                      else self.chain.invoke(value, settings))
            return copy_text(output, self.output_key)
        if isinstance(step, Check):
            verdict = self.guard.check(self._draft(request, step.text))
            record_verdict(run, verdict, step.attempt)
            return verdict
        review_id = str(self.review_queue().submit(step.verdict))
        record_review(run, step.verdict, review_id)
        return review_id

    async def _aperform(self, step: Step, request: _Request, config: RunnableConfig,
                        run: AsyncCallbackManagerForChainRun, streaming: bool) -> Any:
        if isinstance(step, Generate):
            value = request.input_for(step.feedback)
            settings = self._generator_config(config, step.attempt)
            output = (await aaccumulate(self.chain.astream(value, settings)) if streaming
                      else await self.chain.ainvoke(value, settings))
            return copy_text(output, self.output_key)
        if isinstance(step, Check):
            verdict = await self.guard.acheck(self._draft(request, step.text))
            await arecord_verdict(run, verdict, step.attempt)
            return verdict
        submitted = step.verdict
        review_id = str(await asyncio.to_thread(lambda: self.review_queue().submit(submitted)))
        await arecord_review(run, submitted, review_id)
        return review_id

    def _draft(self, request: _Request, text: str) -> Draft:
        return self.guard.prepare(request.template.with_text(text))

    def review_queue(self) -> Any:
        """The review store (opened on first use from ``review_store``: a store, URL or None)."""
        with self._store_lock:
            if self._store is None:
                store = self.review_store
                if store is None or isinstance(store, str):
                    from copyguard.review import open_store

                    store = open_store(store, hooks=self.guard.host)
                self._store = store
            return self._store


def wrap(guard: Guard, chain: Any, on_fail: OnFail | str = OnFail.RAISE, *,
         fallback: OnFail | str = OnFail.REVIEW, max_attempts: int = 3,
         review_store: Any = None, feedback_key: str = "feedback", input_key: str = "input",
         output_key: str = "text", messages: bool | None = None) -> GuardedRunnable:
    """Put ``guard`` around a copy generator (any Runnable, or a callable).

    ``fallback`` is where ``fix`` and ``reask`` end when they cannot produce passing copy;
    ``max_attempts`` counts generations for ``reask``; ``review_store`` is a review store, a
    URL for ``copyguard.review.open_store``, or ``None`` for its default; ``messages`` forces
    how the generator is fed (default: chat models get messages, everything else a mapping).
    """
    return GuardedRunnable(guard=guard, chain=coerce_to_runnable(chain), on_fail=on_fail,
                           fallback=fallback, max_attempts=max_attempts,
                           review_store=review_store, feedback_key=feedback_key,
                           input_key=input_key, output_key=output_key, messages=messages)
