r"""The gated recurrent unit (GRU): cell, sequence, gate derivatives and backward passes.

The course's full GRU, in the book's notation. The gates read the stacked column
:math:`\bar x = [a^{\langle t-1 \rangle}; x^{\langle t \rangle}]` (``concat``), the
candidate its own column :math:`\bar x_c = [\Gamma_r \odot a^{\langle t-1 \rangle};
x^{\langle t \rangle}]` (``concat_c``), with a reset gate :math:`\Gamma_r` and an update
gate :math:`\Gamma_u`:

.. math::

    \Gamma_r &= \sigma(z_r), \quad z_r = W_r \bar x + b_r, \qquad
    \Gamma_u = \sigma(z_u), \quad z_u = W_u \bar x + b_u, \\
    \tilde c &= \tanh(z_c), \quad z_c = W_c \bar x_c + b_c, \\
    a^{\langle t \rangle} &= \Gamma_u \odot \tilde c + (1 - \Gamma_u) \odot
    a^{\langle t-1 \rangle}, \qquad
    \hat y^{\langle t \rangle} = \operatorname{softmax}(W_y a^{\langle t \rangle} + b_y)

There is no separate cell state: the memory *is* the hidden state
(:math:`c^{\langle t \rangle} = a^{\langle t \rangle}`). The gate derivatives, one
function per equation, return the gradients :math:`dz_r, dz_u, dz_c` at the
*pre-activations*, as in :mod:`rnnbook.gates`. Shapes: ``(n_a, m)`` unless stated.
"""

from typing import NamedTuple

import numpy as np

from ._validate import check_alike, float_dtype
from .activations import sigmoid, softmax
from .backward import _as_cache, _check_sequence_grad, _upstream
from .parameters import check_sequence, check_step
from .sequence import SequenceCache

GRU_PARAMETER_GRADS = ("dWr", "dbr", "dWu", "dbu", "dWc", "dbc")


class GRUCache(NamedTuple):
    """What :func:`gru_cell_backward` needs from one GRU step.

    The order follows the LSTM's cache: the new state, the previous one, the gates in
    the order they are computed, the input, the parameters.
    """

    a_next: np.ndarray  #: (n_a, m)
    a_prev: np.ndarray  #: (n_a, m)
    rt: np.ndarray  #: reset gate, (n_a, m)
    ut: np.ndarray  #: update gate, (n_a, m)
    cct: np.ndarray  #: candidate, (n_a, m)
    xt: np.ndarray  #: (n_x, m)
    parameters: dict  #: the checked parameter arrays the step ran with


def gru_cell_forward(xt, a_prev, parameters):
    r"""Run one time step of a GRU cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state from time step t-1.
    parameters : dict of ndarray
        Gate weights ``Wr``, ``Wu``, ``Wc``, each (n_a, n_a + n_x); gate biases
        ``br``, ``bu``, ``bc``, each (n_a, 1); output layer ``Wy`` (n_y, n_a) and
        ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        Hidden state at time step t.
    yt_pred : ndarray, shape (n_y, m)
        Predicted class probabilities at time step t.
    cache : GRUCache
        ``(a_next, a_prev, rt, ut, cct, xt, parameters)``, for
        :func:`gru_cell_backward`.

    Notes
    -----
    With the stacked columns :math:`\bar x = [a^{\langle t-1 \rangle};
    x^{\langle t \rangle}]` and :math:`\bar x_c = [\Gamma_r \odot
    a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`:

    .. math::

        \Gamma_r &= \sigma(W_r \bar x + b_r), \quad
        \Gamma_u = \sigma(W_u \bar x + b_u), \quad
        \tilde c = \tanh(W_c \bar x_c + b_c) \\
        a^{\langle t \rangle} &= \Gamma_u \odot \tilde c
        + (1 - \Gamma_u) \odot a^{\langle t-1 \rangle}

    The first :math:`n_a` columns of each weight act on the hidden state, the last
    :math:`n_x` on the input, as in the LSTM.

    Examples
    --------
    With every weight and bias zero, both gates are sigmoid(0) = 0.5 and the
    candidate is tanh(0) = 0, so the cell keeps half of its state:

    >>> import numpy as np
    >>> from rnnbook import gru_cell_forward
    >>> n_x, n_a, n_y, m = 2, 3, 2, 1
    >>> parameters = {k: np.zeros((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: np.zeros((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=np.zeros((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a_next, yt_pred, cache = gru_cell_forward(
    ...     np.ones((n_x, m)), np.full((n_a, m), 0.8), parameters)
    >>> a_next.ravel()  # doctest: +FLOAT_CMP
    array([0.4, 0.4, 0.4])
    >>> cache.rt.ravel()  # doctest: +FLOAT_CMP
    array([0.5, 0.5, 0.5])
    """
    xt, a_prev, p = check_step("gru", xt, a_prev, parameters)
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m): x-bar
    rt = sigmoid(p["Wr"] @ concat + p["br"])  # (n_a, m)
    ut = sigmoid(p["Wu"] @ concat + p["bu"])
    concat_c = np.concatenate([rt * a_prev, xt])  # x-bar_c: what cct reads
    cct = np.tanh(p["Wc"] @ concat_c + p["bc"])
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])  # (n_y, m)
    return a_next, yt_pred, GRUCache(a_next, a_prev, rt, ut, cct, xt, p)


def gru_forward(x, a0, parameters):
    r"""Run a GRU over a whole sequence.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        As for :func:`gru_cell_forward`: ``Wr``, ``br``, ``Wu``, ``bu``, ``Wc``,
        ``bc``, ``Wy``, ``by``.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every step.
    y : ndarray, shape (n_y, m, T_x)
        Predicted class probabilities at every step.
    caches : SequenceCache
        ``(caches, x)``: the list of the T_x cell caches, and the inputs.

    Notes
    -----
    Each step feeds its hidden state, the GRU's only state, to the next.

    Examples
    --------
    An update gate held shut (very negative ``bu``) keeps the initial state for
    ever, whatever the input:

    >>> import numpy as np
    >>> from rnnbook import gru_forward
    >>> n_x, n_a, n_y, m, T_x = 2, 2, 2, 1, 4
    >>> rng = np.random.default_rng(0)
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update(br=np.zeros((n_a, 1)), bu=np.full((n_a, 1), -50.0),
    ...                   bc=np.zeros((n_a, 1)), Wy=np.zeros((n_y, n_a)),
    ...                   by=np.zeros((n_y, 1)))
    >>> a0 = np.array([[0.3], [-0.6]])
    >>> a, y, caches = gru_forward(rng.standard_normal((n_x, m, T_x)), a0, parameters)
    >>> a[:, 0, -1]  # doctest: +FLOAT_CMP
    array([ 0.3, -0.6])
    >>> len(caches.caches)
    4
    """
    x, a0, p = check_sequence("gru", x, a0, parameters)
    (_, m, T_x), n_a, n_y = x.shape, a0.shape[0], p["Wy"].shape[0]
    dtype = float_dtype(x, a0, *p.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = gru_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t], y[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y, SequenceCache(caches, x)


# --- gate derivatives, one per equation ---------------------------------------------


def gru_candidate_grad(da_next, ut, cct):
    r"""Gradient with respect to the candidate's pre-activation z_c.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Total gradient with respect to :math:`a^{\langle t \rangle}`.
    ut : ndarray, shape (n_a, m)
        Update gate :math:`\Gamma_u^{\langle t \rangle}`.
    cct : ndarray, shape (n_a, m)
        Candidate :math:`\tilde c^{\langle t \rangle}`.

    Returns
    -------
    dcct : ndarray, shape (n_a, m)
        :math:`dz_c`.

    Notes
    -----
    :math:`\partial a^{\langle t \rangle} / \partial \tilde c = \Gamma_u`, then tanh's
    derivative:

    .. math:: dz_c = da_{next} \, \Gamma_u \left(1 - \tilde c^{\,2}\right)

    It is the LSTM's :func:`rnnbook.gates.candidate_grad` with :math:`dc` replaced
    by :math:`da_{next}`: in the GRU the memory is the hidden state.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gru import gru_candidate_grad
    >>> gru_candidate_grad(np.ones((1, 1)), np.full((1, 1), 0.5), np.zeros((1, 1)))
    array([[0.5]])
    """
    arrays = dict(da_next=da_next, ut=ut, cct=cct)
    da_next, ut, cct = check_alike("(n_a, m)", **arrays)
    return da_next * ut * (1 - cct**2)


def gru_update_gate_grad(da_next, a_prev, ut, cct):
    r"""Gradient with respect to the update gate's pre-activation z_u.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Total gradient with respect to :math:`a^{\langle t \rangle}`.
    a_prev : ndarray, shape (n_a, m)
        Previous hidden state :math:`a^{\langle t-1 \rangle}`.
    ut : ndarray, shape (n_a, m)
        Update gate :math:`\Gamma_u^{\langle t \rangle}`.
    cct : ndarray, shape (n_a, m)
        Candidate :math:`\tilde c^{\langle t \rangle}`.

    Returns
    -------
    dut : ndarray, shape (n_a, m)
        :math:`dz_u`.

    Notes
    -----
    :math:`\Gamma_u` mixes the candidate and the old state, so
    :math:`\partial a^{\langle t \rangle} / \partial \Gamma_u = \tilde c -
    a^{\langle t-1 \rangle}`; then the sigmoid's derivative:

    .. math::

        dz_u = da_{next} \, (\tilde c - a^{\langle t-1 \rangle}) \,
        \Gamma_u (1 - \Gamma_u)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gru import gru_update_gate_grad
    >>> gru_update_gate_grad(np.ones((1, 1)), np.full((1, 1), 0.2), np.full((1, 1), 0.5),
    ...                  np.ones((1, 1)))  # 0.8 * 0.25  # doctest: +FLOAT_CMP
    array([[0.2]])
    """
    arrays = dict(da_next=da_next, a_prev=a_prev, ut=ut, cct=cct)
    da_next, a_prev, ut, cct = check_alike("(n_a, m)", **arrays)
    return da_next * (cct - a_prev) * ut * (1 - ut)


def gru_reset_gate_grad(dra, a_prev, rt):
    r"""Gradient with respect to the reset gate's pre-activation z_r.

    Parameters
    ----------
    dra : ndarray, shape (n_a, m)
        :math:`d\bar x_c[{:}n_a]`, the gradient with respect to the reset state
        :math:`\Gamma_r \odot a^{\langle t-1 \rangle}`: the first :math:`n_a` rows of
        :math:`d\bar x_c = W_c^T dz_c`.
    a_prev : ndarray, shape (n_a, m)
        Previous hidden state :math:`a^{\langle t-1 \rangle}`.
    rt : ndarray, shape (n_a, m)
        Reset gate :math:`\Gamma_r^{\langle t \rangle}`.

    Returns
    -------
    drt : ndarray, shape (n_a, m)
        :math:`dz_r`.

    Notes
    -----
    The reset gate only scales the state the candidate reads:

    .. math::

        dz_r = d\bar x_c[{:}n_a] \, a^{\langle t-1 \rangle} \, \Gamma_r (1 - \Gamma_r)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gru import gru_reset_gate_grad
    >>> gru_reset_gate_grad(np.ones((1, 1)), np.full((1, 1), 2.0), np.full((1, 1), 0.5))
    array([[0.5]])
    """
    dra, a_prev, rt = check_alike("(n_a, m)", dra=dra, a_prev=a_prev, rt=rt)
    return dra * a_prev * rt * (1 - rt)


def gru_prev_state_grad(da_next, dra, ut, rt):
    r"""Gradient reaching a_prev directly, not through the gates' weights.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Total gradient with respect to :math:`a^{\langle t \rangle}`.
    dra : ndarray, shape (n_a, m)
        :math:`d\bar x_c[{:}n_a]`, the gradient with respect to the reset state
        :math:`\Gamma_r \odot a^{\langle t-1 \rangle}`.
    ut, rt : ndarray, shape (n_a, m)
        Update and reset gates.

    Returns
    -------
    ndarray, shape (n_a, m)

    Notes
    -----
    :math:`a^{\langle t-1 \rangle}` reaches :math:`a^{\langle t \rangle}` through the
    mix :math:`(1 - \Gamma_u) \odot a^{\langle t-1 \rangle}` and through the reset
    state the candidate reads:

    .. math:: da_{next} \, (1 - \Gamma_u) + d\bar x_c[{:}n_a] \, \Gamma_r

    The gates read :math:`a^{\langle t-1 \rangle}` too; their share,
    :math:`d\bar x[{:}n_a] = W_r[:, {:}n_a]^T dz_r + W_u[:, {:}n_a]^T dz_u`, is added by
    :func:`gru_cell_backward`. The first term needs no weight and no squashing
    derivative: with the update gate near 0, the gradient passes back unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gru import gru_prev_state_grad
    >>> gru_prev_state_grad(np.ones((1, 1)), np.zeros((1, 1)),
    ...                        np.full((1, 1), 0.25), np.full((1, 1), 0.5))
    array([[0.75]])
    """
    arrays = dict(da_next=da_next, dra=dra, ut=ut, rt=rt)
    da_next, dra, ut, rt = check_alike("(n_a, m)", **arrays)
    return da_next * (1 - ut) + dra * rt


# --- backward passes ----------------------------------------------------------------


def gru_cell_backward(da_next, cache):
    r"""Backward pass of one GRU step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        The total gradient of the loss with respect to :math:`a^{\langle t \rangle}`,
        :math:`da_{next}^{\langle t \rangle}`: from this step's output and from the
        later steps.
    cache : GRUCache
        The cache returned by :func:`gru_cell_forward` (a plain tuple in the same
        order works too).

    Returns
    -------
    gradients : dict of ndarray
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), then ``dWr``, ``dbr``, ``dWu``,
        ``dbu``, ``dWc``, ``dbc`` with the shapes of their parameters:
        (n_a, n_a + n_x) and (n_a, 1).

    Notes
    -----
    The gates read :math:`\bar x = [a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`
    (``concat``), the candidate reads :math:`\bar x_c = [\Gamma_r \odot
    a^{\langle t-1 \rangle}; x^{\langle t \rangle}]` (``concat_c``). Their gradients
    are :math:`d\bar x = W_r^T dz_r + W_u^T dz_u` (``dconcat``) and
    :math:`d\bar x_c = W_c^T dz_c` (``dconcat_c``), whose first :math:`n_a` rows
    belong to the reset state :math:`\Gamma_r \odot a^{\langle t-1 \rangle}`:

    .. math::

        dW_g = dz_g \, \bar x^T \ (g = r, u), \quad dW_c = dz_c \, \bar x_c^T, \quad
        db_g = \textstyle\sum_{\text{columns}} dz_g, \\
        dx^{\langle t \rangle} = d\bar x[n_a{:}] + d\bar x_c[n_a{:}], \quad
        da_{prev} = d\bar x[{:}n_a] + da_{next} (1 - \Gamma_u)
        + d\bar x_c[{:}n_a] \, \Gamma_r

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import gru_cell_forward, gru_cell_backward
    >>> rng = np.random.default_rng(1)
    >>> n_x, n_a, n_y, m = 3, 2, 2, 4
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a_next, yt, cache = gru_cell_forward(
    ...     rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), parameters)
    >>> gradients = gru_cell_backward(np.ones((n_a, m)), cache)
    >>> list(gradients)
    ['dxt', 'da_prev', 'dWr', 'dbr', 'dWu', 'dbu', 'dWc', 'dbc']
    >>> gradients["dWc"].shape, gradients["dxt"].shape
    ((2, 5), (3, 4))
    """
    c = _as_cache(GRUCache, cache, "gru")
    da_next = _upstream("da_next", da_next, c.a_next)
    p, n_a = c.parameters, c.a_next.shape[0]
    dcct = gru_candidate_grad(da_next, c.ut, c.cct)  # (n_a, m), dz_c
    dut = gru_update_gate_grad(da_next, c.a_prev, c.ut, c.cct)  # dz_u
    dconcat_c = p["Wc"].T @ dcct  # (n_a + n_x, m): d x-bar_c
    dra = dconcat_c[:n_a]  # (n_a, m): at the reset state rt * a_prev
    drt = gru_reset_gate_grad(dra, c.a_prev, c.rt)  # dz_r
    dconcat = p["Wr"].T @ drt + p["Wu"].T @ dut  # d x-bar: via the gates
    concat = np.concatenate([c.a_prev, c.xt])  # (n_a + n_x, m), x-bar
    concat_c = np.concatenate([c.rt * c.a_prev, c.xt])  # x-bar_c
    direct = gru_prev_state_grad(da_next, dra, c.ut, c.rt)
    gradients = {"dxt": dconcat[n_a:] + dconcat_c[n_a:],
                 "da_prev": dconcat[:n_a] + direct}
    layers = (("r", drt, concat), ("u", dut, concat), ("c", dcct, concat_c))
    for g, dz_g, inputs in layers:
        gradients["dW" + g] = dz_g @ inputs.T  # (n_a, n_a + n_x)
        gradients["db" + g] = dz_g.sum(axis=1, keepdims=True)  # (n_a, 1)
    return gradients


def gru_backward(da, caches):
    r"""Backpropagation through time for a GRU.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        The part of the gradient at every hidden state that reaches it directly,
        :math:`da^{\langle t \rangle}` = ``da[:, :, t]``. ``T_x`` may be smaller than
        the forward pass's: only the first ``T_x`` cached steps are used, and ``dx``
        has ``T_x`` steps.
    caches : SequenceCache
        The caches returned by :func:`gru_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), then ``dWr``, ``dbr``, ``dWu``,
        ``dbu``, ``dWc``, ``dbc`` with their parameters' shapes.

    Notes
    -----
    One gradient travels backwards through time, the hidden state's, added to the
    part that reaches each step directly:

    .. math:: da_{next}^{\langle t \rangle} = da^{\langle t \rangle} + da_{prev}^{\langle t+1 \rangle}

    zero beyond the last step. Parameter gradients add up over the steps.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import gru_forward, gru_backward
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a, y, caches = gru_forward(rng.standard_normal((n_x, m, T_x)),
    ...                            np.zeros((n_a, m)), parameters)
    >>> gradients = gru_backward(np.ones_like(a), caches)
    >>> gradients["dx"].shape, gradients["da0"].shape, gradients["dWu"].shape
    ((3, 4, 5), (2, 4), (2, 5))
    """
    checked = _check_sequence_grad(da, caches, GRUCache, "gru")
    da, step_caches, first, n_x, T_x = checked
    n_a, m = first.a_next.shape
    dtype = float_dtype(da, first.a_next)
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    totals = {
        key: np.zeros(first.parameters[key[1:]].shape, dtype=dtype)
        for key in GRU_PARAMETER_GRADS
    }
    da_prevt = np.zeros((n_a, m), dtype=dtype)  # da_prev<t+1>, to a<t>
    for t in reversed(range(T_x)):
        step = gru_cell_backward(da[:, :, t] + da_prevt, step_caches[t])
        dx[:, :, t], da_prevt = step["dxt"], step["da_prev"]
        for key in totals:
            totals[key] += step[key]
    return {"dx": dx, "da0": da_prevt, **totals}
