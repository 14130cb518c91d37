"""Built-in plugin: the review store as the sink for ``sqlite`` and ``postgresql`` URLs."""

from __future__ import annotations

from collections.abc import Callable

from copyguard.hookspecs import hookimpl

SCHEMES = ("sqlite", "postgresql", "postgres")


def _open(url: str) -> object:
    from copyguard.review import open_store  # SQLAlchemy loads only when a store is used

    return open_store(url)


@hookimpl
def register_review_sinks(register: Callable[[str, Callable[[str], object]], None]) -> None:
    for scheme in SCHEMES:
        register(scheme, _open)
