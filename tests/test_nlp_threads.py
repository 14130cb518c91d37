"""Guards are shared between threads: tokenizers written in Python (SudachiPy for Japanese
refuses concurrent use) are called by one thread at a time."""

from concurrent.futures import ThreadPoolExecutor

from copyguard.nlp import NlpService
from copyguard.routing import CHECK_ERROR

TEXTS = ["山田様、いつもご利用いただきありがとうございます。新しいジャケットが入荷しました。",
         "今週末のセールで、トレイルブーツが二割引きです。お見逃しなく！",
         "ご注文の商品は明日発送予定です。"]


def _in_threads(fn, items, threads=4, rounds=60):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items * rounds))


def test_japanese_docs_made_on_many_threads_at_once_match_one_thread() -> None:
    nlp = NlpService(auto_trained=False)
    expected = {text: [t.text for t in nlp.doc(text, "ja")] for text in TEXTS}
    tokenize = nlp.pipeline("ja").tokenizer  # what provenance tokenizes recipient values with
    results = _in_threads(lambda text: (text, [t.text for t in nlp.doc(text, "ja")],
                                        [t.text for t in tokenize(text)]), TEXTS)
    assert all(doc == expected[text] == alone for text, doc, alone in results)


def test_long_japanese_text_on_many_threads_at_once() -> None:
    nlp = NlpService(auto_trained=False)
    text = "今日は新しいジャケットが届きました。" * 3000  # over SudachiPy's limit: in pieces
    expected = [t.text for t in nlp.doc(text, "ja")]
    results = _in_threads(lambda t: [x.text for x in nlp.doc(t, "ja")], [text], rounds=6)
    assert all(tokens == expected for tokens in results)


def test_japanese_drafts_checked_on_many_threads_get_the_verdicts_of_one_thread(guard) -> None:
    recipient = {"profile": {"first_name": "花子", "last_name": "山田"}}

    def verdict(text: str) -> tuple[str, tuple[tuple[str, str, int, int], ...]]:
        found = guard.check(text, locale="ja-JP", recipient=recipient)
        return found.route.value, tuple((f.check, f.code, f.start, f.end)
                                        for f in found.findings)

    expected = {text: verdict(text) for text in TEXTS}
    for text, (_, findings) in expected.items():
        assert CHECK_ERROR not in {code for _, code, _, _ in findings}, text
    results = _in_threads(lambda text: (text, verdict(text)), TEXTS, rounds=20)
    assert all(found == expected[text] for text, found in results)
