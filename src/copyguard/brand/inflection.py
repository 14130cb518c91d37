"""English inflections for term lists, from LemmInflect's lexicon (no model, no download).

A banned "cheap" also catches "cheaper" and "cheapest", a claim "cure" also "cured" and
"curing"; a substitution "utilize" -> "use" maps "utilized" -> "used". Only the phrase's last
word is inflected, and only words the lexicon knows (brand names and slang stay as written).

LemmInflect's own lookups load its two tables as ~120,000 small Python dicts (~50 MB, kept
for the life of the process). Guides need a few hundred words, so :class:`_Rows` keeps each
table as its raw sorted lines (~3 MB) and parses a word's rows when it is asked for, with
LemmInflect's own row parsers, merge order and overrides: the results are the same.
"""

from __future__ import annotations

import bisect
import gzip
import threading
from array import array
from functools import lru_cache
from pathlib import Path

from copyguard.brand.text import match_case


class _Rows:
    """A LemmInflect ``word,category,...`` table: the lines of a word, by binary search."""

    def __init__(self, path: str | Path) -> None:
        lines = [line.strip() for line in gzip.decompress(Path(path).read_bytes()).split(b"\n")]
        lines = sorted((line for line in lines if line), key=self._key)  # stable: file order
        self._blob = b"\n".join(lines) + b"\n"
        self._starts = array("Q", [0])
        for line in lines[:-1]:
            self._starts.append(self._starts[-1] + len(line) + 1)
        self._keys = _Keys(self)

    @staticmethod
    def _key(line: bytes) -> bytes:
        return line.partition(b",")[0]

    def key_at(self, index: int) -> bytes:
        start = self._starts[index]
        return self._blob[start:self._blob.index(b",", start)]

    def __len__(self) -> int:
        return len(self._starts)

    def nbytes(self) -> int:
        return len(self._blob) + self._starts.itemsize * len(self._starts)

    def lines(self, word: str) -> list[str]:
        """The table's lines for ``word``, in file order."""
        key = word.encode("utf-8")
        index = bisect.bisect_left(self._keys, key)
        found = []
        while index < len(self) and self.key_at(index) == key:
            start = self._starts[index]
            found.append(self._blob[start:self._blob.index(b"\n", start)].decode("utf-8"))
            index += 1
        return found

    def words(self) -> list[str]:
        return sorted({self.key_at(i).decode("utf-8") for i in range(len(self))})


class _Keys:
    """The keys of a :class:`_Rows` as a sequence, for :func:`bisect.bisect_left`."""

    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> bytes:
        return self._rows.key_at(index)


class Lexicon:
    """``getAllInflections`` and ``getAllLemmas`` of LemmInflect, over compact tables."""

    def __init__(self) -> None:
        from lemminflect import config
        from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
        from lemminflect.codecs.OverridesCodec import OverridesCodec

        self._inflections = _Rows(config.inflection_lu_fn)
        self._lemmas = _Rows(config.lemma_lu_fn)
        # hard-coded modals and "be" replace the table's rows (InflectionLUCodec.load)
        self._aux_modal = InflectionLUCodec.updateForAuxMod({})
        self._infl_overrides = OverridesCodec.load(config.infl_overrides_fn)
        self._lemma_overrides = OverridesCodec.load(config.lemma_overrides_fn)

    def nbytes(self) -> int:
        return self._inflections.nbytes() + self._lemmas.nbytes()

    def inflections(self, lemma: str) -> dict[str, tuple[str, ...]]:
        """Penn tag -> spellings of ``lemma`` (``lemminflect.getAllInflections(lemma)``)."""
        from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
        from lemminflect.core.LexicalUtils import applyCapsStyleToDict, getCapsStyle

        style, word = getCapsStyle(lemma), lemma.lower()
        forms: dict[str, tuple[str, ...]] = {}
        if word in self._aux_modal:
            forms.update(self._aux_modal[word])
        else:
            for line in self._inflections.lines(word):
                forms.update(InflectionLUCodec.fromString(line)[2])
        forms.update(self._infl_overrides.get(word, {}))
        result: dict[str, tuple[str, ...]] = applyCapsStyleToDict(forms, style)
        return result

    def lemmas(self, word: str) -> dict[str, tuple[str, ...]]:
        """UPOS -> lemma spellings of ``word`` (``lemminflect.getAllLemmas(word)``)."""
        from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec
        from lemminflect.core.LexicalUtils import (
            applyCapsStyleToDict,
            categoryToUPos,
            getCapsStyle,
        )

        style, key = getCapsStyle(word), word.lower()
        lemmas: dict[str, tuple[str, ...]] = {}
        for line in self._lemmas.lines(key):
            _, category, forms = LemmaLUCodec.fromString(line)
            lemmas[categoryToUPos(category)] = forms
        lemmas.update(self._lemma_overrides.get(key, {}))
        result: dict[str, tuple[str, ...]] = applyCapsStyleToDict(lemmas, style)
        return result


_LOCK = threading.Lock()
_LEXICON: list[Lexicon] = []


def lexicon() -> Lexicon:
    """The process's lexicon, read on first use (~0.2 s)."""
    with _LOCK:
        if not _LEXICON:
            _LEXICON.append(Lexicon())
        return _LEXICON[0]


# Guide words only (a 10,000-term guide fits); at most ~10 MB of small dicts.
@lru_cache(maxsize=16_384)
def _inflections(word: str) -> dict[str, tuple[str, ...]]:
    """Penn tag -> forms of ``word`` taken as a lemma (empty if the lexicon has no entry)."""
    return lexicon().inflections(word)


@lru_cache(maxsize=16_384)
def _lemma(word: str) -> str:
    """``word`` itself if it is a lemma, else its first lemma ("consumers" -> "consumer")."""
    if _inflections(word):
        return word
    for lemmas in lexicon().lemmas(word).values():
        return str(lemmas[0])
    return word


def _split_last(phrase: str) -> tuple[str, str] | None:
    head, _, last = phrase.rpartition(" ")
    if not last.isalpha() or not last.isascii():
        return None
    return (head + " " if head else ""), last


def phrase_forms(phrase: str) -> list[str]:
    """Other inflected forms of ``phrase`` (its last word inflected)."""
    split = _split_last(phrase)
    if split is None:
        return []
    head, last = split
    forms = {form for group in _inflections(last.lower()).values() for form in group}
    forms.discard(last.lower())
    return [head + match_case(last, form) for form in sorted(forms)]


def substitution_forms(find: str, replace: str) -> list[tuple[str, str]]:
    """(inflected find, same inflection of replace) pairs beyond the given pair.

    Single words only: "consumers" -> "customers" adds ("consumer", "customer").
    """
    if " " in find.strip() or " " in replace.strip():
        return []
    split_find, split_replace = _split_last(find), _split_last(replace)
    if split_find is None or split_replace is None:
        return []
    find_lemma, replace_lemma = _lemma(find.lower()), _lemma(replace.lower())
    replace_forms = _inflections(replace_lemma)
    pairs: dict[str, str] = {}
    for tag, forms in _inflections(find_lemma).items():
        if tag in replace_forms:
            for form in forms:
                pairs.setdefault(form, replace_forms[tag][0])
    pairs.pop(find.lower(), None)
    return [(match_case(find, form), match_case(find, target))
            for form, target in sorted(pairs.items())]
