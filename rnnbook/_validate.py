"""Shape checks shared by the public functions.

Errors are part of the interface: each message names the argument, the shape it
should have (in the book's letters and in numbers) and the shape it has.
"""

import numpy as np


def as_array(name, value, ndim, letters):
    """Return ``value`` as an ndarray after checking its number of dimensions."""
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(
            f"{name}: expected a {ndim}-d array of shape {letters}, "
            f"got shape {array.shape}"
        )
    if not (
        np.issubdtype(array.dtype, np.floating)
        or np.issubdtype(array.dtype, np.integer)
    ):
        raise TypeError(
            f"{name}: expected a real-valued array, got dtype {array.dtype}"
        )
    return array


def expect_shape(name, array, letters, shape, where=""):
    """Raise ValueError unless ``array.shape == shape``.

    ``where`` says where the expected sizes were read, e.g. "m = 10 from xt": when
    two arguments disagree, the learner then sees which one set the expectation.
    """
    if array.shape != tuple(shape):
        hint = f" ({where})" if where else ""
        raise ValueError(
            f"{name}: expected shape {letters} = {tuple(shape)}{hint}, got {array.shape}"
        )


def check_parameters(parameters, expected, where=""):
    """Check a parameter dictionary against ``{key: (letters, shape)}``.

    Returns a new dict holding the checked arrays, so callers never touch the
    caller's dictionary. ``where`` is passed on to :func:`expect_shape`.
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict, got {type(parameters).__name__}")
    checked = {}
    for key, (letters, shape) in expected.items():
        if key not in parameters:
            raise KeyError(
                f"parameters: missing {key!r} (expected shape {letters} = {shape})"
            )
        array = as_array(f'parameters["{key}"]', parameters[key], len(shape), letters)
        expect_shape(f'parameters["{key}"]', array, letters, shape, where)
        checked[key] = array
    return checked


def sizes_note(n_x, n_a, n_y, x_name="x", a_name="a0"):
    """Where a parameter check read its sizes, for :func:`check_parameters`."""
    return f"n_x = {n_x} from {x_name}, n_a = {n_a} from {a_name}, n_y = {n_y} from the output weight"


def rnn_parameter_shapes(n_x, n_a, n_y):
    """Expected shapes of the RNN's parameters."""
    return {
        "Wax": ("(n_a, n_x)", (n_a, n_x)),
        "Waa": ("(n_a, n_a)", (n_a, n_a)),
        "Wya": ("(n_y, n_a)", (n_y, n_a)),
        "ba": ("(n_a, 1)", (n_a, 1)),
        "by": ("(n_y, 1)", (n_y, 1)),
    }


def lstm_parameter_shapes(n_x, n_a, n_y):
    """Expected shapes of the LSTM's parameters."""
    shapes = {}
    for gate in "fico":
        shapes["W" + gate] = ("(n_a, n_a + n_x)", (n_a, n_a + n_x))
        shapes["b" + gate] = ("(n_a, 1)", (n_a, 1))
    shapes["Wy"] = ("(n_y, n_a)", (n_y, n_a))
    shapes["by"] = ("(n_y, 1)", (n_y, 1))
    return shapes


def gru_parameter_shapes(n_x, n_a, n_y):
    """Expected shapes of the GRU's parameters."""
    shapes = {}
    for gate in "ruc":
        shapes["W" + gate] = ("(n_a, n_a + n_x)", (n_a, n_a + n_x))
        shapes["b" + gate] = ("(n_a, 1)", (n_a, 1))
    shapes["Wy"] = ("(n_y, n_a)", (n_y, n_a))
    shapes["by"] = ("(n_y, 1)", (n_y, 1))
    return shapes


def output_size(parameters, key):
    """n_y read from the output weight ``parameters[key]`` of shape (n_y, n_a)."""
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict, got {type(parameters).__name__}")
    if key not in parameters:
        raise KeyError(f"parameters: missing {key!r} (expected shape (n_y, n_a))")
    return as_array(f'parameters["{key}"]', parameters[key], 2, "(n_y, n_a)").shape[0]


def float_dtype(*arrays):
    """The dtype numpy arithmetic gives these arrays, or float64 if that is not a float."""
    dtype = np.result_type(*(np.asarray(a).dtype for a in arrays))
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _model_parameters(kind, parameters, n_x, n_a, x_name, a_name):
    """Check an RNN's (``kind="rnn"``) or LSTM's parameters against n_x and n_a."""
    shapes, output_key = {
        "rnn": (rnn_parameter_shapes, "Wya"),
        "lstm": (lstm_parameter_shapes, "Wy"),
        "gru": (gru_parameter_shapes, "Wy"),
    }[kind]
    n_y = output_size(parameters, output_key)
    where = sizes_note(n_x, n_a, n_y, x_name, a_name)
    return check_parameters(parameters, shapes(n_x, n_a, n_y), where)


def check_step(kind, xt, a_prev, parameters, c_prev=None):
    """Validate one cell step; return ``xt, a_prev, parameters`` (and ``c_prev``).

    ``parameters`` comes back as a new dict of checked arrays.
    """
    xt = as_array("xt", xt, 2, "(n_x, m)")
    a_prev = as_array("a_prev", a_prev, 2, "(n_a, m)")
    (n_x, m), n_a = xt.shape, a_prev.shape[0]
    expect_shape("a_prev", a_prev, "(n_a, m)", (n_a, m), f"m = {m}: the columns of xt")
    p = _model_parameters(kind, parameters, n_x, n_a, "xt", "a_prev")
    if c_prev is None:
        return xt, a_prev, p
    c_prev = as_array("c_prev", c_prev, 2, "(n_a, m)")
    expect_shape("c_prev", c_prev, "(n_a, m)", (n_a, m), "as a_prev")
    return xt, a_prev, p, c_prev


def check_sequence(kind, x, a0, parameters):
    """Validate a sequence's inputs; return ``x, a0, parameters`` (a checked copy)."""
    x = as_array("x", x, 3, "(n_x, m, T_x)")
    a0 = as_array("a0", a0, 2, "(n_a, m)")
    (n_x, m, _), n_a = x.shape, a0.shape[0]
    expect_shape("a0", a0, "(n_a, m)", (n_a, m), f"m = {m}: axis 1 of x")
    return x, a0, _model_parameters(kind, parameters, n_x, n_a, "x", "a0")
