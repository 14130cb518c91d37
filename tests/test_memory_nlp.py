"""A blank pipeline's vocabulary is renewed before it grows without bound; tokens stay the same."""

from __future__ import annotations

import gc
import random
import threading

import pytest

import copyguard.nlp
from copyguard import Guard
from copyguard.nlp import NlpService

SAMPLES = {
    "en": "Hi Maria, the Alpine Shell's 20% off: e-mail maria@example.com by 5pm, don't wait!",
    "fr": "Bonjour Marie, l'écharpe est arrivée aujourd'hui : -20 % jusqu'à dimanche.",
    "de": "Hallo Jonas, die neue Daunenjacke ist da. Jetzt z.B. 20% sparen!",
    "ja": "東京の新しいジャケットが届きました。今すぐご確認ください！",
    "zh": "您好，新款夹克已经到货。",
    "ko": "안녕하세요, 새 재킷이 도착했습니다.",
    "ar": "مرحبا ماريا، وصلت السترة الجديدة.",
}
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]
_KANA = "あいうえおかきくけこさしすせそたちつてとカキクケコサシスセソ"


def _distinct(rng: random.Random, language: str, words: int = 12) -> str:
    if language == "ja":
        return "、".join("".join(rng.choice(_KANA) for _ in range(4)) for _ in range(words))
    if language == "zh":  # one token a character
        return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(words * 2))
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(3)) + str(rng.randrange(999))
                    for _ in range(words))


def _renew(nlp: NlpService, language: str, times: int, seed: int) -> None:
    """Tokenize drafts of new words until the vocabulary has been renewed ``times``."""
    rng, tokenizer = random.Random(seed), nlp.pipeline(language).tokenizer
    for _ in range(5_000):
        if tokenizer.renewals >= times:
            return
        nlp.doc(_distinct(rng, language), language)
    raise AssertionError(f"{language}: {tokenizer.renewals} renewals after 5,000 drafts")


def _tokens(doc) -> list[tuple]:
    return [(t.text, t.whitespace_, t.idx, t.is_stop, t.is_punct, t.like_num, t.like_email,
             t.norm_, t.tag_, t.lemma_, t.shape_) for t in doc]


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_tokens_are_the_same_after_the_vocabulary_is_renewed(language: str) -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=300)
    before = _tokens(nlp.doc(SAMPLES[language], language))
    tokenizer = nlp.pipeline(language).tokenizer
    _renew(nlp, language, 2, seed=3)
    assert _tokens(nlp.doc(SAMPLES[language], language)) == before
    assert nlp.pipeline(language).tokenizer is tokenizer  # callers may key caches on it
    assert nlp.pipeline(language).vocab is tokenizer.current.vocab


def test_the_vocabulary_stays_within_its_budget() -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=2_000)
    base = len(nlp.doc("warm up", "en").vocab.strings)
    rng = random.Random(5)
    sizes = []
    for _ in range(1_500):  # ~18,000 new strings
        nlp.doc(_distinct(rng, "en"), "en")
        sizes.append(nlp.vocab_sizes()["en"])
    assert max(sizes) <= base + 2_000 + 30  # at most one draft's strings over the limit
    assert nlp.pipeline("en").tokenizer.renewals >= 8


def test_one_budget_for_all_languages_renews_the_one_that_grew_most() -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=3_000)
    rng = random.Random(6)
    for language in ("en", "de", "ja"):
        nlp.doc(SAMPLES[language], language)
    base = sum(nlp.vocab_sizes().values())
    for i in range(900):  # ~11,000 new strings, four English drafts to one German and Japanese
        language = ("en", "en", "en", "en", "de", "ja")[i % 6]
        nlp.doc(_distinct(rng, language), language)
        assert sum(nlp.vocab_sizes().values()) <= base + 3_000 + 30
    renewals = {lang: nlp.pipeline(lang).tokenizer.renewals for lang in ("en", "de", "ja")}
    assert renewals["en"] >= 2 and renewals["en"] > renewals["de"] + renewals["ja"]


def test_docs_made_before_a_renewal_stay_valid() -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=200)
    old = nlp.doc("Zorbulax Quentrify ordered 48213 jackets", "en")
    _renew(nlp, "en", 3, seed=7)
    gc.collect()
    assert old.vocab is not nlp.pipeline("en").vocab
    assert [t.text for t in old] == ["Zorbulax", "Quentrify", "ordered", "48213", "jackets"]
    assert old[3].like_num and old.text == "Zorbulax Quentrify ordered 48213 jackets"


def test_japanese_keeps_one_sudachi_dictionary() -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=100)
    tokenizer = nlp.pipeline("ja").tokenizer
    sudachi = tokenizer.current.tokenizer
    _renew(nlp, "ja", 2, seed=9)
    assert tokenizer.current.tokenizer is sudachi  # not a second 70 MB dictionary
    long_text = "今日は新しいジャケットが届きました。" * 3000  # tokenized in pieces, one vocab
    assert nlp.doc(long_text, "ja").text == long_text


def test_renewal_is_safe_with_threads_sharing_the_pipeline() -> None:
    nlp = NlpService(auto_trained=False, vocab_budget=500)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(300):
                text = _distinct(rng, "en", words=8)
                doc = nlp.doc(text, "en")
                assert [t.text for t in doc] == text.split()
                value = nlp.pipeline("en").tokenizer("Maria Garcia")  # as provenance does
                assert [t.text for t in value] == ["Maria", "Garcia"]
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert nlp.pipeline("en").tokenizer.renewals >= 5


def test_a_guard_over_distinct_drafts_keeps_a_bounded_vocabulary(monkeypatch) -> None:
    """Verdicts are the same before and after renewals, and the vocabulary stays bounded."""
    monkeypatch.setattr(copyguard.nlp, "VOCAB_BUDGET", 400)
    guard = Guard(brand="northwind")
    draft = {"text": "Hi Maria, we noticed you viewed the Alpine Shell 18 times! Call "
                     "+1 415 555 0100.", "locale": "en-US", "channel": "email",
             "recipient": {"profile": {"first_name": "Maria", "city": "Denver"},
                           "consents": ["personalization"]}}
    before = guard.check(draft)
    base = guard.nlp.vocab_sizes()["en"]
    rng = random.Random(11)
    for i in range(150):
        name = _distinct(rng, "en", words=1).capitalize()
        guard.check({**draft, "id": f"d{i}", "text": f"Hi {name}, {_distinct(rng, 'en')}.",
                     "recipient": {"profile": {"first_name": name}}})
        assert guard.nlp.vocab_sizes()["en"] <= base + 400 + 100
    assert guard.nlp.pipeline("en").tokenizer.renewals >= 2
    after = guard.check(draft)
    assert (after.route, after.findings, after.personalized_spans, after.fixed_text) == (
        before.route, before.findings, before.personalized_spans, before.fixed_text)
