r"""The output layer and its loss: softmax over ``W_y a + b_y`` at every step, cross-entropy.

The recurrent core (:mod:`rnnbook.sequence`, :mod:`rnnbook.backward`) stops at the
hidden states ``a`` of shape (n_a, m, T_x). This module closes the loop: it scores
every hidden state, turns the scores into probabilities, compares them with the
targets, and sends back ``da``, the gradient that :func:`~rnnbook.rnn_backward` and
:func:`~rnnbook.lstm_backward` take as input. The whole model, core and output layer
together, is :mod:`rnnbook.model`.

Conventions, fixed once for the whole package:

* targets are integer class indices of shape (m, T_x), one per example and step
  (not one-hot vectors: an index is what a dataset stores, and it cannot hold
  two ones by mistake);
* the loss is the *mean* cross-entropy over the m * T_x predictions, in nats, so it
  reads as "nats per prediction" and a model that guesses uniformly over n_y classes
  scores exactly :math:`\ln n_y`, whatever the batch size or sequence length. Every
  gradient below is the gradient of that mean.
"""

import numpy as np

from ._validate import as_array, check_size, expect_shape
from .activations import softmax


def _check_targets(targets, m, T_x, n_y, name="targets"):
    """Validate integer class indices of shape (m, T_x) with values in [0, n_y)."""
    targets = as_array(name, targets, 2, "(m, T_x)")
    if targets.dtype.kind not in "iu":
        raise ValueError(
            f"{name}: expected integer class indices of shape (m, T_x), got dtype {targets.dtype}"
        )
    expect_shape(name, targets, "(m, T_x)", (m, T_x))
    if targets.size and (targets.min() < 0 or targets.max() >= n_y):
        raise ValueError(
            f"{name}: class indices must lie in [0, n_y) = [0, {n_y}), "
            f"got values from {targets.min()} to {targets.max()}"
        )
    return targets


def _check_probabilities(y_hat):
    """``y_hat`` (n_y, m, T_x) as floats, with at least one prediction to average over."""
    y_hat = as_array("y_hat", y_hat, 3, "(n_y, m, T_x)")
    _, m, T_x = y_hat.shape
    if m * T_x == 0:
        raise ValueError(
            f"y_hat: expected at least one prediction (m * T_x > 0) for the mean loss, "
            f"got shape {y_hat.shape}"
        )
    return y_hat if y_hat.dtype.kind == "f" else y_hat.astype(np.float64)


def one_hot(indices, depth, dtype=np.float64):
    r"""Turn integer indices of shape (m, T_x) into one-hot columns (depth, m, T_x).

    Parameters
    ----------
    indices : array_like of int, shape (m, T_x)
        Class (or character) indices, each in ``[0, depth)``.
    depth : int
        Number of classes: the length of each one-hot column.
    dtype : data-type, optional
        Dtype of the result.

    Returns
    -------
    ndarray, shape (depth, m, T_x)
        ``out[k, i, t] = 1`` where ``indices[i, t] == k``, 0 elsewhere.

    Notes
    -----
    .. math:: y^{\langle t \rangle}_{k, i} = [\, k = \text{indices}_{i, t} \,]

    Examples
    --------
    >>> from rnnbook.output import one_hot
    >>> one_hot([[2, 0]], depth=3)[:, 0, :]  # one example, two steps
    array([[0., 1.],
           [0., 0.],
           [1., 0.]])
    """
    m, T_x = as_array("indices", indices, 2, "(m, T_x)").shape
    indices = _check_targets(indices, m, T_x, check_size("depth", depth), name="indices")
    encoded = np.zeros((depth, m, T_x), dtype=dtype)
    np.put_along_axis(
        encoded, indices[None], 1, axis=0
    )  # writes into our own new array
    return encoded


def output_forward(a, Wy, by):
    r"""Class probabilities at every step: softmax of the scores ``W_y a + b_y``.

    Parameters
    ----------
    a : ndarray, shape (n_a, m, T_x)
        Hidden states, as returned by :func:`~rnnbook.rnn_forward` or
        :func:`~rnnbook.lstm_forward`.
    Wy : ndarray, shape (n_y, n_a)
        Output weights (the RNN calls them ``Wya``).
    by : ndarray, shape (n_y, 1)
        Output bias.

    Returns
    -------
    y_hat : ndarray, shape (n_y, m, T_x)
        Probabilities; every column ``y_hat[:, i, t]`` sums to 1.

    Notes
    -----
    .. math:: \hat y^{\langle t \rangle} = \operatorname{softmax}(W_y a^{\langle t \rangle} + b_y)

    the same layer the forward passes already apply at each step, here as a function
    of ``a`` alone so that its gradient can be taken separately.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.output import output_forward
    >>> y_hat = output_forward(np.zeros((4, 2, 3)), np.ones((5, 4)), np.zeros((5, 1)))
    >>> y_hat.shape, float(y_hat[0, 0, 0])  # equal scores: 1/5 each
    ((5, 2, 3), 0.2)
    """
    a = as_array("a", a, 3, "(n_a, m, T_x)")
    Wy = as_array("Wy", Wy, 2, "(n_y, n_a)")
    n_y, n_a = Wy.shape
    expect_shape("a", a, "(n_a, m, T_x)", (n_a, *a.shape[1:]))
    by = as_array("by", by, 2, "(n_y, 1)")
    expect_shape("by", by, "(n_y, 1)", (n_y, 1))
    scores = np.tensordot(Wy, a, axes=1) + by[:, :, None]  # (n_y, m, T_x)
    return softmax(scores)  # normalises axis 0 whatever the trailing axes


def cross_entropy(y_hat, targets):
    r"""Mean cross-entropy, in nats, of predicted probabilities against class indices.

    Parameters
    ----------
    y_hat : ndarray, shape (n_y, m, T_x)
        Predicted probabilities (columns sum to 1).
    targets : ndarray of int, shape (m, T_x)
        The right class at every example and step, in ``[0, n_y)``.

    Returns
    -------
    float
        The loss averaged over the ``m * T_x`` predictions.

    Notes
    -----
    .. math:: \mathcal L = -\frac{1}{m T_x} \sum_{i=1}^{m} \sum_{t=1}^{T_x}
              \log \hat y^{\langle t \rangle}_{y_{i,t},\, i}

    A probability that has underflowed to 0 is read as the smallest positive float,
    so the loss stays finite (about 708 nats per such prediction in float64).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.output import cross_entropy
    >>> uniform = np.full((4, 2, 3), 0.25)
    >>> cross_entropy(uniform, np.zeros((2, 3), dtype=int))  # ln 4  # doctest: +FLOAT_CMP
    1.3862943611198906
    """
    y_hat = _check_probabilities(y_hat)
    n_y, m, T_x = y_hat.shape
    targets = _check_targets(targets, m, T_x, n_y)
    picked = np.take_along_axis(y_hat, targets[None], axis=0)  # (1, m, T_x)
    tiny = np.finfo(y_hat.dtype).tiny
    return float(-np.log(np.maximum(picked, tiny)).mean())


def output_backward(y_hat, targets, a, Wy):
    r"""Gradients of :func:`cross_entropy` through the output layer.

    Parameters
    ----------
    y_hat : ndarray, shape (n_y, m, T_x)
        Probabilities from :func:`output_forward` (or from a forward pass).
    targets : ndarray of int, shape (m, T_x)
        Class indices in ``[0, n_y)``.
    a : ndarray, shape (n_a, m, T_x)
        The hidden states the probabilities were computed from.
    Wy : ndarray, shape (n_y, n_a)
        Output weights (the RNN calls them ``Wya``).

    Returns
    -------
    gradients : dict of ndarray
        ``dWy`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x), the input of
        :func:`~rnnbook.rnn_backward` and :func:`~rnnbook.lstm_backward`.

    Notes
    -----
    Softmax followed by cross-entropy has the simplest of gradients at the scores
    :math:`s = W_y a + b_y`: prediction minus truth, divided by the number of
    predictions the loss averages over.

    .. math::

        ds^{\langle t \rangle} = \frac{\hat y^{\langle t \rangle} - y^{\langle t \rangle}}{m T_x},
        \quad dW_y = \sum_t ds^{\langle t \rangle} a^{\langle t \rangle T},
        \quad db_y = \sum_{t,\ \text{columns}} ds^{\langle t \rangle},
        \quad da^{\langle t \rangle} = W_y^T ds^{\langle t \rangle}

    with :math:`y^{\langle t \rangle}` the one-hot targets.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.output import output_backward
    >>> y_hat = np.full((2, 1, 1), 0.5)  # two classes, one example, one step
    >>> gradients = output_backward(y_hat, np.array([[0]]), np.ones((3, 1, 1)),
    ...                             np.zeros((2, 3)))
    >>> gradients["dby"]  # 0.5 - 1 and 0.5 - 0  # doctest: +FLOAT_CMP
    array([[-0.5],
           [ 0.5]])
    >>> sorted(gradients)
    ['dWy', 'da', 'dby']
    """
    y_hat = _check_probabilities(y_hat)
    n_y, m, T_x = y_hat.shape
    targets = _check_targets(targets, m, T_x, n_y)
    a = as_array("a", a, 3, "(n_a, m, T_x)")
    expect_shape("a", a, "(n_a, m, T_x)", (a.shape[0], m, T_x), "m and T_x from y_hat")
    Wy = as_array("Wy", Wy, 2, "(n_y, n_a)")
    expect_shape("Wy", Wy, "(n_y, n_a)", (n_y, a.shape[0]), "n_y from y_hat, n_a from a")
    dscores = (y_hat - one_hot(targets, n_y, y_hat.dtype)) / (m * T_x)  # (n_y, m, T_x)
    return {
        "dWy": np.tensordot(dscores, a, axes=([1, 2], [1, 2])),  # (n_y, n_a)
        "dby": dscores.sum(axis=(1, 2))[:, None],  # (n_y, 1)
        "da": np.tensordot(Wy.T, dscores, axes=1),  # (n_a, m, T_x)
    }
