"""Regular expressions from brand guides and plugin packs cannot hang the guard.

Every place a guide or a pack can hand copyguard a pattern: ``banned`` phrase lists with
``regex: true`` (the only regex field of the guide format, pinned below), guides registered by
packs (files or objects), and pack data (the Northwind catalog: names matched literally).
Locale packs have no regex field (pinned below too).
"""

from __future__ import annotations

import textwrap
import time
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
import re2

from copyguard import BrandGuide, Guard, GuideError, Route, hookimpl
from copyguard.brand.regex import MAX_SHAPE, PatternError, compile_pattern, shape
from copyguard.guides import PhraseList, guide_schema
from copyguard.locales.schema import PackFile
from copyguard.plugins import DEFAULT_PLUGINS, build_plugin_manager
from copyguard.registry import BrandRegistry
from copyguard.routing import CHECK_ERROR
from copyguard.testing import GuidePlugin
from tests.helpers import ChecksPlugin

ONLY_BRAND = tuple(p for p in DEFAULT_PLUGINS if not p.endswith((".brand", ".routing")))
ADVERSARIAL = "a" * 50_000 + "!"
BOUND = 2.0  # seconds; a catastrophic backtrack on this input would take hours
# The classic catastrophic patterns (OWASP "Regular expression Denial of Service").
REDOS = ["(a+)+$", "(a|aa)+$", "(.*a){20}", r"^(\w+\s?)*$", "(a*)*b", "(x+x+)+y",
         r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(\w+\d?)+$", r"^(\w+\s?)+$", r"(\w+\s?){20}!"]
MATCH_EMPTY = {r"^(\w+\s?)*$"}  # loads as RE2 but is refused: it matches the empty string
LOADED = [p for p in REDOS if p not in MATCH_EMPTY]
TEXTS = {"a*50000!": ADVERSARIAL, "ab-words": "ab " * 20_000, "cjk": "日本語" * 20_000}


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def regex_guide(brand: str, *patterns: str) -> str:
    phrases = ", ".join(f"'{p}'" for p in patterns)
    return f"id: {brand}\nbanned:\n  - id: pattern\n    regex: true\n    phrases: [{phrases}]\n"


@pytest.fixture(scope="module")
def redos_guard(tmp_path_factory: pytest.TempPathFactory) -> Guard:
    """One guard with a guide per ReDoS pattern (only the brand check and routing run)."""
    directory = tmp_path_factory.mktemp("redos")
    for index, pattern in enumerate(LOADED):
        write(directory, f"redos-{index}.yaml", regex_guide(f"redos-{index}", pattern))
    guard = Guard(brand_dirs=[directory], load_entrypoints=False, disabled_plugins=ONLY_BRAND)
    for index in range(len(LOADED)):  # compile each guide once, outside the timings
        guard.check("warm up", brand=f"redos-{index}", channel="sms")
    return guard


@pytest.mark.parametrize("pattern", REDOS)
@pytest.mark.parametrize("name", list(TEXTS))
def test_the_engine_runs_known_redos_patterns_in_linear_time(pattern: str, name: str) -> None:
    """RE2 itself, every match of the pattern (Python's re takes hours on these inputs)."""
    regex = re2.compile(pattern)
    started = time.perf_counter()
    count = sum(1 for _ in regex.finditer(TEXTS[name]))
    assert time.perf_counter() - started < BOUND, f"{pattern!r}: {count} matches"


@pytest.mark.parametrize(("index", "pattern"), list(enumerate(LOADED)))
@pytest.mark.parametrize("name", list(TEXTS))
def test_known_redos_patterns_in_a_guide_check_in_bounded_time(
        redos_guard: Guard, index: int, pattern: str, name: str) -> None:
    text = TEXTS[name]
    started = time.perf_counter()
    verdict = redos_guard.check(text, brand=f"redos-{index}", channel="sms")
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"{pattern!r} took {elapsed:.2f} s"
    assert not [f for f in verdict.findings if f.code == CHECK_ERROR]
    for finding in verdict.findings:  # RE2 spans are character offsets into the str
        assert text[finding.start:finding.end] == finding.data["match"]


@pytest.mark.parametrize(("pattern", "why"), [
    (r"(a)\1", "backreferences"),
    ("(?P<x>a)(?P=x)", "backreferences"),
    ("(?=a)b", "lookaround"),
    ("(?!a)b", "lookaround"),
    ("(?<=a)b", "lookaround"),
    ("(?<!a)b", "lookaround"),
    ("(?>a+)b", "atomic groups"),
    ("a*+b", "possessive quantifiers"),
    ("a{1001}", "may not exceed {1000}"),
    (r"(\w+\s?){1000}", f"more than {MAX_SHAPE}"),
    (r"(.*a){200}", f"more than {MAX_SHAPE}"),
    (r"^(\w+\s?)*$", "can match the empty string"),
    (r"\b|cheap", "can match the empty string"),
    ("(cheap", "not a valid RE2 pattern: missing )"),
])
def test_patterns_re2_cannot_run_fast_are_rejected_on_load_naming_file_rule_and_why(
        tmp_path: Path, pattern: str, why: str) -> None:
    path = write(tmp_path, "acme.yaml", f"""
        id: acme
        banned:
          - {{id: plain, phrases: [cheap]}}
          - id: no-hype
            regex: true
            phrases: ['\\bok\\b', '{pattern}']
        """)
    brands = BrandRegistry(build_plugin_manager(load_entrypoints=False), [tmp_path])
    with pytest.raises(GuideError) as info:
        brands.get("acme")
    message = str(info.value)
    assert message.startswith(f"{path}:4: field 'banned.1':")  # file, line, field
    assert "rule 'no-hype': phrases[1]" in message and repr(pattern) in message
    assert why in message


def test_a_rejected_pattern_names_the_rule_in_python_too() -> None:
    with pytest.raises(ValueError, match=r"rule 'x': phrases\[0\] '\(a\)\\\\1' is rejected"):
        PhraseList(id="x", phrases=[r"(a)\1"], regex=True)


def test_rejected_patterns_are_not_logged_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PatternError):
        compile_pattern("(?=a)")
    assert "re2.cc" not in capfd.readouterr().err


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?i)\b(?:gratis|free|kostenlos|無料)\b", r"(?i)\b(?:x|x|x|x)\b"),
    (r"[\p{L}\p{M}]{3,20}\s+kaufen", "x{3,20}x+x"),
    (r"[]a]+\d{2}\Q.*\E", "x+x{2}x"),
    (r"(?P<n>ab)+c{2,}$", "(?P<n>x)+x{2,}$"),
    (r"(\w+\s?){100}", "(x+x?){100}"),
])
def test_a_pattern_shape_counts_structure_not_class_size(pattern: str, expected: str) -> None:
    assert shape(pattern) == expected
    compile_pattern(pattern.replace("{100}", "{20}"))  # realistic ones load


def test_the_shape_cap_keeps_the_worst_allowed_pattern_fast() -> None:
    """The largest repetition the cap admits still matches 50,000 hostile chars quickly."""
    worst = None
    for count in range(200, 0, -1):
        try:
            worst = compile_pattern(rf"(\w+\s?){{{count}}}")
            break
        except PatternError:
            continue
    assert worst is not None
    started = time.perf_counter()
    list(worst.finditer(ADVERSARIAL))
    assert time.perf_counter() - started < BOUND


# -- every source of patterns ----------------------------------------------------------------

def _properties(schema: Any, found: set[str]) -> set[str]:
    if isinstance(schema, dict):
        found.update(schema.get("properties", {}))
        for value in schema.values():
            _properties(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _properties(value, found)
    return found


def test_the_only_regex_field_of_guides_is_banned_regex_and_locale_packs_have_none() -> None:
    """Pins the formats: a new field that takes a pattern must come with RE2 validation."""
    def suspicious(schema: Any) -> set[str]:
        return {p for p in _properties(schema, set()) if "regex" in p or "pattern" in p}

    assert suspicious(guide_schema()) == {"regex"}
    assert PhraseList.model_fields["regex"].annotation is bool
    assert suspicious(PackFile.model_json_schema()) == set()


class RegexGuidePack:
    """A pack that registers a guide object built in code (validated when it is built)."""

    @hookimpl
    def register_brand_guides(self, register: Any) -> None:
        register(BrandGuide.model_validate(
            {"id": "badpack", "banned": [{"id": "r", "regex": True, "phrases": ["(?=x)y"]}]}))


bad_regex_pack = RegexGuidePack()


def test_a_pack_whose_guide_has_a_bad_pattern_is_blocked_and_others_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [EntryPoint(name="badpack", value="tests.test_hardening_redos:bad_regex_pack",
                      group="copyguard")]
    monkeypatch.setattr("copyguard.plugins.entry_points",
                        lambda group: [ep for ep in eps if ep.group == group])
    guard = Guard(brand_dirs=[Path(__file__).resolve().parents[1] / "brand_guides"],
                  disabled_plugins=ONLY_BRAND)
    [failure] = guard.host.failures
    assert failure.name == "badpack" and "lookaround" in failure.error
    blocked = guard.check("Hello", brand="badpack")
    assert blocked.route is Route.BLOCK and blocked.findings[0].code == "brand_pack_failed"
    assert "rule 'r': phrases[0]" in blocked.findings[0].message
    assert guard.check("Hello.", brand="civica", channel="sms").route is not Route.BLOCK


def test_a_pack_guide_file_with_a_bad_pattern_names_the_pack_file(tmp_path: Path) -> None:
    path = write(tmp_path, "pack.yaml", regex_guide("filepack", r"(a)\1"))
    guard = Guard(plugins=[GuidePlugin(path)], load_entrypoints=False, brand_dirs=[],
                  disabled_plugins=ONLY_BRAND)
    with pytest.raises(GuideError, match=rf"^{path}:3: field 'banned.0': .*backreferences"):
        guard.check("Hello", brand="filepack")
    assert guard.check("Hello").route is Route.PASS


def test_an_unvalidated_guide_object_fails_closed_in_the_brand_check() -> None:
    """``model_construct`` skips validation; compiling the pattern then fails the check."""
    rule = PhraseList.model_construct(phrases=[r"(a)\1"], regex=True, kind="banned",
                                      case_sensitive=False, inflect=True, exceptions=[],
                                      id=None, message=None, rationale=None, source=None,
                                      severity=None)
    guide = BrandGuide(id="sneaky").model_copy(update={"banned": [rule]})
    guard = Guard(plugins=[GuidePlugin(guide)], load_entrypoints=False, brand_dirs=[],
                  disabled_plugins=ONLY_BRAND)
    verdict = guard.check("a a", brand="sneaky")
    assert [f.check for f in verdict.findings if f.code == CHECK_ERROR] == ["brand"]
    assert verdict.route.rank >= Route.REVIEW.rank


def test_pack_catalog_names_are_matched_literally() -> None:
    """Northwind's catalog (pack data) and promoted items (draft data) are not patterns."""
    catalog_module = pytest.importorskip("copyguard_northwind.catalog")
    name = "(a+)+$ (a|aa)+$"
    catalog = catalog_module.Catalog.parse(
        f"sku,name,category,status\nNW-1,{name},jackets,active\n")
    check = catalog_module.CatalogCheck(catalog)
    guard = Guard(plugins=[ChecksPlugin(check)], load_entrypoints=False, brand_dirs=[],
                  disabled_plugins=ONLY_BRAND)
    hostile = "a" * 50_000 + "!"
    started = time.perf_counter()
    verdict = guard.check({"text": f"{hostile} {name}", "campaign": {
        "promoted_items": [name, "(.*a){20}", r"^(\w+\s?)*$"]}})
    assert time.perf_counter() - started < BOUND
    assert not [f for f in verdict.findings if f.code == CHECK_ERROR]
    assert catalog.mentions(f"x {name} y") and not catalog.mentions("x aaaa y")
    unknown = {f.data["item"] for f in verdict.findings if f.code == "unknown_promoted_item"}
    assert unknown == {"(.*a){20}", r"^(\w+\s?)*$"}



def report() -> None:
    """Seconds per known ReDoS pattern: RE2 alone, and the whole brand check (prints a table),
    with Python's backtracking ``re`` on tiny inputs for contrast."""
    import re
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        for index, pattern in enumerate(LOADED):
            write(Path(directory), f"redos-{index}.yaml", regex_guide(f"redos-{index}", pattern))
        guard = Guard(brand_dirs=[Path(directory)], load_entrypoints=False,
                      disabled_plugins=ONLY_BRAND)
        print(f"{'pattern':32} {'input':9} {'RE2 s':>6} {'check s':>7}")
        for pattern in REDOS:
            for name, text in TEXTS.items():
                started = time.perf_counter()
                list(re2.compile(pattern).finditer(text))
                engine = time.perf_counter() - started
                check = "refused"
                if pattern in LOADED:
                    brand = f"redos-{LOADED.index(pattern)}"
                    guard.check("warm up", brand=brand, channel="sms")
                    started = time.perf_counter()
                    guard.check(text, brand=brand, channel="sms")
                    check = f"{time.perf_counter() - started:7.3f}"
                print(f"{pattern:32} {name:9} {engine:6.3f} {check:>7}", flush=True)
    for size in (16, 18, 20, 22):
        started = time.perf_counter()
        re.search("(a+)+$", "a" * size + "!")
        print(f"Python re '(a+)+$' on 'a'*{size}+'!': {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    report()
