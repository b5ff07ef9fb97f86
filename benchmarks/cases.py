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

    A floor for the fused version: the same BLAS calls it makes (one input-projection
    product per forward block, one recurrent product per step forward and backward,
    the output layer, and per backward block two weight-gradient products and one
    input-gradient product) on
    arrays laid out as it lays them out, with no element-wise work, no layout
    conversion and no allocation inside the timing. (Slicing the first columns of a
    block's row buffers, as here, gives the same strides as the fused version's own
    buffers only when the block is full; the last block may be shorter.) What the
    fused version takes beyond this is the price of doing the rest in separate numpy
    calls.
    """
    x, a0 = problem["x"], problem["a0"]
    (n_x, m, T_x), n_a, dtype = x.shape, a0.shape[0], x.dtype
    k = GATES[model] * n_a  # rows of the stacked weights
    rng = np.random.default_rng(2)

    def draw(*shape):
        return (0.1 * rng.standard_normal(shape)).astype(dtype)

    w, wy = draw(k, n_a + n_x + 1), draw(N_Y, n_a)
    h, x1 = draw(T_x + 1, n_a, m), draw(n_x + 1, T_x, m)
    itemsize = np.dtype(dtype).itemsize
    projection_size, projection_blocks = fused._blocks(T_x, k * m * itemsize)
    wide, step_out = np.empty((k, projection_size * m), dtype=dtype), np.empty((k, m), dtype=dtype)
    wa, wx1 = w[:, :n_a], w[:, n_a:]  # views, as the fused version reads them
    wa_t, wx_t = w[:, :n_a].T, w[:, n_a:-1].T
    widths = fused._backward_widths(model, n_a, n_x)  # its backward blocks, same length
    size, blocks = fused._blocks(T_x, m * sum(widths) * itemsize)
    dg, da_next = draw(size, k, m), np.empty((n_a, m), dtype=dtype)
    dg_rows, h_rows = draw(k, size * m), draw(n_a, size * m)
    dx_rows = np.empty((n_x, size * m), dtype=dtype)

    def run():
        for t0, t1 in projection_blocks:
            columns = (t1 - t0) * m
            np.matmul(wx1, x1[:, t0:t1].reshape(-1, columns), out=wide[:, :columns])
        for t in range(T_x):
            np.matmul(wa, h[t], out=step_out)
        np.matmul(wy, h[1:])
        dw = np.zeros_like(w)
        for t0, t1 in blocks:
            for t in range(t1 - t0):
                np.matmul(wa_t, dg[t], out=da_next)
            columns = (t1 - t0) * m
            dw[:, :n_a] += dg_rows[:, :columns] @ h_rows[:, :columns].T
            dw[:, n_a:] += dg_rows[:, :columns] @ x1[:, t0:t1].reshape(-1, columns).T
            np.matmul(wx_t, dg_rows[:, :columns], out=dx_rows[:, :columns])
        return dw

    return run
