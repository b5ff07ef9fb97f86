"""Time one forward + backward pass of the teaching, fused and PyTorch RNN and LSTM.

Run on demand (it is not part of the test suite), from the repository root::

    .venv/bin/python benchmarks/run.py --out benchmarks/results.json

See benchmarks/README.md for what is measured and how to read the results.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time

import numpy as np
import torch_runner
from cases import (
    SIZES,
    flop_count,
    fused_runner,
    interleaved_times,
    largest_difference,
    make_problem,
    peak_memory,
    products_runner,
    square_product_runner,
    teaching_runner,
)
from machine import describe, openblas_kernels
from targets import evaluate, format_rows


def blas_threads(threads):
    """Limit numpy's BLAS to ``threads`` threads (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def build_runners(model, problem, threads, use_torch):
    runners = {"teaching": teaching_runner(model, problem), "fused": fused_runner(model, problem),
               "products": products_runner(model, problem)}
    if use_torch:
        runners["torch"] = torch_runner.torch_runner(model, problem, threads)
    return runners


def check_and_warm(runners):
    """Run each implementation once: warm-up, first timing, and agreement of results."""
    first, seconds = {}, {}
    for name, run in runners.items():
        start = time.perf_counter()
        first[name] = run()
        seconds[name] = time.perf_counter() - start
    checks = {"fused_vs_teaching": largest_difference(first["fused"], first["teaching"])}
    if "torch" in first:
        checks["fused_vs_torch"] = largest_difference(first["fused"], first["torch"],
                                                      keys=("dx", "da0"))
    return checks, seconds


def summarise(times, flops, gemm_flops):
    """Medians, ratios, GFLOP/s and the fused version's fraction of the GEMM rate."""
    summary = {}
    for clock in ("wall", "cpu"):
        summary[f"min_{clock}_s"] = {name: min(t[clock]) for name, t in times.items()}
        summary[f"quartiles_{clock}_s"] = {
            name: statistics.quantiles(t[clock], n=4)[::2] for name, t in times.items()}
        median = {name: statistics.median(t[clock]) for name, t in times.items()}
        ratios = {f"{mine}/{other}": median[mine] / median[other]
                  for mine, other in (("fused", "teaching"), ("fused", "torch"),
                                      ("fused", "products"), ("products", "fused"),
                                      ("products", "torch"))
                  if other in median}
        gemm_rate = gemm_flops / median.pop("gemm")
        rates = {name: flops / seconds for name, seconds in median.items()}
        summary.update({f"median_{clock}_s": median, f"ratios_{clock}": ratios,
                        f"gflops_{clock}": {k: v / 1e9 for k, v in rates.items()},
                        f"gemm_gflops_{clock}": gemm_rate / 1e9,
                        f"fused_fraction_of_gemm_{clock}": rates["fused"] / gemm_rate})
    return summary


def run_case(model, size, dtype, threads, args):
    problem = make_problem(model, size, dtype)
    use_torch = not args.no_torch and torch_runner.available() is not None
    load_before = os.getloadavg()
    with blas_threads(threads):
        runners = build_runners(model, problem, threads, use_torch)
        checks, warm = check_and_warm(runners)
        affordable = int(args.budget / sum(warm.values()))
        repeats = max(args.repeats, min(args.max_repeats, affordable))
        runners["gemm"] = square_product_runner(dtype, args.gemm_size)
        times = interleaved_times(runners, repeats)
        memory = {name: peak_memory(runners[name]) for name in ("teaching", "fused")}
    result = {"model": model, "size": size, "dims": {**SIZES[size], "n_y": 2},
              "dtype": np.dtype(dtype).name, "threads": threads, "repeats": repeats,
              "flops": flop_count(model, size), "gemm_size": args.gemm_size,
              "max_relative_difference": checks, "peak_memory_bytes": memory,
              "loadavg_before": load_before, "loadavg_after": os.getloadavg()}
    gemm_flops = 2 * args.gemm_size**3
    result.update(summarise(times, result["flops"], gemm_flops))
    return result


def describe_result(r):
    median, ratios = r["median_wall_s"], r["ratios_wall"]
    times = " ".join(f"{name} {seconds * 1e3:9.2f} ms" for name, seconds in median.items())
    shown = " ".join(f"{name} {value:5.2f}" for name, value in ratios.items())
    memory = r["peak_memory_bytes"]
    return (f"{r['model']:<4} {r['size']:<6} {r['dtype']:<7} {r['threads']}t x{r['repeats']:<2} "
            f"{times} | {shown} | fused {r['gflops_wall']['fused']:6.1f} GF/s = "
            f"{r['fused_fraction_of_gemm_wall']:.2f} of GEMM {r['gemm_gflops_wall']:.1f} | "
            f"peak MB teaching {memory['teaching'] / 1e6:.1f} fused {memory['fused'] / 1e6:.1f} | "
            f"max diff {max(r['max_relative_difference'].values()):.1e} | "
            f"load {r['loadavg_before'][0]:.1f}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    def listed(text):
        return [item for item in text.split(",") if item]

    parser.add_argument("--sizes", type=listed, default=list(SIZES))
    parser.add_argument("--dtypes", type=listed, default=["float32", "float64"])
    parser.add_argument("--threads", type=lambda t: [int(n) for n in listed(t)], default=[1, 2])
    parser.add_argument("--models", type=listed, default=["rnn", "lstm"])
    parser.add_argument("--repeats", type=int, default=7,
                        help="timed rounds per case (at least; fast cases get more)")
    parser.add_argument("--max-repeats", type=int, default=200)
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per case that fast cases may fill with extra rounds")
    parser.add_argument("--gemm-size", type=int, default=2048,
                        help="n of the n x n GEMM whose FLOP rate is the reference")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if importable")
    parser.add_argument("--out", default=None, help="write the results as JSON to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    machine = describe()
    print(f"{machine['cpu']}, {machine['usable_cpus']} CPUs; numpy {machine['numpy']}, "
          f"torch {machine['torch']}")
    for line in openblas_kernels(machine["blas"]):
        print("BLAS:", line)
    for warning in machine["warnings"]:
        print("WARNING:", warning, file=sys.stderr)
    results = []
    for threads in args.threads:
        for dtype in args.dtypes:
            for size in args.sizes:
                for model in args.models:
                    results.append(run_case(model, size, np.dtype(dtype).type, threads, args))
                    print(describe_result(results[-1]), flush=True)
    rows = evaluate(results)
    print("\nTargets (1 BLAS thread):\n" + format_rows(rows))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as file:
            json.dump({"machine": machine, "settings": vars(args), "results": results,
                       "targets": rows}, file, indent=1)
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
