"""Gradient checking by centred finite differences.

One checker serves every backward pass, in the tests and in the book: perturb one
entry of an input by ``±h``, rerun the forward function, and compare the slope of
``sum(f(x) * dout)`` with the analytic gradient.
"""

from functools import partial

import numpy as np

from ._norms import euclidean_norm
from ._validate import check_positive
from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cell import lstm_cell_forward, rnn_cell_forward
from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .sequence import lstm_forward, rnn_forward


def numerical_gradient(f, x, dout, h=1e-5):
    r"""Centred finite-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to an array shaped like ``dout``. It is only
        ever called on a float64 copy of ``x``; ``x`` itself is never modified.
    x : ndarray, any shape
        Point at which to differentiate.
    dout : ndarray, shape of ``f(x)``
        Upstream gradient: the weights of the scalar ``sum(f(x) * dout)``. Its shape
        must be exactly that of ``f(x)``: one that only broadcasts to it would weight
        some outputs twice.
    h : float, optional
        Step size, finite and positive. ``1e-5`` balances truncation error (order
        ``h**2``) against round-off (order ``eps / h``) in float64.

    Returns
    -------
    ndarray, shape of ``x``, float64

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x_i} \approx
              \frac{L(x + h e_i) - L(x - h e_i)}{2h}, \qquad L(x) = \sum f(x) \odot dout

    Costs two calls of ``f`` per entry of ``x``: use it on small shapes.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gradcheck import numerical_gradient
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda v: v**3, x, np.ones(2))  # 3 x**2  # doctest: +FLOAT_CMP
    array([ 3., 12.])
    """
    h = check_positive("h", h)
    point = _real_copy("x", x)  # a float64 copy: the caller's x stays untouched
    dout = _real_copy("dout", dout)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        above = _weighted_sum(f(point), dout)
        point[index] = original - h
        below = _weighted_sum(f(point), dout)
        point[index] = original
        grad[index] = (above - below) / (2 * h)
    return grad


def _weighted_sum(out, dout):
    """``sum(out * dout)``, once ``out`` has exactly the shape of ``dout``."""
    if np.shape(out) != dout.shape:
        raise ValueError(f"dout: expected the shape of f(x), {np.shape(out)}, got {dout.shape}")
    return np.sum(out * dout)


def _real_copy(name, value):
    value = np.asarray(value)
    if value.dtype.kind not in "fiu":
        raise TypeError(f"{name}: expected real numbers, got dtype {value.dtype}")
    return value.astype(np.float64)  # always a new array


def relative_error(analytic, numerical):
    r"""Relative distance between two gradients, ``|a - n| / (|a| + |n|)`` in norm.

    Parameters
    ----------
    analytic, numerical : ndarray, same shape
        The gradient from a backward pass, and its finite-difference estimate.

    Returns
    -------
    float
        0 for identical arrays (including two zero arrays); about 1e-10 or less for
        a correct float64 backward pass; close to 1 for an unrelated one.

    Notes
    -----
    .. math:: \frac{\lVert a - n \rVert_2}{\lVert a \rVert_2 + \lVert n \rVert_2}

    The norm form, rather than an entry-wise ratio, does not blow up on entries
    whose true gradient is zero.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gradcheck import relative_error
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    1.0
    """
    analytic, numerical = _real_copy("analytic", analytic), _real_copy("numerical", numerical)
    if analytic.shape != numerical.shape:
        raise ValueError(
            f"numerical: expected the analytic gradient's shape {analytic.shape}, "
            f"got {numerical.shape}"
        )
    largest = float(max(np.max(np.abs(analytic), initial=0.0),
                        np.max(np.abs(numerical), initial=0.0)))
    if largest == 0 or not np.isfinite(largest):
        return 0.0 if largest == 0 else float("nan")
    analytic, numerical = analytic / largest, numerical / largest  # no overflow below
    return euclidean_norm(analytic - numerical) / (
        euclidean_norm(analytic) + euclidean_norm(numerical)
    )


def gradient_errors(f, inputs, dout, gradients, h=1e-5):
    """Relative error of every analytic gradient against finite differences.

    Parameters
    ----------
    f : callable
        ``f(**inputs)`` returns the forward output, an array shaped like ``dout``.
    inputs : dict of ndarray
        Named inputs of ``f``. Nested parameter dicts are not supported: flatten
        them into ``inputs`` (``f`` can rebuild the dict).
    dout : ndarray
        Upstream gradient of ``f``'s output.
    gradients : dict of ndarray
        Analytic gradients keyed ``"d" + name`` for names in ``inputs``. A gradient
        with fewer entries along an axis than its input (a backward pass that used
        only the first steps) is compared after padding it with zeros, which is
        the true gradient for the unused entries.
    h : float, optional
        Finite-difference step.

    Returns
    -------
    dict of float
        ``{key: relative_error}`` for every key of ``gradients``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gradcheck import gradient_errors
    >>> w, x = np.array([[2.0, -1.0]]), np.array([[0.5], [3.0]])
    >>> errors = gradient_errors(lambda w, x: w @ x, {"w": w, "x": x}, np.ones((1, 1)),
    ...                          {"dw": x.T, "dx": w.T})
    >>> all(error < 1e-9 for error in errors.values())
    True
    """
    unknown = [key for key in gradients if key[1:] not in inputs or not key.startswith("d")]
    if unknown:
        raise ValueError(
            f"gradients: expected keys 'd' + an input's name ({sorted(inputs)}), "
            f"got {unknown}"
        )
    errors = {}
    for key, analytic in gradients.items():
        name = key[1:]

        def output(value, name=name):  # f with one input replaced
            return f(**{**inputs, name: value})

        numerical = numerical_gradient(output, inputs[name], dout, h)
        padding = [
            (0, full - used)
            for full, used in zip(numerical.shape, np.shape(analytic), strict=True)
        ]
        errors[key] = relative_error(np.pad(analytic, padding), numerical)
    return errors


# One adapter per backward pass: the forward output as a function of flat, named
# inputs, so that ``gradient_errors`` can perturb any of them.


def _rnn_cell_output(xt, a_prev, **parameters):
    return rnn_cell_forward(xt, a_prev, parameters)[0]


def _rnn_output(x, a0, T_x, **parameters):
    return rnn_forward(x, a0, parameters)[0][:, :, :T_x]


def _lstm_cell_output(xt, a_prev, c_prev, **parameters):
    a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    return np.concatenate([a_next, c_next])  # (2 n_a, m): both outputs get a gradient


def _lstm_output(x, a0, T_x, **parameters):
    return lstm_forward(x, a0, parameters)[0][:, :, :T_x]


def _gru_cell_output(xt, a_prev, **parameters):
    return gru_cell_forward(xt, a_prev, parameters)[0]


def _gru_output(x, a0, T_x, **parameters):
    return gru_forward(x, a0, parameters)[0][:, :, :T_x]


def check_rnn_cell_backward(xt, a_prev, parameters, da_next, h=1e-5,
                            backward=rnn_cell_backward):
    """Relative error of every gradient of :func:`~rnnbook.rnn_cell_backward`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The RNN's parameters, as for :func:`~rnnbook.rnn_cell_forward`.
    da_next : ndarray, shape (n_a, m)
        Upstream gradient.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.rnn_cell_backward`
        (default: that function).

    Returns
    -------
    dict of float
        ``{"dxt": ..., "da_prev": ..., "dWax": ..., "dWaa": ..., "dba": ...}``.

    Examples
    --------
    >>> from rnnbook.course import rnn_cell_backward_case
    >>> from rnnbook.gradcheck import check_rnn_cell_backward
    >>> errors = check_rnn_cell_backward(**rnn_cell_backward_case())
    >>> max(errors.values()) < 1e-7
    True
    """
    gradients = backward(da_next, rnn_cell_forward(xt, a_prev, parameters)[2])
    inputs = {"xt": xt, "a_prev": a_prev, **parameters}
    return gradient_errors(_rnn_cell_output, inputs, da_next, gradients, h)


def check_rnn_backward(x, a0, parameters, da, h=1e-5, backward=rnn_backward):
    """Relative error of every gradient of :func:`~rnnbook.rnn_backward`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The RNN's parameters, as for :func:`~rnnbook.rnn_forward`.
    da : ndarray, shape (n_a, m, T) with T <= T_x
        Upstream gradient of the hidden states.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.rnn_backward`
        (default: that function).

    Returns
    -------
    dict of float
        ``{"dx": ..., "da0": ..., "dWax": ..., "dWaa": ..., "dba": ...}``.

    Examples
    --------
    >>> from rnnbook.course import rnn_backward_case
    >>> from rnnbook.gradcheck import check_rnn_backward
    >>> errors = check_rnn_backward(**rnn_backward_case())
    >>> max(errors.values()) < 1e-7
    True
    """
    gradients = backward(da, rnn_forward(x, a0, parameters)[2])
    inputs = {"x": x, "a0": a0, **parameters}
    output = partial(_rnn_output, T_x=da.shape[2])
    return gradient_errors(output, inputs, da, gradients, h)


def check_lstm_cell_backward(xt, a_prev, c_prev, parameters, da_next, dc_next, h=1e-5,
                             backward=lstm_cell_backward):
    """Relative error of every gradient of :func:`~rnnbook.lstm_cell_backward`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev, c_prev : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The LSTM's parameters, as for :func:`~rnnbook.lstm_cell_forward`.
    da_next, dc_next : ndarray, shape (n_a, m)
        Upstream gradients of the hidden and the cell state.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.lstm_cell_backward`
        (default: that function).

    Returns
    -------
    dict of float
        One entry per key of :func:`~rnnbook.lstm_cell_backward`'s result.

    Examples
    --------
    >>> from rnnbook.course import lstm_cell_backward_case
    >>> from rnnbook.gradcheck import check_lstm_cell_backward
    >>> errors = check_lstm_cell_backward(**lstm_cell_backward_case())
    >>> max(errors.values()) < 1e-7
    True
    """
    cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)[3]
    gradients = backward(da_next, dc_next, cache)
    inputs = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev, **parameters}
    dout = np.concatenate([da_next, dc_next])  # (2 n_a, m), matches _lstm_cell_output
    return gradient_errors(_lstm_cell_output, inputs, dout, gradients, h)


def check_lstm_backward(x, a0, parameters, da, h=1e-5, backward=lstm_backward):
    """Relative error of every gradient of :func:`~rnnbook.lstm_backward`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The LSTM's parameters, as for :func:`~rnnbook.lstm_forward`.
    da : ndarray, shape (n_a, m, T) with T <= T_x
        Upstream gradient of the hidden states.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.lstm_backward`
        (default: that function).

    Returns
    -------
    dict of float
        One entry per key of :func:`~rnnbook.lstm_backward`'s result.

    Examples
    --------
    >>> from rnnbook.course import lstm_backward_case
    >>> from rnnbook.gradcheck import check_lstm_backward
    >>> errors = check_lstm_backward(**lstm_backward_case())
    >>> max(errors.values()) < 1e-7
    True
    """
    gradients = backward(da, lstm_forward(x, a0, parameters)[3])
    inputs = {"x": x, "a0": a0, **parameters}
    output = partial(_lstm_output, T_x=da.shape[2])
    return gradient_errors(output, inputs, da, gradients, h)


def check_gru_cell_backward(xt, a_prev, parameters, da_next, h=1e-5,
                            backward=gru_cell_backward):
    """Relative error of every gradient of :func:`~rnnbook.gru_cell_backward`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The GRU's parameters, as for :func:`~rnnbook.gru_cell_forward`.
    da_next : ndarray, shape (n_a, m)
        Upstream gradient.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.gru_cell_backward`
        (default: that function).

    Returns
    -------
    dict of float
        One entry per key of :func:`~rnnbook.gru_cell_backward`'s result.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gradcheck import check_gru_cell_backward
    >>> rng = np.random.default_rng(0)
    >>> n_x, n_a, n_y, m = 3, 2, 2, 4
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> errors = check_gru_cell_backward(rng.standard_normal((n_x, m)),
    ...     rng.standard_normal((n_a, m)), parameters, rng.standard_normal((n_a, m)))
    >>> max(errors.values()) < 1e-7
    True
    """
    gradients = backward(da_next, gru_cell_forward(xt, a_prev, parameters)[2])
    inputs = {"xt": xt, "a_prev": a_prev, **parameters}
    return gradient_errors(_gru_cell_output, inputs, da_next, gradients, h)


def check_gru_backward(x, a0, parameters, da, h=1e-5, backward=gru_backward):
    """Relative error of every gradient of :func:`~rnnbook.gru_backward`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        The GRU's parameters, as for :func:`~rnnbook.gru_forward`.
    da : ndarray, shape (n_a, m, T) with T <= T_x
        Upstream gradient of the hidden states.
    h : float, optional
        Finite-difference step.
    backward : callable, optional
        The backward pass to check, called like :func:`~rnnbook.gru_backward`
        (default: that function).

    Returns
    -------
    dict of float
        One entry per key of :func:`~rnnbook.gru_backward`'s result.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gradcheck import check_gru_backward
    >>> rng = np.random.default_rng(0)
    >>> n_x, n_a, n_y, m, T_x = 3, 2, 2, 4, 5
    >>> parameters = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("Wr", "Wu", "Wc")}
    >>> parameters.update({k: rng.standard_normal((n_a, 1)) for k in ("br", "bu", "bc")})
    >>> parameters.update(Wy=rng.standard_normal((n_y, n_a)), by=np.zeros((n_y, 1)))
    >>> errors = check_gru_backward(rng.standard_normal((n_x, m, T_x)),
    ...     rng.standard_normal((n_a, m)), parameters, rng.standard_normal((n_a, m, 3)))
    >>> max(errors.values()) < 1e-7
    True
    """
    gradients = backward(da, gru_forward(x, a0, parameters)[2])
    inputs = {"x": x, "a0": a0, **parameters}
    output = partial(_gru_output, T_x=da.shape[2])
    return gradient_errors(output, inputs, da, gradients, h)
