r"""Two experiments on long-range memory, run when the book is built.

1. :func:`gradient_decay`: how the gradient of a loss at the last step shrinks (or
   grows) on its way back to earlier steps, for an RNN and an LSTM with the same
   hidden size, at several scales of the recurrent weights.
2. :func:`long_dependency_accuracy`: "recall the first symbol after k distractors".
   An RNN and an LSTM get the same data, hidden size and number of Adam steps; their
   accuracies are compared as k grows.

Every random draw comes from ``np.random.default_rng`` seeded by the ``seed``
argument, so the numbers in the book are the same at every build.
"""

from typing import NamedTuple

import numpy as np

from .backward import lstm_backward, rnn_backward
from .output import cross_entropy, one_hot, output_backward, output_forward
from .sequence import lstm_forward, rnn_forward
from .train import (
    initialize_lstm_parameters,
    initialize_rnn_parameters,
    model_kind,
    train_model,
)


def _recurrent_weights(rng, n_a, n_x, scale):
    """(n_a, n_a) block with entries N(0, scale^2 / n_a) and (n_a, n_x) block N(0, 1 / n_x)."""
    W_rec = (
        scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
    )  # spectral radius ~ scale
    W_in = rng.standard_normal((n_a, n_x)) / np.sqrt(n_x)
    return W_rec, W_in


def scaled_parameters(kind, n_x, n_a, scale, rng, forget_bias=1.0):
    r"""RNN or LSTM parameters whose recurrent weights have a chosen scale.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    n_x, n_a : int
        Input and hidden sizes. The output layer has one class and zero weights:
        these parameters are for studying the recurrence alone.
    scale : float
        Every recurrent weight (``Waa``, and the columns of each gate weight that
        multiply :math:`a^{\langle t-1 \rangle}`) is drawn from
        :math:`\mathcal N(0, \text{scale}^2 / n_a)`.
    rng : numpy.random.Generator
    forget_bias : float, optional
        The LSTM's ``bf``; other biases are 0.

    Returns
    -------
    dict of ndarray
        Parameters for :func:`~rnnbook.rnn_forward` or :func:`~rnnbook.lstm_forward`.

    Notes
    -----
    A random :math:`n_a \times n_a` matrix with entries of variance
    :math:`s^2 / n_a` has its eigenvalues spread over a disc of radius about
    :math:`s` (the circular law), so ``scale`` is roughly the largest factor by which
    one step of the linear part of the recurrence stretches a vector. Input weights
    have variance :math:`1 / n_x`.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.experiments import scaled_parameters
    >>> parameters = scaled_parameters("rnn", 4, 200, 2.0, np.random.default_rng(0))
    >>> radius = np.abs(np.linalg.eigvals(parameters["Waa"])).max()
    >>> bool(1.8 < radius < 2.2)
    True
    """
    if kind == "rnn":
        Waa, Wax = _recurrent_weights(rng, n_a, n_x, scale)
        return {
            "Wax": Wax,
            "Waa": Waa,
            "ba": np.zeros((n_a, 1)),
            "Wya": np.zeros((1, n_a)),
            "by": np.zeros((1, 1)),
        }
    if kind != "lstm":
        raise ValueError(f"kind: expected 'rnn' or 'lstm', got {kind!r}")
    parameters = {}
    for gate in "fico":
        parameters["W" + gate] = np.concatenate(
            _recurrent_weights(rng, n_a, n_x, scale), axis=1
        )
        parameters["b" + gate] = np.full((n_a, 1), forget_bias if gate == "f" else 0.0)
    return {**parameters, "Wy": np.zeros((1, n_a)), "by": np.zeros((1, 1))}


class GradientDecay(NamedTuple):
    """Result of :func:`gradient_decay`."""

    distance: np.ndarray  #: (T_x,) steps between the input and the loss, 0 .. T_x - 1
    scales: np.ndarray  #: (n_scales,) recurrent weight scales
    rnn: (
        np.ndarray
    )  #: (n_scales, T_x) RNN gradient norm at each distance, relative to distance 0
    lstm: np.ndarray  #: (n_scales, T_x) the same for the LSTM


def _input_gradient_norms(kind, x, a0, parameters, da):
    """||dx^<t>|| at every step, listed from the last step back to the first."""
    if kind == "rnn":
        dx = rnn_backward(da, rnn_forward(x, a0, parameters)[2])["dx"]
    else:
        dx = lstm_backward(da, lstm_forward(x, a0, parameters)[3])["dx"]
    return np.linalg.norm(dx, axis=(0, 1))[::-1]  # (T_x,), index = distance to the loss


def gradient_decay(
    scales=(0.5, 1.0, 2.0, 4.0), n_a=32, n_x=8, T_x=60, m=16, forget_bias=1.0, seed=0
):
    r"""How much gradient reaches each step from a loss at the last step, RNN against LSTM.

    Parameters
    ----------
    scales : sequence of float, optional
        Recurrent weight scales (see :func:`scaled_parameters`).
    n_a, n_x, T_x, m : int, optional
        Hidden size (the same for both models), input size, sequence length, batch.
    forget_bias : float, optional
        The LSTM's forget-gate bias (1, as in
        :func:`~rnnbook.train.initialize_lstm_parameters`).
    seed : int, optional

    Returns
    -------
    GradientDecay
        ``distance``, ``scales``, and for each model an array (n_scales, T_x) holding
        :math:`\lVert dx^{\langle T_x - d \rangle} \rVert / \lVert dx^{\langle T_x
        \rangle} \rVert` at distance :math:`d`.

    Notes
    -----
    The inputs are standard normal, :math:`a^{\langle 0 \rangle} = 0`, and the loss is
    :math:`\mathcal L = \sum v \odot a^{\langle T_x \rangle}` with a random
    :math:`v`, so ``da`` is :math:`v` at the last step and 0 elsewhere. The gradient
    reaching :math:`x^{\langle t \rangle}` has gone back through :math:`T_x - t`
    steps. In the RNN each step multiplies it by
    :math:`W_{aa}^T \operatorname{diag}(1 - (a^{\langle t \rangle})^2)`; in the LSTM
    the cell-state path multiplies it by the forget gate only,
    :math:`dc^{\langle t-1 \rangle} = \Gamma_f \odot dc^{\langle t \rangle}`.
    The same random draws are not shared between the models; each scale draws
    fresh weights.

    Examples
    --------
    >>> from rnnbook.experiments import gradient_decay
    >>> decay = gradient_decay(scales=(0.5,), T_x=20)
    >>> decay.rnn.shape, float(decay.rnn[0, 0])
    ((1, 20), 1.0)
    >>> bool(decay.lstm[0, -1] > 100 * decay.rnn[0, -1])  # the LSTM keeps more
    True
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = np.zeros((n_a, m))
    da = np.zeros((n_a, m, T_x))
    da[:, :, -1] = rng.standard_normal((n_a, m))  # the loss sits at the last step only
    norms = {"rnn": [], "lstm": []}
    for scale in scales:
        for kind in norms:
            parameters = scaled_parameters(kind, n_x, n_a, scale, rng, forget_bias)
            decay = _input_gradient_norms(kind, x, a0, parameters, da)
            norms[kind].append(decay / decay[0])
    return GradientDecay(
        np.arange(T_x),
        np.array(scales, dtype=float),
        np.array(norms["rnn"]),
        np.array(norms["lstm"]),
    )


def recall_task(k, m, rng, n_symbols=4, n_distractors=4):
    """Sequences for "recall the first symbol after k distractors".

    Parameters
    ----------
    k : int
        Number of distractors between the symbol and the end of the sequence.
    m : int
        Number of sequences.
    rng : numpy.random.Generator
    n_symbols : int, optional
        Symbols to remember; chance accuracy is ``1 / n_symbols``.
    n_distractors : int, optional
        Distinct distractor tokens, drawn uniformly at each of the k steps.

    Returns
    -------
    x : ndarray, shape (n_symbols + n_distractors, m, k + 1)
        One-hot inputs: a symbol (index < n_symbols) at step 0, distractors after.
    targets : ndarray of int, shape (m, 1)
        The symbol, to be output at the last step.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.experiments import recall_task
    >>> x, targets = recall_task(3, 2, np.random.default_rng(0))
    >>> x.shape, targets.shape
    ((8, 2, 4), (2, 1))
    >>> bool(np.array_equal(x[:, :, 0].argmax(axis=0), targets[:, 0]))
    True
    """
    tokens = np.empty((m, k + 1), dtype=np.int64)
    tokens[:, 0] = rng.integers(0, n_symbols, size=m)
    tokens[:, 1:] = rng.integers(n_symbols, n_symbols + n_distractors, size=(m, k))
    return one_hot(tokens, n_symbols + n_distractors), tokens[:, :1].copy()


def _hidden_states(kind, x, a0, parameters):
    """All hidden states and the caches for the backward pass."""
    if kind == "rnn":
        a, _, caches = rnn_forward(x, a0, parameters)
    else:
        a, _, _, caches = lstm_forward(x, a0, parameters)
    return a, caches


def last_step_loss_and_grads(x, a0, parameters, targets):
    r"""Loss at the last step only, and its gradient with respect to every parameter.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
    parameters : dict of ndarray
        An RNN's or an LSTM's (see :func:`~rnnbook.train.model_kind`).
    targets : ndarray of int, shape (m, 1)
        The class expected after the last step.

    Returns
    -------
    loss : float
        Mean cross-entropy of the last step's prediction.
    gradients : dict of ndarray
        ``"d" + key`` for every parameter key.

    Notes
    -----
    The output layer sees :math:`a^{\langle T_x \rangle}` only, so ``da`` is zero
    except at the last step; backpropagation through time carries it back.

    .. math:: \mathcal L = -\frac1m \sum_i \log \hat y^{\langle T_x \rangle}_{y_i,\, i}

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.experiments import last_step_loss_and_grads, recall_task
    >>> from rnnbook.train import initialize_rnn_parameters
    >>> x, targets = recall_task(5, 3, np.random.default_rng(0))
    >>> parameters = initialize_rnn_parameters(8, 6, 4, np.random.default_rng(1))
    >>> loss, gradients = last_step_loss_and_grads(x, np.zeros((6, 3)), parameters, targets)
    >>> sorted(gradients)
    ['dWaa', 'dWax', 'dWya', 'dba', 'dby']
    """
    kind = model_kind(parameters)
    out = "Wy" if kind == "lstm" else "Wya"
    a, caches = _hidden_states(kind, x, a0, parameters)
    last = a[:, :, -1:]  # (n_a, m, 1)
    y_hat = output_forward(last, parameters[out], parameters["by"])
    head = output_backward(y_hat, targets, last, parameters[out], key=out)
    da = np.zeros_like(a)
    da[:, :, -1:] = head["da"]
    core = (lstm_backward if kind == "lstm" else rnn_backward)(da, caches)
    gradients = {"d" + key: core["d" + key] for key in parameters if "d" + key in core}
    return cross_entropy(y_hat, targets), {
        **gradients,
        "d" + out: head["d" + out],
        "dby": head["dby"],
    }


def recall_accuracy(parameters, x, targets):
    """Fraction of sequences whose last-step prediction is the target.

    Parameters
    ----------
    parameters : dict of ndarray
        A trained RNN or LSTM.
    x : ndarray, shape (n_x, m, T_x)
    targets : ndarray of int, shape (m, 1)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.experiments import recall_accuracy, recall_task
    >>> from rnnbook.train import initialize_lstm_parameters
    >>> x, targets = recall_task(4, 500, np.random.default_rng(0))
    >>> untrained = initialize_lstm_parameters(8, 6, 4, np.random.default_rng(1))
    >>> bool(0.1 < recall_accuracy(untrained, x, targets) < 0.4)  # chance is 0.25
    True
    """
    kind = model_kind(parameters)
    out = "Wy" if kind == "lstm" else "Wya"
    a0 = np.zeros((parameters[out].shape[1], x.shape[1]))
    a, _ = _hidden_states(kind, x, a0, parameters)
    scores = parameters[out] @ a[:, :, -1] + parameters["by"]  # (n_y, m)
    return float(np.mean(scores.argmax(axis=0) == np.asarray(targets)[:, 0]))


class RecallResult(NamedTuple):
    """Result of :func:`long_dependency_accuracy`."""

    ks: np.ndarray  #: (n_k,) numbers of distractors
    rnn: np.ndarray  #: (n_k,) RNN test accuracy at each k
    lstm: np.ndarray  #: (n_k,) LSTM test accuracy at each k
    chance: float  #: 1 / n_symbols


def _train_recall(
    kind, k, seed, n_a, n_steps, batch_size, learning_rate, forget_bias, sizes
):
    """Train one model on the recall task; return its accuracy on 1000 fresh sequences."""
    n_symbols, n_distractors = sizes
    n_x = n_symbols + n_distractors
    init_rng = np.random.default_rng([seed, k, 1])
    if kind == "rnn":
        parameters = initialize_rnn_parameters(n_x, n_a, n_symbols, init_rng)
    else:
        parameters = initialize_lstm_parameters(
            n_x, n_a, n_symbols, init_rng, forget_bias=forget_bias
        )
    data_rng = np.random.default_rng([seed, k, 0])  # the same batches for both models
    stream = (recall_task(k, batch_size, data_rng, *sizes) for _ in range(n_steps))
    parameters, _ = train_model(
        parameters,
        stream,
        learning_rate=learning_rate,
        loss_and_grads=last_step_loss_and_grads,
    )
    test = recall_task(k, 1000, np.random.default_rng([seed, k, 2]), *sizes)
    return recall_accuracy(parameters, *test)


def long_dependency_accuracy(
    ks=(5, 10, 20, 40),
    n_a=16,
    n_steps=200,
    batch_size=32,
    learning_rate=0.003,
    forget_bias=3.0,
    n_symbols=4,
    n_distractors=4,
    seed=0,
):
    r"""Train an RNN and an LSTM on "recall the first symbol after k distractors", for each k.

    Parameters
    ----------
    ks : sequence of int, optional
        Numbers of distractors.
    n_a : int, optional
        Hidden size of both models.
    n_steps, batch_size, learning_rate : optional
        The training budget, identical for both models: Adam steps on batches of
        fresh sequences, gradients clipped to global norm 5.
    forget_bias : float, optional
        The LSTM's initial forget-gate bias (see Notes).
    n_symbols, n_distractors : int, optional
        See :func:`recall_task`.
    seed : int, optional

    Returns
    -------
    RecallResult
        ``ks``, the RNN's and the LSTM's accuracies on 1000 fresh test sequences
        per k, and the chance level ``1 / n_symbols``.

    Notes
    -----
    The loss is the cross-entropy at the last step only
    (:func:`last_step_loss_and_grads`): the only thing that helps is carrying the
    first symbol across the k distractors.

    A forget gate held at :math:`f` keeps a fraction :math:`f^d` of the memory, and
    of its gradient, after :math:`d` steps: about :math:`1 / (1 - f)` steps of
    memory. :math:`b_f = 1` gives :math:`f = \sigma(1) \approx 0.73`, under 4 steps;
    :math:`b_f = 3` gives :math:`\sigma(3) \approx 0.95`, about 20 steps, the
    order of the k's tested. Starting the forget gate at the timescale of the task
    is the idea of "chrono" initialisation (Tallec and Ollivier, 2018). The RNN has
    no such knob: its memory goes through ``Waa`` and tanh at every step.

    Examples
    --------
    >>> from rnnbook.experiments import long_dependency_accuracy
    >>> result = long_dependency_accuracy(ks=(2,), n_a=8, n_steps=60, batch_size=16,
    ...                                   learning_rate=0.05)
    >>> bool(result.rnn[0] > 0.9 and result.lstm[0] > 0.9)  # two distractors: easy for both
    True
    """
    sizes = (n_symbols, n_distractors)
    accuracy = {
        kind: [
            _train_recall(
                kind,
                k,
                seed,
                n_a,
                n_steps,
                batch_size,
                learning_rate,
                forget_bias,
                sizes,
            )
            for k in ks
        ]
        for kind in ("rnn", "lstm")
    }
    return RecallResult(
        np.array(ks),
        np.array(accuracy["rnn"]),
        np.array(accuracy["lstm"]),
        1 / n_symbols,
    )
