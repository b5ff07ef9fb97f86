r"""The LSTM made fast one step at a time: the variants between the teaching and fused versions.

Each variant keeps the interface of :func:`rnnbook.lstm_forward` /
:func:`rnnbook.lstm_backward` (same arrays in the book's ``(n, m, T_x)`` layout, same
gradient keys; no input validation) and adds one optimisation to the one before:

0. ``teaching``: :mod:`rnnbook`'s loop of cells, four products per gate set per step.
1. ``stacked gates``: the four gate matrices as one ``(4 n_a, n_a + n_x)`` matrix, so
   a step makes one product forward (:math:`W z`) and two backward
   (:math:`W^T dG` and :math:`dG z^T`).
2. ``+ input projection``: :math:`W_x x^{\langle t \rangle} + b` for every step in one
   product before the loop; each step keeps only :math:`W_a a^{\langle t-1 \rangle}`.
3. ``+ one weight-gradient product``: the backward loop keeps only
   :math:`W_a^T dG^{\langle t \rangle}`; :math:`dW`, :math:`db` and :math:`dx` are one
   product (or sum) each after the loop.
4. ``+ time-major layout, buffer reuse``: :mod:`rnnbook.fused`, whose arrays are
   ``(T_x, n, m)`` so every step, and every gate's block of rows in it, is contiguous,
   and whose loops write into buffers
   allocated once (it also folds the biases into the products and squashes all four
   gates with one ``tanh`` call).

:func:`ablation_table` times them side by side. The book imports this file with the
``benchmarks`` folder on ``sys.path``.
"""

import contextlib
from typing import NamedTuple

import numpy as np
from cases import (
    SIZES,
    interleaved_times,
    largest_difference,
    make_problem,
    numpy_runner,
)

import rnnbook
from rnnbook import fused
from rnnbook.activations import sigmoid, softmax
from rnnbook.gates import (
    candidate_grad,
    cell_state_grad,
    forget_gate_grad,
    output_gate_grad,
    prev_cell_state_grad,
    update_gate_grad,
)

COURSE_ORDER = "fico"  # the stacking order of variants 1-3: the course's key order


class AblationCache(NamedTuple):
    """What the backward variants need: the stacked weights and every step's values."""

    x: np.ndarray  #: (n_x, m, T_x)
    a0: np.ndarray  #: (n_a, m)
    a: np.ndarray  #: (n_a, m, T_x)
    c: np.ndarray  #: (n_a, m, T_x)
    gates: list  #: per step, (f, i, cc, o), each (n_a, m)
    w: np.ndarray  #: (4 n_a, n_a + n_x), gates in COURSE_ORDER
    b: np.ndarray  #: (4 n_a, 1)


def stack_gates(parameters):
    """``W`` (4 n_a, n_a + n_x) and ``b`` (4 n_a, 1): the four gates on top of each other."""
    w = np.concatenate([parameters["W" + g] for g in COURSE_ORDER])
    b = np.concatenate([parameters["b" + g] for g in COURSE_ORDER])
    return w, b


def squash(g):
    """Split stacked pre-activations (4 n_a, m) and apply each gate's function."""
    f, i, cc, o = np.split(g, 4)
    return sigmoid(f), sigmoid(i), np.tanh(cc), sigmoid(o)


def _run_steps(pre_activation, x, a0, parameters):
    """The forward loop shared by variants 1 and 2; ``pre_activation(t, a_prev)`` gives G."""
    (_, m, T_x), n_a = x.shape, a0.shape[0]
    dtype = np.result_type(x, a0, *parameters.values())
    a, c = np.zeros((n_a, m, T_x), dtype), np.zeros((n_a, m, T_x), dtype)
    y = np.zeros((parameters["Wy"].shape[0], m, T_x), dtype)
    a_prev, c_prev, gates = a0, np.zeros((n_a, m), dtype), []
    for t in range(T_x):
        f, i, cc, o = squash(pre_activation(t, a_prev))
        c_prev = f * c_prev + i * cc
        a_prev = o * np.tanh(c_prev)
        a[:, :, t], c[:, :, t], gates = a_prev, c_prev, gates + [(f, i, cc, o)]
        y[:, :, t] = softmax(parameters["Wy"] @ a_prev + parameters["by"])
    return a, y, c, gates


def stacked_forward(x, a0, parameters):
    """Variant 1: one product per step with the stacked gates."""
    w, b = stack_gates(parameters)

    def pre_activation(t, a_prev):
        return w @ np.concatenate([a_prev, x[:, :, t]]) + b  # (4 n_a, m)

    a, y, c, gates = _run_steps(pre_activation, x, a0, parameters)
    return a, y, c, AblationCache(x, a0, a, c, gates, w, b)


def projected_forward(x, a0, parameters):
    """Variant 2: the input half of every step's product done at once, before the loop."""
    w, b = stack_gates(parameters)
    (n_x, m, T_x), n_a = x.shape, a0.shape[0]
    projected = (w[:, n_a:] @ x.reshape(n_x, m * T_x)).reshape(-1, m, T_x) + b[:, :, None]
    w_a = w[:, :n_a]

    def pre_activation(t, a_prev):
        return w_a @ a_prev + projected[:, :, t]

    a, y, c, gates = _run_steps(pre_activation, x, a0, parameters)
    return a, y, c, AblationCache(x, a0, a, c, gates, w, b)


def _gate_gradients(da_next, dc_next, cache, t):
    """dG (4 n_a, m) of step t and the total dc, from :mod:`rnnbook.gates`."""
    f, i, cc, o = cache.gates[t]
    c_next = cache.c[:, :, t]
    c_prev = cache.c[:, :, t - 1] if t > 0 else np.zeros_like(c_next)
    dc = cell_state_grad(da_next, dc_next, c_next, o)
    dg = np.concatenate([forget_gate_grad(dc, c_prev, f), update_gate_grad(dc, i, cc),
                         candidate_grad(dc, i, cc), output_gate_grad(da_next, c_next, o)])
    return dg, prev_cell_state_grad(dc, f)


def _as_gradients(dx, da0, dw, db):
    n_a = da0.shape[0]
    gradients = {"dx": dx, "da0": da0}
    for k, g in enumerate(COURSE_ORDER):
        gradients["dW" + g] = dw[k * n_a : (k + 1) * n_a]
        gradients["db" + g] = db[k * n_a : (k + 1) * n_a]
    return {key: gradients[key] for key in ["dx", "da0"] + [p + g for g in "fico" for p in ("dW", "db")]}


def stacked_backward(da, cache):
    """Variants 1 and 2: per step, one product for dz and one for dW."""
    (n_a, m, T_x), n_x = da.shape, cache.x.shape[0]
    dtype = np.result_type(da, cache.a)
    dx, dw, db = np.zeros((n_x, m, T_x), dtype), np.zeros_like(cache.w), np.zeros_like(cache.b)
    da_prev, dc_prev = np.zeros((n_a, m), dtype), np.zeros((n_a, m), dtype)
    for t in reversed(range(T_x)):
        dg, dc_prev = _gate_gradients(da[:, :, t] + da_prev, dc_prev, cache, t)
        a_prev = cache.a[:, :, t - 1] if t > 0 else cache.a0
        dz = cache.w.T @ dg  # (n_a + n_x, m)
        dw += dg @ np.concatenate([a_prev, cache.x[:, :, t]]).T
        db += dg.sum(axis=1, keepdims=True)
        dx[:, :, t], da_prev = dz[n_a:], dz[:n_a]
    return _as_gradients(dx, da_prev, dw, db)


def hoisted_backward(da, cache):
    """Variant 3: only W_a^T dG in the loop; dW, db and dx as one product each after it."""
    (n_a, m, T_x), n_x = da.shape, cache.x.shape[0]
    dtype = np.result_type(da, cache.a)
    dg = np.zeros((4 * n_a, m, T_x), dtype)
    da_prev, dc_prev, w_a = np.zeros((n_a, m), dtype), np.zeros((n_a, m), dtype), cache.w[:, :n_a]
    for t in reversed(range(T_x)):
        dg[:, :, t], dc_prev = _gate_gradients(da[:, :, t] + da_prev, dc_prev, cache, t)
        da_prev = w_a.T @ dg[:, :, t]
    a_prev = np.concatenate([cache.a0[:, :, None], cache.a[:, :, : T_x - 1]], axis=2)
    z = np.concatenate([a_prev, cache.x[:, :, :T_x]])  # (n_a + n_x, m, T_x)
    dg2 = dg.reshape(4 * n_a, m * T_x)
    dw = dg2 @ z.reshape(n_a + n_x, m * T_x).T
    dx = (cache.w[:, n_a:].T @ dg2).reshape(n_x, m, T_x)
    return _as_gradients(dx, da_prev, dw, dg2.sum(axis=1, keepdims=True))


class _Module:
    """Forward and backward under the names :func:`cases.numpy_runner` looks up."""

    def __init__(self, forward, backward):
        self.lstm_forward, self.lstm_backward = forward, backward


VARIANTS = [
    ("teaching", "loop of cells, as in the course", rnnbook),
    ("stacked gates", "one product per step for the four gates",
     _Module(stacked_forward, stacked_backward)),
    ("+ input projection", "W_x x for all steps in one product before the loop",
     _Module(projected_forward, stacked_backward)),
    ("+ one weight-gradient product", "dW, db, dx in one product each after the loop",
     _Module(projected_forward, hoisted_backward)),
    ("+ time-major layout, buffer reuse", "rnnbook.fused", fused),
]


def blas_threads(threads):
    """Limit numpy's BLAS to ``threads`` threads when threadpoolctl is installed.

    Without a limit, OpenBLAS splits even small products over every core, and on a
    busy machine a product can wait milliseconds for a thread that is not running.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def ablation_table(sizes=("tiny", "small"), repeats=7, dtype=np.float64, seed=0, threads=1,
                   clock="cpu"):
    """Time forward + backward of every variant of the LSTM, interleaved, per size.

    Parameters
    ----------
    sizes : sequence of str
        Keys of :data:`cases.SIZES` ("tiny", "small", "medium", "large").
    repeats : int
        Timed rounds; each variant runs once per round, in rotating order.
    dtype : numpy dtype
    seed : int
    threads : int
        BLAS threads (needs threadpoolctl; otherwise numpy's default is used).
    clock : {"cpu", "wall"}
        Which time to report: this process's CPU time (the default: with one
        thread it is the wall-clock time minus what other processes took from a
        shared machine) or wall-clock time.

    Returns
    -------
    list of dict
        One row per (size, variant): ``size``, ``variant``, ``description``,
        ``median_s`` (of ``clock``), ``speedup`` (teaching / variant), ``step_speedup``
        (previous variant / variant) and ``max_relative_difference`` from the teaching
        version's results (a check that every variant computes the same thing).

    Examples
    --------
    >>> rows = ablation_table(sizes=("tiny",), repeats=1)
    >>> [row["variant"] for row in rows][:2]
    ['teaching', 'stacked gates']
    >>> max(row["max_relative_difference"] for row in rows) < 1e-12
    True
    """
    rows = []
    for size in sizes:
        problem = make_problem("lstm", size, dtype, seed)
        runners = {name: numpy_runner(module, "lstm", problem) for name, _, module in VARIANTS}
        with blas_threads(threads):
            results = {name: run() for name, run in runners.items()}  # warm-up and check
            times = interleaved_times(runners, repeats)
        previous = None
        for name, description, _ in VARIANTS:
            median = float(np.median(times[name][clock]))
            teaching = float(np.median(times["teaching"][clock]))
            rows.append({"size": size, "dims": dict(SIZES[size]), "variant": name,
                         "description": description, "median_s": median,
                         "speedup": teaching / median,
                         "step_speedup": 1.0 if previous is None else previous / median,
                         "max_relative_difference":
                             largest_difference(results[name], results["teaching"])})
            previous = median
    return rows


def format_table(rows):
    """The rows as aligned text, one line per variant."""
    lines = [f"{'size':<7}{'variant':<36}{'time':>11}{'vs teaching':>13}{'vs previous':>13}"]
    for row in rows:
        lines.append(f"{row['size']:<7}{row['variant']:<36}{row['median_s'] * 1e3:9.2f} ms"
                     f"{row['speedup']:12.2f}x{row['step_speedup']:12.2f}x")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    chosen = sys.argv[1:] or ["tiny", "small"]
    print(format_table(ablation_table(sizes=chosen)))
