"""What guarding a LangChain copy generator costs.

    python benchmarks/bench_langchain.py            # ~1 minute on 2 cores
    python benchmarks/bench_langchain.py --quick

1. Overhead of ``guard.wrap`` with an instant fake model: the wrapped chain against the bare
   chain plus ``guard.check`` on the same copy; the difference is minimization, LangChain's run
   machinery and the tracing records.
2. Streaming: a fake model streams each draft word by word at ``--words-per-second``. Raw
   stream: time to the first chunk and to the last. Guarded stream: time to its one output
   (copy is released only after it passes, so nothing shows before generation and the check
   are done). The added latency before the reader sees text is guarded - raw first chunk.

Drafts: the texts of fixtures/drafts.jsonl, all for one recipient (the default brand policy).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableGenerator

from copyguard import Guard

ROOT = Path(__file__).resolve().parents[1]
RECIPIENT = {"id": "bench", "profile": {"first_name": "Maria", "last_name": "Garcia",
                                        "email": "maria.garcia@example.com", "city": "Denver"},
             "consents": ["personalization", "email"],
             "purchases": [{"item": "Trail boots", "date": "2026-03-01"}]}
CAMPAIGN = {"id": "bench", "tags": ["promotions"], "sent_at": "2026-11-22T09:00:00"}
PROMPT = ChatPromptTemplate.from_messages([
    ("system", "Recipient: {recipient}. Campaign: {campaign}."),
    ("human", "Write the e-mail.\n{feedback}"),
])


def drafts(limit: int) -> list[str]:
    """Draft texts of the fixtures (the file also holds deliberately broken lines: skipped)."""
    texts = []
    for line in (ROOT / "fixtures" / "drafts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            texts.append(data["text"])
    return [t for t in texts if len(t.split()) >= 5][:limit]


def chain_for(text: str, pace: Callable[[Iterator[str]], Iterator[str]] | None = None,
              ) -> Runnable[Any, str]:
    chain = PROMPT | GenericFakeChatModel(messages=itertools.cycle([text])) | StrOutputParser()
    return chain | RunnableGenerator(pace) if pace else chain


def ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def overhead(guard: Guard, texts: list[str], repeats: int) -> None:
    inputs = {"recipient": RECIPIENT, "campaign": CAMPAIGN}
    bare, check, wrapped = [], [], []
    for text in texts:
        chain = chain_for(text)
        guarded = guard.wrap(chain, on_fail="return")
        guarded.invoke(inputs)  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            chain.invoke({**inputs, "feedback": ""})
            bare.append(ms(started))
            started = time.perf_counter()
            guard.check(text, recipient=RECIPIENT, campaign=CAMPAIGN)
            check.append(ms(started))
            started = time.perf_counter()
            guarded.invoke(inputs)
            wrapped.append(ms(started))
    med = statistics.median
    print(f"1. wrap overhead ({len(texts)} drafts x {repeats}, medians)")
    print(f"   bare chain (instant fake model)  {med(bare):8.2f} ms")
    print(f"   guard.check alone                {med(check):8.2f} ms")
    print(f"   guard.wrap(chain).invoke         {med(wrapped):8.2f} ms")
    print(f"   overhead beyond chain + check    {med(wrapped) - med(bare) - med(check):8.2f} ms")


def streaming(guard: Guard, texts: list[str], words_per_second: float) -> None:
    def pace(chunks: Iterator[str]) -> Iterator[str]:
        for chunk in chunks:
            if chunk.strip():
                time.sleep(1 / words_per_second)
            yield chunk

    inputs = {"recipient": RECIPIENT, "campaign": CAMPAIGN}
    rows = []
    for text in texts:
        started, first = time.perf_counter(), None
        for _ in chain_for(text, pace).stream({**inputs, "feedback": ""}):
            first = first if first is not None else ms(started)
        raw_last = ms(started)
        started = time.perf_counter()
        [result] = list(guard.wrap(chain_for(text, pace), on_fail="return").stream(inputs))
        guarded = ms(started)
        rows.append((len(text.split()), first or 0.0, raw_last, guarded, result.outcome.value))
    print(f"\n2. streaming at {words_per_second:g} words/s (per draft)")
    print("   words  raw first  raw last  guarded  added-before-text  after-last  outcome")
    for words, first, last, guarded, outcome in rows:
        print(f"   {words:5d} {first:8.0f}ms {last:7.0f}ms {guarded:7.0f}ms "
              f"{guarded - first:12.0f}ms {guarded - last:10.0f}ms  {outcome}")
    added = [g - f for _, f, _, g, _ in rows]
    after = [g - last for _, _, last, g, _ in rows]
    print(f"   median added before first text {statistics.median(added):.0f} ms; "
          f"median after the last token {statistics.median(after):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer drafts and repetitions")
    parser.add_argument("--words-per-second", type=float, default=30.0)
    args = parser.parse_args(argv)
    texts = drafts(4 if args.quick else 12)
    started = time.perf_counter()
    guard = Guard(brand_dirs=[])
    guard.check(texts[0])  # load pipelines
    print(f"guard built and warmed in {ms(started):.0f} ms; {len(texts)} drafts")
    overhead(guard, texts, 3 if args.quick else 10)
    streaming(guard, texts[: 3 if args.quick else 6], args.words_per_second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
