"""``guard.wrap(chain, on_fail=...)``: every policy, sync and async, invoked and streamed."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import RunnableLambda

from copyguard import Guard, InputError, Route
from copyguard.integrations.langchain import GuardedRunnable, copy_text
from copyguard.integrations.policy import CopyRejected, GuardedCopy, Outcome
from tests.langchain_support import (
    BLOCKED,
    CAMPAIGN,
    CLAIM,
    GOOD,
    MODES,
    RECIPIENT,
    SHOUT,
    Recorder,
    RecordingStore,
    drive,
    inputs,
    marker_guard,
    prompt_chain,
)

# A prompt as a plain function: any Runnable taking a mapping can be wrapped.
text_prompt: RunnableLambda[dict[str, Any], str] = RunnableLambda(
    lambda values: f"About {values['product']}. {values['feedback']}")


@pytest.fixture(scope="module")
def guard() -> Guard:
    return marker_guard()[0]


@pytest.mark.parametrize("mode", MODES)
def test_passing_copy_is_released_under_every_policy(guard: Guard, mode: str) -> None:
    for policy in ("raise", "return", "fix", "reask", "review"):
        store = RecordingStore()
        wrapped = guard.wrap(prompt_chain(GOOD), on_fail=policy, review_store=store)
        result = drive(wrapped, inputs(), mode)
        assert isinstance(result, GuardedCopy)
        assert (result.outcome, result.text, result.released) == (Outcome.PASSED, GOOD, True)
        assert len(result.attempts) == 1 and result.verdict.passed
        assert store.items == []


@pytest.mark.parametrize("mode", MODES)
def test_raise_carries_the_verdict(guard: Guard, mode: str) -> None:
    wrapped = guard.wrap(prompt_chain(CLAIM), on_fail="raise")
    with pytest.raises(CopyRejected) as caught:
        drive(wrapped, inputs(), mode)
    verdict = caught.value.verdict
    assert verdict.route is Route.REVIEW and verdict.draft.text == CLAIM
    assert [f.code for f in verdict.findings] == ["claim"]
    assert "routed to review after 1 attempt: brand/claim" in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
def test_return_never_raises_and_keeps_the_draft(guard: Guard, mode: str) -> None:
    for copy, route in ((CLAIM, Route.REVIEW), (BLOCKED, Route.BLOCK), (SHOUT, Route.REVISE)):
        result = drive(guard.wrap(prompt_chain(copy), on_fail="return"), inputs(), mode)
        assert (result.outcome, result.text, result.released) == (Outcome.REJECTED, None, False)
        assert result.verdict.route is route
        assert result.verdict.draft.text == copy and result.verdict.draft.id == "d-1"
        assert result.verdict.draft.recipient.profile["first_name"] == "Maria"


@pytest.mark.parametrize("mode", MODES)
def test_fix_applies_the_fixes_and_rechecks(guard: Guard, mode: str) -> None:
    result = drive(guard.wrap(prompt_chain(SHOUT), on_fail="fix"), inputs(), mode)
    assert result.outcome is Outcome.FIXED and result.released
    assert result.text == "Maria, get free socks with our trail boots."
    first, recheck = result.attempts
    assert first.route is Route.REVISE and first.draft.text == SHOUT
    assert recheck.passed and recheck.draft.text == result.text and result.verdict is recheck


@pytest.mark.parametrize("mode", MODES)
def test_fix_without_automatic_fixes_falls_back(guard: Guard, mode: str) -> None:
    returned = drive(guard.wrap(prompt_chain(CLAIM), on_fail="fix", fallback="return"),
                     inputs(), mode)
    assert returned.outcome is Outcome.REJECTED and len(returned.attempts) == 1
    store = RecordingStore()
    queued = drive(guard.wrap(prompt_chain(BLOCKED), on_fail="fix", review_store=store),
                   inputs(), mode)
    assert queued.outcome is Outcome.PENDING_REVIEW and queued.review_id == "item-1"
    assert [v.draft.text for v in store.items] == [BLOCKED]
    with pytest.raises(CopyRejected):
        drive(guard.wrap(prompt_chain(CLAIM), on_fail="fix", fallback="raise"), inputs(), mode)


@pytest.mark.parametrize("mode", MODES)
def test_reask_succeeds_on_the_second_attempt(guard: Guard, mode: str) -> None:
    recorder = Recorder()
    wrapped = guard.wrap(prompt_chain(CLAIM, GOOD), on_fail="reask")
    result = drive(wrapped, inputs(), mode, {"callbacks": [recorder]})
    assert (result.outcome, result.text) == (Outcome.PASSED, GOOD)
    assert [v.route for v in result.attempts] == [Route.REVIEW, Route.PASS]
    first, second = (prompt[-1].text for prompt in recorder.prompts)
    assert "not approved" not in first
    assert '"guaranteed"' in second and "an unsupported guarantee" in second
    assert "promise what the product does" in second and CLAIM in second


@pytest.mark.parametrize("mode", MODES)
def test_reask_gives_up_into_review(guard: Guard, mode: str) -> None:
    store, recorder = RecordingStore(), Recorder()
    model = FakeListChatModel(responses=[CLAIM, BLOCKED, CLAIM, GOOD])
    wrapped = guard.wrap(text_prompt | model, on_fail="reask", max_attempts=3,
                         review_store=store)
    result = drive(wrapped, inputs(), mode, {"callbacks": [recorder]})
    assert result.outcome is Outcome.PENDING_REVIEW and result.text is None
    assert [v.draft.text for v in result.attempts] == [CLAIM, BLOCKED, CLAIM]
    assert len(recorder.prompts) == 3  # the fourth answer was never asked for
    assert store.items == [result.verdict] and result.review_id == "item-1"


@pytest.mark.parametrize("mode", MODES)
def test_review_submits_and_returns_pending(guard: Guard, mode: str) -> None:
    store = RecordingStore()
    result = drive(guard.wrap(prompt_chain(CLAIM), on_fail="review", review_store=store),
                   inputs(), mode)
    assert (result.outcome, result.text, result.review_id) == (
        Outcome.PENDING_REVIEW, None, "item-1")
    assert store.items == [result.verdict] and result.verdict.draft.text == CLAIM


def test_reask_needs_a_feedback_slot_in_the_prompt(guard: Guard) -> None:
    bare = ChatPromptTemplate.from_messages([("human", "Write about {product}.")])
    with pytest.raises(ValueError, match=r"add \{feedback\}"):
        guard.wrap(bare | FakeListChatModel(responses=[GOOD]), on_fail="reask")
    plain = guard.wrap(bare | FakeListChatModel(responses=[GOOD]), on_fail="return")
    assert plain.invoke(inputs()).text == GOOD  # other policies need no slot


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
def test_reask_into_a_messages_placeholder(guard: Guard, mode: str) -> None:
    recorder = Recorder()
    prompt = ChatPromptTemplate.from_messages([
        ("system", "Recipient: {recipient}"), ("human", "Write about {product}."),
        MessagesPlaceholder("feedback", optional=True)])
    model = GenericFakeChatModel(messages=iter([CLAIM, GOOD]))
    wrapped = guard.wrap(prompt | model, on_fail="reask")
    assert drive(wrapped, inputs(), mode, {"callbacks": [recorder]}).text == GOOD
    first, second = recorder.prompts
    assert len(first) == 2 and len(second) == 4
    assert isinstance(second[2], AIMessage) and second[2].text == CLAIM
    assert isinstance(second[3], HumanMessage) and '"guaranteed"' in second[3].text


def test_reask_does_not_ask_again_when_nothing_can_change(guard: Guard) -> None:
    """A regulated industry goes to a person with no findings: asking again cannot help."""
    store = RecordingStore()
    wrapped = guard.wrap(prompt_chain(GOOD, GOOD), on_fail="reask", review_store=store)
    result = wrapped.invoke(inputs(campaign={**CAMPAIGN, "industry": "pharma"}))
    assert result.outcome is Outcome.PENDING_REVIEW and len(result.attempts) == 1


def test_review_lands_in_the_real_store(guard: Guard, tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    wrapped = guard.wrap(prompt_chain(CLAIM), on_fail="review", review_store=url)
    result = wrapped.invoke(inputs())
    item = wrapped.review_queue().get(result.review_id)
    assert item.draft_id == "d-1" and item.route is Route.REVIEW
    assert item.status.value == "pending"


def test_the_chain_sees_only_minimized_recipient_data(guard: Guard) -> None:
    recorder = Recorder()
    guard.wrap(prompt_chain(GOOD)).invoke(inputs(), {"callbacks": [recorder]})
    system = recorder.prompts[0][0].text
    minimized = guard.minimize(RECIPIENT, CAMPAIGN)
    assert minimized["facts"] and minimized["withheld"]
    shared = {key: value for key, value in minimized.items() if key != "withheld"}
    assert f"Recipient: {shared}." in system
    for secret in ("diabetes", "maria.lopez@example.com", "withheld", "health"):
        assert secret not in system
    root = recorder.named("copyguard.wrap")[0]
    assert root["inputs"]["recipient"] == shared  # traces get the minimized data too
    assert "diabetes" not in repr(root["inputs"])


def test_chat_models_get_messages_with_a_recipient_note(guard: Guard) -> None:
    recorder = Recorder()
    model = GenericFakeChatModel(messages=iter([CLAIM, GOOD]))
    wrapped = guard.wrap(model, on_fail="reask")
    result = wrapped.invoke({"input": [SystemMessage("Be brief."), HumanMessage("Boots copy")],
                             "recipient": RECIPIENT, "campaign": CAMPAIGN},
                            {"callbacks": [recorder]})
    assert result.text == GOOD
    first, second = recorder.prompts
    assert isinstance(first[0], SystemMessage) and first[0].text.startswith("Be brief.")
    assert "Recipient data you may use" in first[0].text and "diabetes" not in first[0].text
    assert len(first) == 2 and len(second) == 4
    assert isinstance(second[2], AIMessage) and second[2].text == CLAIM
    assert isinstance(second[3], HumanMessage) and '"guaranteed"' in second[3].text
    assert CLAIM not in second[3].text  # the draft is already in the AI message


def test_chat_model_input_errors_name_the_key(guard: Guard) -> None:
    wrapped = guard.wrap(GenericFakeChatModel(messages=iter([GOOD])))
    with pytest.raises(InputError, match="'product'"):
        wrapped.invoke({"input": "hi", "product": "boots"})
    with pytest.raises(InputError, match="'input'"):
        wrapped.invoke({"recipient": RECIPIENT})
    with pytest.raises(InputError, match="'input'"):
        wrapped.invoke({"input": 42})


def test_bad_inputs_and_settings_fail_clearly(guard: Guard) -> None:
    wrapped = guard.wrap(prompt_chain(GOOD))
    with pytest.raises(InputError, match="mapping"):
        wrapped.invoke("just text")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"recipient\.profile"):
        wrapped.invoke(inputs(recipient={"profile": "Maria"}))
    with pytest.raises(InputError, match="locale"):
        wrapped.invoke(inputs(locale="not a locale"))
    with pytest.raises(ValueError, match="'explode' is not a policy"):
        guard.wrap(prompt_chain(GOOD), on_fail="explode")
    with pytest.raises(ValueError, match="fallback"):
        guard.wrap(prompt_chain(GOOD), on_fail="reask", fallback="reask")
    with pytest.raises(ValueError, match="max_attempts"):
        guard.wrap(prompt_chain(GOOD), on_fail="reask", max_attempts=0)


def test_outputs_of_any_shape_are_read_or_refused(guard: Guard) -> None:
    as_dict: RunnableLambda[Any, dict[str, Any]] = RunnableLambda(
        lambda _: {"text": AIMessage(GOOD), "score": 1})
    assert guard.wrap(as_dict).invoke(inputs()).text == GOOD
    assert copy_text(AIMessage(content=[{"type": "text", "text": "Hi"}])) == "Hi"
    with pytest.raises(TypeError, match="expected a string"):
        guard.wrap(RunnableLambda(lambda _: 42)).invoke(inputs())


def test_wrap_composes_like_any_runnable(guard: Guard) -> None:
    wrapped = guard.wrap(prompt_chain(SHOUT), on_fail="fix")
    assert isinstance(wrapped, GuardedRunnable)
    texts = wrapped | RunnableLambda(lambda result: result.text)
    assert texts.invoke(inputs()) == "Maria, get free socks with our trail boots."
