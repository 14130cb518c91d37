"""The plugin loader: entry points in isolation, duplicates, env switches, contracts."""

import inspect
from importlib.metadata import EntryPoint

import pluggy
import pytest

from copyguard import DuplicateNameError, hookspecs
from copyguard.plugins import DEFAULT_PLUGINS, build_plugin_manager
from tests.helpers import ChecksPlugin, WordCheck, isolated_guard

good_plugin = ChecksPlugin(WordCheck("from-entry-point", "zzz"), name="good")


def fake_entry_points(monkeypatch, *eps):
    monkeypatch.setattr("copyguard.plugins.entry_points",
                        lambda group: [ep for ep in eps if ep.group == group])


def ep(name, value):
    return EntryPoint(name=name, value=value, group="copyguard")


def test_entry_point_plugins_load_and_a_broken_one_is_reported(monkeypatch):
    fake_entry_points(monkeypatch, ep("good", "tests.test_plugins:good_plugin"),
                      ep("broken", "tests.no_such_module_here:plugin"))
    host = build_plugin_manager()
    assert "from-entry-point" in host.checks
    assert host.checks["from-entry-point"].plugin == "good"
    assert [f.name for f in host.failures] == ["broken"]
    assert "ModuleNotFoundError" in host.failures[0].error
    assert set(DEFAULT_PLUGINS) <= set(host.plugin_names())  # the host still works


def test_duplicate_plugin_names_are_an_error(monkeypatch):
    fake_entry_points(monkeypatch, ep("good", "tests.test_plugins:good_plugin"),
                      ep("good", "tests.test_plugins:good_plugin"))
    with pytest.raises(DuplicateNameError, match="'good'"):
        build_plugin_manager()


def test_duplicate_check_names_are_an_error():
    with pytest.raises(DuplicateNameError, match="check 'same'"):
        isolated_guard(ChecksPlugin(WordCheck("same", "a"), name="p1"),
                       ChecksPlugin(WordCheck("same", "b"), name="p2"))


def test_environment_disables_named_plugins(monkeypatch):
    fake_entry_points(monkeypatch, ep("good", "tests.test_plugins:good_plugin"))
    monkeypatch.setenv("COPYGUARD_DISABLE_PLUGINS", "good, copyguard.default_plugins.locale")
    host = build_plugin_manager()
    assert "good" not in host.plugin_names()
    assert "copyguard.default_plugins.locale" not in host.plugin_names()
    assert "from-entry-point" not in host.checks


def test_load_allowlist_limits_entry_points(monkeypatch):
    fake_entry_points(monkeypatch, ep("good", "tests.test_plugins:good_plugin"))
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")
    assert "good" not in build_plugin_manager().plugin_names()


def test_a_misspelt_hook_is_refused():
    class Typo:
        @hookspecs.hookimpl
        def register_chekcs(self, register):  # no such hook
            pass

    with pytest.raises(pluggy.PluginValidationError):
        build_plugin_manager(load_entrypoints=False, extra_plugins=[Typo()])


def test_a_plugin_registering_a_non_check_is_reported_not_fatal():
    class Bad:
        @hookspecs.hookimpl
        def register_checks(self, register):
            register("not a check")

    host = build_plugin_manager(load_entrypoints=False, extra_plugins=[Bad()])
    assert [f.name for f in host.failures] == ["Bad"]
    assert "TypeError" in host.failures[0].error and "not a Check" in host.failures[0].error


@pytest.mark.parametrize(("hook", "args", "firstresult"), [
    ("register_checks", ["register"], False),
    ("register_brand_guides", ["register"], False),
    ("register_review_sinks", ["register"], False),
    ("adjust_finding", ["draft", "finding", "guide"], True),
    ("decide_route", ["draft", "findings", "guide"], True),
    ("review_decided", ["decision"], False),
    ("record_event", ["event"], False),
])
def test_hook_contract_is_pinned(hook, args, firstresult):
    spec = getattr(hookspecs, hook)
    assert list(inspect.signature(spec).parameters) == args
    opts = spec.copyguard_spec
    assert opts["firstresult"] is firstresult
    assert spec.__doc__, "every hook is documented"
