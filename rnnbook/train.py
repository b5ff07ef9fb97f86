r"""Training: initial parameters, optimizers, gradient clipping, the loop, and sampling.

Everything here is a pure function. An optimizer takes the parameters, their
gradients and its state, and returns *new* parameters and a *new* state; the loop
threads them through. Randomness comes only from a ``numpy.random.Generator``
passed in by the caller, so a fixed seed gives a fixed result.

The model (a basic RNN or an LSTM) is recognised from the parameter keys: ``Waa``
for the RNN, ``Wf`` for the LSTM, as in :func:`~rnnbook.rnn_forward` and
:func:`~rnnbook.lstm_forward`.
"""

import numpy as np

from ._validate import (
    as_array,
    check_parameters,
    lstm_parameter_shapes,
    output_size,
    rnn_parameter_shapes,
)
from .activations import softmax
from .cell import lstm_cell_forward, rnn_cell_forward
from .output import lstm_model_loss_and_grads, rnn_model_loss_and_grads


def _glorot(rng, fan_out, fan_in, dtype):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in)).astype(dtype)


def initialize_rnn_parameters(n_x, n_a, n_y, rng, dtype=np.float64):
    r"""Initial parameters of a basic RNN: Glorot-uniform weights, zero biases.

    Parameters
    ----------
    n_x, n_a, n_y : int
        Input size, hidden size, number of output classes.
    rng : numpy.random.Generator
        Source of randomness, e.g. ``np.random.default_rng(0)``.
    dtype : data-type, optional
        Dtype of every array (float64 or float32).

    Returns
    -------
    parameters : dict of ndarray
        ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``ba`` (n_a, 1), ``Wya`` (n_y, n_a),
        ``by`` (n_y, 1).

    Notes
    -----
    Each weight matrix of shape (fan_out, fan_in) is drawn from

    .. math:: W_{jk} \sim \mathcal U\!\left(-\sqrt{\tfrac{6}{\text{fan\_in} + \text{fan\_out}}},\
              \sqrt{\tfrac{6}{\text{fan\_in} + \text{fan\_out}}}\right)

    (Glorot and Bengio, 2010), whose variance :math:`2 / (\text{fan\_in} +
    \text{fan\_out})` keeps the size of the signals, forward, and of the gradients,
    backward, roughly constant across a tanh layer at the start. For the square
    ``Waa`` it is :math:`1 / n_a`, which puts the spectral radius near 1: the
    recurrence neither shrinks nor blows up the hidden state at first. Biases
    start at zero; the random weights already break the symmetry between units.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import initialize_rnn_parameters
    >>> parameters = initialize_rnn_parameters(3, 4, 5, np.random.default_rng(0))
    >>> {key: value.shape for key, value in parameters.items()}
    {'Wax': (4, 3), 'Waa': (4, 4), 'ba': (4, 1), 'Wya': (5, 4), 'by': (5, 1)}
    >>> bool(np.abs(parameters["Waa"]).max() <= np.sqrt(6 / 8))
    True
    """
    return {
        "Wax": _glorot(rng, n_a, n_x, dtype),
        "Waa": _glorot(rng, n_a, n_a, dtype),
        "ba": np.zeros((n_a, 1), dtype=dtype),
        "Wya": _glorot(rng, n_y, n_a, dtype),
        "by": np.zeros((n_y, 1), dtype=dtype),
    }


def initialize_lstm_parameters(n_x, n_a, n_y, rng, dtype=np.float64, forget_bias=1.0):
    r"""Initial parameters of an LSTM: Glorot-uniform weights, forget-gate bias 1, other biases 0.

    Parameters
    ----------
    n_x, n_a, n_y : int
        Input size, hidden size, number of output classes.
    rng : numpy.random.Generator
        Source of randomness.
    dtype : data-type, optional
        Dtype of every array.
    forget_bias : float, optional
        Initial value of every entry of ``bf``.

    Returns
    -------
    parameters : dict of ndarray
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` (n_a, n_a + n_x); ``bf``, ``bi``, ``bc``,
        ``bo`` (n_a, 1); ``Wy`` (n_y, n_a); ``by`` (n_y, 1).

    Notes
    -----
    Weights as in :func:`initialize_rnn_parameters`, with fan-in :math:`n_a + n_x`
    for the gates, which read the stacked :math:`[a^{\langle t-1 \rangle};
    x^{\langle t \rangle}]`.

    The forget gate is :math:`\Gamma_f = \sigma(W_f z + b_f)`. With :math:`b_f = 0`
    it starts near :math:`\sigma(0) = 0.5`, and the memory, and the gradient flowing
    back along it (:math:`dc^{\langle t-1 \rangle} = \Gamma_f \odot dc^{\langle t
    \rangle}`), halve at every step: :math:`0.5^{20} \approx 10^{-6}`. With
    :math:`b_f = 1`, :math:`\sigma(1) \approx 0.73` and :math:`0.73^{20} \approx 2
    \cdot 10^{-3}`: the cell remembers longer from the first update, so long-range
    gradients exist to learn from (Gers, Schmidhuber and Cummins, 2000; Jozefowicz,
    Zaremba and Sutskever, 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import initialize_lstm_parameters
    >>> parameters = initialize_lstm_parameters(3, 2, 4, np.random.default_rng(0))
    >>> parameters["Wf"].shape, parameters["bf"].ravel(), parameters["bi"].ravel()
    ((2, 5), array([1., 1.]), array([0., 0.]))
    """
    parameters = {}
    for gate in "fico":
        parameters["W" + gate] = _glorot(rng, n_a, n_a + n_x, dtype)
        parameters["b" + gate] = np.zeros((n_a, 1), dtype=dtype)
    parameters["bf"] = np.full((n_a, 1), forget_bias, dtype=dtype)
    parameters["Wy"] = _glorot(rng, n_y, n_a, dtype)
    parameters["by"] = np.zeros((n_y, 1), dtype=dtype)
    return parameters


def _check_gradients(parameters, gradients):
    missing = [key for key in parameters if "d" + key not in gradients]
    if missing:
        raise KeyError(f"gradients: missing {['d' + key for key in missing]}")
    for key, value in parameters.items():
        if np.shape(gradients["d" + key]) != np.shape(value):
            raise ValueError(
                f'gradients["d{key}"]: expected shape {np.shape(value)} '
                f'(that of parameters["{key}"]), got {np.shape(gradients["d" + key])}'
            )


def sgd_step(parameters, gradients, state=None, learning_rate=0.1):
    r"""One step of plain gradient descent.

    Parameters
    ----------
    parameters : dict of ndarray
        Current parameters, any keys.
    gradients : dict of ndarray
        ``"d" + key`` for every key of ``parameters``, same shapes. Extra keys are
        ignored.
    state : None, optional
        Plain gradient descent keeps no state; accepted so that every optimizer
        has the same signature.
    learning_rate : float, optional
        Step size :math:`\alpha`.

    Returns
    -------
    parameters : dict of ndarray
        New arrays; the inputs are not modified.
    state : None

    Notes
    -----
    .. math:: \theta \leftarrow \theta - \alpha \, d\theta

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import sgd_step
    >>> new, _ = sgd_step({"w": np.array([1.0, 2.0])}, {"dw": np.array([10.0, -10.0])})
    >>> new["w"]  # doctest: +FLOAT_CMP
    array([0., 3.])
    """
    _check_gradients(parameters, gradients)
    return {
        key: value - learning_rate * gradients["d" + key]
        for key, value in parameters.items()
    }, state


def adam_state(parameters):
    """A fresh Adam state for these parameters: step 0, zero moment estimates.

    Parameters
    ----------
    parameters : dict of ndarray
        The parameters Adam will update.

    Returns
    -------
    state : dict
        ``t`` (int, steps taken), ``v`` and ``s`` (dicts of arrays shaped like the
        parameters, keyed ``"d" + key``): the running means of the gradients and
        of their squares.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import adam_state
    >>> state = adam_state({"w": np.ones(3)})
    >>> state["t"], state["v"]["dw"]
    (0, array([0., 0., 0.]))
    """
    zeros = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    return {
        "t": 0,
        "v": zeros,
        "s": {key: value.copy() for key, value in zeros.items()},
    }


def adam_step(
    parameters,
    gradients,
    state,
    learning_rate=0.01,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
):
    r"""One step of Adam (Kingma and Ba, 2015).

    Parameters
    ----------
    parameters : dict of ndarray
        Current parameters.
    gradients : dict of ndarray
        ``"d" + key`` for every key of ``parameters``, same shapes.
    state : dict
        From :func:`adam_state` or the previous call.
    learning_rate, beta1, beta2, epsilon : float, optional
        Step size :math:`\alpha`, decay rates of the two running means, and the
        term that keeps the division finite.

    Returns
    -------
    parameters : dict of ndarray
        New parameters.
    state : dict
        New state; the one passed in is not modified.

    Notes
    -----
    With :math:`t` counting steps from 1:

    .. math::

        v &\leftarrow \beta_1 v + (1 - \beta_1)\, d\theta, \qquad
        s \leftarrow \beta_2 s + (1 - \beta_2)\, d\theta^2 \\
        \theta &\leftarrow \theta - \alpha \,
                 \frac{v / (1 - \beta_1^t)}{\sqrt{s / (1 - \beta_2^t)} + \epsilon}

    The divisions by :math:`1 - \beta^t` undo the pull towards 0 of moments that
    start at 0. Each entry moves by about :math:`\alpha` at most, whatever the
    gradient's scale.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import adam_state, adam_step
    >>> parameters = {"w": np.array([1.0, 1.0])}
    >>> new, state = adam_step(parameters, {"dw": np.array([100.0, -0.5])},
    ...                        adam_state(parameters), learning_rate=0.1)
    >>> new["w"], state["t"]  # each entry moves by the learning rate  # doctest: +FLOAT_CMP
    (array([0.9, 1.1]), 1)
    """
    _check_gradients(parameters, gradients)
    t = state["t"] + 1
    new_parameters, v, s = {}, {}, {}
    for key, value in parameters.items():
        g = gradients["d" + key]
        v["d" + key] = beta1 * state["v"]["d" + key] + (1 - beta1) * g
        s["d" + key] = beta2 * state["s"]["d" + key] + (1 - beta2) * g**2
        v_hat = v["d" + key] / (1 - beta1**t)
        s_hat = s["d" + key] / (1 - beta2**t)
        new_parameters[key] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new_parameters, {"t": t, "v": v, "s": s}


def _check_threshold(name, value):
    if not value > 0:
        raise ValueError(f"{name}: expected a positive number, got {value!r}")


def clip_by_value(gradients, max_value):
    r"""Clip every entry of every gradient to ``[-max_value, max_value]``.

    Parameters
    ----------
    gradients : dict of ndarray
        Any gradients.
    max_value : float
        Positive bound.

    Returns
    -------
    dict of ndarray
        New arrays, same keys and shapes.

    Notes
    -----
    .. math:: d\theta_j \leftarrow \min(\max(d\theta_j, -M), M)

    Element-wise clipping, the scheme the course uses in its character-level model
    assignment (not in the step-by-step notebook). It bounds each entry but can turn
    the gradient's direction (compare :func:`clip_by_global_norm`).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import clip_by_value
    >>> clip_by_value({"dW": np.array([-20.0, 0.5, 7.0])}, 5.0)["dW"]
    array([-5. ,  0.5,  5. ])
    """
    _check_threshold("max_value", max_value)
    return {
        key: np.clip(value, -max_value, max_value) for key, value in gradients.items()
    }


def global_norm(gradients):
    r"""Euclidean norm of all the gradients taken together as one long vector.

    Parameters
    ----------
    gradients : dict of ndarray

    Returns
    -------
    float
        :math:`\sqrt{\sum_k \lVert dW_k \rVert_F^2}`.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import global_norm
    >>> global_norm({"da": np.array([3.0]), "db": np.array([[4.0]])})
    5.0
    """
    return float(
        np.sqrt(
            sum(
                np.sum(np.square(value, dtype=np.float64))
                for value in gradients.values()
            )
        )
    )


def clip_by_global_norm(gradients, max_norm):
    r"""Rescale all the gradients together so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    gradients : dict of ndarray
        Any gradients.
    max_norm : float
        Positive bound on :func:`global_norm` of the result.

    Returns
    -------
    dict of ndarray
        New arrays, same keys, shapes and dtypes.

    Notes
    -----
    .. math:: d\theta \leftarrow d\theta \cdot \min\left(1, \frac{M}{\lVert d\theta \rVert}\right)

    Unlike :func:`clip_by_value`, it keeps the direction of the step and only
    shortens it: the usual cure for exploding gradients (Pascanu, Mikolov and
    Bengio, 2013).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import clip_by_global_norm
    >>> clip_by_global_norm({"da": np.array([3.0]), "db": np.array([4.0])}, 1.0)  # doctest: +FLOAT_CMP
    {'da': array([0.6]), 'db': array([0.8])}
    """
    _check_threshold("max_norm", max_norm)
    scale = min(1.0, max_norm / max(global_norm(gradients), np.finfo(np.float64).tiny))
    return {key: value * scale for key, value in gradients.items()}


def model_kind(parameters):
    """``"lstm"`` if ``parameters`` has ``Wf``, ``"rnn"`` if it has ``Waa``; else ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import model_kind
    >>> model_kind({"Waa": np.zeros((1, 1))})
    'rnn'
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict, got {type(parameters).__name__}")
    if "Wf" in parameters:
        return "lstm"
    if "Waa" in parameters:
        return "rnn"
    raise ValueError(
        "parameters: expected an RNN's (with 'Waa') or an LSTM's (with 'Wf'), "
        f"got keys {sorted(parameters)}"
    )


_LOSSES = {"rnn": rnn_model_loss_and_grads, "lstm": lstm_model_loss_and_grads}
_OPTIMIZERS = {
    "sgd": (sgd_step, lambda parameters: None),
    "adam": (adam_step, adam_state),
}


def train_model(
    parameters,
    batches,
    optimizer="adam",
    learning_rate=0.01,
    clip_norm=5.0,
    callback=None,
    loss_and_grads=None,
):
    r"""Train an RNN or an LSTM on a stream of batches; return the new parameters and the losses.

    Parameters
    ----------
    parameters : dict of ndarray
        Starting parameters of an RNN or an LSTM (see :func:`model_kind`).
    batches : iterable of (x, targets)
        One pair per step: ``x`` (n_x, m, T_x) inputs and ``targets`` (m, T_x)
        integer classes. The number of pairs is the number of steps. Each batch
        starts from a zero hidden state.
    optimizer : {"adam", "sgd"}, optional
        :func:`adam_step` or :func:`sgd_step`.
    learning_rate : float, optional
        Step size passed to the optimizer.
    clip_norm : float or None, optional
        If set, gradients are rescaled by :func:`clip_by_global_norm` before each
        step.
    callback : callable, optional
        Called after each step as ``callback(step, loss, parameters)`` with the
        updated parameters, for example to print progress or sample text.
    loss_and_grads : callable, optional
        ``loss_and_grads(x, a0, parameters, targets) -> (loss, gradients)``. Defaults
        to :func:`~rnnbook.output.rnn_model_loss_and_grads` or
        :func:`~rnnbook.output.lstm_model_loss_and_grads`, a loss at every step; pass
        another to train on a different loss (one at the last step only, say).

    Returns
    -------
    parameters : dict of ndarray
        The trained parameters (new arrays; the inputs are not modified).
    history : ndarray, shape (n_steps,)
        The loss of each batch, measured before its update.

    Notes
    -----
    Each step computes :math:`\mathcal L` and :math:`\nabla \mathcal L` with
    :func:`~rnnbook.output.rnn_model_loss_and_grads` or
    :func:`~rnnbook.output.lstm_model_loss_and_grads`, clips, and updates.

    Examples
    --------
    Learn to predict class 2 at every step from constant inputs:

    >>> import numpy as np
    >>> from rnnbook.train import initialize_rnn_parameters, train_model
    >>> parameters = initialize_rnn_parameters(2, 3, 4, np.random.default_rng(0))
    >>> batch = (np.ones((2, 5, 6)), np.full((5, 6), 2))
    >>> trained, history = train_model(parameters, [batch] * 50, learning_rate=0.1)
    >>> bool(history[-1] < 0.1 * history[0])
    True
    """
    kind = model_kind(parameters)
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimizer: expected 'adam' or 'sgd', got {optimizer!r}")
    loss_and_grads = loss_and_grads or _LOSSES[kind]
    step_fn, init_state = _OPTIMIZERS[optimizer]
    state, history = init_state(parameters), []
    n_a = parameters["Wy" if kind == "lstm" else "Wya"].shape[1]
    for step, (x, targets) in enumerate(batches):
        a0 = np.zeros((n_a, np.shape(x)[1]), dtype=parameters["by"].dtype)
        loss, gradients = loss_and_grads(x, a0, parameters, targets)
        if clip_norm is not None:
            gradients = clip_by_global_norm(gradients, clip_norm)
        parameters, state = step_fn(
            parameters, gradients, state, learning_rate=learning_rate
        )
        history.append(loss)
        if callback is not None:
            callback(step, loss, parameters)
    return parameters, np.array(history)


def sampling_distribution(scores, temperature=1.0):
    r"""Probabilities to sample from: softmax of the scores divided by the temperature.

    Parameters
    ----------
    scores : ndarray, shape (n_y, m)
        Output scores :math:`s = W_y a + b_y` (before the softmax).
    temperature : float, optional
        :math:`T \ge 0`. 1 samples from the model's own distribution; below 1 sharpens
        it, above 1 flattens it; 0 puts all the mass on the highest score (greedy).

    Returns
    -------
    ndarray, shape (n_y, m)
        Columns that sum to 1.

    Notes
    -----
    .. math:: p_k = \frac{e^{s_k / T}}{\sum_j e^{s_j / T}}

    Dividing by a small :math:`T` stretches the gaps between scores, so the largest
    score takes nearly all the mass: as :math:`T \to 0`, :math:`p` tends to the
    one-hot vector of the argmax (ties shared), which is why ``temperature=0``
    means "always pick the most likely class". As :math:`T \to \infty`, :math:`p`
    tends to uniform.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import sampling_distribution
    >>> scores = np.log(np.array([[0.5], [0.3], [0.2]]))
    >>> sampling_distribution(scores, 1.0).ravel()  # doctest: +FLOAT_CMP
    array([0.5, 0.3, 0.2])
    >>> sampling_distribution(scores, 0.0).ravel()
    array([1., 0., 0.])
    """
    scores = as_array("scores", scores, 2, "(n_y, m)")
    if not temperature >= 0:
        raise ValueError(f"temperature: expected a number >= 0, got {temperature!r}")
    if temperature == 0:
        greedy = np.zeros(scores.shape, dtype=np.result_type(scores, np.float16))
        np.put_along_axis(greedy, scores.argmax(axis=0)[None], 1, axis=0)
        return greedy
    with np.errstate(over="ignore"):  # a gap overflowing to -inf is a probability of 0
        return softmax((scores - scores.max(axis=0, keepdims=True)) / temperature)


def _check_sampling_model(parameters):
    """Check the parameters of a model whose output can be fed back as its input."""
    kind = model_kind(parameters)
    out = "Wy" if kind == "lstm" else "Wya"
    n_y = output_size(parameters, out)
    n_a = np.shape(parameters[out])[1]
    shapes = (lstm_parameter_shapes if kind == "lstm" else rnn_parameter_shapes)(
        n_y, n_a, n_y
    )
    return kind, out, n_y, n_a, check_parameters(parameters, shapes)


def sample(parameters, n_steps, rng, temperature=1.0, prefix=()):
    r"""Generate a sequence of class indices, feeding each sample back as the next input.

    Parameters
    ----------
    parameters : dict of ndarray
        A trained RNN or LSTM whose input and output classes are the same
        (:math:`n_x = n_y`, e.g. characters).
    n_steps : int
        Number of indices to generate.
    rng : numpy.random.Generator
        Source of randomness: the same seed gives the same sequence.
    temperature : float, optional
        See :func:`sampling_distribution`; 0 is greedy.
    prefix : sequence of int, optional
        Indices read first, to set the hidden state; generation continues after
        them. If empty, the first input is the zero vector.

    Returns
    -------
    ndarray of int, shape (n_steps,)
        The generated indices (without the prefix).

    Notes
    -----
    At each step: :math:`a^{\langle t \rangle}` from the cell,
    :math:`p = \operatorname{softmax}((W_y a^{\langle t \rangle} + b_y) / T)`,
    draw :math:`k \sim p`, and make the one-hot vector of :math:`k` the next input
    :math:`x^{\langle t+1 \rangle}`.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import initialize_lstm_parameters, sample
    >>> parameters = initialize_lstm_parameters(5, 8, 5, np.random.default_rng(0))
    >>> first = sample(parameters, 10, np.random.default_rng(42), prefix=[1, 2])
    >>> again = sample(parameters, 10, np.random.default_rng(42), prefix=[1, 2])
    >>> first.shape, bool(np.array_equal(first, again))
    ((10,), True)
    """
    kind, out, n_y, n_a, p = _check_sampling_model(parameters)
    prefix = [int(k) for k in prefix]
    if any(not 0 <= k < n_y for k in prefix):
        raise ValueError(
            f"prefix: indices must lie in [0, n_y) = [0, {n_y}), got {prefix}"
        )
    dtype = p[out].dtype
    state = (np.zeros((n_a, 1), dtype=dtype),) * (2 if kind == "lstm" else 1)
    inputs = prefix or [None]  # None: the zero vector
    for k in inputs[:-1]:
        _, state = _cell_step(p, _one_hot_column(k, n_y, dtype), state, kind)
    k, generated = inputs[-1], []
    for _ in range(n_steps):
        a, state = _cell_step(p, _one_hot_column(k, n_y, dtype), state, kind)
        probabilities = sampling_distribution(p[out] @ a + p["by"], temperature)[:, 0]
        probabilities = probabilities.astype(
            np.float64
        )  # rng.choice checks the sum in float64
        k = int(rng.choice(n_y, p=probabilities / probabilities.sum()))
        generated.append(k)
    return np.array(generated, dtype=np.int64)


def _one_hot_column(k, n_y, dtype):
    """The input column for class ``k``: one-hot (n_y, 1), or zeros if ``k`` is None."""
    xt = np.zeros((n_y, 1), dtype=dtype)
    if k is not None:
        xt[k] = 1
    return xt


def _cell_step(parameters, xt, state, kind):
    """One forward step: the new hidden state and the state to carry on."""
    if kind == "lstm":
        a, c, _, _ = lstm_cell_forward(xt, *state, parameters)
        return a, (a, c)
    a, _, _ = rnn_cell_forward(xt, state[0], parameters)
    return a, (a,)
