"""Worker-process batches: same verdicts, same order, errors per item."""

import pickle

from copyguard import InputError, Route, UnknownBrandError
from copyguard.batch import check_stream
from copyguard.io import coerce_draft
from tests.helpers import HEURISTIC_PLUGINS, isolated_guard


def test_results_cross_process_boundaries_intact():
    verdict = isolated_guard().check(coerce_draft(
        "Hi", recipient={"profile": {"first_name": "A"}, "consents": ["personalization"]}))
    assert pickle.loads(pickle.dumps(verdict)) == verdict
    error = InputError("bad", source="in.jsonl", line=3, field="text")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.line == 3
    brand = pickle.loads(pickle.dumps(UnknownBrandError("x", ["a"])))
    assert brand.known == ["a"]


def test_worker_processes_keep_order_and_report_errors_per_item(tmp_path):
    guard = isolated_guard()  # config travels to the workers; no plugin objects
    guard.config["disabled_plugins"] = list(HEURISTIC_PLUGINS)
    guard.config["load_entrypoints"] = False
    items = [{"id": str(i), "text": f"draft {i}"} for i in range(40)]
    items[7] = {"id": "7", "text": "hi", "brand": "nope"}
    items[20] = InputError("broken line", line=21)
    results = list(check_stream(guard, iter(items), workers=2, chunksize=4))
    assert len(results) == 40
    assert isinstance(results[7], UnknownBrandError)
    assert isinstance(results[20], InputError) and results[20].line == 21
    ok = [r for i, r in enumerate(results) if i not in (7, 20)]
    assert [r.draft.id for r in ok] == [str(i) for i in range(40) if i not in (7, 20)]
    assert all(r.route is Route.PASS for r in ok)
