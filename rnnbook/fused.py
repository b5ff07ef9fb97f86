r"""Fused RNN, LSTM and GRU: the sequence functions again, rearranged to run fast.

Same interface as :mod:`rnnbook.sequence`, :mod:`rnnbook.backward` and
:mod:`rnnbook.gru`: the same arguments, the same returned arrays and gradient
dictionaries, the same errors. Only the caches differ (:class:`FusedRNNCache`,
:class:`FusedLSTMCache`, :class:`FusedGRUCache`), and the returned hidden and cell
states are read-only views of them.

What changes inside, each step worth its own measurement in the book:

* **stacked gates**: the LSTM's four gate matrices are one ``(4 n_a, ...)`` matrix,
  so a step makes one product instead of four; the GRU's three make two products,
  since its candidate reads :math:`\Gamma_r \odot a^{\langle t-1 \rangle}`, which
  exists only after the first;
* **one input projection**: with the layers' weights stacked,
  :math:`W_G = [W_{Ga} \mid W_{Gx}]`, the input's share of the stacked
  pre-activations, :math:`W_{Gx} x^{\langle t \rangle} + b_G`, does not depend on the
  recurrence, so it is one wide product for a whole block of steps (the whole
  sequence, unless it is long), before the loop;
* **one weight-gradient product**: likewise :math:`dW_G = \sum_t dz_G^{\langle t
  \rangle} \bar x^{\langle t \rangle T}` is one product per block of steps, after
  their loop;
* **time-major layout**: arrays are ``(T_x, n, m)``, so that step t is the book's own
  ``(n, m)`` array, contiguous in memory, and so is each gate's block of rows in it;
* **buffer reuse**: the loops write into memory allocated once, with ``out=``.

The inputs are kept as ``x1``, whose slice ``x1[:, t]`` is :math:`[x^{\langle t \rangle};
1]`: each bias is one more column of its weight matrix (and its gradient one more
column of the weight gradient).
"""

from typing import NamedTuple

import numpy as np

from ._validate import as_array, check_like, check_size, float_dtype
from .parameters import check_sequence

GATE_ORDER = "ofic"  #: stacking order: sigmoid gates o, f, i together; f, i, c together
GRU_GATE_ORDER = "ruc"  #: the GRU's: sigmoid gates r, u together; u, c together


class FusedRNNCache(NamedTuple):
    """What :func:`rnn_backward` needs from :func:`rnn_forward`."""

    h: np.ndarray  #: (T_x + 1, n_a, m); h[t] is a<t>, h[0] = a0
    x1: np.ndarray  #: (n_x + 1, T_x, m); x1[:, t] is [x<t>; 1] (steps counted from 0)
    w: np.ndarray  #: (n_a, n_a + n_x + 1), the weights [Waa | Wax | ba]


class FusedLSTMCache(NamedTuple):
    """What :func:`lstm_backward` needs from :func:`lstm_forward`."""

    h: np.ndarray  #: (T_x + 1, n_a, m); h[t] is a<t>, h[0] = a0
    c: np.ndarray  #: (T_x + 1, n_a, m); c[0] is the initial cell state
    gates: np.ndarray  #: (T_x, 4 n_a, m); the gates o, f, i and the candidate c, squashed
    x1: np.ndarray  #: (n_x + 1, T_x, m); x1[:, t] is [x<t>; 1] (steps counted from 0)
    w: np.ndarray  #: (4 n_a, n_a + n_x + 1), the stacked [W_g | b_g] in GATE_ORDER


class FusedGRUCache(NamedTuple):
    """What :func:`gru_backward` needs from :func:`gru_forward`."""

    h: np.ndarray  #: (T_x + 1, n_a, m); h[t] is a<t>, h[0] = a0
    gates: np.ndarray  #: (T_x, 3 n_a, m); the gates r, u and the candidate, squashed
    x1: np.ndarray  #: (n_x + 1, T_x, m); x1[:, t] is [x<t>; 1] (steps counted from 0)
    w: np.ndarray  #: (3 n_a, n_a + n_x + 1), the stacked [W_g | b_g] in GRU_GATE_ORDER


# --- the pieces shared by both networks -------------------------------------------


def _time_major_inputs(x, dtype):
    """The inputs as ``x1`` (n_x + 1, T_x, m), the last row all ones.

    ``x1[:, t]`` is the book's [x<t>; 1] (steps counted from 0), and the columns of
    a block of steps, ``x1[:, t0:t1]``, form one ``(n_x + 1, (t1 - t0) m)`` matrix
    without copying: the operand of the wide products.
    """
    n_x, m, T_x = x.shape
    x1 = np.empty((n_x + 1, T_x, m), dtype=dtype)
    np.copyto(x1[:n_x], x.transpose(0, 2, 1))  # one strided copy, once per call
    x1[n_x] = 1
    return x1


def _input_projection(wx1, x1, out):
    """``[W_x | b] [x<t>; 1]`` for every step into ``out`` (T_x, rows of wx1, m).

    One wide product per block of steps, moved into place by one copy per block;
    blocks keep the scratch memory small.
    """
    k, (_, T_x, m) = wx1.shape[0], x1.shape
    if T_x == 0:
        return out
    size, blocks = step_blocks(T_x, k * m * out.itemsize)
    scratch = np.empty(k * size * m, dtype=out.dtype)
    for t0, t1 in blocks:
        columns = (t1 - t0) * m
        wide = np.matmul(wx1, x1[:, t0:t1].reshape(len(x1), columns),
                         out=scratch[: k * columns].reshape(k, columns))
        np.copyto(out[t0:t1], wide.reshape(k, t1 - t0, m).transpose(1, 0, 2))
    return out


def _output_layer(hidden, wy, by):
    """Softmax of ``Wy a<t> + by`` at every step, in one call; returns (n_y, m, T_x).

    The softmax of :func:`rnnbook.softmax`, over the classes and in place.
    """
    scores = np.matmul(wy, hidden)  # (T_x, n_y, m)
    scores += by
    scores -= np.maximum.reduce(scores, axis=1, keepdims=True)  # every exponent <= 0
    np.exp(scores, out=scores)
    scores /= np.add.reduce(scores, axis=1, keepdims=True)
    return scores.transpose(1, 2, 0)


def _read_only_states(states):
    """The book's (n, m, T_x) view of time-major ``states``, read-only: the cache owns it."""
    view = states.transpose(1, 2, 0)
    view.flags.writeable = False
    return view


def _check_gradient(da, caches, cache_type):
    """Validate ``da`` (n_a, m, T) against a fused cache; T may be smaller than T_x."""
    if not isinstance(caches, cache_type):
        raise ValueError(  # noqa: TRY004 - as the teaching version, for a wrong cache
            f"caches: expected the {cache_type.__name__} returned by rnnbook.fused's "
            f"forward pass, got {type(caches).__name__}"
        )
    steps, n_a, m = caches.h.shape[0] - 1, caches.h.shape[1], caches.h.shape[2]
    if steps == 0:
        raise ValueError("caches: the forward pass ran no time step (T_x = 0)")
    da = as_array("da", da, 3, "(n_a, m, T_x)")
    if da.shape[:2] != (n_a, m) or not 1 <= da.shape[2] <= steps:
        raise ValueError(
            f"da: expected shape (n_a, m, T_x) = ({n_a}, {m}, T_x) with "
            f"1 <= T_x <= {steps} (the forward pass's steps), got {da.shape}"
        )
    return da


BLOCK_BYTES = 2**21  #: buffers of a block of steps may grow to this many bytes


def step_blocks(T_x, step_bytes):
    """How the fused functions split ``T_x`` steps into blocks, for work done per block.

    Parameters
    ----------
    T_x : int
        Number of time steps.
    step_bytes : int
        Bytes of buffer one step needs (for example ``m`` times the rows of
        :func:`backward_widths`, times the item size).

    Returns
    -------
    size : int
        Steps per block (the last block may have fewer).
    blocks : list of (int, int)
        The steps ``t0 <= t < t1`` of each block, last block first, the order in
        which the backward pass runs through them.

    Notes
    -----
    A block's gate gradients are kept for its weight-gradient product, and a
    block's input projection is one product, so blocks trade memory for fewer,
    wider products: a block holds an eighth of the sequence, or more steps if they
    still fit in :data:`BLOCK_BYTES`. The blocks are then made equal, so that none
    is tiny.

    Examples
    --------
    >>> from rnnbook.fused import step_blocks
    >>> step_blocks(10, 1000)  # small steps: one block holds them all
    (10, [(0, 10)])
    >>> step_blocks(100, 2**20)[0]  # 1 MiB per step: an eighth of the sequence
    13
    """
    T_x, step_bytes = check_size("T_x", T_x), check_size("step_bytes", step_bytes)
    count = -(-T_x // max(-(-T_x // 8), BLOCK_BYTES // max(step_bytes, 1), 1))
    size = -(-T_x // max(count, 1))  # equal blocks, so that none is tiny
    return size, [(t0, min(t0 + size, T_x)) for t0 in reversed(range(0, T_x, max(size, 1)))]


def backward_widths(kind, n_a, n_x):
    """Rows per example of the backward pass's three buffers, per step of a block.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
        The model.
    n_a, n_x : int
        Hidden units and input features.

    Returns
    -------
    widths : tuple of int
        First the gradients at the pre-activations (dz_a for the RNN, the stacked dz_G
        for the LSTM and the GRU); then room for them as columns, for the weight-gradient
        products; then one buffer shared in turn by what the loop needs (the block
        of ``da``; for the LSTM also the factor q that carries da into dc) and what
        comes after it (the hidden states as columns, then dx).

    Examples
    --------
    >>> from rnnbook.fused import backward_widths
    >>> backward_widths("lstm", n_a=64, n_x=32)  # 4 n_a, 4 n_a, max(2 n_a, n_x + 1)
    (256, 256, 128)
    """
    n_a, n_x = check_size("n_a", n_a), check_size("n_x", n_x)
    if kind == "rnn":
        return n_a, n_a, max(n_a, n_x + 1)
    if kind == "lstm":
        return 4 * n_a, 4 * n_a, max(2 * n_a, n_x + 1)
    if kind == "gru":
        return 3 * n_a, 3 * n_a, max(n_a, n_x + 1)
    raise ValueError(f"kind: expected 'rnn', 'lstm' or 'gru', got {kind!r}")


def _backward_buffers(T_x, m, widths, dtype):
    """The block length, the blocks, and one flat buffer per width, room for a block."""
    size, blocks = step_blocks(T_x, m * sum(widths) * np.dtype(dtype).itemsize)
    return size, blocks, [np.empty(size * width * m, dtype=dtype) for width in widths]


def _time_major(da, t0, t1, buffer):
    """``da[:, :, t0:t1]`` copied into ``buffer`` as (t1 - t0, n_a, m): contiguous steps."""
    n_a, m, _ = da.shape
    block = buffer[: (t1 - t0) * n_a * m].reshape(t1 - t0, n_a, m)
    np.copyto(block, da[:, :, t0:t1].transpose(2, 0, 1))
    return block


def _rows_by_step(blocks, buffer):
    """``blocks`` (B, r, m) copied into ``buffer`` as an (r, B m) matrix: all steps as columns."""
    B, r, m = blocks.shape
    rows = buffer[: r * B * m].reshape(r, B, m)
    np.copyto(rows, blocks.transpose(1, 0, 2))
    return rows.reshape(r, B * m)


def _block_gradients(dg, h, x1, wx_t, dw, dx, buffers, reset=None):
    """After a block's loop: its weight gradients (added to ``dw``) and its ``dx``.

    ``dg`` (B, k, m) holds the pre-activation gradients of the block's steps, ``h``
    (B, n_a, m) and ``x1`` (n_x + 1, B, m) their inputs; ``wx_t`` is the transposed
    input weights (n_x, k), ``dx`` the block's (n_x, m, B) slice. The products need
    every step as columns of one matrix: a view for ``x1``, a copy for ``dg`` and
    ``h``, into ``buffers``. For the GRU, ``reset`` (B, n_a, m) is the block's reset
    gate: the candidate's rows (the last n_a) read r ⊙ a<t-1>, not a<t-1>.
    """
    B, _, m = dg.shape
    n_a, n_x = h.shape[1], wx_t.shape[0]
    dg_buffer, rows_buffer = buffers
    dg_rows = _rows_by_step(dg, dg_buffer)  # (k, B m)
    h_rows = _rows_by_step(h, rows_buffer)  # (n_a, B m)
    if reset is None:
        dw[:, :n_a] += dg_rows @ h_rows.T
    else:
        dw[:-n_a, :n_a] += dg_rows[:-n_a] @ h_rows.T
        h_rows.reshape(n_a, B, m)[...] *= reset.transpose(1, 0, 2)  # r ⊙ a<t-1>
        dw[-n_a:, :n_a] += dg_rows[-n_a:] @ h_rows.T
    dw[:, n_a:] += dg_rows @ x1.reshape(len(x1), B * m).T  # inputs and biases
    dx_rows = rows_buffer[: n_x * B * m].reshape(n_x, B * m)
    np.matmul(wx_t, dg_rows, out=dx_rows)
    np.copyto(dx, dx_rows.reshape(n_x, B, m).transpose(0, 2, 1))


# --- basic RNN --------------------------------------------------------------------


def _tanh_derivative(a, out):
    """``1 - a**2`` into ``out``: the derivative of tanh, from tanh's output ``a``."""
    np.multiply(a, a, out=out)
    np.subtract(1, out, out=out)


def _rnn_recurrence(h, waa):
    """Finish a<t> = tanh(projection + Waa a<t-1>) in place, step by step."""
    recurrent = np.empty_like(h[0])  # (n_a, m), reused
    for t in range(h.shape[0] - 1):
        np.matmul(waa, h[t], out=recurrent)
        h[t + 1] += recurrent  # h[t + 1] held the input projection of step t + 1
        np.tanh(h[t + 1], out=h[t + 1])


def rnn_forward(x, a0, parameters):
    r"""Run a basic RNN over a whole sequence (fused version of :func:`rnnbook.rnn_forward`).

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a), ``ba`` (n_a, 1),
        ``by`` (n_y, 1).

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step; a read-only view of the cache.
    y_pred : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    caches : FusedRNNCache
        For :func:`rnn_backward`.

    Notes
    -----
    The same equations as the loop of cells,
    :math:`a^{\langle t \rangle} = \tanh(W_{aa} a^{\langle t-1 \rangle} + W_{ax}
    x^{\langle t \rangle} + b_a)`, but :math:`W_{ax} x^{\langle t \rangle} + b_a` is
    computed for a block of steps (usually all of them) by one product before the
    loop, and the output layer for all steps by one call after it.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(0)
    >>> n_x, n_a, n_y, m, T_x = 3, 4, 2, 5, 6
    >>> parameters = {"Wax": rng.standard_normal((n_a, n_x)),
    ...               "Waa": rng.standard_normal((n_a, n_a)),
    ...               "Wya": rng.standard_normal((n_y, n_a)),
    ...               "ba": rng.standard_normal((n_a, 1)), "by": np.zeros((n_y, 1))}
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, y_pred, caches = fused.rnn_forward(x, a0, parameters)
    >>> a_ref, y_ref, _ = rnnbook.rnn_forward(x, a0, parameters)
    >>> bool(np.allclose(a, a_ref, rtol=0, atol=1e-14)), a.shape, y_pred.shape
    (True, (4, 5, 6), (2, 5, 6))
    """
    x, a0, p = check_sequence("rnn", x, a0, parameters)
    (_, m, T_x), n_a = x.shape, a0.shape[0]
    dtype = float_dtype(x, a0, *p.values())
    w = np.concatenate([p["Waa"], p["Wax"], p["ba"]], axis=1).astype(dtype, copy=False)
    x1 = _time_major_inputs(x, dtype)
    h = np.empty((T_x + 1, n_a, m), dtype=dtype)
    h[0] = a0
    _input_projection(w[:, n_a:], x1, out=h[1:])  # a view of w: BLAS reads it in place
    _rnn_recurrence(h, w[:, :n_a])
    y_pred = _output_layer(h[1:], p["Wya"], p["by"])
    return _read_only_states(h[1:]), y_pred, FusedRNNCache(h, x1, w)


def rnn_backward(da, caches):
    r"""Backpropagation through time for a basic RNN (fused :func:`rnnbook.rnn_backward`).

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        The part of the gradient at every hidden state that reaches it directly,
        :math:`da^{\langle t \rangle}`. ``T_x`` may be smaller than the forward
        pass's: only the first ``T_x`` steps are used.
    caches : FusedRNNCache
        The caches returned by :func:`rnn_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), ``dWax`` (n_a, n_x),
        ``dWaa`` (n_a, n_a), ``dba`` (n_a, 1).

    Notes
    -----
    Only :math:`da_{prev} = W_{aa}^T dz_a^{\langle t \rangle}` must run step by step;
    with :math:`dz_a^{\langle t \rangle}` kept for a block of steps,
    :math:`[dW_{aa} \,|\, dW_{ax} \,|\, db_a] = \sum_t dz_a^{\langle t \rangle}
    [a^{\langle t-1 \rangle} \,|\, x^{\langle t \rangle} \,|\, 1]` and
    :math:`dx = W_{ax}^T dz_a` take three products per block of steps.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(0)
    >>> n_x, n_a, n_y, m, T_x = 3, 4, 2, 5, 6
    >>> parameters = {"Wax": rng.standard_normal((n_a, n_x)),
    ...               "Waa": rng.standard_normal((n_a, n_a)),
    ...               "Wya": rng.standard_normal((n_y, n_a)),
    ...               "ba": rng.standard_normal((n_a, 1)), "by": np.zeros((n_y, 1))}
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, _, caches = fused.rnn_forward(x, a0, parameters)
    >>> gradients = fused.rnn_backward(np.ones_like(a), caches)
    >>> _, _, ref_caches = rnnbook.rnn_forward(x, a0, parameters)
    >>> reference = rnnbook.rnn_backward(np.ones_like(a), ref_caches)
    >>> all(np.allclose(gradients[k], reference[k], rtol=0, atol=1e-12) for k in reference)
    True
    """
    da = _check_gradient(da, caches, FusedRNNCache)
    dtype = np.result_type(da, caches.h)  # as float_dtype: the cache is floating
    h, x1, w = (array.astype(dtype, copy=False) for array in caches)
    (n_a, m, T_x), n_x = da.shape, x1.shape[0] - 1
    waa_t, wx_t = w[:, :n_a].T, w[:, n_a:-1].T  # transposed views: no copies
    dw, dx = np.zeros_like(w), np.empty((n_x, m, T_x), dtype=dtype)
    # da_prev<t+1> (from step t+1 to a<t>), then, once da<t> is added, da_next<t>
    da_next = np.zeros((n_a, m), dtype=dtype)
    widths = backward_widths("rnn", n_a, n_x)
    size, blocks, (dz_a, da_buffer, rows_buffer) = _backward_buffers(T_x, m, widths, dtype)
    dz_a = dz_a.reshape(size, n_a, m)
    buffers = (da_buffer, rows_buffer)  # da_buffer is free again once a block's loop ends
    for t0, t1 in blocks:
        da_block = _time_major(da, t0, t1, da_buffer)
        _tanh_derivative(h[t0 + 1 : t1 + 1], out=dz_a[: t1 - t0])
        for t in reversed(range(t0, t1)):
            da_next += da_block[t - t0]
            dz_a[t - t0] *= da_next  # gradient at tanh's argument z_a
            np.matmul(waa_t, dz_a[t - t0], out=da_next)
        _block_gradients(dz_a[: t1 - t0], h[t0:t1], x1[:, t0:t1], wx_t, dw,
                         dx[:, :, t0:t1], buffers)
    return {"dx": dx, "da0": da_next, "dWax": dw[:, n_a:-1].copy(),
            "dWaa": dw[:, :n_a].copy(), "dba": dw[:, -1:].copy()}


# --- LSTM -------------------------------------------------------------------------


def _stack_gates(p, dtype, order=GATE_ORDER):
    """The gates' ``[W_g | b_g]`` stacked in ``order``: (4 n_a, n_a + n_x + 1) for LSTMs."""
    return np.concatenate(
        [np.concatenate([p["W" + g], p["b" + g]], axis=1) for g in order]
    ).astype(dtype, copy=False)


def _halve_sigmoid_rows(w, rows):
    r"""A copy of the stacked weights, its first ``rows`` rows (the sigmoid gates') halved.

    :math:`\sigma(z) = (1 + \tanh(z/2)) / 2`: with :math:`z/2` computed by the
    products, one ``tanh`` call squashes all the gates.
    """
    halved = w.copy()
    halved[:rows] *= 0.5  # exact: a power of two
    return halved


def _split_gates(g, count=4):
    """Views of the ``count`` gate blocks (rows, axis -2) of stacked gates, in order."""
    n_a = g.shape[-2] // count
    return tuple(g[..., k * n_a : (k + 1) * n_a, :] for k in range(count))


def _lstm_step(g, c_prev, c_next, a_next, work):
    """Squash the gates ``g`` (4 n_a, m) in place, then write c<t> and a<t>.

    On entry ``g`` holds the stacked pre-activations z_G, the sigmoid gates' halved;
    on exit, the gates. Every gate is a block of rows of ``g``, contiguous in memory,
    and so are ``c_prev``, ``c_next``, ``a_next`` and ``work`` (n_a, m).
    """
    np.tanh(g, out=g)
    sigmoid_gates = g[: 3 * c_prev.shape[0]]
    sigmoid_gates *= 0.5
    sigmoid_gates += 0.5  # sigma(z) = (1 + tanh(z/2)) / 2
    o, f, i, cc = _split_gates(g)
    np.multiply(f, c_prev, out=c_next)
    np.multiply(i, cc, out=work)
    c_next += work
    np.tanh(c_next, out=work)
    np.multiply(o, work, out=a_next)


def _lstm_recurrence(h, c, gates, wa):
    """Run the steps in order; only the product with a<t-1> remains inside the loop."""
    recurrent = np.empty(gates.shape[1:], dtype=gates.dtype)  # (4 n_a, m), reused
    work = np.empty_like(c[0])  # (n_a, m)
    for t in range(gates.shape[0]):
        np.matmul(wa, h[t], out=recurrent)
        gates[t] += recurrent  # gates[t] held the input projection of step t
        _lstm_step(gates[t], c[t], c[t + 1], h[t + 1], work)


def lstm_forward(x, a0, parameters, c0=None):
    r"""Run an LSTM over a whole sequence (fused version of :func:`rnnbook.lstm_forward`).

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` (n_a, n_a + n_x), ``bf``, ``bi``, ``bc``,
        ``bo`` (n_a, 1), ``Wy`` (n_y, n_a), ``by`` (n_y, 1).
    c0 : ndarray, shape (n_a, m), optional
        Initial cell state; zero if not given.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step; a read-only view of the cache.
    y : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    c : ndarray, shape (n_a, m, T_x)
        Cell state at every step; a read-only view of the cache.
    caches : FusedLSTMCache
        For :func:`lstm_backward`.

    Notes
    -----
    With the gates stacked, :math:`z_G^{\langle t \rangle} = W_G \bar x^{\langle t
    \rangle} + b_G` is split as :math:`W_{Ga} a^{\langle t-1 \rangle} + (W_{Gx}
    x^{\langle t \rangle} + b_G)`; the bracket is one product per block of steps
    (usually all of them), before the loop. Then, as in the cell,

    .. math::

        c^{\langle t \rangle} = \Gamma_f \odot c^{\langle t-1 \rangle}
        + \Gamma_u \odot \tilde c, \qquad
        a^{\langle t \rangle} = \Gamma_o \odot \tanh(c^{\langle t \rangle})

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, y, c, caches = fused.lstm_forward(x, a0, parameters)
    >>> a_ref, y_ref, c_ref, _ = rnnbook.lstm_forward(x, a0, parameters)
    >>> bool(np.allclose(c, c_ref, rtol=0, atol=1e-14)), c.shape, y.shape
    (True, (2, 4, 5), (2, 4, 5))
    """
    x, a0, p = check_sequence("lstm", x, a0, parameters)
    c0 = np.zeros_like(a0) if c0 is None else check_like("c0", c0, a0, "(n_a, m)", "as a0")
    (_, m, T_x), n_a = x.shape, a0.shape[0]
    dtype = float_dtype(x, a0, c0, *p.values())
    w = _stack_gates(p, dtype)  # (4 n_a, n_a + n_x + 1)
    halved = _halve_sigmoid_rows(w, 3 * n_a)
    x1 = _time_major_inputs(x, dtype)
    gates = np.empty((T_x, 4 * n_a, m), dtype=dtype)
    _input_projection(halved[:, n_a:], x1, out=gates)  # views of w: BLAS reads them
    h = np.empty((T_x + 1, n_a, m), dtype=dtype)
    c = np.empty((T_x + 1, n_a, m), dtype=dtype)
    h[0], c[0] = a0, c0
    _lstm_recurrence(h, c, gates, halved[:, :n_a])
    y = _output_layer(h[1:], p["Wy"], p["by"])
    cache = FusedLSTMCache(h, c, gates, x1, w)
    return _read_only_states(h[1:]), y, _read_only_states(c[1:]), cache


def _sigmoid_derivative(s, out):
    """``s (1 - s)`` into ``out``: the derivative of the sigmoid, from its output ``s``."""
    np.subtract(1, s, out=out)
    out *= s


def _gate_factors(gates, c_prev, c_next, dg, q):
    """The parts of the gate gradients that do not depend on the incoming gradients.

    For a chunk of steps at once, ``gates`` (S, 4 n_a, m), ``c_prev`` and ``c_next``
    (S, n_a, m), write into ``dg`` (S, 4 n_a, m) what each gate's gradient is
    multiplied by (equations of :mod:`rnnbook.gates`): for o, ``tanh(c) o (1 - o)``
    times da; for f, i and c, ``c_prev f (1 - f)``, ``cc i (1 - i)`` and
    ``i (1 - cc**2)`` times dc. Into ``q`` (S, n_a, m): ``o (1 - tanh(c)**2)``, which
    carries da<t> into dc<t>.
    """
    o, _, i, cc = _split_gates(gates)
    do, df, di, dcc = _split_gates(dg)
    _sigmoid_derivative(gates, out=dg)  # all four blocks in one pass; the candidate's
    _tanh_derivative(cc, out=dcc)  # block is then overwritten with its own derivative
    dcc *= i
    di *= cc
    df *= c_prev
    np.tanh(c_next, out=q)
    do *= q
    _tanh_derivative(q, out=q)
    q *= o


def _lstm_step_backward(da, dc, dg, q, f, work):
    """Finish one step's gate gradients ``dg`` (4 n_a, m); ``dc`` becomes dc<t-1>.

    ``da`` and ``dc`` (n_a, m) are the gradients reaching a<t> and c<t>; ``dg`` and
    ``q`` hold the step's factors from :func:`_gate_factors`; ``f`` is its forget gate.
    """
    n_a, m = da.shape
    dg[:n_a] *= da  # output gate
    np.multiply(da, q, out=work)
    dc += work  # the path through a<t> = o tanh(c<t>)
    forget_update_candidate = dg[n_a:].reshape(3, n_a, m)
    forget_update_candidate *= dc
    dc *= f


CHUNK_BYTES = 2**18  #: gate factors are computed for chunks of steps this small


def _chunks(t0, t1, step_bytes):
    """Step ranges (s0, s1) from t1 down to t0, of CHUNK_BYTES at most (a step at least)."""
    chunk = max(1, CHUNK_BYTES // max(step_bytes, 1))  # m or k may be 0
    return [(max(t0, s1 - chunk), s1) for s1 in range(t1, t0, -chunk)]


def _lstm_block_backward(t0, t1, da_block, gates, c, dg, q, wa_t, carried):
    """Backward through steps t1 - 1 down to t0, writing their gate gradients into ``dg``.

    ``carried`` = (da_next, dc, work): the gradients reaching a<t> and c<t> from the
    steps after, updated in place, and scratch room, all (n_a, m). The gate factors
    are computed a chunk of steps at a time: one call for many small steps, and for
    big ones chunks that stay in cache while the steps use them.
    """
    da_next, dc, work = carried
    k, m = gates.shape[1:]
    for s0, s1 in _chunks(t0, t1, m * k * gates.itemsize):
        _gate_factors(gates[s0:s1], c[s0:s1], c[s0 + 1 : s1 + 1], dg[s0 - t0 : s1 - t0],
                      q[s0 - t0 : s1 - t0])
        for t in reversed(range(s0, s1)):
            da_next += da_block[t - t0]
            forget = gates[t, k // 4 : k // 2]
            _lstm_step_backward(da_next, dc, dg[t - t0], q[t - t0], forget, work)
            np.matmul(wa_t, dg[t - t0], out=da_next)


def _split_gradients(dw, n_a, order, keys):
    """The stacked gradient (gates in ``order``) as the course's dict, in ``keys`` order.

    For the LSTM, (4 n_a, n_a + n_x + 1) in GATE_ORDER gives dWf, dbf, dWi, ... dbo.
    """
    blocks = {g: dw[k * n_a : (k + 1) * n_a] for k, g in enumerate(order)}
    gradients = {}
    for g in keys:
        gradients["dW" + g] = blocks[g][:, :-1].copy()
        gradients["db" + g] = blocks[g][:, -1:].copy()
    return gradients


def lstm_backward(da, caches):
    r"""Backpropagation through time for an LSTM (fused :func:`rnnbook.lstm_backward`).

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        The part of the gradient at every hidden state that reaches it directly,
        :math:`da^{\langle t \rangle}`. ``T_x`` may be smaller than the forward
        pass's: only the first ``T_x`` steps are used.
    caches : FusedLSTMCache
        The caches returned by :func:`lstm_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), then ``dWf``, ``dbf``, ``dWi``,
        ``dbi``, ``dWc``, ``dbc``, ``dWo``, ``dbo`` with their parameters' shapes.

    Notes
    -----
    Each step needs only element-wise work and one product,
    :math:`da_{prev} = W_{Ga}^T dz_G^{\langle t \rangle}` for the four stacked gates
    at once. The gate gradients :math:`dz_G` of a block of steps are kept, so that
    the weight and bias gradients :math:`[dW_G \mid db_G] = \sum_t dz_G^{\langle t
    \rangle} [\bar x^{\langle t \rangle}; 1]^T` (two products, one for the columns of
    :math:`a^{\langle t-1 \rangle}`, one for the rest) and :math:`dx = W_{Gx}^T dz_G`
    are made once per block.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, y, c, caches = fused.lstm_forward(x, a0, parameters)
    >>> gradients = fused.lstm_backward(np.ones_like(a), caches)
    >>> *_, ref_caches = rnnbook.lstm_forward(x, a0, parameters)
    >>> reference = rnnbook.lstm_backward(np.ones_like(a), ref_caches)
    >>> list(gradients) == list(reference)
    True
    >>> all(np.allclose(gradients[k], reference[k], rtol=0, atol=1e-12) for k in reference)
    True
    """
    da = _check_gradient(da, caches, FusedLSTMCache)
    dtype = np.result_type(da, caches.h)  # as float_dtype: the cache is floating
    h, c, gates, x1, w = (array.astype(dtype, copy=False) for array in caches)
    (n_a, m, T_x), n_x, k = da.shape, x1.shape[0] - 1, w.shape[0]
    wa_t, wx_t = w[:, :n_a].T, w[:, n_a:-1].T  # transposed views: no copies
    dw, dx = np.zeros_like(w), np.empty((n_x, m, T_x), dtype=dtype)
    # the gradients reaching a<t> and c<t>, and scratch room
    da_next, dc, work = (np.zeros((n_a, m), dtype=dtype) for _ in range(3))
    # q and the block of da are needed only inside a block's loop; after it, the
    # same memory holds the block's hidden states as columns, then its dx
    size, blocks, (dg, dg_rows, shared) = _backward_buffers(
        T_x, m, backward_widths("lstm", n_a, n_x), dtype)
    dg = dg.reshape(size, k, m)
    q = shared[: size * n_a * m].reshape(size, n_a, m)
    da_buffer = shared[size * n_a * m :]
    for t0, t1 in blocks:
        da_block = _time_major(da, t0, t1, da_buffer)
        carried = (da_next, dc, work)
        _lstm_block_backward(t0, t1, da_block, gates, c, dg, q, wa_t, carried)
        _block_gradients(dg[: t1 - t0], h[t0:t1], x1[:, t0:t1], wx_t, dw,
                         dx[:, :, t0:t1], (dg_rows, shared))
    return {"dx": dx, "da0": da_next, **_split_gradients(dw, n_a, GATE_ORDER, "fico")}


# --- GRU --------------------------------------------------------------------------


def _gru_step(g, a_prev, a_next, wc_a, work):
    """Squash ``g`` (3 n_a, m) in place, finish the candidate, write a<t>.

    On entry the rows of r and u hold their whole pre-activations z_r and z_u
    (halved), the candidate's rows only the input's share of z_c: the state's share,
    ``wc_a`` (r ⊙ a<t-1>), needs the squashed reset gate. ``work`` is (2, n_a, m).
    """
    n_a = a_prev.shape[0]
    sigmoid_gates = g[: 2 * n_a]
    np.tanh(sigmoid_gates, out=sigmoid_gates)
    sigmoid_gates *= 0.5
    sigmoid_gates += 0.5  # sigma(z) = (1 + tanh(z/2)) / 2
    r, u, cc = _split_gates(g, 3)
    np.multiply(r, a_prev, out=work[0])
    np.matmul(wc_a, work[0], out=work[1])
    cc += work[1]
    np.tanh(cc, out=cc)
    np.subtract(cc, a_prev, out=a_next)
    a_next *= u
    a_next += a_prev  # a<t-1> + u (cc - a<t-1>) = u cc + (1 - u) a<t-1>


def _gru_recurrence(h, gates, wa):
    """Run the steps in order; two products per step remain in the loop.

    ``wa`` (3 n_a, n_a) holds the state's columns of the stacked weights, the
    sigmoid gates' rows halved: one product for r and u, one for the candidate.
    """
    n_a = h.shape[1]
    recurrent = np.empty((2 * n_a, h.shape[2]), dtype=gates.dtype)  # reused
    work = np.empty((2, *h.shape[1:]), dtype=gates.dtype)
    for t in range(gates.shape[0]):
        np.matmul(wa[: 2 * n_a], h[t], out=recurrent)
        gates[t, : 2 * n_a] += recurrent  # held step t's input projection
        _gru_step(gates[t], h[t], h[t + 1], wa[2 * n_a :], work)


def gru_forward(x, a0, parameters):
    r"""Run a GRU over a whole sequence (fused version of :func:`rnnbook.gru_forward`).

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        ``Wr``, ``Wu``, ``Wc`` (n_a, n_a + n_x), ``br``, ``bu``, ``bc`` (n_a, 1),
        ``Wy`` (n_y, n_a), ``by`` (n_y, 1).

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step; a read-only view of the cache.
    y : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    caches : FusedGRUCache
        For :func:`gru_backward`.

    Notes
    -----
    The input's share of all three pre-activations, :math:`W_{Gx} x^{\langle t
    \rangle} + b_G` with the three layers stacked, is one product per block of steps
    before the loop. Inside it, one product
    adds :math:`[W_r; W_u][:, {:}n_a]\, a^{\langle t-1 \rangle}` to the two gates, and,
    once the reset gate is squashed, a second adds
    :math:`W_c[:, {:}n_a] (\Gamma_r \odot a^{\langle t-1 \rangle})` to the candidate.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, y, caches = fused.gru_forward(x, a0, parameters)
    >>> a_ref, y_ref, _ = rnnbook.gru_forward(x, a0, parameters)
    >>> bool(np.allclose(a, a_ref, rtol=0, atol=1e-14)), a.shape, y.shape
    (True, (2, 4, 5), (2, 4, 5))
    """
    x, a0, p = check_sequence("gru", x, a0, parameters)
    (_, m, T_x), n_a = x.shape, a0.shape[0]
    dtype = float_dtype(x, a0, *p.values())
    w = _stack_gates(p, dtype, GRU_GATE_ORDER)  # (3 n_a, n_a + n_x + 1)
    halved = _halve_sigmoid_rows(w, 2 * n_a)
    x1 = _time_major_inputs(x, dtype)
    gates = np.empty((T_x, 3 * n_a, m), dtype=dtype)
    _input_projection(halved[:, n_a:], x1, out=gates)  # views of w: BLAS reads them
    h = np.empty((T_x + 1, n_a, m), dtype=dtype)
    h[0] = a0
    _gru_recurrence(h, gates, halved[:, :n_a])
    y = _output_layer(h[1:], p["Wy"], p["by"])
    return _read_only_states(h[1:]), y, FusedGRUCache(h, gates, x1, w)


def _gru_gate_factors(gates, a_prev, dg):
    """The parts of the gate gradients that do not depend on the incoming gradients.

    For a chunk of steps at once, ``gates`` (S, 3 n_a, m) and ``a_prev`` (S, n_a, m),
    write into ``dg`` (S, 3 n_a, m) what each gate's gradient is multiplied by
    (equations of :mod:`rnnbook.gru`): for r, ``a_prev r (1 - r)`` times the
    gradient of r ⊙ a_prev; for u and c, ``(cc - a_prev) u (1 - u)`` and
    ``u (1 - cc**2)`` times da.
    """
    n_a = a_prev.shape[-2]
    _, u, cc = _split_gates(gates, 3)
    dr, du, dcc = _split_gates(dg, 3)
    _sigmoid_derivative(gates[..., : 2 * n_a, :], out=dg[..., : 2 * n_a, :])
    dr *= a_prev
    np.subtract(cc, a_prev, out=dcc)  # dcc's block is scratch room until its own turn
    du *= dcc
    _tanh_derivative(cc, out=dcc)
    dcc *= u


def _gru_step_backward(da, dg, gates, wc_t, work):
    """Finish one step's gate gradients ``dg`` (3 n_a, m); da's direct part to work[0].

    ``da`` (n_a, m) is the gradient reaching a<t>, ``dg`` holds the step's factors
    from :func:`_gru_gate_factors`, ``wc_t`` is the candidate's state columns,
    transposed (n_a, n_a). Left in ``work[0]``: ``da (1 - u) + dra r``, with ``dra``
    the gradient at r ⊙ a<t-1> (the first n_a rows of d x-bar_c): the part of
    da<t-1> that does not go through the gates' weights.
    """
    n_a, m = da.shape
    r, u, _ = _split_gates(gates, 3)
    update_candidate = dg[n_a:].reshape(2, n_a, m)
    update_candidate *= da
    np.matmul(wc_t, dg[2 * n_a :], out=work[0])  # dra: the gradient at r ⊙ a<t-1>
    dg[:n_a] *= work[0]  # reset gate
    work[0] *= r
    work[0] += da
    np.multiply(da, u, out=work[1])
    work[0] -= work[1]


def _gru_block_backward(t0, t1, da_block, gates, h, dg, w_t, carried):
    """Backward through steps t1 - 1 down to t0, their gate gradients into ``dg``.

    ``w_t`` (n_a, 3 n_a) is the state's columns of the stacked weights, transposed;
    ``carried`` = (da_next, work): the gradient reaching a<t> from the steps after,
    updated in place, and scratch room (2, n_a, m).
    """
    da_next, work = carried
    k, m = gates.shape[1:]
    n_a = k // 3
    for s0, s1 in _chunks(t0, t1, m * k * gates.itemsize):
        _gru_gate_factors(gates[s0:s1], h[s0:s1], dg[s0 - t0 : s1 - t0])
        for t in reversed(range(s0, s1)):
            da_next += da_block[t - t0]
            _gru_step_backward(da_next, dg[t - t0], gates[t], w_t[:, 2 * n_a :], work)
            np.matmul(w_t[:, : 2 * n_a], dg[t - t0, : 2 * n_a], out=da_next)
            da_next += work[0]


def gru_backward(da, caches):
    r"""Backpropagation through time for a GRU (fused :func:`rnnbook.gru_backward`).

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        The part of the gradient at every hidden state that reaches it directly,
        :math:`da^{\langle t \rangle}`. ``T_x`` may be smaller than the forward
        pass's: only the first ``T_x`` steps are used.
    caches : FusedGRUCache
        The caches returned by :func:`gru_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), then ``dWr``, ``dbr``, ``dWu``,
        ``dbu``, ``dWc``, ``dbc`` with their parameters' shapes.

    Notes
    -----
    Each step makes two products: :math:`d\bar x_c[{:}n_a] = W_c[:, {:}n_a]^T dz_c` for
    the reset gate, then :math:`[W_r; W_u][:, {:}n_a]^T [dz_r; dz_u]` for
    :math:`da_{prev}`. The gate gradients of a block of steps are kept, so that the
    weight gradients (the candidate's state columns against
    :math:`\Gamma_r \odot a^{\langle t-1 \rangle}`, the gates' against
    :math:`a^{\langle t-1 \rangle}`) and :math:`dx` are made once per block.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook import fused
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> x, a0 = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
    >>> a, y, caches = fused.gru_forward(x, a0, parameters)
    >>> gradients = fused.gru_backward(np.ones_like(a), caches)
    >>> *_, ref_caches = rnnbook.gru_forward(x, a0, parameters)
    >>> reference = rnnbook.gru_backward(np.ones_like(a), ref_caches)
    >>> list(gradients) == list(reference)
    True
    >>> all(np.allclose(gradients[k], reference[k], rtol=0, atol=1e-12) for k in reference)
    True
    """
    da = _check_gradient(da, caches, FusedGRUCache)
    dtype = np.result_type(da, caches.h)  # as float_dtype: the cache is floating
    h, gates, x1, w = (array.astype(dtype, copy=False) for array in caches)
    (n_a, m, T_x), n_x, k = da.shape, x1.shape[0] - 1, w.shape[0]
    w_t, wx_t = w[:, :n_a].T, w[:, n_a:-1].T  # transposed views: no copies
    dw, dx = np.zeros_like(w), np.empty((n_x, m, T_x), dtype=dtype)
    da_next = np.zeros((n_a, m), dtype=dtype)  # gradient reaching a<t> through step t+1
    work = np.empty((2, n_a, m), dtype=dtype)
    # the block of da is needed only inside a block's loop; after it, the same memory
    # holds the block's hidden states as columns, then its dx
    size, blocks, (dg, dg_rows, shared) = _backward_buffers(
        T_x, m, backward_widths("gru", n_a, n_x), dtype)
    dg = dg.reshape(size, k, m)
    for t0, t1 in blocks:
        da_block = _time_major(da, t0, t1, shared)
        _gru_block_backward(t0, t1, da_block, gates, h, dg, w_t, (da_next, work))
        _block_gradients(dg[: t1 - t0], h[t0:t1], x1[:, t0:t1], wx_t, dw,
                         dx[:, :, t0:t1], (dg_rows, shared), reset=gates[t0:t1, :n_a])
    gradients = _split_gradients(dw, n_a, GRU_GATE_ORDER, GRU_GATE_ORDER)
    return {"dx": dx, "da0": da_next, **gradients}
