"""The fast paths of the brand check find what the plain computations find.

A guide with nothing to look for skips the draft; the emoji limit asks the emoji package's
(per-character, pure Python) tokenizer only about texts with a character some emoji has.
"""

from __future__ import annotations

import random
from pathlib import Path

import emoji
import pytest

from copyguard import Guard
from copyguard.brand.compiled import (
    _EXCLAMATIONS,
    CompiledGuide,
    _emoji_spans,
    _runs,
    emoji_chars,
    may_hold_emoji,
)
from copyguard.context import CheckContext
from copyguard.default_plugins.brand import BrandCheck
from copyguard.guides import DEFAULT_GUIDE, BrandGuide, load_guide
from copyguard.io import coerce_draft
from tests.helpers import eval_drafts

ROOT = Path(__file__).resolve().parents[1]
UNQUALIFIED = emoji.STATUS["unqualified"]
EMOJI = sorted(emoji.EMOJI_DATA)
# no emoji among these, but characters emoji are made of and look-alikes
PLAIN = "aZ09#* .,!！?\n’“”—–…€£•é×·«»°²東한\u200d\ufe0f\ufe0e\u20e3"
LIMITED = BrandGuide.model_validate({"id": "limited", "limits": {"emoji": 0}})


def _plain_spans(text: str) -> list[tuple[int, int]]:
    return [(item["match_start"], item["match_end"]) for item in emoji.emoji_list(text)
            if emoji.EMOJI_DATA.get(item["emoji"], {}).get("status") != UNQUALIFIED]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [*PLAIN, "©", "®", "™", "‼"]
    texts = []
    for _ in range(count):
        parts = [rng.choice(pieces) for _ in range(rng.randrange(12))]
        if rng.random() < 0.5:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(EMOJI))
        texts.append("".join(parts))
    return texts


def _corpus_texts() -> list[str]:
    return [draft["text"] for draft in eval_drafts()]


# -- emoji ---------------------------------------------------------------------------------


def test_every_emoji_has_a_character_of_the_screen() -> None:
    for item in EMOJI:
        assert any(not c.isascii() for c in item), item  # so ASCII text holds no emoji
        assert may_hold_emoji(item) and may_hold_emoji(f"Hi {item}!"), item


def test_a_text_of_every_emoji_reports_only_screened_ones() -> None:
    text = " x ".join(EMOJI) + "".join(EMOJI)  # ZWJ joins and runs too
    chars = emoji_chars()
    for item in emoji.emoji_list(text):
        assert set(item["emoji"]) & chars, item


def test_characters_outside_the_screen_are_no_emoji() -> None:
    planes = [*range(0x10000), *range(0x1F000, 0x20000), *range(0xE0000, 0xE0080)]
    for code in planes:
        char = chr(code)
        if not may_hold_emoji(char):
            assert emoji.emoji_list(char) == [], hex(code)


def test_emoji_spans_are_the_plain_ones() -> None:
    for text in _texts(4000, seed=1) + _corpus_texts():
        assert _emoji_spans(text) == _plain_spans(text), repr(text)


def test_exclamation_marks_are_counted_like_their_runs() -> None:
    for text in [*_texts(2000, seed=3), "!!a!！！", "！", ""]:
        runs = _runs(text, _EXCLAMATIONS)
        assert sum(map(text.count, _EXCLAMATIONS)) == sum(end - start for start, end in runs)


# -- guides with nothing to look for ---------------------------------------------------------


GUIDES = [DEFAULT_GUIDE, LIMITED, load_guide(ROOT / "brand_guides" / "northwind.yaml"),
          load_guide(ROOT / "brand_guides" / "civica.yaml")]


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.id)
@pytest.mark.parametrize("locale,channel", [("en-US", "email"), ("en-GB", "sms"),
                                            ("de-DE", "push"), ("ja-JP", "email")])
def test_an_idle_guide_finds_nothing_the_full_run_would(guard: Guard, guide: BrandGuide,
                                                        locale: str, channel: str) -> None:
    resolved = guide.resolve(locale, channel)
    compiled = CompiledGuide(resolved)
    assert compiled.idle is (guide is DEFAULT_GUIDE)
    full = CompiledGuide(resolved)
    full.idle = False  # the whole run, every step
    check = BrandCheck()
    for text in _corpus_texts() + _texts(300, seed=2) + ["WOW!!! SO GOOD!!! 🎉🎉", ""]:
        draft = coerce_draft(text, locale=locale, channel=channel)
        fast = list(compiled.findings(check, CheckContext(draft, resolved, guard.nlp)))
        assert fast == list(full.findings(check, CheckContext(draft, resolved, guard.nlp))), text
