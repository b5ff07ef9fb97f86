"""Benchmark problems, implementations and timing, for run.py and ablation.py.

The problems, the timing in turns and the comparison of results come from the
package (:mod:`rnnbook.ablation`), which the book's "Making it fast" chapter uses
too. Every implementation is a zero-argument callable that runs one forward and one
backward pass on a fixed problem and returns ``(outputs, gradients)``.
"""

import gc
import tracemalloc

import numpy as np

import rnnbook
from rnnbook import fused
from rnnbook.ablation import (  # noqa: F401 - re-exported for run.py and ablation.py
    N_Y,
    SIZES,
    interleaved_times,
    largest_difference,
    make_problem,
    runner,
)

GATES = {"rnn": 1, "lstm": 4}


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
    return runner(getattr(module, model + "_forward"), getattr(module, model + "_backward"),
                  problem)


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
    projection_size, projection_blocks = fused.step_blocks(T_x, k * m * itemsize)
    wide, step_out = np.empty((k, projection_size * m), dtype=dtype), np.empty((k, m), dtype=dtype)
    wa, wx1 = w[:, :n_a], w[:, n_a:]  # views, as the fused version reads them
    wa_t, wx_t = w[:, :n_a].T, w[:, n_a:-1].T
    widths = fused.backward_widths(model, n_a, n_x)  # its backward blocks, same length
    size, blocks = fused.step_blocks(T_x, m * sum(widths) * itemsize)
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
