r"""Which model is this, what are its parameters, and which size comes from which argument.

The one place that knows each model's parameters. Every other module asks here:
which model a parameter dictionary belongs to (:func:`model_kind`), which shape each
key must have (:func:`parameter_shapes`), which key is the output weight
(:data:`OUTPUT_WEIGHT`), which sizes a dictionary implies (:func:`sizes`), how to
draw first values (:func:`initialize_parameters`), and how the arguments of a step or
a sequence are checked against each other (:func:`check_step`,
:func:`check_sequence`). Adding a model adds one entry to :data:`SHAPES` and
:data:`OUTPUT_WEIGHT`.

Shapes are written in the book's letters: ``n_x`` inputs, ``n_a`` hidden units,
``n_y`` output classes; ``"n_a + n_x"`` columns act on the stacked column
:math:`[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]`, and ``"1"`` is a bias.
"""

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ._validate import (
    REAL_KINDS,
    as_array,
    as_generator,
    check_finite_number,
    check_like,
    check_size,
    expect_shape,
)


class Parameter(NamedTuple):
    """One row of a model's parameter table."""

    key: str  #: the dictionary key, as in the course (``"Wax"``, ``"bf"``, ...)
    rows: str  #: number of rows, in the book's letters
    columns: str  #: number of columns, in the book's letters; ``"1"`` for a bias


# fmt: off
#: Each model's parameters, one :class:`Parameter` per key, in the course's order: the
#: recurrent layer, then the output layer.
SHAPES = {
    "rnn": (
        Parameter("Wax", "n_a", "n_x"),
        Parameter("Waa", "n_a", "n_a"),
        Parameter("ba",  "n_a", "1"),
        Parameter("Wya", "n_y", "n_a"),
        Parameter("by",  "n_y", "1"),
    ),
    "lstm": (
        Parameter("Wf", "n_a", "n_a + n_x"), Parameter("bf", "n_a", "1"),
        Parameter("Wi", "n_a", "n_a + n_x"), Parameter("bi", "n_a", "1"),
        Parameter("Wc", "n_a", "n_a + n_x"), Parameter("bc", "n_a", "1"),
        Parameter("Wo", "n_a", "n_a + n_x"), Parameter("bo", "n_a", "1"),
        Parameter("Wy", "n_y", "n_a"),       Parameter("by", "n_y", "1"),
    ),
    "gru": (
        Parameter("Wr", "n_a", "n_a + n_x"), Parameter("br", "n_a", "1"),
        Parameter("Wu", "n_a", "n_a + n_x"), Parameter("bu", "n_a", "1"),
        Parameter("Wc", "n_a", "n_a + n_x"), Parameter("bc", "n_a", "1"),
        Parameter("Wy", "n_y", "n_a"),       Parameter("by", "n_y", "1"),
    ),
}
OUTPUT_WEIGHT = {"rnn": "Wya", "lstm": "Wy", "gru": "Wy"}  #: each model's (n_y, n_a) output weight
# fmt: on
OUTPUT_BIAS = "by"  #: every model's (n_y, 1) output bias

FORGET_BIAS = "bf"  #: the bias :func:`initialize_parameters` sets to ``forget_bias``
UPDATE_BIAS = "bu"  #: the bias :func:`initialize_parameters` sets to ``update_bias``


def _number(letters, sizes):
    """The number that ``letters`` (e.g. ``"n_a + n_x"``) stands for."""
    return sum(1 if term == "1" else sizes[term] for term in letters.split(" + "))


def _table(kind):
    if kind not in SHAPES:
        raise ValueError(f"kind: expected one of {sorted(SHAPES)}, got {kind!r}")
    return SHAPES[kind]


def parameter_shapes(kind, n_x, n_a, n_y):
    """Expected shape of each parameter of a model, in letters and in numbers.

    Parameters
    ----------
    kind : str
        A key of :data:`SHAPES`: ``"rnn"``, ``"lstm"`` or ``"gru"``.
    n_x, n_a, n_y : int
        Input size, hidden size, number of output classes.

    Returns
    -------
    dict
        ``{key: (letters, shape)}`` in the course's order.

    Examples
    --------
    >>> from rnnbook.parameters import parameter_shapes
    >>> parameter_shapes("rnn", 3, 5, 2)["Wax"]
    ('(n_a, n_x)', (5, 3))
    >>> parameter_shapes("lstm", 3, 5, 2)["Wf"]
    ('(n_a, n_a + n_x)', (5, 8))
    """
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y}
    return {
        p.key: (f"({p.rows}, {p.columns})", (_number(p.rows, sizes), _number(p.columns, sizes)))
        for p in _table(kind)
    }


def model_kind(parameters):
    """The model a parameter dictionary belongs to: the one all of whose keys it has.

    Parameters
    ----------
    parameters : dict
        A model's parameters (extra keys are allowed).

    Returns
    -------
    str
        A key of :data:`SHAPES`.

    Examples
    --------
    >>> from rnnbook.parameters import initialize_parameters, model_kind
    >>> model_kind(initialize_parameters("lstm", 2, 3, 2, rng=0))
    'lstm'
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict, got {type(parameters).__name__}")
    for kind, table in SHAPES.items():
        if all(p.key in parameters for p in table):
            return kind
    closest = min(SHAPES, key=lambda k: sum(p.key not in parameters for p in SHAPES[k]))
    missing = [p.key for p in SHAPES[closest] if p.key not in parameters]
    raise ValueError(
        f"parameters: expected all the keys of one model; closest is the {closest}, "
        f"which also needs {missing}; got keys {sorted(parameters)}"
    )


def sizes(parameters):
    """``(n_x, n_a, n_y)`` read off a model's parameters, and checked against them all.

    ``n_y`` and ``n_a`` come from the output weight, ``n_x`` from the first weight that
    reads the input; then every parameter is checked against these sizes.

    Examples
    --------
    >>> from rnnbook.parameters import initialize_parameters, sizes
    >>> sizes(initialize_parameters("lstm", 3, 5, 2, rng=0))
    (3, 5, 2)
    """
    kind = model_kind(parameters)
    n_y, n_a = _output_weight(kind, parameters).shape
    reader = next(p for p in SHAPES[kind] if "n_x" in p.columns)
    letters = f"({reader.rows}, {reader.columns})"
    width = as_array(f'parameters["{reader.key}"]', parameters[reader.key], 2, letters).shape[1]
    n_x = width - (n_a if "n_a" in reader.columns else 0)
    check_parameters(kind, parameters, n_x, n_a, f'parameters["{reader.key}"]', "the output weight")
    return n_x, n_a, n_y


def _output_weight(kind, parameters):
    """The output weight, with at least one class (row): a softmax needs one."""
    key = OUTPUT_WEIGHT[kind]
    _require(parameters, key, "(n_y, n_a)")
    weight = as_array(f'parameters["{key}"]', parameters[key], 2, "(n_y, n_a)")
    if weight.shape[0] == 0:
        raise ValueError(
            f'parameters["{key}"]: expected shape (n_y, n_a) with n_y >= 1 output '
            f"classes, got {weight.shape}"
        )
    return weight


def _require(parameters, key, letters):
    if key not in parameters:
        raise KeyError(f"parameters: missing {key!r} (expected shape {letters})")


@lru_cache(maxsize=256)
def _expected(kind, n_x, n_a, n_y):
    """``((key, letters, shape), ...)``: :func:`parameter_shapes` as a cached tuple."""
    return tuple((key, *value) for key, value in parameter_shapes(kind, n_x, n_a, n_y).items())


def check_parameters(kind, parameters, n_x, n_a, x_from="x", a_from="a0"):
    """A new dict of ``kind``'s parameters as checked arrays, for these sizes.

    ``n_y`` is read from the output weight. An error names the key, the expected
    shape in letters and numbers, where those numbers came from (``x_from``,
    ``a_from``), and the shape received. Extra keys are left out of the result; the
    caller's dictionary is not touched.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.parameters import check_parameters, initialize_parameters
    >>> p = initialize_parameters("rnn", 3, 5, 2, rng=0)
    >>> check_parameters("rnn", {**p, "Wax": p["Wax"].T}, n_x=3, n_a=5)
    Traceback (most recent call last):
    ...
    ValueError: parameters["Wax"]: expected shape (n_a, n_x) = (5, 3) (n_x = 3 from x, n_a = 5 from a0, n_y = 2 from the output weight), got (3, 5)
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict, got {type(parameters).__name__}")
    n_y = _output_weight(kind, parameters).shape[0]
    checked = {}
    for key, letters, shape in _expected(kind, n_x, n_a, n_y):
        _require(parameters, key, letters)
        array = np.asarray(parameters[key])
        if array.shape != shape or array.dtype.kind not in REAL_KINDS:  # the usual case: fine
            where = f"n_x = {n_x} from {x_from}, n_a = {n_a} from {a_from}, n_y = {n_y} from the output weight"
            array = as_array(f'parameters["{key}"]', array, 2, letters)
            expect_shape(f'parameters["{key}"]', array, letters, shape, where)
        checked[key] = array
    return checked


def check_step(kind, xt, a_prev, parameters, c_prev=None):
    """Check one cell step's arguments; return ``xt, a_prev, parameters`` (and ``c_prev``).

    ``n_x`` and ``m`` come from ``xt``, ``n_a`` from ``a_prev``; ``parameters`` comes
    back as a new dict of checked arrays.
    """
    xt = as_array("xt", xt, 2, "(n_x, m)")
    a_prev = as_array("a_prev", a_prev, 2, "(n_a, m)")
    (n_x, m), n_a = xt.shape, a_prev.shape[0]
    expect_shape("a_prev", a_prev, "(n_a, m)", (n_a, m), f"m = {m}: the columns of xt")
    p = check_parameters(kind, parameters, n_x, n_a, "xt", "a_prev")
    if c_prev is None:
        return xt, a_prev, p
    return xt, a_prev, p, check_like("c_prev", c_prev, a_prev, "(n_a, m)", "as a_prev")


def check_sequence(kind, x, a0, parameters):
    """Check a sequence's arguments; return ``x, a0, parameters``.

    ``n_x``, ``m`` and ``T_x`` come from ``x``, ``n_a`` from ``a0``; ``parameters``
    comes back as a new dict of checked arrays.
    """
    x = as_array("x", x, 3, "(n_x, m, T_x)")
    a0 = as_array("a0", a0, 2, "(n_a, m)")
    (n_x, m, _), n_a = x.shape, a0.shape[0]
    expect_shape("a0", a0, "(n_a, m)", (n_a, m), f"m = {m}: axis 1 of x")
    return x, a0, check_parameters(kind, parameters, n_x, n_a, "x", "a0")


def _glorot(rng, shape, dtype):
    fan_out, fan_in = shape
    limit = np.sqrt(6.0 / max(fan_in + fan_out, 1))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def initialize_parameters(
    kind, n_x, n_a, n_y, rng, dtype=np.float64, forget_bias=1.0, update_bias=0.0
):
    r"""First parameters of a model: Glorot-uniform weights, zero biases, a forget bias.

    Parameters
    ----------
    kind : str
        A key of :data:`SHAPES`: ``"rnn"``, ``"lstm"`` or ``"gru"``.
    n_x, n_a, n_y : int
        Input size, hidden size, number of output classes.
    rng : numpy.random.Generator or int
        Source of randomness, or the seed of a new one.
    dtype : data-type, optional
        A floating dtype for every array.
    forget_bias : float, optional
        Every entry of the LSTM's forget-gate bias ``bf``; models without a forget gate
        have no use for it.
    update_bias : float, optional
        Every entry of the GRU's update-gate bias ``bu`` (see Notes); other models have
        no use for it (the LSTM's update-gate bias, key ``bi``, starts at 0).

    Returns
    -------
    parameters : dict of ndarray
        The keys of :func:`parameter_shapes`, in its order.

    Notes
    -----
    A weight of shape (fan_out, fan_in) is drawn from

    .. math:: W_{jk} \sim \mathcal U\!\left(-\sqrt{\tfrac{6}{\text{fan\_in} + \text{fan\_out}}},\
              \sqrt{\tfrac{6}{\text{fan\_in} + \text{fan\_out}}}\right)

    (Glorot and Bengio, 2010), whose variance :math:`2 / (\text{fan\_in} +
    \text{fan\_out})` keeps the size of the signals, forward, and of the gradients,
    backward, roughly constant across a tanh layer at the start. For the square
    ``Waa`` it is :math:`1 / n_a`, which puts the spectral radius near 1. Biases start
    at zero: the random weights already make the units differ.

    The LSTM's forget gate is :math:`\Gamma_f = \sigma(W_f z + b_f)`. With
    :math:`b_f = 0` it starts near :math:`\sigma(0) = 0.5`, and the memory, and the
    gradient flowing back along it, halve at every step. With :math:`b_f = 1` it starts
    near :math:`\sigma(1)`: the cell remembers longer from the first update, so
    long-range gradients exist to learn from (Gers, Schmidhuber and Cummins, 2000).

    The GRU has no forget gate of its own: it keeps the share
    :math:`1 - \Gamma_u = 1 - \sigma(z_u) = \sigma(-z_u)` of its state, so its update
    bias plays the forget bias's part with the sign turned: :math:`b_u = -b` starts the
    GRU keeping :math:`\sigma(b)` at every step, as :math:`b_f = b` starts the LSTM.
    The default, :math:`b_u = 0`, is the usual zero bias: the GRU starts keeping about
    half of its state per step.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.parameters import initialize_parameters
    >>> p = initialize_parameters("rnn", 3, 4, 5, np.random.default_rng(0))
    >>> {key: value.shape for key, value in p.items()}
    {'Wax': (4, 3), 'Waa': (4, 4), 'ba': (4, 1), 'Wya': (5, 4), 'by': (5, 1)}
    >>> initialize_parameters("lstm", 3, 2, 4, rng=0)["bf"].ravel().tolist()
    [1.0, 1.0]
    >>> initialize_parameters("gru", 3, 2, 4, rng=0, update_bias=-3.0)["bu"].ravel().tolist()
    [-3.0, -3.0]
    """
    n_x, n_a, n_y = (check_size(name, n) for name, n in zip(("n_x", "n_a", "n_y"), (n_x, n_a, n_y)))
    rng = as_generator("rng", rng)
    starts = _bias_starts(forget_bias, update_bias)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype: expected a floating dtype, got {dtype}")
    parameters = {}
    for p, (_, shape) in zip(_table(kind), parameter_shapes(kind, n_x, n_a, n_y).values()):
        if p.columns != "1":
            parameters[p.key] = _glorot(rng, shape, dtype)
        else:
            parameters[p.key] = np.full(shape, starts.get(p.key, 0.0), dtype)
    return parameters


def _bias_starts(forget_bias, update_bias):
    """``{key: value}`` of the biases that do not start at 0, the values checked.

    Shared by :func:`initialize_parameters` and
    :func:`rnnbook.experiments.scaled_parameters`.
    """
    return {
        FORGET_BIAS: check_finite_number("forget_bias", forget_bias),
        UPDATE_BIAS: check_finite_number("update_bias", update_bias),
    }
