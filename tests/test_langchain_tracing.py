"""Tracing, streaming and concurrency of the guarded runnables."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from langchain_core.language_models import GenericFakeChatModel

from copyguard import Guard
from copyguard.integrations.policy import Outcome
from copyguard.integrations.tracing import UNCHECKED_TAG, VERDICT_EVENT
from tests.langchain_support import (
    CLAIM,
    GATED,
    GOOD,
    SLOW,
    MarkerCheck,
    Recorder,
    RecordingStore,
    inputs,
    marker_guard,
    prompt_chain,
)


@pytest.fixture(scope="module")
def guarded() -> tuple[Guard, MarkerCheck]:
    return marker_guard()


@pytest.fixture
def guard(guarded: tuple[Guard, MarkerCheck]) -> Guard:
    return guarded[0]


@pytest.mark.parametrize("asynchronous", [False, True])
def test_verdicts_routes_and_counts_reach_the_callbacks(guard: Guard, asynchronous: bool) -> None:
    recorder, store = Recorder(), RecordingStore()
    wrapped = guard.wrap(prompt_chain(CLAIM, CLAIM), on_fail="reask", max_attempts=2,
                         review_store=store)
    config: Any = {"callbacks": [recorder]}
    result = (asyncio.run(wrapped.ainvoke(inputs(), config)) if asynchronous
              else wrapped.invoke(inputs(), config))
    events = recorder.verdict_events()
    assert [(e["attempt"], e["route"], e["findings"]) for e in events] == [
        (1, "review", 1), (2, "review", 1)]
    assert events[0]["by_category"] == {"brand": 1} and events[0]["codes"] == ["brand/claim"]
    assert events[0]["draft_id"] == "d-1" and events[0]["passed"] is False
    runs = recorder.named("copyguard.verdict")
    assert len(runs) == 2 and "copyguard:route:review" in runs[0]["tags"]
    assert runs[1]["metadata"]["copyguard_attempt"] == 2
    assert runs[1]["metadata"]["copyguard_route"] == "review"
    assert recorder.ends[runs[0]["run_id"]]["route"] == "review"  # the run's outputs
    root = recorder.named("copyguard.wrap")[0]
    assert root["metadata"]["copyguard_on_fail"] == "reask"
    assert all(run["parent"] == root["run_id"] for run in runs)
    reviews = [data for name, data, _, _ in recorder.events if name == "copyguard.review"]
    assert reviews == [{"review_id": result.review_id, "draft_id": "d-1", "route": "review"}]


def test_a_passing_check_is_traced_too(guard: Guard) -> None:
    recorder = Recorder()
    (GenericFakeChatModel(messages=iter([GOOD])) | guard.as_runnable()).invoke(
        "write", {"callbacks": [recorder]})
    [event] = recorder.verdict_events()
    assert (event["route"], event["findings"], event["passed"]) == ("pass", 0, True)
    assert "copyguard:route:pass" in recorder.named("copyguard.verdict")[0]["tags"]


def test_generator_runs_are_tagged_unchecked(guard: Guard) -> None:
    recorder = Recorder()
    guard.wrap(prompt_chain(GOOD)).invoke(inputs(), {"callbacks": [recorder]})
    inner = [run for run in recorder.chains if UNCHECKED_TAG in run["tags"]]
    assert {run["name"] for run in inner} >= {"RunnableSequence", "ChatPromptTemplate"}
    assert UNCHECKED_TAG not in recorder.named("copyguard.verdict")[0]["tags"]


def test_stream_releases_nothing_before_the_check(guard: Guard) -> None:
    recorder = Recorder()
    wrapped = guard.wrap(prompt_chain(CLAIM, GOOD), on_fail="reask")
    for result in wrapped.stream(inputs(), {"callbacks": [recorder]}):
        checked_before_yield = len(recorder.verdict_events())
        assert result.text == GOOD
    assert checked_before_yield == 2  # both attempts were checked before anything came out
    assert recorder.tokens > 5  # the generator itself was streamed (and buffered)


def test_event_streams_can_hide_unchecked_tokens(guard: Guard) -> None:
    async def events(**filters: Any) -> list[Any]:
        wrapped = guard.wrap(prompt_chain(CLAIM, GOOD), on_fail="reask")
        return [e async for e in wrapped.astream_events(inputs(), version="v2", **filters)]

    everything = asyncio.run(events())
    leaked = [e for e in everything if e["event"] == "on_chat_model_stream"]
    assert "guaranteed" in "".join(e["data"]["chunk"].text for e in leaked)
    hidden = asyncio.run(events(exclude_tags=[UNCHECKED_TAG]))
    assert not [e for e in hidden if e["event"] == "on_chat_model_stream"]
    customs = [e for e in hidden if e["event"] == "on_custom_event"]
    assert [e["data"]["route"] for e in customs if e["name"] == VERDICT_EVENT] == [
        "review", "pass"]
    [end] = [e for e in hidden if e["event"] == "on_chain_end" and e["name"] == "copyguard.wrap"]
    assert end["data"]["output"].text == GOOD


@pytest.mark.parametrize("asynchronous", [False, True])
def test_batch_checks_run_concurrently(guarded: tuple[Guard, MarkerCheck],
                                       asynchronous: bool) -> None:
    """Three checks wait for each other at a barrier: run one at a time, they would break it
    (a crashed check sends its draft to review)."""
    guard, check = guarded
    check.gate = threading.Barrier(3)
    try:
        wrapped = guard.wrap(prompt_chain(GATED, GATED, GATED), on_fail="return")
        batch = [inputs(id=f"d-{i}") for i in range(3)]
        results = (asyncio.run(wrapped.abatch(batch)) if asynchronous else wrapped.batch(batch))
    finally:
        check.gate = None
    assert [r.outcome for r in results] == [Outcome.PASSED] * 3
    assert [r.verdict.draft.id for r in results] == ["d-0", "d-1", "d-2"]


def test_abatch_does_not_block_the_event_loop(guard: Guard) -> None:
    """While slow checks run, a heartbeat on the same loop keeps ticking."""
    wrapped = guard.wrap(prompt_chain(SLOW, SLOW), on_fail="return")

    async def scenario() -> tuple[int, list[Any]]:
        ticks = 0
        done = asyncio.Event()

        async def heartbeat() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(heartbeat())
        results = await wrapped.abatch([inputs(id="a"), inputs(id="b")])
        done.set()
        await beat
        return ticks, results

    ticks, results = asyncio.run(scenario())
    assert all(r.outcome is Outcome.PASSED for r in results)
    assert ticks >= 10  # a check on the loop would hold it for 0.3 s with no tick
