"""Argument checks shared by the public functions.

Errors are part of the interface: each message names the argument, what it should
be (a shape in the book's letters and in numbers, a range, a type) and what it is.
The checks read ``dtype.kind`` rather than calling ``np.issubdtype``: they run at
every step of the teaching loops, and the kind is a single attribute lookup.
"""

import math
import numbers

import numpy as np

REAL_KINDS = "fiu"  #: float, signed and unsigned integer arrays are accepted


def as_array(name, value, ndim, letters):
    """``value`` as an ndarray, after checking its number of dimensions and its dtype.

    Real numbers only: booleans, complex numbers and objects raise ``TypeError``.
    """
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(
            f"{name}: expected a {ndim}-d array of shape {letters}, "
            f"got shape {array.shape}"
        )
    return _real(name, array)


def _real(name, array):
    if array.dtype.kind not in REAL_KINDS:
        raise TypeError(
            f"{name}: expected an array of real numbers (float or int), "
            f"got dtype {array.dtype}"
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


def check_like(name, value, like, letters, where=""):
    """``value`` as an array of the same shape as the array ``like``, or an error."""
    array = np.asarray(value)
    expect_shape(name, array, letters, like.shape, where)
    return _real(name, array)


def check_alike(letters, **arrays):
    """The arrays, if all are real and of one shape (the first's, ``letters``); else an error.

    For element-wise functions, where numpy would broadcast mismatched shapes into a
    silent wrong answer.
    """
    (first_name, first), *rest = arrays.items()
    first = np.asarray(first)
    checked = [_real(first_name, first)]
    for name, value in rest:
        value = np.asarray(value)
        expect_shape(name, value, letters, first.shape, f"as {first_name}")
        checked.append(_real(name, value))
    return checked


def float_dtype(*arrays):
    """The dtype numpy arithmetic gives these arrays, or float64 if that is not a float."""
    dtype = np.result_type(*(np.asarray(a).dtype for a in arrays))
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def check_size(name, value, minimum=0):
    """``value`` as an int, if it is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    return int(value)


def check_finite_number(name, value, low=-math.inf, high=math.inf, closed_high=True):
    """``value`` as a float, if it is a finite real number in ``[low, high]``.

    ``closed_high=False`` excludes ``high`` itself (for ``[0, 1)``).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {value!r}")
    value = float(value)
    inside = low <= value <= high if closed_high else low <= value < high
    if not (math.isfinite(value) and inside):
        raise ValueError(f"{name}: expected {_interval(low, high, closed_high)}, got {value}")
    return value


def _interval(low, high, closed_high):
    if math.isinf(low) and math.isinf(high):
        return "a finite number"
    if math.isinf(high):
        return f"a finite number >= {low:g}"
    return f"a number in [{low:g}, {high:g}{']' if closed_high else ')'}"


def check_positive(name, value, allow_inf=False):
    """``value`` as a float, if it is a real number > 0 (``inf`` too if ``allow_inf``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a positive number, got {value!r}")
    value = float(value)
    if not (value > 0 and (allow_inf or math.isfinite(value))):
        kind = "a positive number" if allow_inf else "a finite positive number"
        raise ValueError(f"{name}: expected {kind}, got {value}")
    return value


def as_generator(name, rng):
    """A ``numpy.random.Generator``: ``rng`` itself, or one seeded by the int ``rng``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name}: expected a numpy.random.Generator or a non-negative int seed, "
        f"got {rng!r}"
    )
