r"""The LSTM made fast one change at a time: the steps from the teaching to the fused version.

Each variant is a forward and a backward function with the interface of
:func:`rnnbook.lstm_forward` and :func:`rnnbook.lstm_backward` (same arguments, same
returned arrays in the book's ``(n, m, T_x)`` layout, same gradient keys, same
checks of the arguments), and adds one change to the variant before it:

0. ``teaching``: the loop of cells, four products for the four gates at every step;
1. ``stacked gates``: the four gate matrices as one ``(4 n_a, n_a + n_x)`` matrix, so
   that a step makes one product forward and two backward
   (:func:`stacked_forward`, :func:`stacked_backward`);
2. ``time-major layout``: the same code, with every sequence array stored so that a
   step's ``(n, m)`` slice is one contiguous block of memory
   (:func:`time_major_forward`);
3. ``input projection``: :math:`W_{Gx} x^{\langle t \rangle} + b_G` for every step
   in one product before the loop (:func:`projected_forward`);
4. ``one weight-gradient product``: the backward loop keeps only
   :math:`W_{Ga}^T dz_G^{\langle t \rangle}`; the weight gradients and ``dx`` are one
   product each after it (:func:`hoisted_backward`);
5. ``fused``: :mod:`rnnbook.fused`, whose loops write into memory allocated once
   and do each step's element-wise work in fewer calls (one ``tanh`` squashes the
   four gates, the gate derivatives of many steps take one call each, the biases are
   folded into the products, nothing is checked inside the loops).

Here :math:`W_G` is the four gates' weights stacked, :math:`[W_{Ga} \mid W_{Gx}]`
its columns acting on :math:`a^{\langle t-1 \rangle}` and on
:math:`x^{\langle t \rangle}`, :math:`b_G` the biases stacked, and :math:`z_G` and
:math:`dz_G` the four pre-activations and their gradients stacked, ``(4 n_a, m)``.

:data:`VARIANTS` lists the variants in that order. The rest of the module measures them:
the sizes of the book's benchmark (:data:`SIZES`, :func:`make_problem`), one
forward and backward pass as a callable (:func:`runner`), timing in turns
(:func:`interleaved_times`), and a check that two runs computed the same thing
(:func:`largest_difference`). The ``benchmarks/`` folder of the repository uses the
same functions.
"""

import gc
import time
from typing import Callable, NamedTuple

import numpy as np

from . import fused
from ._validate import as_array, check_like, check_size, float_dtype
from .activations import sigmoid, softmax
from .backward import lstm_backward
from .gates import (
    candidate_grad,
    cell_state_grad,
    forget_gate_grad,
    output_gate_grad,
    prev_cell_state_grad,
    update_gate_grad,
)
from .parameters import check_sequence, parameter_shapes
from .sequence import lstm_forward

COURSE_ORDER = "fico"  #: the gates' stacking order in variants 1 to 4: the course's

# fmt: off
#: The benchmark's problem sizes; ``tiny`` is the course's test size.
SIZES = {
    "tiny":   {"n_x": 3,   "n_a": 5,   "m": 10,  "T_x": 4},
    "small":  {"n_x": 32,  "n_a": 64,  "m": 32,  "T_x": 50},
    "medium": {"n_x": 128, "n_a": 256, "m": 64,  "T_x": 100},
    "large":  {"n_x": 256, "n_a": 512, "m": 128, "T_x": 100},
}
# fmt: on
N_Y = 2  #: output classes of every benchmark problem, as in the course


class AblationCache(NamedTuple):
    """What the backward variants need from the forward variants."""

    inputs: np.ndarray  #: x, (n_x, m, T_x), in the layout the forward pass used
    a0: np.ndarray  #: (n_a, m)
    c0: np.ndarray  #: (n_a, m)
    a: np.ndarray  #: (n_a, m, T_x)
    c: np.ndarray  #: (n_a, m, T_x)
    gates: list  #: per step, the squashed (f, i, cc, o), each (n_a, m)
    w: np.ndarray  #: (4 n_a, n_a + n_x), W_G: the gates stacked in COURSE_ORDER
    b: np.ndarray  #: (4 n_a, 1), b_G
    time_major: bool  #: whether each step of the arrays above is contiguous


# --- the forward variants -----------------------------------------------------------


def _sequence(n, m, T_x, dtype, time_major):
    """A zero array, shape (n, m, T_x); time-major memory makes each step contiguous.

    Indexed the same way in both layouts (``[:, :, t]`` is step t): only where the
    numbers sit in memory differs.
    """
    if time_major:
        return np.zeros((T_x, n, m), dtype=dtype).transpose(1, 2, 0)
    return np.zeros((n, m, T_x), dtype=dtype)


def _checked(x, a0, parameters, c0, time_major):
    """Checked arguments, the dtype, the inputs in the wanted layout, W and b."""
    x, a0, p = check_sequence("lstm", x, a0, parameters)
    if c0 is None:
        c0 = np.zeros_like(a0)
    c0 = check_like("c0", c0, a0, "(n_a, m)", "as a0")
    dtype = float_dtype(x, a0, c0, *p.values())
    xs = x.astype(dtype, copy=False)
    if time_major:
        xs = _sequence(*x.shape, dtype, True)
        xs[...] = x  # one copy per call
    w = np.concatenate([p["W" + g] for g in COURSE_ORDER]).astype(dtype, copy=False)
    b = np.concatenate([p["b" + g] for g in COURSE_ORDER]).astype(dtype, copy=False)
    return xs, a0.astype(dtype, copy=False), c0.astype(dtype, copy=False), p, w, b


def _run_steps(pre_activation, xs, a0, c0, p, time_major):
    """The forward loop of variants 1 to 3; ``pre_activation(t, a_prev)`` gives z_G."""
    (_, m, T_x), n_a, dtype = xs.shape, a0.shape[0], xs.dtype
    a, c = (_sequence(n_a, m, T_x, dtype, time_major) for _ in range(2))
    y = _sequence(p["Wy"].shape[0], m, T_x, dtype, time_major)
    a_prev, c_prev, gates = a0, c0, []
    for t in range(T_x):
        f, i, cc, o = np.split(pre_activation(t, a_prev), 4)  # (n_a, m) each
        f, i, cc, o = sigmoid(f), sigmoid(i), np.tanh(cc), sigmoid(o)
        c_prev = f * c_prev + i * cc
        a_prev = o * np.tanh(c_prev)
        a[:, :, t], c[:, :, t] = a_prev, c_prev
        y[:, :, t] = softmax(p["Wy"] @ a_prev + p["by"])
        gates.append((f, i, cc, o))
    return a, y, c, gates


def _stacked(x, a0, parameters, c0, time_major):
    xs, a0, c0, p, w, b = _checked(x, a0, parameters, c0, time_major)

    def pre_activation(t, a_prev):
        return w @ np.concatenate([a_prev, xs[:, :, t]]) + b  # (4 n_a, m), z_G

    a, y, c, gates = _run_steps(pre_activation, xs, a0, c0, p, time_major)
    return a, y, c, AblationCache(xs, a0, c0, a, c, gates, w, b, time_major)


def stacked_forward(x, a0, parameters, c0=None):
    r"""Variant 1 forward: one product per step for the four stacked gates.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Inputs, time on the last axis.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict of ndarray
        The LSTM's parameters, as for :func:`rnnbook.lstm_forward`.
    c0 : ndarray, shape (n_a, m), optional
        Initial cell state; zero if not given.

    Returns
    -------
    a, y, c : ndarray, shapes (n_a, m, T_x), (n_y, m, T_x), (n_a, m, T_x)
        Hidden states, predictions and cell states, as :func:`rnnbook.lstm_forward`.
    caches : AblationCache
        For :func:`stacked_backward` or :func:`hoisted_backward`.

    Notes
    -----
    With :math:`W_G` the four gate matrices on top of each other, in the order f, i,
    c, o, each step computes all four pre-activations at once,
    :math:`z_G = W_G \bar x + b_G` with :math:`\bar x = [a^{\langle t-1 \rangle};
    x^{\langle t \rangle}]`, shape :math:`(4 n_a, m)`, and splits it into the four
    gates.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook.ablation import make_problem, stacked_forward
    >>> p = make_problem("lstm", "tiny")
    >>> a, y, c, caches = stacked_forward(p["x"], p["a0"], p["parameters"])
    >>> a_ref = rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"])[0]
    >>> a.shape, bool(np.allclose(a, a_ref, rtol=1e-12, atol=0))
    ((5, 10, 4), True)
    """
    return _stacked(x, a0, parameters, c0, time_major=False)


def time_major_forward(x, a0, parameters, c0=None):
    """Variant 2 forward: variant 1 with every step of every sequence contiguous.

    Parameters and returned values as for :func:`stacked_forward`; the returned
    arrays have the shape (n, m, T_x), but each step ``[:, :, t]`` of them is one
    contiguous block of memory, and so is each step of the inputs, copied once.

    Notes
    -----
    numpy stores an ``(n, m, T_x)`` array with its last index moving fastest, so the
    values of one step are ``T_x`` numbers apart. Allocating the memory as
    ``(T_x, n, m)`` and viewing it as ``(n, m, T_x)`` puts them side by side; the
    loop is the same code.

    Examples
    --------
    >>> from rnnbook.ablation import make_problem, time_major_forward
    >>> p = make_problem("lstm", "tiny")
    >>> a, y, c, caches = time_major_forward(p["x"], p["a0"], p["parameters"])
    >>> a.shape, a[:, :, 0].flags.c_contiguous
    ((5, 10, 4), True)
    >>> caches.inputs[:, :, 0].flags.c_contiguous
    True
    """
    return _stacked(x, a0, parameters, c0, time_major=True)


def projected_forward(x, a0, parameters, c0=None):
    r"""Variant 3 forward: the input half of every step's product, for all steps at once.

    Parameters and returned values as for :func:`stacked_forward`; every sequence
    array is time-major, as in :func:`time_major_forward`.

    Notes
    -----
    Split the stacked weights into the columns acting on
    :math:`a^{\langle t-1 \rangle}` and those acting on :math:`x^{\langle t \rangle}`:
    :math:`z_G = W_{Ga} a^{\langle t-1 \rangle} + (W_{Gx} x^{\langle t \rangle} +
    b_G)`. The bracket does not depend on the recurrence, so for all steps it is one
    product of :math:`W_{Gx}` with the inputs of every step side by side, an
    :math:`(n_x, m T_x)` matrix, before the loop.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook.ablation import make_problem, projected_forward
    >>> p = make_problem("lstm", "tiny")
    >>> c = projected_forward(p["x"], p["a0"], p["parameters"])[2]
    >>> c_ref = rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"])[2]
    >>> bool(np.allclose(c, c_ref, rtol=1e-12, atol=0))
    True
    """
    xs, a0, c0, p, w, b = _checked(x, a0, parameters, c0, time_major=True)
    (n_x, m, T_x), n_a = xs.shape, a0.shape[0]
    # the inputs as columns in time order, X = [x<1> ... x<T_x>], shape (n_x, T_x m)
    columns = xs.transpose(0, 2, 1).reshape(n_x, T_x * m)  # a copy: xs is time-major
    projected = (w[:, n_a:] @ columns).reshape(4 * n_a, T_x, m)
    projected += b[:, :, None]
    projected = projected.transpose(0, 2, 1)  # (4 n_a, m, T_x); a step is m-long rows
    w_a = w[:, :n_a]

    def pre_activation(t, a_prev):
        return w_a @ a_prev + projected[:, :, t]

    a, y, c, gates = _run_steps(pre_activation, xs, a0, c0, p, time_major=True)
    return a, y, c, AblationCache(xs, a0, c0, a, c, gates, w, b, True)


# --- the backward variants ----------------------------------------------------------


def _check_gradient(da, caches):
    """``da`` (n_a, m, T) checked against an :class:`AblationCache`; 1 <= T <= T_x."""
    if not isinstance(caches, AblationCache):
        raise ValueError(  # noqa: TRY004 - as the teaching and fused versions do
            f"caches: expected the AblationCache of a forward variant, "
            f"got {type(caches).__name__}")
    (n_a, m, T_x) = caches.a.shape
    da = as_array("da", da, 3, "(n_a, m, T_x)")
    if da.shape[:2] != (n_a, m) or not 1 <= da.shape[2] <= T_x:
        raise ValueError(f"da: expected shape (n_a, m, T_x) = ({n_a}, {m}, T_x) with "
                         f"1 <= T_x <= {T_x} (the forward pass's steps), got {da.shape}")
    dtype = np.result_type(da, caches.a)
    if caches.time_major:  # the gradients too, one copy
        steps = _sequence(*da.shape, dtype, True)
        steps[...] = da
        return steps
    return da.astype(dtype, copy=False)


def _gate_gradients(da_next, dc_next, cache, t):
    """dz_G (4 n_a, m) of step t, from :mod:`rnnbook.gates`, and dc<t-1>."""
    f, i, cc, o = cache.gates[t]
    c_next = cache.c[:, :, t]
    c_prev = cache.c[:, :, t - 1] if t > 0 else cache.c0
    dc = cell_state_grad(da_next, dc_next, c_next, o)
    dg = np.concatenate([forget_gate_grad(dc, c_prev, f), update_gate_grad(dc, i, cc),
                         candidate_grad(dc, i, cc), output_gate_grad(da_next, c_next, o)])
    return dg, prev_cell_state_grad(dc, f)


def _as_gradients(dx, da0, dw, db):
    """The stacked gradients as the course's dictionary, in its key order."""
    n_a = da0.shape[0]
    gradients = {"dx": dx, "da0": da0}
    for g in "fico":
        k = COURSE_ORDER.index(g)
        gradients["dW" + g] = dw[k * n_a : (k + 1) * n_a]
        gradients["db" + g] = db[k * n_a : (k + 1) * n_a]
    return gradients


def stacked_backward(da, caches):
    r"""Variants 1 to 3, backward: per step, one product for d x-bar and one for dW.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Gradient of the loss with respect to every hidden state; ``T_x`` may be
        smaller than the forward pass's, as for :func:`rnnbook.lstm_backward`.
    caches : AblationCache
        From :func:`stacked_forward`, :func:`time_major_forward` or
        :func:`projected_forward`.

    Returns
    -------
    gradients : dict of ndarray
        The keys and shapes of :func:`rnnbook.lstm_backward`.

    Notes
    -----
    With :math:`dz_G` the four gates' gradients stacked, :math:`(4 n_a, m)`, each
    step makes :math:`d\bar x = W_G^T dz_G` (whose rows are ``da_prev`` and ``dxt``)
    and adds :math:`dz_G\, \bar x^T` to :math:`dW_G`.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook.ablation import make_problem, stacked_backward, stacked_forward
    >>> p = make_problem("lstm", "tiny")
    >>> caches = stacked_forward(p["x"], p["a0"], p["parameters"])[-1]
    >>> gradients = stacked_backward(p["da"], caches)
    >>> reference = rnnbook.lstm_backward(
    ...     p["da"], rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"])[-1])
    >>> list(gradients) == list(reference)
    True
    >>> bool(np.allclose(gradients["dWo"], reference["dWo"], rtol=1e-12, atol=0))
    True
    """
    da = _check_gradient(da, caches)
    (n_a, m, T_x), n_x = da.shape, caches.inputs.shape[0]
    dx = _sequence(n_x, m, T_x, da.dtype, caches.time_major)
    dw = np.zeros_like(caches.w, dtype=da.dtype)
    db = np.zeros_like(caches.b, dtype=da.dtype)
    da_prev, dc_prev = np.zeros((n_a, m), da.dtype), np.zeros((n_a, m), da.dtype)
    for t in reversed(range(T_x)):
        dg, dc_prev = _gate_gradients(da[:, :, t] + da_prev, dc_prev, caches, t)  # dz_G
        a_prev = caches.a[:, :, t - 1] if t > 0 else caches.a0
        dconcat = caches.w.T @ dg  # (n_a + n_x, m), d x-bar
        dw += dg @ np.concatenate([a_prev, caches.inputs[:, :, t]]).T
        db += dg.sum(axis=1, keepdims=True)
        dx[:, :, t], da_prev = dconcat[n_a:], dconcat[:n_a]
    return _as_gradients(dx, da_prev, dw, db)


def hoisted_backward(da, caches):
    r"""Variants 4 and on, backward: only :math:`W_{Ga}^T dz_G` in the loop; dW, dx after.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        As for :func:`stacked_backward`.
    caches : AblationCache
        From any forward variant; fastest from :func:`projected_forward`.

    Returns
    -------
    gradients : dict of ndarray
        The keys and shapes of :func:`rnnbook.lstm_backward`.

    Notes
    -----
    Nothing in the loop reads the weight gradient, a sum over steps:
    :math:`dW_G = \sum_t dz_G^{\langle t \rangle} \bar x^{\langle t \rangle T} =
    [dz_G^{\langle 1 \rangle} \cdots dz_G^{\langle T_x \rangle}]
    [\bar x^{\langle 1 \rangle} \cdots \bar x^{\langle T_x \rangle}]^T`, one product
    with :math:`m T_x` columns inside. The same holds for
    :math:`dx^{\langle t \rangle} = W_{Gx}^T dz_G^{\langle t \rangle}`. So the loop
    keeps each step's :math:`dz_G` and makes only
    :math:`W_{Ga}^T dz_G^{\langle t \rangle}`, the gradient flowing into step t - 1.

    Examples
    --------
    >>> import numpy as np
    >>> import rnnbook
    >>> from rnnbook.ablation import hoisted_backward, make_problem, projected_forward
    >>> p = make_problem("lstm", "tiny")
    >>> caches = projected_forward(p["x"], p["a0"], p["parameters"])[-1]
    >>> dx = hoisted_backward(p["da"], caches)["dx"]
    >>> reference = rnnbook.lstm_backward(
    ...     p["da"], rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"])[-1])
    >>> bool(np.allclose(dx, reference["dx"], rtol=1e-12, atol=0))
    True
    """
    da = _check_gradient(da, caches)
    (n_a, m, T_x), n_x = da.shape, caches.inputs.shape[0]
    dg = np.zeros((4 * n_a, T_x, m), dtype=da.dtype)  # dz_G; steps side by side
    da_prev, dc_prev = np.zeros((n_a, m), da.dtype), np.zeros((n_a, m), da.dtype)
    w_a_t = caches.w[:, :n_a].T
    for t in reversed(range(T_x)):
        dg[:, t], dc_prev = _gate_gradients(da[:, :, t] + da_prev, dc_prev, caches, t)
        da_prev = w_a_t @ dg[:, t]
    by_step = caches.a[:, :, : T_x - 1].transpose(0, 2, 1)  # (n_a, T_x - 1, m)
    a_prev = np.concatenate([caches.a0[:, None], by_step], axis=1)  # (n_a, T_x, m)
    x_by_step = caches.inputs[:, :, :T_x].transpose(0, 2, 1)  # (n_x, T_x, m)
    concat = np.concatenate([a_prev, x_by_step]).reshape(n_a + n_x, T_x * m)  # a copy
    dg = dg.reshape(4 * n_a, T_x * m)
    dw = dg @ concat.T
    dx = (caches.w[:, n_a:].T @ dg).reshape(n_x, T_x, m).transpose(0, 2, 1)
    return _as_gradients(dx, da_prev, dw, dg.sum(axis=1, keepdims=True))


class Variant(NamedTuple):
    """One row of :data:`VARIANTS`: a forward and a backward function, and what they add."""

    name: str  #: a short name, e.g. ``"stacked gates"``
    adds: str  #: the change from the variant before, in a few words
    forward: Callable  #: as :func:`rnnbook.lstm_forward`
    backward: Callable  #: as :func:`rnnbook.lstm_backward`, on that forward's caches


#: The variants from the teaching version to :mod:`rnnbook.fused`, each one adding a
#: change to the one before.
VARIANTS = (
    Variant("teaching", "a loop of cells, as in the course", lstm_forward, lstm_backward),
    Variant("stacked gates", "one product for the four gates", stacked_forward,
            stacked_backward),
    Variant("time-major layout", "every step contiguous in memory", time_major_forward,
            stacked_backward),
    Variant("input projection", "the inputs of all steps in one product",
            projected_forward, stacked_backward),
    Variant("one weight-gradient product", "dW and dx in one product each",
            projected_forward, hoisted_backward),
    Variant("fused", "rnnbook.fused: in place, in fewer calls",
            fused.lstm_forward, fused.lstm_backward),
)


# --- measuring them -----------------------------------------------------------------


def _dims(size):
    """``(n_x, n_a, m, T_x)`` of a size: a name in SIZES or a dict of the four."""
    names = ("n_x", "n_a", "m", "T_x")
    if isinstance(size, str) and size in SIZES:
        size = SIZES[size]
    if not isinstance(size, dict) or sorted(size) != sorted(names):
        raise ValueError(f"size: expected one of {list(SIZES)} or a dict of {list(names)}, "
                         f"got {size!r}")
    return tuple(check_size(f"size[{name!r}]", size[name]) for name in names)


def make_problem(kind, size, dtype=np.float64, seed=0):
    r"""A benchmark problem: inputs, initial state, parameters and an upstream gradient.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
        The model.
    size : str or dict
        A key of :data:`SIZES`, or a dict of the same four sizes ``n_x``, ``n_a``,
        ``m`` and ``T_x``.
    dtype : numpy dtype, optional
        Of every array.
    seed : int, optional
        Seeds the random numbers.

    Returns
    -------
    problem : dict
        ``x`` (n_x, m, T_x), ``a0`` (n_a, m), ``parameters`` (dict) and ``da``
        (n_a, m, T_x), with ``n_y`` = :data:`N_Y` output classes.

    Notes
    -----
    Weights have standard deviation :math:`1/\sqrt{n_a + n_x}`, as a real
    initialisation would, so the gates are neither saturated nor linear.

    Examples
    --------
    >>> from rnnbook.ablation import SIZES, make_problem
    >>> p = make_problem("lstm", "small")
    >>> p["x"].shape, p["parameters"]["Wf"].shape, p["da"].shape
    ((32, 32, 50), (64, 96), (64, 32, 50))
    >>> make_problem("rnn", {**SIZES["small"], "m": 1})["x"].shape
    (32, 1, 50)
    """
    n_x, n_a, m, T_x = _dims(size)
    shapes = parameter_shapes(kind, n_x, n_a, N_Y)
    rng = np.random.default_rng(check_size("seed", seed))

    def draw(shape, scale=1.0):
        return (scale * rng.standard_normal(shape)).astype(dtype)

    weight_scale = 1 / np.sqrt(n_a + n_x)
    parameters = {key: draw(shape, 0.1 if key.startswith("b") else weight_scale)
                  for key, (_, shape) in shapes.items()}
    return {"x": draw((n_x, m, T_x)), "a0": draw((n_a, m), 0.1), "parameters": parameters,
            "da": draw((n_a, m, T_x))}


def runner(forward, backward, problem):
    """One forward and one backward pass on ``problem``, as a function of no arguments.

    Parameters
    ----------
    forward, backward : callable
        As :func:`rnnbook.lstm_forward` and :func:`rnnbook.lstm_backward` (or the
        RNN's), e.g. the two functions of a :class:`Variant`.
    problem : dict
        ``x``, ``a0``, ``parameters`` and ``da``, as :func:`make_problem` returns.

    Returns
    -------
    run : callable
        ``run()`` returns ``(outputs, gradients)``: the forward pass's arrays
        without its caches, and the backward pass's dictionary.

    Examples
    --------
    >>> from rnnbook.ablation import VARIANTS, make_problem, runner
    >>> run = runner(*VARIANTS[1][2:], make_problem("lstm", "tiny"))
    >>> outputs, gradients = run()
    >>> [array.shape for array in outputs], gradients["dWf"].shape
    ([(5, 10, 4), (2, 10, 4), (5, 10, 4)], (5, 8))
    """
    if not (callable(forward) and callable(backward)):
        raise TypeError(f"forward, backward: expected two functions, "
                        f"got {type(forward).__name__} and {type(backward).__name__}")
    x, a0, parameters, da = (problem[k] for k in ("x", "a0", "parameters", "da"))

    def run():
        *outputs, caches = forward(x, a0, parameters)
        return outputs, backward(da, caches)

    return run


def interleaved_times(runners, repeats):
    """Time each runner ``repeats`` times, taking turns; the order rotates every round.

    Parameters
    ----------
    runners : dict of callable
        Functions of no arguments, by name.
    repeats : int
        Rounds; each runner runs once per round.

    Returns
    -------
    times : dict
        ``{name: {"wall": [...], "cpu": [...]}}``, in seconds: wall-clock time, and
        the CPU time of this process, which leaves out what other programs took from
        a shared machine (with one BLAS thread it is the better measure).

    Notes
    -----
    Taking turns spreads a slow spell of the machine over every runner instead of
    charging it to one. The garbage collector is paused meanwhile. Read the median
    of each list: one disturbed round then does not move it.

    Examples
    --------
    >>> from rnnbook.ablation import interleaved_times
    >>> times = interleaved_times({"sum": lambda: sum(range(100)), "none": lambda: None}, 3)
    >>> list(times), len(times["sum"]["cpu"]), min(times["none"]["wall"]) >= 0
    (['sum', 'none'], 3, True)
    """
    repeats = check_size("repeats", repeats, minimum=1)
    names = list(runners)
    times = {name: {"wall": [], "cpu": []} for name in names}
    gc.collect()
    gc.disable()
    try:
        for round_ in range(repeats):
            first = round_ % max(len(names), 1)
            for name in names[first:] + names[:first]:
                wall, cpu = time.perf_counter(), time.process_time()
                runners[name]()
                times[name]["cpu"].append(time.process_time() - cpu)
                times[name]["wall"].append(time.perf_counter() - wall)
    finally:
        gc.enable()
    return times


def _relative_difference(fast, reference):
    fast, reference = np.asarray(fast, np.float64), np.asarray(reference, np.float64)
    if fast.shape != reference.shape:
        raise ValueError(f"result: expected the reference's shape {reference.shape}, "
                         f"got {fast.shape}")
    scale = np.abs(reference).max(initial=0.0)
    difference = np.abs(fast - reference).max(initial=0.0)
    return float(difference / scale) if scale > 0 else float(difference)


def largest_difference(result, reference, keys=None):
    r"""The largest relative difference between two runs' outputs and gradients.

    Parameters
    ----------
    result, reference : tuple
        ``(outputs, gradients)`` as a :func:`runner` returns them.
    keys : sequence of str, optional
        The gradients to compare; all of the reference's by default.

    Returns
    -------
    float
        Over the arrays compared, the largest
        :math:`\max |r - r_{ref}| / \max |r_{ref}|` (in float64).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.ablation import largest_difference
    >>> reference = ([np.array([1.0, -2.0])], {"dx": np.array([4.0])})
    >>> largest_difference(([np.array([1.0, -2.5])], {"dx": np.array([4.0])}), reference)
    0.25
    """
    (outputs, gradients), (ref_outputs, ref_gradients) = result, reference
    keys = list(ref_gradients if keys is None else keys)
    missing = [key for key in keys if key not in gradients]
    if missing or len(outputs) != len(ref_outputs):
        raise ValueError(f"result: expected {len(ref_outputs)} outputs and the gradients "
                         f"{keys}, got {len(outputs)} outputs and {list(gradients)}")
    pairs = [*zip(outputs, ref_outputs), *((gradients[k], ref_gradients[k]) for k in keys)]
    return max(_relative_difference(a, b) for a, b in pairs)
