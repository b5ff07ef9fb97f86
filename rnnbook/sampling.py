r"""Generation: run a trained model one step at a time, feeding each sample back in.

Training shows a model the right input at every step (teacher forcing); generation
has no right input to show, so each step's own sample becomes the next step's input
(free running). Randomness comes only from a ``numpy.random.Generator`` (or a seed)
passed in by the caller, so a fixed seed gives a fixed sequence.
"""

import numpy as np

from ._validate import as_array, as_generator, check_finite_number, check_size
from .activations import softmax
from .model import step, zero_state
from .parameters import sizes


def sampling_distribution(scores, temperature=1.0):
    r"""Probabilities to sample from: softmax of the scores divided by the temperature.

    Parameters
    ----------
    scores : ndarray, shape (n_y, m)
        Output scores :math:`W_y a + b_y` (before the softmax).
    temperature : float, optional
        :math:`T \ge 0`, finite. 1 samples from the model's own distribution; below 1
        sharpens it, above 1 flattens it; 0 puts all the mass on the highest score
        (greedy).

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
    >>> from rnnbook.sampling import sampling_distribution
    >>> scores = np.log(np.array([[0.5], [0.3], [0.2]]))
    >>> sampling_distribution(scores, 1.0).ravel()  # doctest: +FLOAT_CMP
    array([0.5, 0.3, 0.2])
    >>> sampling_distribution(scores, 0.0).ravel()
    array([1., 0., 0.])
    """
    scores = as_array("scores", scores, 2, "(n_y, m)")
    temperature = check_finite_number("temperature", temperature, low=0)
    if temperature == 0:
        dtype = scores.dtype if scores.dtype.kind == "f" else np.dtype(np.float64)
        greedy = np.zeros(scores.shape, dtype=dtype)
        np.put_along_axis(greedy, scores.argmax(axis=0)[None], 1, axis=0)
        return greedy
    # A gap that overflows to -inf is a probability of exactly 0, as it should be.
    with np.errstate(over="ignore"):
        return softmax((scores - scores.max(axis=0, keepdims=True)) / temperature)


def sample(parameters, n_steps, rng, temperature=1.0, prefix=()):
    r"""Generate a sequence of class indices, feeding each sample back as the next input.

    Parameters
    ----------
    parameters : dict of ndarray
        A trained model whose input and output classes are the same
        (:math:`n_x = n_y`, e.g. characters).
    n_steps : int
        Number of indices to generate.
    rng : numpy.random.Generator or int
        Source of randomness, or a seed: the same seed gives the same sequence.
    temperature : float, optional
        See :func:`sampling_distribution`; 0 is greedy.
    prefix : sequence of int, optional
        Indices read first, to set the state; generation continues after them. If
        empty, the first input is the zero vector.

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
    >>> from rnnbook.parameters import initialize_parameters
    >>> from rnnbook.sampling import sample
    >>> parameters = initialize_parameters("lstm", 5, 8, 5, np.random.default_rng(0))
    >>> first = sample(parameters, 10, np.random.default_rng(42), prefix=[1, 2])
    >>> again = sample(parameters, 10, 42, prefix=[1, 2])
    >>> first.shape, bool(np.array_equal(first, again))
    ((10,), True)
    """
    n_x, _, n_y = sizes(parameters)
    if n_x != n_y:
        raise ValueError(
            f"parameters: a model that reads its own samples needs n_x = n_y, "
            f"got n_x = {n_x}, n_y = {n_y}"
        )
    n_steps, rng = check_size("n_steps", n_steps), as_generator("rng", rng)
    temperature = check_finite_number("temperature", temperature, low=0)
    prefix = _check_prefix(prefix, n_y)
    state = zero_state(parameters, 1)
    dtype = state[0].dtype
    inputs = prefix or [None]  # None: the zero vector
    for k in inputs[:-1]:
        _, _, state = step(_one_hot_column(k, n_y, dtype), parameters, state)
    k, generated = inputs[-1], []
    for _ in range(n_steps):
        _, scores, state = step(_one_hot_column(k, n_y, dtype), parameters, state)
        p = sampling_distribution(scores, temperature)[:, 0].astype(np.float64)
        k = int(rng.choice(n_y, p=p / p.sum()))  # rng.choice checks the sum in float64
        generated.append(k)
    return np.array(generated, dtype=np.int64)


def _check_prefix(prefix, n_y):
    """The prefix as a list of ints in [0, n_y)."""
    indices = np.asarray(prefix)
    if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
        raise ValueError(f"prefix: expected a sequence of class indices, got {prefix!r}")
    if indices.size and (indices.min() < 0 or indices.max() >= n_y):
        raise ValueError(
            f"prefix: indices must lie in [0, n_y) = [0, {n_y}), got {indices.tolist()}"
        )
    return [int(k) for k in indices]


def _one_hot_column(k, n_y, dtype):
    """The input column for class ``k``: one-hot (n_y, 1), or zeros if ``k`` is None."""
    xt = np.zeros((n_y, 1), dtype=dtype)
    if k is not None:
        xt[k] = 1
    return xt
