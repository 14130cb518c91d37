"""The copyguard command: formats, batch streaming, per-line errors and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from copyguard.cli import main
from tests.helpers import HEURISTIC_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
LIGHT = {"COPYGUARD_DISABLE_PLUGINS": ",".join(HEURISTIC_PLUGINS)}


@pytest.fixture
def light(monkeypatch):
    """Only routing and a word check from this module: fast and independent of heuristics."""
    for key, value in LIGHT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def test_batch_writes_one_line_per_input_line_in_order_and_goes_on_after_errors(
        light, tmp_path, capsys):
    path = write(tmp_path, "in.jsonl", [
        json.dumps({"id": "a", "text": "Hello"}) + "\n",
        "{broken\n",
        "\n",
        json.dumps({"id": "c", "text": "x", "channel": "fax"}) + "\n",
        json.dumps({"id": "d", "text": "Hi", "brand": "nope"}) + "\n",
        json.dumps({"id": "e", "text": "Bye"}) + "\n",
    ])
    code = main(["check", "--batch", path, "--brand-dir", str(tmp_path)])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["a", None, None, "d", "e"]
    assert out[0]["route"] == "pass" and out[4]["route"] == "pass"
    assert out[1]["line"] == 2 and "invalid JSON" in out[1]["error"]
    assert out[2]["line"] == 4 and out[2]["field"] == "channel"
    assert f"{path}:4" in out[2]["error"]
    assert out[3]["line"] == 5 and "unknown brand 'nope'" in out[3]["error"]
    assert code == 2


def test_exit_codes_distinguish_pass_flagged_and_input_errors(light, tmp_path, capsys):
    clean = write(tmp_path, "clean.json", [json.dumps({"text": "Hello"})])
    assert main(["check", clean, "--format", "json"]) == 0
    missing = str(tmp_path / "missing.json")
    assert main(["check", missing]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_flagged_draft_exits_1_and_text_output_marks_spans(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COPYGUARD_LOAD_PLUGINS", "")
    draft = write(tmp_path, "d.json", [json.dumps({
        "id": "t1", "text": "Hi Maria, write to maria@example.com today.",
        "recipient": {"profile": {"first_name": "Maria", "email": "maria@example.com"}}})])
    code = main(["check", draft, "--format", "text"])
    out = capsys.readouterr().out
    assert code == 1
    assert "t1:" in out and "{Maria}" in out
    assert "[[maria@example.com]]^1" in out or "[[{maria@example.com}]]" in out or \
        "{[[maria@example.com]]^1}" in out


def test_batch_streams_output_before_input_ends():
    env = {**os.environ, **LIGHT, "COPYGUARD_LOAD_PLUGINS": ""}
    proc = subprocess.Popen([sys.executable, "-m", "copyguard.cli", "check", "--batch", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write(json.dumps({"id": "first", "text": "Hello"}) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # arrives while stdin is still open
        assert first["id"] == "first" and first["route"] == "pass"
        proc.stdin.write(json.dumps({"id": "second", "text": "Bye"}) + "\n")
        proc.stdin.close()
        assert json.loads(proc.stdout.readline())["id"] == "second"
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait(timeout=30)


def test_plugins_and_brands_listings(light, capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "copyguard.default_plugins.routing" in out
    assert main(["brands", "--brand-dir", str(ROOT / "brand_guides")]) in (0, 2)


def test_console_script_is_installed_and_checks_the_shipped_fixtures():
    result = subprocess.run(["copyguard", "check", "--batch", str(ROOT / "fixtures/drafts.jsonl"),
                             "--quiet"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PATH": f"{Path(sys.executable).parent}:"
                                                        f"{os.environ['PATH']}"})
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    inputs = [ln for ln in (ROOT / "fixtures/drafts.jsonl").read_text().splitlines() if ln.strip()]
    assert len(lines) == len(inputs)
    assert result.returncode == 2  # the fixtures include two malformed lines on purpose
    errors = [o for o in lines if "error" in o]
    assert [o["line"] for o in errors] == [11, 12]
    assert all(o["route"] in {"pass", "revise", "review", "block"} for o in lines
               if "error" not in o)
