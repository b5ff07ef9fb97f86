"""Backward passes: the RNN and LSTM cells, and backpropagation through time.

Each ``*_backward`` takes the gradient of the loss with respect to its forward's
outputs and the forward's cache, and returns a dict with the gradient of the loss
with respect to each input and parameter, under the course's keys.
"""

import numpy as np

from ._validate import as_array, check_like, float_dtype
from .cell import LSTMCache, RNNCache
from .gates import (
    candidate_grad,
    cell_state_grad,
    forget_gate_grad,
    output_gate_grad,
    prev_cell_state_grad,
    update_gate_grad,
)
from .parameters import check_parameters
from .sequence import SequenceCache

LSTM_PARAMETER_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")


def _as_cache(cache_type, cache, kind):
    """A cell cache of ``cache_type``, from the package's own or from a plain tuple.

    A cache of the package's type was built by its forward pass from checked arrays;
    a plain tuple in the course's field order is checked field by field: every state
    and gate shaped like ``a_next`` (n_a, m), ``xt`` (n_x, m), and the parameters of
    ``kind`` for those sizes.
    """
    if isinstance(cache, cache_type):
        return cache
    fields = cache_type._fields
    if not isinstance(cache, tuple) or len(cache) != len(fields):
        length = len(cache) if isinstance(cache, tuple) else "?"
        raise ValueError(
            f"cache: expected a {cache_type.__name__} of {len(fields)} fields "
            f"{fields}, got {type(cache).__name__} of length {length}"
        )
    values = dict(zip(fields, cache))
    a_next = as_array("cache.a_next", values["a_next"], 2, "(n_a, m)")
    m = a_next.shape[1]
    xt = as_array("cache.xt", values["xt"], 2, "(n_x, m)")
    for name in fields:
        if name not in ("xt", "parameters"):
            values[name] = check_like(f"cache.{name}", values[name], a_next, "(n_a, m)")
    values["xt"] = check_like("cache.xt", xt, np.empty((xt.shape[0], m)), "(n_x, m)")
    values["parameters"] = check_parameters(
        kind, values["parameters"], xt.shape[0], a_next.shape[0], "cache.xt", "cache.a_next"
    )
    return cache_type(**values)


def _upstream(name, grad, like, letters="(n_a, m)"):
    """Validate an upstream gradient against the forward value it belongs to."""
    return check_like(name, grad, like, letters)


def rnn_cell_backward(da_next, cache):
    r"""Backward pass of one RNN step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to :math:`a^{\langle t \rangle}`.
    cache : RNNCache
        The cache returned by :func:`rnn_cell_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dWax`` (n_a, n_x),
        ``dWaa`` (n_a, n_a), ``dba`` (n_a, 1).

    Notes
    -----
    With :math:`dz = da_{next} \odot (1 - (a^{\langle t \rangle})^2)`, the gradient at
    the argument of tanh:

    .. math::

        dx^{\langle t \rangle} = W_{ax}^T dz, \quad
        da^{\langle t-1 \rangle} = W_{aa}^T dz, \quad
        dW_{ax} = dz \, x^{\langle t \rangle T}, \quad
        dW_{aa} = dz \, a^{\langle t-1 \rangle T}, \quad
        db_a = \textstyle\sum_{\text{columns}} dz

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import rnn_cell_forward, rnn_cell_backward
    >>> n_x, n_a, n_y, m = 2, 1, 1, 1
    >>> parameters = {"Wax": np.array([[1.0, -1.0]]), "Waa": np.zeros((n_a, n_a)),
    ...               "Wya": np.ones((n_y, n_a)), "ba": np.zeros((n_a, 1)),
    ...               "by": np.zeros((n_y, 1))}
    >>> _, _, cache = rnn_cell_forward(np.zeros((n_x, m)), np.zeros((n_a, m)), parameters)
    >>> gradients = rnn_cell_backward(np.ones((n_a, m)), cache)
    >>> gradients["dxt"]  # tanh'(0) = 1, so dxt is Wax transposed  # doctest: +FLOAT_CMP
    array([[ 1.],
           [-1.]])
    >>> sorted(gradients)
    ['dWaa', 'dWax', 'da_prev', 'dba', 'dxt']
    """
    cache = _as_cache(RNNCache, cache, "rnn")
    da_next = _upstream("da_next", da_next, cache.a_next)
    p = cache.parameters
    dz = da_next * (1 - cache.a_next**2)  # (n_a, m), gradient at tanh's argument
    return {
        "dxt": p["Wax"].T @ dz,  # (n_x, m)
        "da_prev": p["Waa"].T @ dz,  # (n_a, m)
        "dWax": dz @ cache.xt.T,  # (n_a, n_x)
        "dWaa": dz @ cache.a_prev.T,  # (n_a, n_a)
        "dba": dz.sum(axis=1, keepdims=True),  # (n_a, 1)
    }


def _check_sequence_grad(da, caches, cache_type, kind):
    """Validate ``da`` (n_a, m, T) against the forward caches; T may be < T_x.

    Returns ``da``, the list of step caches, the first one checked, ``n_x`` and ``T``.
    """
    if not isinstance(caches, tuple) or len(caches) != 2:
        raise ValueError(
            "caches: expected the (caches, x) pair returned by the forward pass"
        )
    step_caches, x = SequenceCache(*caches)
    x = as_array("caches.x", x, 3, "(n_x, m, T_x)")
    if len(step_caches) == 0:
        raise ValueError("caches: the forward pass ran no time step (T_x = 0)")
    first = _as_cache(cache_type, step_caches[0], kind)
    n_a, m = first.a_next.shape
    da = as_array("da", da, 3, "(n_a, m, T_x)")
    T_x = da.shape[2]
    if da.shape[:2] != (n_a, m) or not 1 <= T_x <= len(step_caches):
        raise ValueError(
            f"da: expected shape (n_a, m, T_x) = ({n_a}, {m}, T_x) with "
            f"1 <= T_x <= {len(step_caches)} (the forward pass's steps), got {da.shape}"
        )
    return da, step_caches, first, x.shape[0], T_x


def rnn_backward(da, caches):
    r"""Backpropagation through time for a basic RNN.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Gradient of the loss with respect to every hidden state, as the loss (for
        example an output layer) sees it. ``T_x`` may be smaller than the forward
        pass's: the loss then depends on the first ``T_x`` steps only.
    caches : SequenceCache
        The caches returned by :func:`rnn_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), ``dWax`` (n_a, n_x),
        ``dWaa`` (n_a, n_a), ``dba`` (n_a, 1).

    Notes
    -----
    :math:`a^{\langle t \rangle}` reaches the loss directly and through every later
    step, so the gradient fed to the cell at step t is the sum of both:

    .. math:: da_{next}^{\langle t \rangle} = da^{\langle t \rangle} + da_{prev}^{\langle t+1 \rangle}

    Parameter gradients add up over the steps, because every step uses the same
    parameters. (The course notebook feeds only the second term; see the Errata.)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import rnn_forward, rnn_backward
    >>> rng = np.random.default_rng(0)
    >>> n_x, n_a, n_y, m, T_x = 3, 4, 2, 5, 6
    >>> parameters = {"Wax": rng.standard_normal((n_a, n_x)),
    ...               "Waa": rng.standard_normal((n_a, n_a)),
    ...               "Wya": rng.standard_normal((n_y, n_a)),
    ...               "ba": rng.standard_normal((n_a, 1)), "by": np.zeros((n_y, 1))}
    >>> a, y_pred, caches = rnn_forward(rng.standard_normal((n_x, m, T_x)),
    ...                                 np.zeros((n_a, m)), parameters)
    >>> gradients = rnn_backward(np.ones_like(a), caches)
    >>> {key: value.shape for key, value in gradients.items()}
    {'dx': (3, 5, 6), 'da0': (4, 5), 'dWax': (4, 3), 'dWaa': (4, 4), 'dba': (4, 1)}
    """
    da, step_caches, first, n_x, T_x = _check_sequence_grad(da, caches, RNNCache, "rnn")
    n_a, m = first.a_next.shape
    dtype = float_dtype(da, first.a_next)
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    totals = {
        key: np.zeros(first.parameters[key[1:]].shape, dtype=dtype)
        for key in ("dWax", "dWaa", "dba")
    }
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prevt, step_caches[t])
        dx[:, :, t], da_prevt = step["dxt"], step["da_prev"]
        for key in totals:
            totals[key] += step[key]
    return {"dx": dx, "da0": da_prevt, **totals}


def lstm_cell_backward(da_next, dc_next, cache):
    r"""Backward pass of one LSTM step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to :math:`a^{\langle t \rangle}`.
    dc_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to :math:`c^{\langle t \rangle}` arriving
        from step t+1 (zeros at the last step).
    cache : LSTMCache
        The cache returned by :func:`lstm_cell_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dc_prev`` (n_a, m), then
        ``dWf``, ``dbf``, ``dWi``, ``dbi``, ``dWc``, ``dbc``, ``dWo``, ``dbo`` with
        the shapes of their parameters: (n_a, n_a + n_x) and (n_a, 1).

    Notes
    -----
    The gate gradients come from :mod:`rnnbook.gates`. Every gate acts on the stacked
    column :math:`z = [a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`, so

    .. math::

        dW_g = d\Gamma_g \, z^T, \quad db_g = \textstyle\sum_{\text{columns}} d\Gamma_g,
        \quad dz = \sum_g W_g^T d\Gamma_g

    and ``da_prev``, ``dxt`` are the first ``n_a`` and the last ``n_x`` rows of
    :math:`dz` (that is, :math:`W_g[:, :n_a]^T d\Gamma_g` and
    :math:`W_g[:, n_a:]^T d\Gamma_g`).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import lstm_cell_forward, lstm_cell_backward
    >>> rng = np.random.default_rng(1)
    >>> n_x, n_a, n_y, m = 3, 2, 2, 4
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a_next, c_next, yt, cache = lstm_cell_forward(
    ...     rng.standard_normal((n_x, m)), np.zeros((n_a, m)), np.zeros((n_a, m)), parameters)
    >>> gradients = lstm_cell_backward(np.ones((n_a, m)), np.zeros((n_a, m)), cache)
    >>> list(gradients)
    ['dxt', 'da_prev', 'dc_prev', 'dWf', 'dbf', 'dWi', 'dbi', 'dWc', 'dbc', 'dWo', 'dbo']
    >>> gradients["dWf"].shape, gradients["dxt"].shape
    ((2, 5), (3, 4))
    """
    c = _as_cache(LSTMCache, cache, "lstm")
    da_next = _upstream("da_next", da_next, c.a_next)
    dc_next = _upstream("dc_next", dc_next, c.c_next)
    n_a = c.a_next.shape[0]
    dc = cell_state_grad(da_next, dc_next, c.c_next, c.ot)  # (n_a, m)
    gate_grads = {
        "f": forget_gate_grad(dc, c.c_prev, c.ft),
        "i": update_gate_grad(dc, c.it, c.cct),
        "c": candidate_grad(dc, c.it, c.cct),
        "o": output_gate_grad(da_next, c.c_next, c.ot),
    }
    z = np.concatenate([c.a_prev, c.xt])  # (n_a + n_x, m)
    dz = sum(
        c.parameters["W" + g].T @ dg for g, dg in gate_grads.items()
    )  # (n_a + n_x, m)
    gradients = {
        "dxt": dz[n_a:],
        "da_prev": dz[:n_a],
        "dc_prev": prev_cell_state_grad(dc, c.ft),
    }
    for g, dg in gate_grads.items():
        gradients["dW" + g] = dg @ z.T  # (n_a, n_a + n_x)
        gradients["db" + g] = dg.sum(axis=1, keepdims=True)  # (n_a, 1)
    return gradients


def lstm_backward(da, caches):
    r"""Backpropagation through time for an LSTM.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Gradient of the loss with respect to every hidden state. ``T_x`` may be
        smaller than the forward pass's: only the first ``T_x`` cached steps are
        used, and ``dx`` has ``T_x`` steps. (The course's test draws ``x`` with 7
        steps and ``da`` with 4; this reproduces it.)
    caches : SequenceCache
        The caches returned by :func:`lstm_forward`.

    Returns
    -------
    gradients : dict of ndarray
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), then ``dWf``, ``dbf``, ``dWi``,
        ``dbi``, ``dWc``, ``dbc``, ``dWo``, ``dbo`` with their parameters' shapes.

    Notes
    -----
    Two gradients travel backwards through time: the hidden state's, added to the
    loss's own gradient at each step, and the cell state's:

    .. math::

        da_{next}^{\langle t \rangle} = da^{\langle t \rangle} + da_{prev}^{\langle t+1 \rangle},
        \qquad dc_{next}^{\langle t \rangle} = dc_{prev}^{\langle t+1 \rangle}

    both zero beyond the last step. (The course's expected output carries neither,
    and its ``dbi``, ``dbc``, ``dbo`` also pick up the running ``dbf``; see the Errata.)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import lstm_forward, lstm_backward
    >>> rng = np.random.default_rng(2)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wf", "Wi", "Wc", "Wo")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> a, y, c, caches = lstm_forward(rng.standard_normal((n_x, m, T_x)),
    ...                                np.zeros((n_a, m)), parameters)
    >>> gradients = lstm_backward(np.ones_like(a), caches)
    >>> gradients["dx"].shape, gradients["da0"].shape, gradients["dWo"].shape
    ((3, 4, 5), (2, 4), (2, 5))
    """
    da, step_caches, first, n_x, T_x = _check_sequence_grad(da, caches, LSTMCache, "lstm")
    n_a, m = first.a_next.shape
    dtype = float_dtype(da, first.a_next)
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    totals = {
        key: np.zeros(first.parameters[key[1:]].shape, dtype=dtype)
        for key in LSTM_PARAMETER_GRADS
    }
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    dc_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, step_caches[t])
        dx[:, :, t], da_prevt, dc_prevt = step["dxt"], step["da_prev"], step["dc_prev"]
        for key in totals:
            totals[key] += step[key]
    return {"dx": dx, "da0": da_prevt, **totals}
