"""A whole sequence: the RNN and the LSTM unrolled over T_x time steps, forward.

Sequences are stored as ``(n_x, m, T_x)``: time is the last axis, so ``x[:, :, t]``
is the batch of inputs at step t, a ``(n_x, m)`` matrix like the cells expect.
"""

from typing import NamedTuple

import numpy as np

from ._validate import check_like, float_dtype
from .cell import lstm_cell_forward, rnn_cell_forward
from .parameters import check_sequence


class SequenceCache(NamedTuple):
    """What the backward pass through time needs (the course's field order)."""

    caches: list  #: one cell cache per time step
    x: np.ndarray  #: the input sequence, (n_x, m, T_x)


def rnn_forward(x, a0, parameters):
    r"""Run a basic RNN over a whole sequence.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        As for :func:`rnn_cell_forward`: ``Wax``, ``Waa``, ``Wya``, ``ba``, ``by``.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step.
    y_pred : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    caches : SequenceCache
        ``(caches, x)``: the list of the T_x cell caches, and the inputs.

    Notes
    -----
    The same cell, with the same parameters, runs at every step; step t reads the
    hidden state written by step t-1, starting from :math:`a^{\langle 0 \rangle}`.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import rnn_forward
    >>> n_x, n_a, n_y, m, T_x = 1, 1, 2, 1, 3
    >>> parameters = {"Wax": np.ones((n_a, n_x)), "Waa": np.ones((n_a, n_a)),
    ...               "Wya": np.zeros((n_y, n_a)), "ba": np.zeros((n_a, 1)),
    ...               "by": np.zeros((n_y, 1))}
    >>> x = np.zeros((n_x, m, T_x))
    >>> x[0, 0, 0] = 1.0  # a single pulse at the first step
    >>> a, y_pred, caches = rnn_forward(x, np.zeros((n_a, m)), parameters)
    >>> a.ravel()  # the pulse echoes through the recurrence  # doctest: +FLOAT_CMP
    array([0.76159416, 0.64201499, 0.56626998])
    >>> len(caches), len(caches.caches)
    (2, 3)
    """
    x, a0, p = check_sequence("rnn", x, a0, parameters)
    (_, m, T_x), n_a, n_y = x.shape, a0.shape[0], p["Wya"].shape[0]
    dtype = float_dtype(x, a0, *p.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, SequenceCache(caches, x)


def lstm_forward(x, a0, parameters, c0=None):
    r"""Run an LSTM over a whole sequence.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        As for :func:`lstm_cell_forward`: ``Wf``, ``bf``, ``Wi``, ``bi``, ``Wc``,
        ``bc``, ``Wo``, ``bo``, ``Wy``, ``by``.
    c0 : ndarray, shape (n_a, m), optional
        Initial cell state; zero if not given, as in the course. A model that carries
        its state from one stretch of text to the next passes the last one's.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step.
    y : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    c : ndarray, shape (n_a, m, T_x)
        Cell state at every step.
    caches : SequenceCache
        ``(caches, x)``: the list of the T_x cell caches, and the inputs.

    Notes
    -----
    :math:`c^{\langle 0 \rangle} = 0` unless ``c0`` is given; each step feeds both its
    hidden state and its cell state to the next.

    Examples
    --------
    An LSTM whose forget gate is wide open (large ``bf``) and whose update gate is
    shut (very negative ``bi``) keeps its cell state, here zero, for ever:

    >>> import numpy as np
    >>> from rnnbook import lstm_forward
    >>> n_x, n_a, n_y, m, T_x = 2, 2, 2, 1, 4
    >>> rng = np.random.default_rng(0)
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update(bf=np.full((n_a, 1), 50.0), bi=np.full((n_a, 1), -50.0),
    ...                   bc=np.zeros((n_a, 1)), bo=np.zeros((n_a, 1)),
    ...                   Wy=np.zeros((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> x = rng.standard_normal((n_x, m, T_x))
    >>> a, y, c, caches = lstm_forward(x, np.zeros((n_a, m)), parameters)
    >>> c.shape, bool(np.abs(c).max() < 1e-20)
    ((2, 1, 4), True)
    """
    x, a0, p = check_sequence("lstm", x, a0, parameters)
    c0 = np.zeros_like(a0) if c0 is None else check_like("c0", c0, a0, "(n_a, m)", "as a0")
    (_, m, T_x), n_a, n_y = x.shape, a0.shape[0], p["Wy"].shape[0]
    dtype = float_dtype(x, a0, c0, *p.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    a_next, c_next = a0, c0
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, SequenceCache(caches, x)
