"""``guard.as_runnable()``: a Runnable from copy to Verdict, composable after any copy chain."""

from __future__ import annotations

import asyncio
from operator import itemgetter

import pytest
from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableParallel

from copyguard import Channel, Draft, Guard, InputError, Recipient, Route, Verdict
from copyguard.integrations.langchain import GuardRunnable
from tests.helpers import isolated_guard
from tests.langchain_support import (
    BLOCKED,
    CLAIM,
    GOOD,
    MODES,
    RECIPIENT,
    SHOUT,
    Recorder,
    drive,
    marker_guard,
)


@pytest.fixture(scope="module")
def guard() -> Guard:
    return marker_guard()[0]


@pytest.mark.parametrize("mode", MODES)
def test_copy_chain_pipes_into_the_guard(guard: Guard, mode: str) -> None:
    for copy, route in ((GOOD, Route.PASS), (CLAIM, Route.REVIEW), (SHOUT, Route.REVISE),
                        (BLOCKED, Route.BLOCK)):
        chain = GenericFakeChatModel(messages=iter([copy])) | guard.as_runnable()
        verdict = drive(chain, "write the spring e-mail", mode)
        assert isinstance(verdict, Verdict)
        assert verdict.route is route and verdict.draft.text == copy


def test_streamed_chunks_are_buffered_into_one_draft(guard: Guard) -> None:
    recorder = Recorder()
    chain = GenericFakeChatModel(messages=iter([CLAIM])) | StrOutputParser() | guard.as_runnable()
    verdicts = list(chain.stream("write", {"callbacks": [recorder]}))
    assert recorder.tokens > 5  # the model really streamed, word by word
    assert len(verdicts) == 1 and verdicts[0].draft.text == CLAIM
    assert verdicts[0].findings[0].start == CLAIM.index("guaranteed")


def test_batch_and_abatch_keep_order(guard: Guard) -> None:
    copies = [GOOD, CLAIM, BLOCKED, SHOUT]
    runnable = guard.as_runnable()
    assert [v.draft.text for v in runnable.batch(copies)] == copies
    routes = [v.route for v in asyncio.run(runnable.abatch(copies))]
    assert routes == [Route.PASS, Route.REVIEW, Route.BLOCK, Route.REVISE]


def test_context_fills_draft_fields(guard: Guard) -> None:
    runnable = guard.as_runnable(locale="pt-PT", channel="sms", recipient=RECIPIENT, id="d-9")
    verdict = runnable.invoke(AIMessage(GOOD))
    draft = verdict.draft
    assert (draft.locale, draft.channel, draft.id) == ("pt-PT", Channel.SMS, "d-9")
    assert draft.recipient.profile["city"] == "Porto"
    mapped = runnable.invoke({"text": GOOD, "locale": "de-DE"})
    assert (mapped.draft.locale, mapped.draft.channel) == ("de-DE", Channel.SMS)
    bare = guard.as_runnable().invoke(GOOD).draft
    assert (bare.locale, bare.recipient) == ("en-US", Recipient())


def test_a_draft_is_checked_as_it_is(guard: Guard) -> None:
    draft = Draft(CLAIM, id="x", locale="en-GB")
    verdict = guard.as_runnable(locale="de-DE").invoke(draft)
    assert verdict.draft.locale == "en-GB" and verdict.route is Route.REVIEW


def test_parallel_mapping_carries_the_recipient(guard: Guard) -> None:
    chain = RunnableParallel(
        text=itemgetter("brief") | FakeListChatModel(responses=[GOOD]),
        recipient=itemgetter("recipient"),
    ) | guard.as_runnable()
    verdict = chain.invoke({"brief": "boots", "recipient": RECIPIENT})
    assert verdict.draft.text == GOOD
    assert verdict.draft.recipient.sensitive == {"health": "diabetes"}
    assert verdict.personalized_share > 0  # "Maria" comes from the profile


def test_bad_inputs_fail_with_the_field_named(guard: Guard) -> None:
    runnable = guard.as_runnable()
    with pytest.raises(InputError, match="'text'"):
        runnable.invoke({"recipient": RECIPIENT})
    with pytest.raises(InputError, match="'product'"):
        runnable.invoke({"text": GOOD, "product": "boots"})
    with pytest.raises(InputError, match="cannot check a int"):
        runnable.invoke(42)
    with pytest.raises(InputError, match="limit"):
        isolated_guard(max_chars=10).as_runnable().invoke(GOOD)


def test_it_is_a_serializable_runnable(guard: Guard) -> None:
    runnable = guard.as_runnable()
    assert isinstance(runnable, GuardRunnable) and runnable.get_name() == "copyguard"
    assert runnable.get_output_jsonschema()["title"] == "VerdictOutput"
    assert runnable.with_config(run_name="guard").invoke(GOOD).passed
