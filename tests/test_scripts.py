"""The benchmark scripts run (quickly) and write their JSON, so they do not rot."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str, display: bool = False) -> subprocess.CompletedProcess:
    """Run scripts/<script> with `args`; it must succeed (its stderr is the message if not)."""
    if display and not os.environ.get("DISPLAY"):
        raise AssertionError("GUI tests need the Xvfb display that pytest-xvfb provides")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_bench_quick(tmp_path):
    out = tmp_path / "bench.json"
    result = _run("bench.py", "--quick", "--out", str(out))
    data = json.loads(out.read_text())
    assert len(data["grid"]) == 6 and all(r["hessian_ratio"] > 0 for r in data["grid"])
    assert "geometric mean" in result.stdout
    assert len(data["parameters"]) == 6 and all(r["tick_ratio"] > 0 for r in data["parameters"])
    assert [r["n"] for r in data["matrix"]] == [20, 50] and all(r["autodiff_ratio"] > 0 for r in data["matrix"])


def test_bench_data_quick(tmp_path):
    out = tmp_path / "bench_data.json"
    _run("bench_data.py", "--quick", "--out", str(out))
    data = json.loads(out.read_text())
    assert len(data["grid"]) == 2 and all(r["ratio"] > 0 for r in data["grid"])
    assert 0 < data["memory"]["peak_mb"] < data["memory"]["unblocked_temporary_mb"]
    assert [r["batch"] for r in data["sgd"]] == [8, 32, 128, 1000]
    assert all(r["ratio"] > 0 and r["paths_ratio"] > 0 and r["paths_full_loss_ratio"] > 0 for r in data["sgd"])


def test_bench_ui_quick(tmp_path):
    out = tmp_path / "bench_ui.json"
    _run("bench_ui.py", "--quick", "--out", str(out), display=True)
    data = json.loads(out.read_text())
    assert data["median_expression_change_ms"] > 0 and len(data["rows"]) == 6
    assert len(data["slider"]) == 6 and all(r["slider_tick_ms"] > 0 for r in data["slider"])
    assert data["network"]["after"]["steps"] == data["network"]["before"]["steps"] == 100


def test_bench_data_ui_quick(tmp_path):
    out = tmp_path / "bench_data_ui.json"
    _run("bench_data_ui.py", "--quick", "--out", str(out), display=True)
    data = json.loads(out.read_text())
    assert [r["rows"] for r in data["load"]] == [2000, 20000]
    assert all(r["worker"]["blocked_ms"] > 0 and r["inline"]["all_shown_ms"] > 0 for r in data["load"])
    assert data["probe_ms"] > 0 and data["play_tick_batch_ms"] > 0


def test_gallery_small(tmp_path):
    out = tmp_path / "gallery.png"
    result = _run("gallery.py", "--small", "--out", str(out), display=True)
    assert "26 functions" in result.stdout
    from PySide6 import QtGui

    image = QtGui.QImage(str(out))
    assert (image.width(), image.height()) == (4 * (2 * 180 + 12), 7 * (150 + 22 + 8))


def test_bench_network_quick(tmp_path):
    out = tmp_path / "bench_network.json"
    result = _run("bench_network.py", "--quick", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["calls"]["value_and_grad_ratio"] > 0 and data["calls"]["hvp_ratio"] > 0
    assert data["training"]["same_weights"] and data["training"]["ratio"] > 0
    assert all(r["relative_error"] < 1e-6 for r in data["eigen"])
    assert "Adam steps at batch 32" in result.stdout


def test_bench_landscape_quick(tmp_path):
    out = tmp_path / "bench_landscape.json"
    _run("bench_landscape.py", "--quick", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["in_process"]["ratio"] > 0 and len(data["growth"]) == 4
    assert data["cluster"]["same_values"] and data["cluster"]["ratio"] > 0
