"""The LangChain integration against the real built-in checks (the session guard)."""

from __future__ import annotations

from langchain_core.language_models import GenericFakeChatModel

from copyguard import Category, Guard, Route
from copyguard.integrations.policy import Outcome
from tests.langchain_support import CAMPAIGN, RECIPIENT, Recorder, inputs, prompt_chain

LEAK = ("Hi Maria, your trail boots are ready. We will send the receipt to "
        "maria.lopez@example.com as soon as they ship.")
CLEAN = ("Hi Maria, spring trails are calling. Our new trail boots keep you steady on every "
         "path, so come and try a pair this week.")


def test_the_recipients_email_in_copy_is_caught(guard: Guard) -> None:
    chain = GenericFakeChatModel(messages=iter([LEAK])) | guard.as_runnable(
        recipient=RECIPIENT, campaign=CAMPAIGN)
    verdict = chain.invoke("write the spring e-mail")
    assert verdict.route is not Route.PASS
    [leak] = [f for f in verdict.findings if f.category is Category.PII
              and LEAK[f.start:f.end] == "maria.lopez@example.com"]
    assert leak.field == "profile.email"


def test_reask_replaces_a_leak_with_clean_copy(guard: Guard) -> None:
    recorder = Recorder()
    wrapped = guard.wrap(prompt_chain(LEAK, CLEAN), on_fail="reask")
    result = wrapped.invoke(inputs(), {"callbacks": [recorder]})
    assert (result.outcome, result.text) == (Outcome.PASSED, CLEAN)
    assert result.attempts[0].route is not Route.PASS
    first_prompt, second_prompt = (" ".join(m.text for m in p) for p in recorder.prompts)
    assert "maria.lopez@example.com" not in first_prompt  # minimized away before generation
    assert '"maria.lopez@example.com"' in second_prompt  # quoted back as what to change
