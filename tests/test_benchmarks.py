"""The benchmark scripts (``benchmarks/``, run on demand) and their committed results.

The scripts import the package; these tests import the scripts from their folder.
They time nothing: they check what the benchmark would compare and how its targets
are judged, and that the verdicts committed in ``benchmarks/results.json`` are the
ones ``benchmarks/targets.py`` gives for the results in the same file.
"""

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnbook import fused

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
RESULTS = json.loads((BENCHMARKS / "results.json").read_text(encoding="utf-8"))


@pytest.fixture
def scripts(monkeypatch):
    """A function importing a script of ``benchmarks/`` by its module name."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))

    def load(name):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


def fake_result(model, size, dtype, fused_ms, products_ms, torch_ms=None, teaching_ms=100.0):
    """A result of run.py with the given medians (the same on both clocks)."""
    median = {"teaching": teaching_ms / 1e3, "fused": fused_ms / 1e3,
              "products": products_ms / 1e3}
    if torch_ms is not None:
        median["torch"] = torch_ms / 1e3
    return {"model": model, "size": size, "dtype": dtype, "threads": 1,
            "median_wall_s": median, "median_cpu_s": dict(median),
            "fused_fraction_of_gemm_wall": 0.5, "fused_fraction_of_gemm_cpu": 0.5,
            "peak_memory_bytes": {"teaching": 2, "fused": 1}}


@pytest.mark.parametrize("model", ["rnn", "lstm"])
def test_benchmark_products_runner_makes_the_fused_versions_products(model, scripts):
    """The benchmark's products-only floor multiplies arrays of the fused version's shapes."""
    cases = scripts("cases")
    problem = cases.make_problem(model, "small", np.float32)
    n_x, n_a = cases.SIZES["small"]["n_x"], cases.SIZES["small"]["n_a"]
    dw = cases.products_runner(model, problem)()
    *_, caches = getattr(fused, model + "_forward")(problem["x"], problem["a0"],
                                                    problem["parameters"])
    assert dw.shape == caches.w.shape == (cases.GATES[model] * n_a, n_a + n_x + 1)
    assert dw.dtype == np.float32


def test_benchmark_targets_give_the_products_alone_floor(scripts):
    targets = scripts("targets")
    result = fake_result("lstm", "medium", "float32", fused_ms=120, products_ms=90,
                         torch_ms=100, teaching_ms=150)
    rows = {row["target"]: row for row in targets.evaluate([result])}
    torch_row = rows["fused/torch <= 1.0"]
    assert (torch_row["met_wall"], torch_row["floor_wall"]) == (False, pytest.approx(0.9))
    assert rows["fused/teaching <= 0.8"]["floor_wall"] is None
    assert "products alone  0.90" in targets.format_rows([torch_row])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("model", ["rnn", "lstm"])
@pytest.mark.parametrize("size", ["medium", "large"])
def test_the_fused_version_is_held_to_its_products_alone_floor(size, model, dtype, scripts):
    targets = scripts("targets")
    met = fake_result(model, size, dtype, fused_ms=124, products_ms=100)
    missed = fake_result(model, size, dtype, fused_ms=126, products_ms=100)
    (met_row,) = [r for r in targets.evaluate([met]) if r["target"].startswith("fused/products")]
    (missed_row,) = [r for r in targets.evaluate([missed])
                     if r["target"].startswith("fused/products")]
    assert met_row["target"] == "fused/products <= 1.25"
    assert (met_row["value_wall"], met_row["met_wall"], met_row["met_cpu"]) == (1.24, True, True)
    assert (missed_row["met_wall"], missed_row["met_cpu"]) == (False, False)


def test_no_floor_target_at_small_sizes_and_no_float64_target_against_torch(scripts):
    targets = scripts("targets")
    rows = targets.evaluate([fake_result("lstm", "large", "float64", 10, 5, torch_ms=1)])
    assert not [r for r in rows if r["target"].startswith("fused/torch")]
    assert [r["target"] for r in rows if r["target"].startswith("fused/products")] == [
        "fused/products <= 1.25"]
    for size in ("tiny", "small"):
        small = targets.evaluate([fake_result("lstm", size, "float32", 10, 5, torch_ms=1)])
        assert not [r for r in small if r["target"].startswith("fused/products")]


def test_a_result_without_torch_has_no_torch_target(scripts):
    targets = scripts("targets")
    rows = targets.evaluate([fake_result("rnn", "large", "float32", 10, 9)])
    assert not [r for r in rows if "torch" in r["target"]]


def test_the_committed_verdicts_are_those_of_targets_py(scripts):
    targets = scripts("targets")
    assert RESULTS["targets"] == targets.evaluate(RESULTS["results"])


def test_the_committed_results_judge_every_fused_products_case(scripts):
    judged = {(r["model"], r["size"], r["dtype"]) for r in RESULTS["targets"]
              if r["target"] == "fused/products <= 1.25"}
    assert judged == {(model, size, dtype) for model in ("rnn", "lstm")
                      for size in ("medium", "large") for dtype in ("float32", "float64")}


def test_reevaluating_a_results_file_rewrites_its_verdicts(scripts, tmp_path):
    targets = scripts("targets")
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"machine": {}, "results": [
        fake_result("lstm", "large", "float64", 130, 100)], "targets": []}))
    rows = targets.reevaluate(path)
    assert json.loads(path.read_text())["targets"] == rows
    assert any(r["target"] == "fused/products <= 1.25" and not r["met_wall"] for r in rows)
