"""docs/notebook.ipynb runs top to bottom, offline, in a kernel on this interpreter."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

KERNEL = "copyguard-test"
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: any download attempt fails at once


def kernel_spec(root: Path) -> None:
    """A kernelspec for this very interpreter, so CI needs no registered kernel."""
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "copyguard (test interpreter)", "language": "python"}))


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_offline(repo_root: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    kernel_spec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(variable, DEAD_PROXY)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("COPYGUARD_REVIEW_URL", f"sqlite:///{tmp_path / 'review.sqlite3'}")
    path = repo_root / "docs" / "notebook.ipynb"
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=300,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError with the cell and traceback on any failure

    outputs = [output for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("class='copyguard-verdict'" in page for page in html)
    assert any("class='copyguard-guarded'" in page for page in html)
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "review: pending_review" in text and "raised: copy for draft" in text
