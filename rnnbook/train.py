r"""Training: optimizers, gradient clipping, and the training loop.

Everything here is a pure function. An optimizer takes the parameters, their
gradients and its state, and returns *new* parameters and a *new* state; the loop
threads them through. The model (its loss and gradients) is :mod:`rnnbook.model`;
first parameters come from :func:`rnnbook.parameters.initialize_parameters`.
"""

import math

import numpy as np

from ._norms import euclidean_norm, largest_and_ratio
from ._validate import check_finite_number, check_positive
from .model import loss_and_grads


def _check_gradients(parameters, gradients):
    """Every parameter has a gradient ``"d" + key`` of its shape."""
    if not isinstance(parameters, dict) or not isinstance(gradients, dict):
        raise TypeError("parameters, gradients: expected two dicts of arrays")
    missing = [key for key in parameters if "d" + key not in gradients]
    if missing:
        raise KeyError(f"gradients: missing {['d' + key for key in missing]}")
    for key, value in parameters.items():
        if np.shape(gradients["d" + key]) != np.shape(value):
            raise ValueError(
                f'gradients["d{key}"]: expected shape {np.shape(value)} '
                f'(that of parameters["{key}"]), got {np.shape(gradients["d" + key])}'
            )


def _check_learning_rate(learning_rate):
    return check_finite_number("learning_rate", learning_rate, low=0)


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
        Step size :math:`\alpha`, finite and at least 0.

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
    learning_rate = _check_learning_rate(learning_rate)
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
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict of arrays, got {type(parameters).__name__}")
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
        Step size :math:`\alpha` (finite, at least 0), decay rates of the two running
        means (each in [0, 1)), and the term that keeps the division finite (> 0).

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
    learning_rate = _check_learning_rate(learning_rate)
    beta1 = check_finite_number("beta1", beta1, 0, 1, closed_high=False)
    beta2 = check_finite_number("beta2", beta2, 0, 1, closed_high=False)
    epsilon = check_positive("epsilon", epsilon)
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


def clip_by_value(gradients, max_value):
    r"""Clip every entry of every gradient to ``[-max_value, max_value]``.

    Parameters
    ----------
    gradients : dict of ndarray
        Any gradients.
    max_value : float
        Positive bound (``inf``: no clipping).

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
    max_value = check_positive("max_value", max_value, allow_inf=True)
    return {
        key: np.clip(value, -max_value, max_value) for key, value in gradients.items()
    }


def _reals(gradients):
    """The gradients' arrays, each checked to hold real numbers."""
    if not isinstance(gradients, dict):
        raise TypeError(f"gradients: expected a dict of arrays, got {type(gradients).__name__}")
    arrays = []
    for key, value in gradients.items():
        value = np.asarray(value)
        if value.dtype.kind not in "fiu":
            raise TypeError(f'gradients["{key}"]: expected real numbers, got dtype {value.dtype}')
        arrays.append(value)
    return arrays


def global_norm(gradients):
    r"""Euclidean norm of all the gradients taken together as one long vector.

    Parameters
    ----------
    gradients : dict of ndarray
        Any real arrays.

    Returns
    -------
    float
        :math:`\sqrt{\sum_k \lVert dW_k \rVert_F^2}`; 0 for no gradients or all zeros,
        ``inf`` when the norm exceeds the largest float, ``nan`` if an entry is nan.

    Notes
    -----
    Computed as :math:`M \sqrt{\sum (dW / M)^2}` with :math:`M` the largest entry in
    absolute value, so no square overflows (entries of 1e200 are fine) or underflows.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import global_norm
    >>> global_norm({"da": np.array([3.0]), "db": np.array([[4.0]])})
    5.0
    >>> global_norm({"da": np.array([3e200, 4e200])})  # doctest: +FLOAT_CMP
    5e+200
    """
    return euclidean_norm(*_reals(gradients))


def clip_by_global_norm(gradients, max_norm):
    r"""Rescale all the gradients together so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    gradients : dict of ndarray
        Any real arrays.
    max_norm : float
        Positive bound on :func:`global_norm` of the result (``inf``: no clipping).

    Returns
    -------
    dict of ndarray
        New arrays, same keys, shapes and dtypes. Gradients within the bound (all
        zeros included) come back unchanged; a nan entry makes every entry nan.

    Notes
    -----
    .. math:: d\theta \leftarrow d\theta \cdot \min\left(1, \frac{M}{\lVert d\theta \rVert}\right)

    Unlike :func:`clip_by_value`, it keeps the direction of the step and only
    shortens it: the usual cure for exploding gradients (Pascanu, Mikolov and
    Bengio, 2013). The scaling divides by the largest entry first, so gradients far
    beyond the float range's square root are still rescaled, not zeroed.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.train import clip_by_global_norm
    >>> clip_by_global_norm({"da": np.array([3.0]), "db": np.array([4.0])}, 1.0)  # doctest: +FLOAT_CMP
    {'da': array([0.6]), 'db': array([0.8])}
    >>> clip_by_global_norm({"da": np.array([3e300, 4e300])}, 1.0)  # doctest: +FLOAT_CMP
    {'da': array([0.6, 0.8])}
    """
    max_norm = check_positive("max_norm", max_norm, allow_inf=True)
    largest, ratio = largest_and_ratio(_reals(gradients))
    if largest * ratio <= max_norm:
        return {key: np.array(value, copy=True) for key, value in gradients.items()}
    if not math.isfinite(largest):
        return {key: value * math.nan for key, value in gradients.items()}
    factor = max_norm / ratio  # applied to the entries divided by M
    return {key: (value / largest) * factor for key, value in gradients.items()}


_OPTIMIZERS = {
    "sgd": (sgd_step, lambda parameters: None),
    "adam": (adam_step, adam_state),
}


def _check_not_half(parameters):
    for key, value in parameters.items():
        if np.asarray(value).dtype == np.float16:
            raise TypeError(
                f'parameters["{key}"]: float16 is too coarse to train in (Adam\'s '
                "epsilon and small squared gradients round to 0); train in float32"
            )


def _check_finite(step, what, values):
    """Stop the training, with a message saying where, once a number is not finite."""
    bad = [key for key, value in values.items() if not np.isfinite(value).all()]
    if bad:
        raise FloatingPointError(
            f"training diverged at step {step}: {what} {bad} not finite; lower the "
            "learning_rate, or clip the gradients (clip_norm)"
        )


def train_model(
    parameters,
    batches,
    optimizer="adam",
    learning_rate=0.01,
    clip_norm=5.0,
    callback=None,
    carry_state=False,
    implementation=None,
):
    r"""Train a model on a stream of batches; return the new parameters and the losses.

    Parameters
    ----------
    parameters : dict of ndarray
        Starting parameters of any model of :mod:`rnnbook.model`, in float32 or
        float64.
    batches : iterable of (x, targets)
        One pair per step: ``x`` (n_x, m, T_x) inputs and ``targets`` (m, T) integer
        classes for the last T steps (see :func:`rnnbook.model.loss_and_grads`). The
        number of pairs is the number of steps.
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
    carry_state : bool, optional
        False: every batch starts from a zero state. True: each batch starts from
        the state the previous one ended in (its rows must continue the previous
        batch's rows, as :func:`rnnbook.charmodel.stream_batches` makes them); the
        gradient still stops at the batch's first step. This is truncated
        backpropagation through time.
    implementation : module, optional
        See :func:`rnnbook.model.run` (e.g. :mod:`rnnbook.fused`, the same numbers
        faster).

    Returns
    -------
    parameters : dict of ndarray
        The trained parameters (new arrays; the inputs are not modified).
    history : ndarray, shape (n_steps,)
        The loss of each batch, measured before its update.

    Raises
    ------
    FloatingPointError
        When a loss or a gradient stops being finite: the training diverged.

    Examples
    --------
    Learn to predict class 2 at every step from constant inputs:

    >>> import numpy as np
    >>> from rnnbook.parameters import initialize_parameters
    >>> from rnnbook.train import train_model
    >>> parameters = initialize_parameters("rnn", 2, 3, 4, np.random.default_rng(0))
    >>> batch = (np.ones((2, 5, 6)), np.full((5, 6), 2))
    >>> trained, history = train_model(parameters, [batch] * 50, learning_rate=0.1)
    >>> bool(history[-1] < 0.1 * history[0])
    True
    """
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimizer: expected 'adam' or 'sgd', got {optimizer!r}")
    _check_not_half(parameters)
    learning_rate = _check_learning_rate(learning_rate)
    if clip_norm is not None:
        clip_norm = check_positive("clip_norm", clip_norm, allow_inf=True)
    step_fn, init_state = _OPTIMIZERS[optimizer]
    state, history, carried = init_state(parameters), [], None
    for step, (x, targets) in enumerate(batches):
        # A diverging run overflows; the checks below turn that into one clear error.
        with np.errstate(over="ignore", invalid="ignore"):
            loss, gradients, last = loss_and_grads(x, parameters, targets, carried, implementation)
            _check_finite(step, "the loss of", {"the batch": loss})
            _check_finite(step, "gradients", gradients)
            if clip_norm is not None:
                gradients = clip_by_global_norm(gradients, clip_norm)
            parameters, state = step_fn(parameters, gradients, state, learning_rate=learning_rate)
            _check_finite(step, "updated parameters", parameters)
        carried = last if carry_state else None
        history.append(loss)
        if callback is not None:
            callback(step, loss, parameters)
    return parameters, np.array(history)
