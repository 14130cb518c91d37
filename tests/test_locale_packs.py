"""Rule packs: loading, inheritance, validation, fallbacks, brand caching, the docs example."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from copyguard import Guard, InputError
from copyguard.context import CheckContext
from copyguard.default_plugins.locale import LocaleCheck
from copyguard.guides import DEFAULT_GUIDE, BrandGuide, LocaleRuleOverride
from copyguard.io import coerce_draft
from copyguard.locales import LocaleEngine, LocalePackError, PackLibrary, parse_tag
from copyguard.locales.packs import SEASONS, unit_concept
from copyguard.locales.schema import (
    CooccurrenceRule,
    NameRule,
    NumberRule,
    PhraseRule,
    UnitRule,
)
from copyguard.model import Finding, Severity

REQUIRED = ["en-US", "en-GB", "en-IN", "en-AU", "de-DE", "de-AT", "de-CH", "fr-FR", "fr-BE",
            "it-IT", "es-ES", "pt-BR", "nl-BE", "ja-JP", "zh-CN", "zh-TW", "ko-KR", "ar-SA",
            "ar-AE", "hi-IN", "tr-TR", "fa-IR", "ru-RU", "uk-UA"]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "locales.md"


@pytest.fixture(scope="module")
def library() -> PackLibrary:
    return PackLibrary()


@pytest.fixture(scope="module")
def nlp(guard: Guard) -> Any:
    return guard.nlp


def run_check(check: LocaleCheck, nlp: Any, text: str, locale: str,
              guide: BrandGuide = DEFAULT_GUIDE) -> list[Finding]:
    draft = coerce_draft(text, locale=locale)
    return list(check.run(CheckContext(draft, guide.resolve(draft.locale, draft.channel), nlp)))


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


class TestShippedPacks:
    @pytest.mark.parametrize("locale", REQUIRED)
    def test_every_required_locale_has_a_working_pack(self, library: PackLibrary,
                                                      locale: str) -> None:
        pack = library.pack(locale)
        assert pack is not None and pack.facts.babel is not None
        assert pack.tag.language in pack.layers
        assert pack.inert == (), f"active rules without words in {locale}: {pack.inert}"
        for rule in pack.rules:
            assert rule.spec.source and all(u.startswith("http") for u in rule.spec.source)

    @pytest.mark.parametrize("locale", REQUIRED)
    def test_every_concept_a_rule_uses_has_words_in_the_locale(self, library: PackLibrary,
                                                                locale: str) -> None:
        pack = library.pack(locale)
        assert pack is not None
        for rule in pack.rules:
            spec = rule.spec
            needed: list[str] = []
            if isinstance(spec, CooccurrenceRule | PhraseRule):
                needed = list(spec.target)
            if isinstance(spec, CooccurrenceRule | NumberRule):
                needed += spec.context
            if isinstance(spec, UnitRule):
                needed = [unit_concept(u) for u in spec.units if u in ("mile", "fahrenheit")]
            if isinstance(spec, NameRule) and spec.kind != "western_name_order":
                needed = [spec.honorifics]
            missing = [c for c in needed if c not in pack.lexicon.concepts]
            assert not missing, f"{rule.id} in {locale} has no words for {missing}"
        seasons = [s for s in SEASONS if f"season_{s}" not in pack.lexicon.concepts]
        assert not seasons, f"{locale} has no season words for {seasons}"

    def test_severity_follows_nature_and_confidence(self, library: PackLibrary) -> None:
        rules = {r.id: r for r in library.pack("ar-AE").rules}  # type: ignore[union-attr]
        assert rules["restricted.alcohol"].severity is Severity.ERROR  # legal, high
        assert rules["restricted.pork"].severity is Severity.WARNING  # legal, low
        assert rules["gesture.thumbs_up"].severity is Severity.SUGGESTION  # symbolism, low
        fa = {r.id: r for r in library.pack("fa-IR").rules}  # type: ignore[union-attr]
        assert fa["gesture.thumbs_up"].severity is Severity.WARNING  # symbolism, medium

    def test_region_rules_inherit_root_definitions(self, library: PackLibrary) -> None:
        for locale in ("fr-BE", "nl-BE"):
            pack = library.pack(locale)
            assert pack is not None
            rule = next(r for r in pack.rules if r.id == "symbolism.chrysanthemum_gift")
            assert rule.defined_in == ("root", "und-BE")
        fr_be = library.pack("fr-BE")
        assert fr_be is not None and "address.informal" in {r.id for r in fr_be.rules}
        assert parse_tag("fr-BE").chain() == ("root", "fr", "fr-Latn", "und-BE", "fr-BE",
                                              "fr-Latn-BE")

    def test_language_only_tags_use_likely_region(self, library: PackLibrary) -> None:
        ja = library.pack("ja")
        assert ja is not None and "und-JP" in ja.layers and ja.facts.currency == "JPY"


class TestFallbacks:
    def test_well_formed_tag_without_pack_falls_back_to_language(self, guard: Guard) -> None:
        check = next(c for c in guard.checks if c.name == "locale")
        assert isinstance(check, LocaleCheck)
        found = run_check(check, guard.nlp, "Ein Angebot für dich: 49.99 €", "de-LU")
        assert {"address.informal", "format.number_separators"} <= {f.code for f in found}

    def test_language_without_pack_reports_that_no_rules_ran(self, guard: Guard) -> None:
        verdict = guard.check("Habari, karibu!", locale="sw-KE")
        found = [f for f in verdict.findings if f.check == "locale"]
        assert [(f.code, f.severity) for f in found] == [("no_locale_rules", Severity.INFO)]
        assert "sw-KE" in found[0].message

    def test_unknown_region_keeps_language_rules(self, guard: Guard) -> None:
        verdict = guard.check("Frohes Thanksgiving!", locale="de-XY")
        assert "occasion.thanksgiving" in {f.code for f in verdict.findings}

    @pytest.mark.parametrize("tag", ["english", "en_us_x", "e-US", "12-34"])
    def test_malformed_tags_are_input_errors(self, guard: Guard, tag: str) -> None:
        with pytest.raises(InputError, match="locale"):
            guard.check("Hello", locale=tag)
        with pytest.raises(ValueError, match="not a locale tag"):
            parse_tag(tag)


class TestBrokenPacks:
    def test_invalid_field_names_file_line_and_field(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nlexicon:\n  gift: [present]\nrules:\n"
                                   "  x.rule:\n    kind: phrase\n    windw: 3\n")
        with pytest.raises(LocalePackError) as caught:
            PackLibrary([tmp_path])
        error = caught.value
        assert error.where.endswith("xx.yaml") and error.line == 7
        assert error.field is not None and "windw" in error.field

    def test_invalid_yaml_names_the_line(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nlexicon: [unclosed\n")
        with pytest.raises(LocalePackError, match=r"xx\.yaml:\d+: invalid YAML"):
            PackLibrary([tmp_path])

    def test_active_rule_without_source_is_rejected(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nrules:\n  gesture.ok_hand:\n"
                                   "    active: true\n")
        library = PackLibrary([tmp_path])
        with pytest.raises(LocalePackError, match=r"gesture\.ok_hand.*source"):
            library.pack("xx")

    def test_unknown_concept_is_rejected_at_load(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nrules:\n  x.rule:\n    kind: phrase\n"
                                   "    nature: symbolism\n    confidence: low\n"
                                   "    message: m\n    target: [giftz]\n")
        with pytest.raises(LocalePackError, match="giftz"):
            PackLibrary([tmp_path])

    def test_rule_patch_without_definition_is_rejected(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nrules:\n  x.undefined:\n"
                                   "    active: true\n    source: [https://example.org]\n")
        library = PackLibrary([tmp_path])
        with pytest.raises(LocalePackError, match=r"x\.undefined"):
            library.pack("xx")

    def test_unit_without_conversion_is_rejected(self, tmp_path: Path) -> None:
        write(tmp_path, "xx.yaml", "description: test\nunits:\n  furlong: [furlong]\n")
        with pytest.raises(LocalePackError, match="furlong"):
            PackLibrary([tmp_path])

    def test_missing_pack_directory(self, tmp_path: Path) -> None:
        with pytest.raises(LocalePackError, match="does not exist"):
            PackLibrary([tmp_path / "nope"])


class TestExtending:
    def docs_packs(self) -> dict[str, str]:
        blocks = re.findall(r"```yaml file=(\S+)\n(.*?)```", DOCS.read_text(encoding="utf-8"),
                            re.DOTALL)
        assert {name for name, _ in blocks} == {"pl.yaml", "und-PL.yaml"}
        return dict(blocks)

    def test_adding_a_locale_is_adding_a_data_file(self, tmp_path: Path, nlp: Any) -> None:
        for name, text in self.docs_packs().items():
            write(tmp_path, name, text)
        before = LocaleCheck(pack_dirs=[])
        after = LocaleCheck(pack_dirs=[tmp_path])
        bad = "Podaruj jej chryzantemy na urodziny!"
        good = "Chryzantemy na Wszystkich Świętych już w sklepie."
        assert [f.code for f in run_check(before, nlp, bad, "pl-PL")] == ["no_locale_rules"]
        assert "symbolism.chrysanthemum_gift" in {f.code for f in run_check(after, nlp, bad,
                                                                              "pl-PL")}
        assert "symbolism.chrysanthemum_gift" not in {f.code for f in run_check(after, nlp, good,
                                                                                  "pl-PL")}
        found = {f.code for f in run_check(after, nlp, "Trasa 10 mil, cena 49.99 zł", "pl-PL")}
        assert {"format.imperial_units", "format.number_separators"} <= found

    def test_extra_directory_layers_on_a_builtin_pack(self, tmp_path: Path, nlp: Any) -> None:
        write(tmp_path, "de.yaml", "description: brand additions\nlexicon:\n"
                                   "  informal_address: [dir's]\n")
        check = LocaleCheck(pack_dirs=[tmp_path])
        assert "address.informal" in {f.code for f in run_check(check, nlp, "Mach dir's bequem.",
                                                                 "de-DE")}
        pack = check.engine.library.pack("de-DE")
        assert pack is not None and pack.layers == ("root", "de", "de")


class TestEngine:
    def test_rule_sets_are_cached_per_locale_and_guide(self) -> None:
        engine = LocaleEngine()
        guide = BrandGuide(id="acme", locale_rules={"gesture.*": LocaleRuleOverride(disable=True)})
        first = engine.rules_for("pt-BR", guide)
        assert first is engine.rules_for("pt-BR", guide)
        assert first is not engine.rules_for("pt-BR", DEFAULT_GUIDE)
        assert first is not None and "gesture.ok_hand" in first.disabled

    def test_concurrent_checks_agree_with_sequential_ones(self, nlp: Any) -> None:
        check = LocaleCheck(pack_dirs=[])
        drafts = [("Hol dir 49.99 EUR!", "de-DE"), ("买4送1，最好的礼物", "zh-CN"),
                  ("白いバラの花束を4点セットで", "ja-JP"), ("عروض النبيذ 👍", "ar-SA"),
                  ("Offrez des chrysanthèmes", "fr-BE"), ("Букет из 4 роз", "ru-RU")] * 8

        def codes(item: tuple[str, str]) -> list[str]:
            return [f.code for f in run_check(check, nlp, *item)]

        with ThreadPoolExecutor(max_workers=8) as pool:
            parallel = list(pool.map(codes, drafts))
        assert parallel == [codes(item) for item in drafts]
        assert all(parallel)

    def test_guard_registers_the_locale_check(self, guard: Guard) -> None:
        assert "locale" in {c.name for c in guard.checks}
