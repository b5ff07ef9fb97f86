"""Benchmark problems, implementations and timing, shared by run.py and ablation.py.

Every implementation is a zero-argument callable that runs one forward and one
backward pass on a fixed problem and returns ``(outputs, gradients)``.
"""

import gc
import time
import tracemalloc

import numpy as np

import rnnbook
from rnnbook import fused

SIZES = {
    "tiny": {"n_x": 3, "n_a": 5, "m": 10, "T_x": 4},  # the course's test size
    "small": {"n_x": 32, "n_a": 64, "m": 32, "T_x": 50},
    "medium": {"n_x": 128, "n_a": 256, "m": 64, "T_x": 100},
    "large": {"n_x": 256, "n_a": 512, "m": 128, "T_x": 100},
}
N_Y = 2  # output classes, as in the course: the softmax layer is a small part of the work
GATES = {"rnn": 1, "lstm": 4}


def make_problem(model, size, dtype, seed=0):
    """Inputs of one case: x, a0, parameters and the upstream gradient da, all in ``dtype``.

    Weights are drawn with standard deviation 1/sqrt(n_a + n_x), as a real
    initialisation would, so the gates are neither saturated nor linear.
    """
    n_x, n_a, m, T_x = (SIZES[size][k] for k in ("n_x", "n_a", "m", "T_x"))
    rng = np.random.default_rng(seed)

    def draw(*shape, scale=1.0):
        return (scale * rng.standard_normal(shape)).astype(dtype)

    scale = 1 / np.sqrt(n_a + n_x)
    if model == "rnn":
        parameters = {"Wax": draw(n_a, n_x, scale=scale), "Waa": draw(n_a, n_a, scale=scale),
                      "ba": draw(n_a, 1, scale=0.1)}
        parameters.update(Wya=draw(N_Y, n_a, scale=scale), by=draw(N_Y, 1, scale=0.1))
    else:
        parameters = {}
        for gate in "fico":
            parameters["W" + gate] = draw(n_a, n_a + n_x, scale=scale)
            parameters["b" + gate] = draw(n_a, 1, scale=0.1)
        parameters.update(Wy=draw(N_Y, n_a, scale=scale), by=draw(N_Y, 1, scale=0.1))
    return {"x": draw(n_x, m, T_x), "a0": draw(n_a, m, scale=0.1),
            "parameters": parameters, "da": draw(n_a, m, T_x)}


def flop_count(model, size):
    """Floating-point operations of the matrix products of one forward + backward.

    Forward gates, backward input gradients and backward weight gradients each cost
    ``2 G n_a (n_a + n_x) m T_x`` (G = 4 gates for the LSTM, 1 for the RNN), plus the
    forward output layer. Element-wise work is not counted: this is the usual nominal
    count against which a GEMM rate is compared.
    """
    n_x, n_a, m, T_x = (SIZES[size][k] for k in ("n_x", "n_a", "m", "T_x"))
    return 2 * m * T_x * (3 * GATES[model] * n_a * (n_a + n_x) + N_Y * n_a)


def numpy_runner(module, model, problem):
    """Forward + backward with ``module``'s functions (``rnnbook`` or ``rnnbook.fused``)."""
    forward = getattr(module, model + "_forward")
    backward = getattr(module, model + "_backward")
    x, a0, parameters, da = (problem[k] for k in ("x", "a0", "parameters", "da"))

    def run():
        *outputs, caches = forward(x, a0, parameters)
        return outputs, backward(da, caches)

    return run


def teaching_runner(model, problem):
    return numpy_runner(rnnbook, model, problem)


def fused_runner(model, problem):
    return numpy_runner(fused, model, problem)


def square_product_runner(dtype, n):
    """One ``n x n`` by ``n x n`` product into a preallocated array: the GEMM reference."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    out = np.empty((n, n), dtype=dtype)

    def run():
        np.matmul(a, b, out=out)
        return out

    return run


def interleaved_times(runners, repeats):
    """Time each runner ``repeats`` times, taking turns (the order rotates every round).

    Returns ``{name: {"wall": [...], "cpu": [...]}}`` in seconds: wall-clock time and
    this process's CPU time (which, with one thread, leaves out the time other
    processes took on a shared machine). The garbage collector is paused meanwhile.
    """
    names = list(runners)
    times = {name: {"wall": [], "cpu": []} for name in names}
    gc.collect()
    gc.disable()
    try:
        for round_ in range(repeats):
            for name in names[round_ % len(names):] + names[: round_ % len(names)]:
                wall, cpu = time.perf_counter(), time.process_time()
                runners[name]()
                times[name]["cpu"].append(time.process_time() - cpu)
                times[name]["wall"].append(time.perf_counter() - wall)
    finally:
        gc.enable()
    return times


def peak_memory(run):
    """Peak bytes numpy allocates during ``run()`` (tracemalloc sees numpy's buffers)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def relative_difference(fast, reference):
    """max |fast - reference| / max |reference| in float64."""
    fast, reference = np.asarray(fast, np.float64), np.asarray(reference, np.float64)
    scale = np.abs(reference).max(initial=0.0)
    difference = np.abs(fast - reference).max(initial=0.0)
    return float(difference / scale) if scale > 0 else float(difference)


def largest_difference(result, reference, keys=None):
    """Largest relative difference over the outputs and gradients two runners returned."""
    (outputs, grads), (ref_outputs, ref_grads) = result, reference
    keys = ref_grads.keys() if keys is None else keys
    pairs = [*zip(outputs, ref_outputs), *((grads[k], ref_grads[k]) for k in keys)]
    return max(relative_difference(a, b) for a, b in pairs)


def products_runner(model, problem):
    """Only the matrix products of ``rnnbook.fused``, with the same shapes and layouts.

    A floor for the fused version: the same BLAS calls it makes (input projection,
    one recurrent product per step forward and backward, output layer, and per
    backward block one weight-gradient and one input-gradient product) on arrays
    laid out as it lays them out, with no element-wise work, no layout conversion
    and no allocation inside the timing. What the fused version takes beyond this is
    the price of doing the rest in separate numpy calls.
    """
    x, a0 = problem["x"], problem["a0"]
    (n_x, m, T_x), n_a, dtype = x.shape, a0.shape[0], x.dtype
    k = GATES[model] * n_a  # rows of the stacked weights
    rng = np.random.default_rng(2)

    def draw(*shape):
        return (0.1 * rng.standard_normal(shape)).astype(dtype)

    w, wy = draw(k, n_a + n_x + 1), draw(N_Y, n_a)
    z, gates = draw(T_x + 1, m, n_a + n_x + 1), np.empty((T_x, m, k), dtype=dtype)
    wa_t, step_out = np.ascontiguousarray(w[:, :n_a].T), np.empty((m, k), dtype=dtype)
    wa, wx = w[:, :n_a], w[:, n_a:-1]  # views, as the fused backward reads them
    width = k + (1 if model == "rnn" else 2) * n_a + n_x  # the fused backward's buffers
    size, blocks = fused._blocks(T_x, m * width * np.dtype(dtype).itemsize)
    dg, da_next = draw(size, m, k), np.empty((m, n_a), dtype=dtype)
    dx_rows = np.empty((size * m, n_x), dtype=dtype)

    def run():
        inputs = z[:-1, :, n_a:].reshape(T_x * m, n_x + 1)
        np.matmul(inputs, w[:, n_a:].T, out=gates.reshape(T_x * m, k))
        for t in range(T_x):
            np.matmul(z[t, :, :n_a], wa_t, out=step_out)
        z[1:, :, :n_a].reshape(T_x * m, n_a) @ wy.T
        dw = np.zeros_like(w)
        for t0, t1 in blocks:
            for t in range(t1 - t0):
                np.matmul(dg[t], wa, out=da_next)
            rows = dg[: t1 - t0].reshape(-1, k)
            dw += rows.T @ z[t0:t1].reshape(-1, n_a + n_x + 1)
            np.matmul(rows, wx, out=dx_rows[: rows.shape[0]])
        return dw

    return run
