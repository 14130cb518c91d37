"""Text longer than a tokenizer accepts is tokenized in pieces, not refused."""

from copyguard.nlp import NlpService, _chunks
from copyguard.routing import CHECK_ERROR


def test_long_japanese_text_is_tokenized_in_pieces_cut_after_sentence_ends() -> None:
    text = "今日は新しいジャケットが届きました。" * 4000  # 72,000 characters, 216,000 bytes
    doc = NlpService(auto_trained=False).doc(text, "ja")
    assert doc.text == text
    assert [t.text for t in doc[:6]] == ["今日", "は", "新しい", "ジャケット", "が", "届き"]
    assert sum(1 for t in doc if t.text == "。") == 4000  # no sentence cut in half


def test_pieces_stay_within_the_byte_limit_and_rejoin_exactly() -> None:
    text = "a" * 30_000 + "\n" + "語" * 40_000
    pieces = _chunks(text, 49_149)
    assert "".join(pieces) == text
    assert all(len(piece.encode("utf-8")) <= 49_149 for piece in pieces)
    assert any(piece.endswith("\n") for piece in pieces)  # one cut right after the break


def test_a_long_japanese_draft_is_checked_not_failed(guard) -> None:
    verdict = guard.check("新しいジャケットが届きました。" * 3000, locale="ja-JP")
    assert not [f for f in verdict.findings if f.code == CHECK_ERROR]
