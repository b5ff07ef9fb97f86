"""Activation functions: the logistic sigmoid and a column-wise softmax.

Both are written so that no intermediate ever overflows: ``sigmoid(-1000.0)`` and
``softmax([[1000.], [0.]])`` are finite and raise no numpy warning.
"""

import numpy as np

from ._validate import REAL_KINDS


def sigmoid(x):
    r"""Logistic sigmoid, element-wise and overflow-free.

    Parameters
    ----------
    x : array_like, any shape
        Pre-activations.

    Returns
    -------
    ndarray, same shape and floating dtype as ``x``
        Values in :math:`[0, 1]`.

    Notes
    -----
    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}

    The first form is used where :math:`x \ge 0` and the second where :math:`x < 0`,
    so ``exp`` only ever sees non-positive arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 2.0]))  # doctest: +FLOAT_CMP
    array([0.        , 0.5       , 0.88079708])
    """
    x = _as_floats("x", x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[
        ()
    ]  # [()]: a scalar in, a scalar out


def softmax(x):
    r"""Softmax over the rows of each column: every column becomes a distribution.

    Parameters
    ----------
    x : array_like, shape (n_y, m)
        Scores, one column per example.

    Returns
    -------
    ndarray, shape (n_y, m)
        Non-negative values whose columns sum to 1.

    Notes
    -----
    .. math:: \operatorname{softmax}(x)_{ij} = \frac{e^{x_{ij} - \max_k x_{kj}}}{\sum_k e^{x_{kj} - \max_k x_{kj}}}

    Subtracting each column's maximum leaves the result unchanged and keeps every
    exponent at most 0.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook import softmax
    >>> softmax(np.array([[1000.0, 1.0], [0.0, 1.0]]))  # doctest: +FLOAT_CMP
    array([[1. , 0.5],
           [0. , 0.5]])
    """
    x = _as_floats("x", x)
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"x: expected scores of shape (n_y, m) with n_y >= 1, got shape {x.shape}")
    # A gap to the maximum beyond the dtype's range (float16 holds only 65504) becomes
    # -inf, whose exponential is exactly the right 0.
    with np.errstate(over="ignore"):
        e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _as_floats(name, x):
    """``x`` as a floating array: real numbers only; integers become float64."""
    x = np.asarray(x)
    if x.dtype.kind not in REAL_KINDS:
        raise TypeError(f"{name}: expected real numbers (float or int), got dtype {x.dtype}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)
