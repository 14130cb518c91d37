"""Finding a recipient value among the words of a draft.

Words are compared on folded text (case and accents ignored), names also on their ``ü``/``ue``
spelling, other values on Snowball stems (inflection), places on derived forms ("Berliner"),
item names by weighted token overlap (light paraphrase: "your Alpine Shell" for "Alpine Shell
jacket"), and names by edit distance for misspellings ("Jon" for "John").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import compress
from operator import attrgetter, not_
from typing import NamedTuple, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from spacy.attrs import IDX, IS_STOP, LENGTH
from spacy.tokens import Doc

from copyguard.lazy import lazy
from copyguard.personalization.text import (
    CLAUSE_BREAKS,
    fold,
    is_word_text,
    keeps_initial,
    name_key,
    stem,
)

# Share of an item name's weight the draft must repeat to count as a (paraphrased) mention.
PARAPHRASE_MIN = 0.6
# Similarity (rapidfuzz ratio, 0-100) at which two stems count as the same word.
STEM_SIMILAR = 88
SIMILAR_MIN_LENGTH = 5  # shorter stems must be equal
# Minimum rapidfuzz ratio for a misspelt name, and the edit budget by name length.
MISSPELT_MIN = 75
SENTENCE_ENDS = frozenset(".!?…。！？¡¿")
# Where a doc's words and text are kept once computed (``Doc.user_data``): provenance, the
# share and the checks all read the same words.
_WORDS_KEY, _TEXT_KEY = "copyguard.words", "copyguard.text"


class Word(NamedTuple):
    """A word of the draft (or of a recipient value) in the forms matching needs.

    A named tuple rather than a frozen dataclass: one is built per token of every draft, and
    a tuple is built several times faster.
    """

    token: int  # the token's index in the doc
    start: int
    end: int
    text: str
    norm: str  # folded (see :func:`fold`)
    key: str  # see :func:`name_key`
    has_digit: bool
    is_titlecase: bool
    is_alpha: bool
    clause: int
    is_stop: bool
    after_break: bool  # opens a sentence (after . ! ? or a line break)
    language: str


_NORM, _TEXT = attrgetter("norm"), attrgetter("text")
T = TypeVar("T")


class Words(tuple[Word, ...]):
    """A doc's words (a tuple of :class:`Word`), with lookups the checks share computed on
    first use and kept with them."""

    @lazy
    def starts(self) -> list[int]:
        """Each word's start offset, for bisecting."""
        return [w.start for w in self]

    @lazy
    def capitalised(self) -> tuple[Word, ...]:
        """The words that may be a name: capitalised, alphabetic, not stop words."""
        return tuple(w for w in self if w.is_titlecase and w.is_alpha and not w.is_stop)

    @lazy
    def norms(self) -> list[str]:
        """Each word's folded form."""
        return list(map(_NORM, self))

    @lazy
    def norm_set(self) -> frozenset[str]:
        """The distinct folded forms."""
        return frozenset(self.norms)

    @lazy
    def _lines(self) -> str | None:
        """The folded forms, one per line (``None`` if a form holds a line break)."""
        lines = "\n" + "\n".join(self.norms)
        return lines if lines.count("\n") == len(self.norms) else None

    def starting_with(self, initial: str) -> set[str]:
        """The distinct folded forms that start with ``initial`` (one character)."""
        if self._lines is None:
            return {norm for norm in self.norm_set if norm[:1] == initial}
        return set(_line_start(initial).findall(self._lines))

    def positions(self, norms: AbstractSet[str]) -> list[int]:
        """The positions of the words with one of these folded forms, in text order."""
        return [p for p, norm in enumerate(self.norms) if norm in norms] if norms else []

    @lazy
    def by_norm(self) -> dict[str, list[int]]:
        """The positions of each folded form, in text order."""
        by_norm: dict[str, list[int]] = {}
        for position, norm in enumerate(self.norms):
            found = by_norm.get(norm)
            if found is None:
                by_norm[norm] = [position]
            else:
                found.append(position)
        return by_norm


@lru_cache(maxsize=512)  # one pattern per first letter
def _line_start(initial: str) -> re.Pattern[str]:
    """The lines that start with ``initial`` (found from the line break before them)."""
    return re.compile("\n(" + re.escape(initial) + "[^\n]*)")


# The fields of a word that depend on its text only (``norm`` to ``is_alpha``); for a token
# that is no word, whether it ends a clause and whether it ends a sentence.
_FormsOf = tuple[str, str, bool, bool, bool] | tuple[bool, bool]
_FORMS: dict[str, dict[str, _FormsOf]] = {}  # language -> token text -> forms
# Per language (about 170 bytes an entry; 32,000 words in the benchmark's 3,900 drafts); the
# table starts over when full.
_FORMS_MAX = 50_000


def _forms(text: str) -> _FormsOf:
    if not is_word_text(text):
        return (text in CLAUSE_BREAKS or (text.isspace() and "\n" in text),
                text in SENTENCE_ENDS or "\n" in text)
    norm = fold(text)
    norm = text if norm == text else norm  # one string where the forms are equal
    key = name_key(text)
    key = norm if key == norm else key
    return (norm, key, any(c.isdigit() for c in text), text[:1].isupper(), text.isalpha())


def _forms_table(language: str) -> dict[str, _FormsOf]:
    table = _FORMS.setdefault(language, {})
    if len(table) > _FORMS_MAX:
        table.clear()
    return table


def words_of(doc: Doc, text: str | None = None) -> Words:
    """The doc's words (tokens with a letter or digit) with their clause index.

    Computed once per doc and kept in ``doc.user_data``. ``text`` is the doc's text when the
    caller has it (``doc.text`` is rebuilt from the tokens on every access).
    """
    cached: Words | None = doc.user_data.get(_WORDS_KEY)
    if cached is None:
        if text is not None:
            doc.user_data[_TEXT_KEY] = text
        cached = doc.user_data[_WORDS_KEY] = _words(doc, doc_text(doc))
    return cached


def doc_text(doc: Doc) -> str:
    """The doc's text, kept in ``doc.user_data`` (``doc.text`` joins the tokens each time)."""
    text: str | None = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def _words(doc: Doc, text: str) -> Words:
    language = doc.lang_
    table = _forms_table(language)
    words: list[Word] = []
    capitalised: list[Word] = []  # Words.capitalised, collected on the way
    append, new, add_capitalised = words.append, tuple.__new__, capitalised.append
    clause, opens = 0, True  # the clause index; whether the next word opens a sentence
    index = -1
    for start, length, is_stop in doc.to_array([IDX, LENGTH, IS_STOP]).tolist():
        index += 1
        end = start + length
        token = text[start:end]
        forms = table.get(token)
        if forms is None:
            forms = table[token] = _forms(token)
        if len(forms) == 2:  # not a word
            clause += forms[0]
            opens = opens or forms[1]
            continue
        norm, key, has_digit, is_titlecase, is_alpha = forms
        word = new(Word, (index, start, end, token, norm, key, has_digit, is_titlecase,
                          is_alpha, clause, is_stop == 1, opens, language))
        append(word)
        if is_titlecase and is_alpha and is_stop != 1:
            add_capitalised(word)
        opens = False
    found = Words(words)
    found.__dict__["capitalised"] = tuple(capitalised)
    return found


def value_words(value: str, tokenize: Callable[[str], Doc]) -> Words:
    """A recipient value tokenized like the draft, so both sides split words alike."""
    return _value_words(value, tokenize)


@lru_cache(maxsize=4096)
def _value_words(value: str, tokenize: Callable[[str], Doc]) -> Words:
    return words_of(tokenize(value), value)


class WordIndex:
    """The draft's words by form, so a recipient value's word is looked up rather than
    compared with every word of the draft. Most values are absent from most drafts: a
    substring test rules them out before any table is built. Lookups give candidate
    positions, in order; the caller's comparison decides.

    ``folded``: the draft's text folded, when the caller has it: every word's folded form is
    a substring of it, and so are all the name forms of an ASCII word (see :meth:`_names`).
    """

    def __init__(self, words: Sequence[Word], suffixes: Sequence[str],
                 folded: str | None = None, *, ascii_text: bool = False) -> None:
        self.words = words if isinstance(words, Words) else Words(words)
        self.suffixes = tuple(suffixes)
        self.folded = folded
        self.ascii_text = ascii_text  # the draft's text is ASCII: so is every word

    @lazy
    def _norms(self) -> str:
        """A text holding every word's folded form."""
        return self.folded if self.folded is not None else " ".join(map(_NORM, self.words))

    @lazy
    def _non_ascii(self) -> list[int]:
        """The positions of the words not written in ASCII."""
        if self.ascii_text:
            return []
        return list(compress(range(len(self.words)),
                             map(not_, map(str.isascii, map(_TEXT, self.words)))))

    @lazy
    def _names(self) -> str:
        """A text holding every form :func:`same_name` compares a word by. An ASCII word's
        forms (folded, name key, without a possessive suffix) are all substrings of its
        folded form; the forms of the other words are added."""
        others = [form for p in self._non_ascii
                  for form in _name_forms(self.words[p].norm, self.words[p].key, self.suffixes)]
        return " ".join([self._norms, *others]) if others else self._norms

    @property
    def by_norm(self) -> dict[str, list[int]]:
        return self.words.by_norm

    @lazy
    def _suffix_forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(map(fold, self.suffixes)))

    def norm_starts(self, value: Word) -> list[int]:
        """Positions of the words folded like ``value``."""
        return self.by_norm.get(value.norm, []) if value.norm in self._norms else []

    def name_starts(self, value: Word) -> list[int]:
        """Positions of words that may be ``value`` as a name (see :func:`same_name`: the
        forms it compares all hold ``value.norm`` or ``value.key``)."""
        targets = {value.norm, value.key}
        if all(target not in self._names for target in targets):
            return []
        # An ASCII word's forms are its folded form and that form without its possessive
        # suffix (its name keys are the same): folded as a target, or a target and a suffix.
        # The other words are compared by all their forms.
        wanted = targets | {target + suffix for target in targets for suffix in self._suffix_forms}
        words = self.words
        return sorted(p for p in {*words.positions(wanted), *self._non_ascii}
                      if not targets.isdisjoint(_name_forms(words[p].norm, words[p].key,
                                                            self.suffixes)))

    def stem_starts(self, value: Word) -> list[int]:
        """Positions of the words :func:`same_stem` accepts for ``value``. Where the
        language's stemmer keeps a word's first letter, only words with the value's first
        letter are compared. Each distinct form is compared once."""
        if not self.words:
            return []
        norms = self.words.starting_with(value.norm[:1]) if keeps_initial(value.language) \
            else self.words.norm_set
        language = self.words[0].language
        return self.words.positions({
            norm for norm in norms if norm == value.norm
            or _stems_match(norm, language, value.norm, value.language)})


@lru_cache(maxsize=16384)
def _name_forms(norm: str, key: str, suffixes: tuple[str, ...]) -> tuple[str, ...]:
    """The forms :func:`same_name` compares a word by: folded, name key, and both without a
    possessive suffix."""
    bare = strip_suffix(norm, suffixes)
    forms = (norm, key) if bare is None else (norm, key, bare, name_key(bare))
    return tuple(dict.fromkeys(forms))


def strip_suffix(norm: str, suffixes: Sequence[str]) -> str | None:
    """``maria`` for ``maria's`` or German ``marias`` (possessive suffixes of the language)."""
    for suffix in suffixes:
        folded = fold(suffix)
        if norm.endswith(folded) and len(norm) > len(folded) + 1:
            return norm[: -len(folded)]
    return None


def same_name(word: Word, value: Word, suffixes: Sequence[str]) -> int | None:
    """How many characters of ``word`` are the name (``None`` when it is not that name)."""
    if word.norm == value.norm or word.key == value.key:
        return len(word.text)
    bare = strip_suffix(word.norm, suffixes)
    if bare is not None and (bare == value.norm or name_key(bare) == value.key):
        return len(bare)
    return None


def find_sequence(words: Sequence[Word], value: Sequence[Word],
                  same: Callable[[Word, Word], int | None],
                  starts: Iterable[int] | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) character offsets where ``value`` occurs as consecutive words.

    ``starts``: the only positions where the sequence may begin (from a :class:`WordIndex`).
    """
    n = len(value)
    if n == 0:
        return
    for i in range(len(words) - n + 1) if starts is None else starts:
        if i > len(words) - n:
            break
        last = same(words[i], value[0])
        if last is None:
            continue
        for k in range(1, n):
            if words[i + k].clause != words[i].clause:
                last = None
                break
            last = same(words[i + k], value[k])
            if last is None:
                break
        if last is not None:
            yield words[i].start, words[i + n - 1].start + last


def same_stem(word: Word, value: Word) -> bool:
    return word.norm == value.norm or _stems_match(word.norm, word.language, value.norm,
                                                   value.language)


@lru_cache(maxsize=16384)  # about 120 bytes an entry
def _stems_match(norm: str, language: str, value_norm: str, value_language: str) -> bool:
    """Whether two folded words share a stem, or have near-identical stems."""
    a, b = stem(norm, language), stem(value_norm, value_language)
    return a == b or (min(len(a), len(b)) >= SIMILAR_MIN_LENGTH
                      and fuzz.ratio(a, b) >= STEM_SIMILAR)


def derived_place(norm: str, root: str) -> bool:
    """``berliner`` from ``berlin``, ``parisienne`` from ``paris`` (a place's adjective;
    both folded)."""
    return (len(root) >= 4 and norm.startswith(root[:-1] if len(root) > 5 else root)
            and len(norm) - len(root) <= 5)


def paraphrase_matches(words: Sequence[Word], value: Sequence[Word],
                       index: WordIndex | None = None) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of windows repeating most of an item name's content words.

    Content words are the value's non-stop words (model numbers weigh double); a window may
    skip stop words and one other word, and must stay within one clause. A window starts at
    a word sharing a stem with the value (found through ``index``, built when not given).
    """
    content = [v for v in value if not v.is_stop] or list(value)
    weights = [2.0 if v.has_digit else 1.0 for v in content]
    total = sum(weights)
    if total == 0:
        return
    index = index or WordIndex(words, ())
    budget = len(value) + 2
    resume = 0  # windows do not overlap: the next one starts after the last match
    for i in sorted({p for v in content for p in index.stem_starts(v)}):
        if i < resume:
            continue
        used: set[int] = set()
        got, last, skipped = 0.0, i, 0
        for j in range(i, min(len(words), i + budget)):
            if words[j].clause != words[i].clause:
                break
            hit = next((k for k, v in enumerate(content)
                        if k not in used and same_stem(words[j], v)), None)
            if hit is not None:
                used.add(hit)
                got += weights[hit]
                last = j
            elif not words[j].is_stop:
                skipped += 1
                if skipped > 1:
                    break
        score = got / total
        if score >= PARAPHRASE_MIN:
            yield words[i].start, words[last].end, round(score, 3)
            resume = last + 1


def item_similarity(a: Sequence[Word], b: Sequence[Word]) -> float:
    """Weighted share of ``b``'s content words found in ``a`` (0..1), for item names."""
    content = [v for v in b if not v.is_stop] or list(b)
    if not content:
        return 0.0
    found = sum(1 for v in content if any(same_stem(w, v) for w in a))
    return found / len(content)


def misspelling(word: Word, value: Word) -> bool:
    """``Jon`` for ``John``, ``Mariah`` for ``Maria``: close, but not the same name."""
    if word.norm == value.norm or word.key == value.key or len(value.norm) < 3:
        return False
    budget = _edit_budget(value.norm)
    if abs(len(word.norm) - len(value.norm)) > budget:  # each edit changes the length by <= 1
        return False
    return (OSA.distance(word.norm, value.norm) <= budget
            and fuzz.ratio(word.norm, value.norm) >= MISSPELT_MIN)


def _edit_budget(norm: str) -> int:
    return 1 if len(norm) <= 6 else 2  # edits; a swap of two letters is one


def misspelt_lengths(value: Word) -> range:
    """The lengths of the (folded) words :func:`misspelling` may take for ``value``: none
    when it is shorter than three letters."""
    size = len(value.norm)
    if size < 3:
        return range(0)
    budget = _edit_budget(value.norm)
    return range(size - budget, size + budget + 1)


def accent_differs(word: Word, value: Word) -> bool:
    """``Jose`` for ``José``: the profile's accents lost or changed. (Accents added to a
    plain profile value are not flagged: many systems store names without them.)"""
    return (word.norm == value.norm and word.text.casefold() != value.text.casefold()
            and not value.text.isascii())


DIGITS = re.compile(r"\+?\d[\d\s().\-/]{4,}\d")


def digit_matches(text: str, value: str) -> Iterator[tuple[int, int]]:
    """Phone-like values: the same digits whatever the separators, allowing a different
    country code or trunk prefix (``030 1234567`` for ``+49 30 1234567``)."""
    wanted = _digits(value)
    if len(wanted) < 6:
        return
    for match in DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        common = _common_suffix(digits, wanted)
        if digits == wanted or (common >= 7 and common >= min(len(digits), len(wanted)) - 2):
            yield match.start(), match.end()


@lru_cache(maxsize=4096)
def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _common_suffix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count
