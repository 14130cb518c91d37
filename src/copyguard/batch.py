"""Checking many drafts in order, in this process or in worker processes.

Each worker process builds its own :class:`Guard` from the parent's configuration. Work is
sent in chunks with a bounded number in flight, so input is read lazily and memory stays flat
however long the stream; results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from copyguard.errors import CopyguardError
from copyguard.model import Draft, Verdict

if TYPE_CHECKING:
    from copyguard.guard import Guard

Item = Draft | Mapping[str, Any] | str | CopyguardError
Result = Verdict | CopyguardError

_worker: Guard | None = None


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init_worker(config: Mapping[str, Any]) -> None:
    from copyguard.guard import Guard

    global _worker
    _worker = Guard(**config)


def check_one(guard: Guard, item: Item) -> Result:
    """A verdict, or the input error that kept the item from being checked."""
    if isinstance(item, CopyguardError):
        return item
    try:
        return guard.check(item)
    except CopyguardError as exc:
        return exc


def _check_chunk(chunk: list[Item]) -> list[Result]:
    assert _worker is not None, "worker process was not initialised"
    return [check_one(_worker, item) for item in chunk]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_stream(guard: Guard, items: Iterable[Item], *, workers: int = 1,
                 chunksize: int = 32) -> Iterator[Result]:
    """Yield one result per item, in order. ``workers=0`` uses every core."""
    workers = cpu_count() if workers == 0 else workers
    if workers <= 1:
        for item in items:
            yield check_one(guard, item)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(guard.config,)) as pool:
        in_flight: deque[Future[list[Result]]] = deque()
        for chunk in _chunks(items, chunksize):
            in_flight.append(pool.submit(_check_chunk, chunk))
            if len(in_flight) >= workers * 2:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()
