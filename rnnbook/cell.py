"""One time step: the RNN cell and the LSTM cell, forward.

Dimension letters (fixed once in the book's Notation chapter): ``n_x`` input
features, ``n_a`` hidden units, ``n_y`` output classes, ``m`` examples in the batch.
Every array holds one example per column.
"""

from typing import NamedTuple

import numpy as np

from .parameters import check_step
from .activations import sigmoid, softmax


class RNNCache(NamedTuple):
    """What :func:`rnn_cell_backward` needs from one RNN step (the course's field order)."""

    a_next: np.ndarray  #: (n_a, m)
    a_prev: np.ndarray  #: (n_a, m)
    xt: np.ndarray  #: (n_x, m)
    parameters: dict  #: the parameters the step ran with (checked arrays)


class LSTMCache(NamedTuple):
    """What :func:`lstm_cell_backward` needs from one LSTM step (the course's field order)."""

    a_next: np.ndarray  #: (n_a, m)
    c_next: np.ndarray  #: (n_a, m)
    a_prev: np.ndarray  #: (n_a, m)
    c_prev: np.ndarray  #: (n_a, m)
    ft: np.ndarray  #: forget gate, (n_a, m)
    it: np.ndarray  #: update gate, (n_a, m)
    cct: np.ndarray  #: candidate cell state, (n_a, m)
    ot: np.ndarray  #: output gate, (n_a, m)
    xt: np.ndarray  #: (n_x, m)
    parameters: dict  #: the parameters the step ran with (checked arrays)


def rnn_cell_forward(xt, a_prev, parameters):
    r"""Run one time step of a basic RNN cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state from time step t-1.
    parameters : dict of ndarray
        ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a), ``ba`` (n_a, 1),
        ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        Hidden state at time step t.
    yt_pred : ndarray, shape (n_y, m)
        Predicted class probabilities at time step t.
    cache : RNNCache
        ``(a_next, a_prev, xt, parameters)``, for :func:`rnn_cell_backward`.

    Notes
    -----
    .. math::

        a^{\langle t \rangle} &= \tanh(W_{ax} x^{\langle t \rangle}
                                 + W_{aa} a^{\langle t-1 \rangle} + b_a) \\
        \hat y^{\langle t \rangle} &= \operatorname{softmax}(W_{ya} a^{\langle t \rangle} + b_y)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import rnn_cell_forward
    >>> n_x, n_a, n_y, m = 3, 2, 2, 1
    >>> parameters = {"Wax": np.ones((n_a, n_x)), "Waa": np.eye(n_a),
    ...               "Wya": np.eye(n_y, n_a), "ba": np.zeros((n_a, 1)),
    ...               "by": np.zeros((n_y, 1))}
    >>> a_next, yt_pred, cache = rnn_cell_forward(
    ...     np.full((n_x, m), 0.1), np.zeros((n_a, m)), parameters)
    >>> a_next  # tanh(0.3) in both units  # doctest: +FLOAT_CMP
    array([[0.29131261],
           [0.29131261]])
    >>> yt_pred  # equal scores, equal probabilities  # doctest: +FLOAT_CMP
    array([[0.5],
           [0.5]])
    """
    xt, a_prev, p = check_step("rnn", xt, a_prev, parameters)
    a_next = np.tanh(p["Wax"] @ xt + p["Waa"] @ a_prev + p["ba"])  # (n_a, m)
    yt_pred = softmax(p["Wya"] @ a_next + p["by"])  # (n_y, m)
    return a_next, yt_pred, RNNCache(a_next, a_prev, xt, p)


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    r"""Run one time step of an LSTM cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state from time step t-1.
    c_prev : ndarray, shape (n_a, m)
        Cell state (the memory) from time step t-1.
    parameters : dict of ndarray
        Gate weights ``Wf``, ``Wi``, ``Wc``, ``Wo``, each (n_a, n_a + n_x), acting on
        the stacked column :math:`[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`;
        gate biases ``bf``, ``bi``, ``bc``, ``bo``, each (n_a, 1); output layer
        ``Wy`` (n_y, n_a) and ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        Hidden state at time step t.
    c_next : ndarray, shape (n_a, m)
        Cell state at time step t.
    yt_pred : ndarray, shape (n_y, m)
        Predicted class probabilities at time step t.
    cache : LSTMCache
        ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``, for
        :func:`lstm_cell_backward`.

    Notes
    -----
    With :math:`z = [a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`:

    .. math::

        \Gamma_f &= \sigma(W_f z + b_f), \quad
        \Gamma_u = \sigma(W_i z + b_i), \quad
        \tilde c = \tanh(W_c z + b_c), \quad
        \Gamma_o = \sigma(W_o z + b_o) \\
        c^{\langle t \rangle} &= \Gamma_f \odot c^{\langle t-1 \rangle} + \Gamma_u \odot \tilde c, \qquad
        a^{\langle t \rangle} = \Gamma_o \odot \tanh(c^{\langle t \rangle})

    The update gate :math:`\Gamma_u` is stored under the key ``Wi``/``bi`` and the
    cache field ``it``, as in the course.

    Examples
    --------
    With every weight and bias zero, each gate is sigmoid(0) = 0.5 and the candidate
    is tanh(0) = 0, so the cell keeps half of its memory:

    >>> import numpy as np
    >>> from rnnbook import lstm_cell_forward
    >>> n_x, n_a, n_y, m = 2, 3, 2, 1
    >>> parameters = {k: np.zeros((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update({k: np.zeros((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    >>> parameters.update(Wy=np.zeros((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a_next, c_next, yt_pred, cache = lstm_cell_forward(
    ...     np.ones((n_x, m)), np.zeros((n_a, m)), np.ones((n_a, m)), parameters)
    >>> c_next.ravel()  # doctest: +FLOAT_CMP
    array([0.5, 0.5, 0.5])
    >>> cache.ft.ravel()  # doctest: +FLOAT_CMP
    array([0.5, 0.5, 0.5])
    """
    xt, a_prev, p, c_prev = check_step("lstm", xt, a_prev, parameters, c_prev)
    z = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    ft = sigmoid(p["Wf"] @ z + p["bf"])  # (n_a, m)
    it = sigmoid(p["Wi"] @ z + p["bi"])
    cct = np.tanh(p["Wc"] @ z + p["bc"])
    ot = sigmoid(p["Wo"] @ z + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])  # (n_y, m)
    cache = LSTMCache(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)
    return a_next, c_next, yt_pred, cache
