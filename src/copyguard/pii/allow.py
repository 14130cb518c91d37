"""The brand's own PII-like data, which copy may contain: its domains, sender addresses, and the
values listed in the guide's ``pii.allow`` (hotline, shop address, people named on purpose).

The allow-list never covers the recipient's own data: profile matches are reported whatever
the brand allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from copyguard.guides import BrandGuide
from copyguard.pii.text import fold, url_spans

# Phone numbers are compared on their last digits, so "+44 20 7946 0018" = "020 7946 0018".
_PHONE_TAIL = 9


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True, slots=True)
class BrandAllowList:
    domains: tuple[str, ...]
    senders: frozenset[str]
    values: tuple[str, ...]
    phones: frozenset[str]
    names: frozenset[str]

    def allows_email(self, email: str) -> bool:
        email = email.lower()
        domain = email.rsplit("@", 1)[-1]
        return email in self.senders or self.allows_host(domain)

    def allows_host(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def brand_urls(self, text: str) -> list[tuple[int, int]]:
        return [(start, end) for start, end, host in url_spans(text) if self.allows_host(host)]

    def allows_value(self, value: str, entity: str) -> bool:
        """Whether a detected span is one of the brand's listed values (or part of one)."""
        if entity == "PHONE_NUMBER":
            digits = _digits(value)
            return len(digits) >= 7 and digits[-_PHONE_TAIL:] in self.phones
        compact = _compact(value)
        return bool(compact) and any(compact in allowed for allowed in self.values)


@lru_cache(maxsize=256)
def _build(domains: tuple[str, ...], senders: tuple[str, ...],
           allow: tuple[str, ...]) -> BrandAllowList:
    locals_ = [s.split("@", 1)[0] for s in senders]
    names = {fold(part) for local in locals_ for part in re.split(r"[._+-]+", local) if part}
    names |= {fold(word) for value in allow for word in re.findall(r"\w+", value)}
    phones = {_digits(v)[-_PHONE_TAIL:] for v in allow if len(_digits(v)) >= 7}
    return BrandAllowList(domains=tuple(d.lower().removeprefix("www.") for d in domains),
                          senders=frozenset(s.lower() for s in senders),
                          values=tuple(_compact(v) for v in allow if _compact(v)),
                          phones=frozenset(phones), names=frozenset(names))


def brand_allow_list(guide: BrandGuide) -> BrandAllowList:
    return _build(tuple(guide.domains), tuple(guide.senders), tuple(guide.pii.allow))
