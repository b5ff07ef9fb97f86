r"""Two experiments on long-range memory, run when the book is built.

1. :func:`gradient_decay`: how the gradient of a loss at the last step shrinks (or
   grows) on its way back to earlier steps, for every model with the same hidden
   size, at several scales of the recurrent weights.
2. :func:`long_dependency_accuracy`: "recall the first symbol after k distractors".
   Every model gets the same data, hidden size and number of Adam steps; their
   accuracies are compared as k grows.

Both run every model of :data:`rnnbook.model.MODELS` unless told which (``kinds``),
and report one array per model, keyed by its kind.

Every random draw comes from ``np.random.default_rng`` seeded by the ``seed``
argument, so the numbers in the book are the same at every build.
"""

from typing import NamedTuple

import numpy as np

from ._validate import as_array, as_generator, check_finite_number, check_size
from .model import MODELS, run
from .output import one_hot
from .parameters import SHAPES, _bias_starts, initialize_parameters
from .train import train_model


def _weight_block(rng, letters, n_x, n_a, scale):
    """Columns acting on the hidden state ("n_a") or on the input ("n_x")."""
    if letters == "n_a":
        return scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
    return rng.standard_normal((n_a, n_x)) / np.sqrt(n_x)


def scaled_parameters(kind, n_x, n_a, scale, rng, forget_bias=1.0, update_bias=0.0):
    r"""Parameters of a model whose recurrent weights have a chosen scale.

    Parameters
    ----------
    kind : str
        A key of :data:`rnnbook.model.MODELS`.
    n_x, n_a : int
        Input and hidden sizes. The output layer has one class and zero weights:
        these parameters are for studying the recurrence alone.
    scale : float
        The scale :math:`\rho`: every recurrent weight (``Waa``, and the columns of
        each gate weight that multiply :math:`a^{\langle t-1 \rangle}`) is drawn from
        :math:`\mathcal N(0, \rho^2 / n_a)`.
    rng : numpy.random.Generator or int
    forget_bias : float, optional
        The LSTM's ``bf``.
    update_bias : float, optional
        The GRU's ``bu``; other biases are 0.

    Returns
    -------
    dict of ndarray
        Parameters for the model's forward pass.

    Notes
    -----
    A random :math:`n_a \times n_a` matrix with entries of variance
    :math:`\rho^2 / n_a` has its eigenvalues spread over a disc of radius about
    :math:`\rho` (the circular law), so ``scale`` is roughly the factor by which
    one step of the linear part of the recurrence stretches a vector in the long run. Input weights
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
    if kind not in MODELS:
        raise ValueError(f"kind: expected one of {sorted(MODELS)}, got {kind!r}")
    rng = as_generator("rng", rng)
    starts = _bias_starts(forget_bias, update_bias)
    parameters = {}
    for p in SHAPES[kind]:
        if p.rows != "n_a":  # the output layer: one class, silent
            parameters[p.key] = np.zeros((1, n_a if p.columns == "n_a" else 1))
        elif p.columns == "1":
            parameters[p.key] = np.full((n_a, 1), starts.get(p.key, 0.0))
        else:
            blocks = [_weight_block(rng, letters, n_x, n_a, scale) for letters in p.columns.split(" + ")]
            parameters[p.key] = np.concatenate(blocks, axis=1)
    return parameters


class GradientDecay(NamedTuple):
    """Result of :func:`gradient_decay`."""

    distance: np.ndarray  #: (T_x,) steps Delta t between the input and the loss, 0 .. T_x - 1
    scales: np.ndarray  #: (n_scales,) recurrent weight scales
    norms: dict  #: kind -> (n_scales, T_x) gradient norm at each distance, relative to 0


def _check_kinds(kinds):
    kinds = tuple(MODELS) if kinds is None else tuple(kinds)
    unknown = [kind for kind in kinds if kind not in MODELS]
    if unknown or not kinds:
        raise ValueError(f"kinds: expected some of {sorted(MODELS)}, got {list(kinds)}")
    return kinds


def _input_gradient_norms(kind, x, parameters, da):
    """||dx<t>|| at every step, listed from the last step back to the first."""
    a, _, _, caches = run(x, parameters)
    dx = MODELS[kind].backward(da, caches)["dx"]
    return np.linalg.norm(dx, axis=(0, 1))[::-1]  # (T_x,), index = distance to the loss


def gradient_decay(
    scales=(0.5, 1.0, 2.0, 4.0), n_a=32, n_x=8, T_x=60, m=16, forget_bias=1.0,
    update_bias=0.0, seed=0, kinds=None,
):
    r"""How much gradient reaches each step from a loss at the last step, model by model.

    Parameters
    ----------
    scales : sequence of float, optional
        Recurrent weight scales (see :func:`scaled_parameters`).
    n_a, n_x, T_x, m : int, optional
        Hidden size (the same for every model), input size, sequence length, batch.
    forget_bias : float, optional
        The LSTM's forget-gate bias (1, as in
        :func:`~rnnbook.parameters.initialize_parameters`).
    update_bias : float, optional
        The GRU's update-gate bias (0, as in
        :func:`~rnnbook.parameters.initialize_parameters`).
    seed : int, optional
    kinds : sequence of str, optional
        The models to measure (default: all of :data:`rnnbook.model.MODELS`).

    Returns
    -------
    GradientDecay
        ``distance``, ``scales``, and ``norms``: for each model an array (n_scales, T_x)
        holding
        :math:`r(\Delta t) = \lVert dx^{\langle T_x - \Delta t \rangle} \rVert /
        \lVert dx^{\langle T_x \rangle} \rVert` at distance :math:`\Delta t`.

    Notes
    -----
    The inputs are standard normal, :math:`a^{\langle 0 \rangle} = 0`, and the loss is
    :math:`\mathcal L = \sum a^{\langle T_x \rangle} \odot da^{\langle T_x \rangle}`
    with a random :math:`da^{\langle T_x \rangle}`, so ``da`` is random at the last
    step and 0 elsewhere. The gradient reaching :math:`x^{\langle t \rangle}` has gone
    back through :math:`T_x - t` steps. In the RNN each step multiplies it by
    :math:`W_{aa}^T \operatorname{diag}(1 - (a^{\langle t \rangle})^2)`; in the LSTM
    the cell-state path multiplies it by the forget gate only,
    :math:`dc^{\langle t-1 \rangle} = \Gamma_f^{\langle t \rangle} \odot dc^{\langle t \rangle}`;
    in the GRU the direct path multiplies it by
    :math:`1 - \Gamma_u^{\langle t \rangle}`.
    The same random draws are not shared between the models; each scale draws
    fresh weights.

    Examples
    --------
    >>> from rnnbook.experiments import gradient_decay
    >>> decay = gradient_decay(scales=(0.5,), T_x=20, kinds=("rnn", "lstm"))
    >>> decay.norms["rnn"].shape, float(decay.norms["rnn"][0, 0])
    ((1, 20), 1.0)
    >>> bool(decay.norms["lstm"][0, -1] > 100 * decay.norms["rnn"][0, -1])  # the LSTM keeps more
    True
    """
    kinds = _check_kinds(kinds)
    _bias_starts(forget_bias, update_bias)  # checked before any work
    scales = [check_finite_number("scales", scale) for scale in scales]
    n_a, n_x, m = (check_size(name, n, 1) for name, n in (("n_a", n_a), ("n_x", n_x), ("m", m)))
    T_x = check_size("T_x", T_x, 1)
    rng = as_generator("seed", seed)
    x = rng.standard_normal((n_x, m, T_x))
    da = np.zeros((n_a, m, T_x))
    da[:, :, -1] = rng.standard_normal((n_a, m))  # the loss sits at the last step only
    norms = {kind: [] for kind in kinds}
    for scale in scales:
        for kind in kinds:
            parameters = scaled_parameters(kind, n_x, n_a, scale, rng, forget_bias, update_bias)
            decay = _input_gradient_norms(kind, x, parameters, da)
            norms[kind].append(decay / decay[0])
    return GradientDecay(
        np.arange(T_x),
        np.array(scales, dtype=float),
        {kind: np.array(values) for kind, values in norms.items()},
    )


def recall_task(k, m, rng, n_symbols=4, n_distractors=4):
    """Sequences for "recall the first symbol after k distractors".

    Parameters
    ----------
    k : int
        Number of distractors between the symbol and the end of the sequence.
    m : int
        Number of sequences.
    rng : numpy.random.Generator or int
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
    k, m = check_size("k", k), check_size("m", m)
    n_symbols, n_distractors = check_size("n_symbols", n_symbols, 1), check_size("n_distractors", n_distractors, 1)
    rng = as_generator("rng", rng)
    tokens = np.empty((m, k + 1), dtype=np.int64)
    tokens[:, 0] = rng.integers(0, n_symbols, size=m)
    tokens[:, 1:] = rng.integers(n_symbols, n_symbols + n_distractors, size=(m, k))
    return one_hot(tokens, n_symbols + n_distractors), tokens[:, :1].copy()


def recall_accuracy(parameters, x, targets, implementation=None):
    """Fraction of sequences whose last-step prediction is the target.

    Parameters
    ----------
    parameters : dict of ndarray
        A trained model.
    x : ndarray, shape (n_x, m, T_x)
    targets : ndarray of int, shape (m, 1)
    implementation : module, optional
        See :func:`rnnbook.model.run`.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.experiments import recall_accuracy, recall_task
    >>> from rnnbook.parameters import initialize_parameters
    >>> x, targets = recall_task(4, 500, np.random.default_rng(0))
    >>> untrained = initialize_parameters("lstm", 8, 6, 4, np.random.default_rng(1))
    >>> bool(0.1 < recall_accuracy(untrained, x, targets) < 0.4)  # chance is 0.25
    True
    """
    _, y_hat, _, _ = run(x, parameters, implementation=implementation)
    targets = as_array("targets", targets, 2, "(m, 1)")
    if targets.shape != (y_hat.shape[1], 1) or y_hat.shape[1] == 0:
        raise ValueError(
            f"targets: expected shape (m, 1) = ({y_hat.shape[1]}, 1) with m >= 1 "
            f"(from x), got {targets.shape}"
        )
    return float(np.mean(y_hat[:, :, -1].argmax(axis=0) == targets[:, 0]))


class RecallResult(NamedTuple):
    """Result of :func:`long_dependency_accuracy`."""

    ks: np.ndarray  #: (n_k,) numbers of distractors
    accuracy: dict  #: kind -> (n_k,) test accuracy at each k
    chance: float  #: 1 / n_symbols


def _train_recall(
    kind, k, seed, n_a, n_steps, batch_size, learning_rate, biases, sizes, n_test,
    implementation,
):
    """Train one model on the recall task; return its accuracy on n_test fresh sequences.

    ``biases`` is ``(forget_bias, update_bias)``.
    """
    n_symbols, n_distractors = sizes
    n_x = n_symbols + n_distractors
    init_rng = np.random.default_rng([seed, k, 1])
    forget_bias, update_bias = biases
    parameters = initialize_parameters(
        kind, n_x, n_a, n_symbols, init_rng, forget_bias=forget_bias, update_bias=update_bias
    )
    data_rng = np.random.default_rng([seed, k, 0])  # the same batches for every model
    stream = (recall_task(k, batch_size, data_rng, *sizes) for _ in range(n_steps))
    parameters, _ = train_model(parameters, stream, learning_rate=learning_rate,
                                implementation=implementation)
    test = recall_task(k, n_test, np.random.default_rng([seed, k, 2]), *sizes)
    return recall_accuracy(parameters, *test, implementation=implementation)


def long_dependency_accuracy(
    ks=(5, 10, 20, 40),
    n_a=16,
    n_steps=200,
    batch_size=32,
    learning_rate=0.003,
    forget_bias=3.0,
    update_bias=-3.0,
    n_symbols=4,
    n_distractors=4,
    seed=0,
    kinds=None,
    n_test=1000,
    implementation=None,
):
    r"""Train each model on "recall the first symbol after k distractors", for each k.

    Parameters
    ----------
    ks : sequence of int, optional
        Numbers of distractors.
    n_a : int, optional
        Hidden size of every model.
    n_steps, batch_size, learning_rate : optional
        The training budget, identical for every model: Adam steps on batches of
        fresh sequences, gradients clipped to global norm 5.
    forget_bias : float, optional
        The LSTM's initial forget-gate bias (see Notes).
    update_bias : float, optional
        The GRU's initial update-gate bias (see Notes): ``-forget_bias`` starts both
        gated models keeping the same share of their memory per step.
    n_symbols, n_distractors : int, optional
        See :func:`recall_task`.
    seed : int, optional
    kinds : sequence of str, optional
        The models to train (default: all of :data:`rnnbook.model.MODELS`).
    n_test : int, optional
        Fresh test sequences per k on which each trained model is scored.
    implementation : module, optional
        The forward and backward passes to train and score with (see
        :func:`rnnbook.model.run`): the teaching ones by default, or
        :mod:`rnnbook.fused`, which computes the same numbers about twice as fast.

    Returns
    -------
    RecallResult
        ``ks``, each model's accuracy on ``n_test`` fresh test sequences per k, and
        the chance level ``1 / n_symbols``.

    Notes
    -----
    The loss is the cross-entropy at the last step only (targets of shape (m, 1), see
    :func:`rnnbook.model.loss_and_grads`): the only thing that helps is carrying the
    first symbol across the k distractors.

    A forget gate held at :math:`\Gamma_f` keeps a fraction :math:`\Gamma_f^{\Delta t}`
    of the memory, and of its gradient, after :math:`\Delta t` steps: about
    :math:`1 / (1 - \Gamma_f)` steps of memory. :math:`b_f = 1` gives
    :math:`\Gamma_f = \sigma(1) \approx 0.73`, under 4 steps;
    :math:`b_f = 3` gives :math:`\sigma(3) \approx 0.95`, about 20 steps, the
    order of the k's tested. Starting the forget gate at the timescale of the task
    is the idea of "chrono" initialisation (Tallec and Ollivier, 2018). The GRU
    keeps :math:`1 - \Gamma_u = \sigma(-z_u)` of its state per step, so
    :math:`b_u = -3` starts it at the same :math:`\sigma(3)`. The RNN has
    no such knob: its memory goes through ``Waa`` and tanh at every step.

    Examples
    --------
    >>> from rnnbook.experiments import long_dependency_accuracy
    >>> result = long_dependency_accuracy(ks=(2,), n_a=8, n_steps=60, batch_size=16,
    ...                                   learning_rate=0.05, kinds=("rnn", "lstm"))
    >>> all(result.accuracy[kind][0] > 0.9 for kind in ("rnn", "lstm"))  # two distractors: easy
    True
    """
    kinds = _check_kinds(kinds)
    ks = [check_size("ks", k) for k in ks]
    n_test = check_size("n_test", n_test, 1)
    _bias_starts(forget_bias, update_bias)  # checked before any training
    sizes = (n_symbols, n_distractors)
    biases = (forget_bias, update_bias)
    budget = (n_a, n_steps, batch_size, learning_rate, biases, sizes, n_test, implementation)
    accuracy = {
        kind: np.array([_train_recall(kind, k, seed, *budget) for k in ks]) for kind in kinds
    }
    return RecallResult(np.array(ks), accuracy, 1 / n_symbols)
