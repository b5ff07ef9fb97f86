r"""The whole model: recurrent core and output layer, its loss, gradients and state.

A model is a recurrent network (the RNN, the LSTM, ...) followed by the output layer
of :mod:`rnnbook.output`. :data:`MODELS` says, for each kind of network, which
functions run it and which arrays one step hands to the next; the functions below
work for every kind it lists, recognised from the parameter keys
(:func:`rnnbook.parameters.model_kind`). Adding a model adds one entry here and one
in :mod:`rnnbook.parameters`.

Targets are integer classes of shape (m, T). With T equal to the sequence's T_x,
every step is scored (a language model); with T = 1, only the last step (a
classifier that reads the whole sequence first); in general, the last T steps.
"""

from typing import NamedTuple

import numpy as np

from ._validate import as_array, check_like, check_size
from .backward import lstm_backward, rnn_backward
from .cell import lstm_cell_forward, rnn_cell_forward
from .gru import gru_backward, gru_cell_forward, gru_forward
from .output import cross_entropy, output_backward
from .parameters import OUTPUT_BIAS, OUTPUT_WEIGHT, SHAPES, model_kind, sizes
from .sequence import lstm_forward, rnn_forward


class Model(NamedTuple):
    """The functions that run one kind of network, and the state it carries."""

    cell_forward: object  #: ``(xt, *state, parameters) -> (*state, yt_pred, cache)``
    forward: object  #: ``(x, a0, parameters, *rest of the state) -> (a, y, *, caches)``
    backward: object  #: ``(da, caches) -> gradients``
    state: tuple  #: names of the (n_a, m) arrays one step hands to the next


# fmt: off
#: Each model's functions and carried state, keyed by its kind.
MODELS = {
    "rnn":  Model(rnn_cell_forward,  rnn_forward,  rnn_backward,  ("a",)),
    "lstm": Model(lstm_cell_forward, lstm_forward, lstm_backward, ("a", "c")),
    "gru":  Model(gru_cell_forward,  gru_forward,  gru_backward,  ("a",)),
}
# fmt: on


def _functions(kind, implementation):
    """``(forward, backward)`` of ``kind``: the teaching ones, or a module's namesakes."""
    if implementation is None:
        return MODELS[kind].forward, MODELS[kind].backward
    return getattr(implementation, f"{kind}_forward"), getattr(implementation, f"{kind}_backward")


def zero_state(parameters, m):
    """The state a sequence starts from: one zero (n_a, m) array per carried quantity.

    Parameters
    ----------
    parameters : dict of ndarray
        A model's parameters.
    m : int
        Batch size.

    Returns
    -------
    tuple of ndarray
        ``(a0,)`` for the RNN, ``(a0, c0)`` for the LSTM, in the parameters' dtype.

    Examples
    --------
    >>> from rnnbook.model import zero_state
    >>> from rnnbook.parameters import initialize_parameters
    >>> [s.shape for s in zero_state(initialize_parameters("lstm", 3, 4, 3, rng=0), m=2)]
    [(4, 2), (4, 2)]
    """
    kind, m = model_kind(parameters), check_size("m", m)
    n_a = sizes(parameters)[1]
    dtype = np.asarray(parameters[OUTPUT_WEIGHT[kind]]).dtype
    return tuple(np.zeros((n_a, m), dtype=dtype) for _ in MODELS[kind].state)


def _check_state(kind, state, n_a, m):
    names = MODELS[kind].state
    if not isinstance(state, tuple) or len(state) != len(names):
        raise ValueError(
            f"state: expected a tuple of {len(names)} arrays ({', '.join(names)}), "
            f"each (n_a, m) = ({n_a}, {m}), got {type(state).__name__}"
        )
    like = np.empty((n_a, m))
    return tuple(
        check_like(f"state[{i}] ({name})", s, like, "(n_a, m)", "n_a from the parameters, m from x")
        for i, (name, s) in enumerate(zip(names, state))
    )


def run(x, parameters, state=None, implementation=None):
    """Run a model over a sequence; return its states, predictions and final state.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs.
    parameters : dict of ndarray
        A model's parameters.
    state : tuple of ndarray, optional
        Where to start, as from :func:`zero_state` (the default) or a previous call.
    implementation : module, optional
        Where to find ``<kind>_forward`` and ``<kind>_backward``: the teaching
        functions by default, or :mod:`rnnbook.fused`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden states.
    y_hat : ndarray, shape (n_y, m, T_x)
        Predicted probabilities.
    state : tuple of ndarray
        The state after the last step: where the next stretch of the sequence starts.
    caches
        For the backward pass.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.model import run
    >>> from rnnbook.parameters import initialize_parameters
    >>> p = initialize_parameters("lstm", 3, 4, 2, rng=0)
    >>> x = np.ones((3, 5, 6))
    >>> a, y_hat, state, _ = run(x, p)
    >>> a_first, _, middle, _ = run(x[:, :, :2], p)
    >>> a_rest, _, _, _ = run(x[:, :, 2:], p, middle)  # carrying on where it stopped
    >>> bool(np.allclose(a_rest, a[:, :, 2:]))
    True
    """
    kind = model_kind(parameters)
    x = as_array("x", x, 3, "(n_x, m, T_x)")
    n_a, m = sizes(parameters)[1], x.shape[1]
    state = zero_state(parameters, m) if state is None else _check_state(kind, state, n_a, m)
    forward, _ = _functions(kind, implementation)
    a, y_hat, *more, caches = forward(x, state[0], parameters, *state[1:])
    last = tuple(s[:, :, -1] for s in (a, *more)) if x.shape[2] else state
    return a, y_hat, last, caches


def _scored_steps(targets, m, T_x):
    """The number T of last steps that ``targets`` (m, T) scores, 1 <= T <= T_x."""
    targets = as_array("targets", targets, 2, "(m, T)")
    if targets.shape[0] != m or not 1 <= targets.shape[1] <= T_x:
        raise ValueError(
            f"targets: expected shape (m, T) with m = {m} and 1 <= T <= T_x = {T_x} "
            f"(from x), got {targets.shape}"
        )
    return targets.shape[1]


def loss(x, parameters, targets, state=None, implementation=None):
    """Mean cross-entropy of a model's predictions, without gradients.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    parameters : dict of ndarray
    targets : ndarray of int, shape (m, T)
        The right class at each of the last T steps.
    state : tuple of ndarray, optional
        See :func:`run`.
    implementation : module, optional
        See :func:`run`.

    Returns
    -------
    loss : float
        Nats per scored prediction.
    state : tuple of ndarray
        The state after the last step.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.model import loss
    >>> from rnnbook.parameters import initialize_parameters
    >>> p = {k: 0 * v for k, v in initialize_parameters("rnn", 2, 3, 4, rng=0).items()}
    >>> value, _ = loss(np.ones((2, 1, 5)), p, np.zeros((1, 5), dtype=int))
    >>> value  # all-zero parameters guess uniformly over 4 classes: ln 4  # doctest: +FLOAT_CMP
    1.3862943611198906
    """
    _, y_hat, last, _ = run(x, parameters, state, implementation)
    T = _scored_steps(targets, y_hat.shape[1], y_hat.shape[2])
    return cross_entropy(y_hat[:, :, -T:], targets), last


def loss_and_grads(x, parameters, targets, state=None, implementation=None):
    r"""Mean cross-entropy of a model and its gradient with respect to every parameter.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs.
    parameters : dict of ndarray
        A model's parameters.
    targets : ndarray of int, shape (m, T)
        The right class at each of the last T steps (T = T_x: every step).
    state : tuple of ndarray, optional
        Where the sequence starts (see :func:`run`). The gradient stops there: the
        steps before it are not part of this loss.
    implementation : module, optional
        See :func:`run`.

    Returns
    -------
    loss : float
        Nats per scored prediction (:func:`~rnnbook.output.cross_entropy`).
    gradients : dict of ndarray
        ``"d" + key`` for every parameter key, each shaped like its parameter.
    state : tuple of ndarray
        The state after the last step.

    Notes
    -----
    Forward through the network, whose per-step softmax is the output layer; then
    :func:`~rnnbook.output.output_backward` gives the output layer's gradients and
    ``da`` at the scored steps (zero elsewhere), and the network's backward pass
    carries ``da`` back through time.

    .. math:: \mathcal L = -\frac{1}{m T} \sum_{i=1}^{m} \sum_{t = T_x - T + 1}^{T_x}
              \log \hat y^{\langle t \rangle}_{y_{i,t},\, i}

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.model import loss_and_grads
    >>> from rnnbook.parameters import initialize_parameters
    >>> p = initialize_parameters("lstm", 3, 2, 4, rng=0)
    >>> value, gradients, state = loss_and_grads(np.ones((3, 1, 5)), p, np.ones((1, 5), dtype=int))
    >>> list(gradients) == ["d" + key for key in p]
    True
    """
    kind = model_kind(parameters)
    a, y_hat, last, caches = run(x, parameters, state, implementation)
    T = _scored_steps(targets, a.shape[1], a.shape[2])
    head = output_backward(y_hat[:, :, -T:], targets, a[:, :, -T:], parameters[OUTPUT_WEIGHT[kind]])
    da = np.zeros_like(a)
    da[:, :, -T:] = head["da"]
    found = {**_functions(kind, implementation)[1](da, caches), **head}
    found["d" + OUTPUT_WEIGHT[kind]] = head["dWy"]  # the output layer names it dWy
    gradients = {"d" + p.key: found["d" + p.key] for p in SHAPES[kind]}
    return cross_entropy(y_hat[:, :, -T:], targets), gradients, last


def step(xt, parameters, state):
    """One step of a model: the new hidden state, the output scores, the new state.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        The input at this step.
    parameters : dict of ndarray
        A model's parameters.
    state : tuple of ndarray
        The state from the step before (:func:`zero_state` at the start).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        Hidden state.
    scores : ndarray, shape (n_y, m)
        :math:`W_y a^{\\langle t \\rangle} + b_y`, before the softmax.
    state : tuple of ndarray
        What the next step starts from.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.model import step, zero_state
    >>> from rnnbook.parameters import initialize_parameters
    >>> p = initialize_parameters("rnn", 3, 4, 2, rng=0)
    >>> a_next, scores, state = step(np.ones((3, 1)), p, zero_state(p, 1))
    >>> a_next.shape, scores.shape, len(state)
    ((4, 1), (2, 1), 1)
    """
    kind = model_kind(parameters)
    *state, _, cache = MODELS[kind].cell_forward(xt, *state, parameters)
    checked = cache.parameters  # the cell's checked arrays
    scores = checked[OUTPUT_WEIGHT[kind]] @ state[0] + checked[OUTPUT_BIAS]
    return state[0], scores, tuple(state)
