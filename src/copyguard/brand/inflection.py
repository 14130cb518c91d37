"""English inflections for term lists, from LemmInflect's lexicon (no model, no download).

A banned "cheap" also catches "cheaper" and "cheapest", a claim "cure" also "cured" and
"curing"; a substitution "utilize" -> "use" maps "utilized" -> "used". Only the phrase's last
word is inflected, and only words the lexicon knows (brand names and slang stay as written).
"""

from __future__ import annotations

from functools import lru_cache

from copyguard.brand.text import match_case


@lru_cache(maxsize=65_536)
def _inflections(word: str) -> dict[str, tuple[str, ...]]:
    """Penn tag -> forms of ``word`` taken as a lemma (empty if the lexicon has no entry)."""
    from lemminflect import getAllInflections

    forms: dict[str, tuple[str, ...]] = getAllInflections(word)
    return forms


@lru_cache(maxsize=65_536)
def _lemma(word: str) -> str:
    """``word`` itself if it is a lemma, else its first lemma ("consumers" -> "consumer")."""
    if _inflections(word):
        return word
    from lemminflect import getAllLemmas

    for lemmas in getAllLemmas(word).values():
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
