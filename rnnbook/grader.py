r"""Grade a learner's version of a course function: :func:`check`.

Write ``rnn_cell_forward`` (or any other function of the course, one of the gate
derivatives of :mod:`rnnbook.gates`, or a function of the GRU in :mod:`rnnbook.gru`)
your own way, then call ``check(rnn_cell_forward)``. The function is recognised by its
name and run on the course's test case (for the GRU, which the course does not test, a
seeded case of the course's sizes) and on a random problem of every shape in
:data:`rnnbook.problems.SHAPES`. A backward function receives caches in the course's
plain-tuple layout, built by the package's own forward pass, so a wrong forward pass
never fails a right backward pass.

The answer is a :class:`Report`: one :class:`Row` per check, and the
:class:`KnownMistake`\ s that the outputs reproduce exactly, each with a link to the
section of the book that explains the right way. Nothing the learner's code does
(raise, return the wrong thing, modify its arguments) makes :func:`check` raise: every
call runs on deep copies of its arguments, inside ``except Exception``.
"""

import copy
import html
import inspect
import sysconfig
import textwrap
import traceback
import warnings
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import course, gates, gradcheck, gru
from .activations import sigmoid, softmax
from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cell import LSTMCache, lstm_cell_forward, rnn_cell_forward
from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .parameters import model_kind
from .problems import SHAPES, random_problem
from .sequence import lstm_forward, rnn_forward

#: Prefix of the links in reports, empty for links relative to a page of the book
#: (every chapter is ``docs/<page>.html``). Set it to the address the book is served
#: at, e.g. ``"http://127.0.0.1:8000/docs/"``, to follow the links from elsewhere.
BOOK_URL = ""

_AGREE = {"rtol": 1e-7, "atol": 1e-9}  # the learner's outputs against rnnbook's
_SAME = {"rtol": 1e-8, "atol": 1e-8}  # how exactly a known mistake must be reproduced
_UNCHANGED = {"rtol": 0.0, "atol": 0.0}  # an argument after the call, against before
_GRADIENT_TOLERANCE = 1e-7  # relative error against centred differences, float64
_CACHE_NAMES = ("cache", "caches")
_MARKS = {"passed": "✓", "failed": "✗", "not implemented yet": "…"}


# ---------------------------------------------------------------------------------
# What the report holds


class Row(NamedTuple):
    """One check of a :class:`Report`."""

    check: str  #: what was checked, e.g. ``"random shapes"``
    status: str  #: ``"passed"``, ``"failed"`` or ``"not implemented yet"``
    detail: str  #: what agreed, or the first difference, or what was raised

    @property
    def passed(self):
        """True when the check passed."""
        return self.status == "passed"


class KnownMistake(NamedTuple):
    """A mistake that a learner's outputs reproduce exactly, and where the book explains it."""

    key: str  #: short name, e.g. ``"bias-keepdims"``
    what: str  #: what the code does, completing "your code ..."
    section: str  #: the section of the book that explains the right way
    target: str  #: that section as ``page.html#anchor``

    @property
    def url(self):
        """The section's address: :data:`BOOK_URL` followed by :attr:`target`."""
        return BOOK_URL + self.target


class Report:
    """What :func:`check` found: one :class:`Row` per check, and the known mistakes.

    Shows as a table: HTML in Jupyter, aligned plain text in a terminal or with
    ``print(report)``.

    Attributes
    ----------
    name : str
        The course function graded.
    rows : list of Row
        One per check, in the order they ran.
    mistakes : list of KnownMistake
        The known mistakes that the outputs reproduce, on the course's test case and
        on a random problem.
    warnings : list of str
        The warnings the learner's code raised, once each.
    """

    def __init__(self, name, rows, mistakes=(), warnings=()):
        self.name = name
        self.rows = list(rows)
        self.mistakes = list(mistakes)
        self.warnings = list(warnings)

    @property
    def passed(self):
        """True when every check passed."""
        return all(row.passed for row in self.rows)

    def summary(self):
        """One line: the function, and how many checks passed."""
        if all(row.status == "not implemented yet" for row in self.rows):
            return f"check({self.name}): not implemented yet"
        done = sum(row.passed for row in self.rows)
        return f"check({self.name}): {done} of {len(self.rows)} checks passed"

    def __str__(self):
        return _text_report(self)

    __repr__ = __str__

    def _repr_html_(self):
        return _html_report(self)


# ---------------------------------------------------------------------------------
# Problems: the course's test cases, and random ones of every shape


def _cell_case(problem):
    """A random problem in the form of a cell's course case: its first step."""
    return {"xt": problem["x"][:, :, 0], "a_prev": problem["a0"], "c_prev": problem["c0"],
            "parameters": problem["parameters"], "da_next": problem["da"][:, :, 0],
            "dc_next": problem["dc"]}


def _sequence_case(problem):
    """A random problem in the form of a sequence's course case."""
    return {key: problem[key] for key in ("x", "a0", "parameters", "da")}


def _fewer_steps_case(problem):
    """As :func:`_sequence_case`, with ``da`` one step shorter than ``x`` when T_x > 1.

    The course's ``lstm_backward`` test does the same (``x`` has 7 steps, ``da`` 4).
    """
    case = _sequence_case(problem)
    steps = max(1, case["x"].shape[2] - 1)
    return {**case, "da": case["da"][:, :, :steps]}


def _book_case(kind, cell):
    """The book's test case of a function the course does not test: the course's sizes.

    A seeded random problem with n_x = 3, n_a = 5, n_y = 2, m = 10 and T_x = 4, in the
    form of a cell's or a sequence's case.
    """
    problem = random_problem(kind, 3, 5, 2, 10, 4, seed=1)
    return _cell_case(problem) if cell else _sequence_case(problem)


def _gate_quantities(case):
    """Everything the gate derivatives read for one LSTM step, from a cell case.

    Each entry is (n_a, m): the cache's fields, the upstream gradients, the gates'
    pre-activations ``zf``, ``zi``, ``zc``, ``zo``, and the total gradient ``dc`` at the
    cell state.
    """
    p, stacked = case["parameters"], np.concatenate([case["a_prev"], case["xt"]])
    cache = lstm_cell_forward(case["xt"], case["a_prev"], case["c_prev"], p)[3]
    q = {**cache._asdict(), "da_next": case["da_next"], "dc_next": case["dc_next"]}
    q.update({"z" + g: p["W" + g] @ stacked + p["b" + g] for g in "fico"})
    q["dc"] = gates.cell_state_grad(q["da_next"], q["dc_next"], q["c_next"], q["ot"])
    q["da_dc_next"] = np.concatenate([q["da_next"], q["dc_next"]])  # (2 n_a, m)
    return q


def _gru_quantities(case):
    """Everything the GRU's gate derivatives read for one step, from a cell case.

    The cache's fields, ``da_next``, the pre-activations ``zr``, ``zu``, ``zc``, the
    gradient ``dra`` at the reset state, and the two upstream gradients stacked.
    """
    p = case["parameters"]
    cache = gru_cell_forward(case["xt"], case["a_prev"], p)[2]
    q = {**cache._asdict(), "da_next": case["da_next"]}
    stacked = np.concatenate([q["a_prev"], q["xt"]])
    reset = np.concatenate([q["rt"] * q["a_prev"], q["xt"]])
    q.update(zr=p["Wr"] @ stacked + p["br"], zu=p["Wu"] @ stacked + p["bu"],
             zc=p["Wc"] @ reset + p["bc"])
    n_a = q["a_prev"].shape[0]
    q["dra"] = (p["Wc"].T @ gru.gru_candidate_grad(q["da_next"], q["ut"], q["cct"]))[:n_a]
    q["da_dra"] = np.concatenate([q["da_next"], q["dra"]])  # (2 n_a, m)
    return q


def _inputs(*keys):
    """The arguments of a forward function: ``keys`` read from the case."""
    return lambda case: tuple(case[key] for key in keys)


def _after_forward(forward, inputs, upstream):
    """The arguments of a backward function: upstream gradients, then rnnbook's cache."""

    def arguments(case):
        cache = forward(*(case[key] for key in inputs))[-1]
        return (*(case[key] for key in upstream), cache)

    return arguments


def _gate_arguments(keys, quantities=_gate_quantities):
    """The arguments of a gate derivative, from a cell case."""
    return lambda case: tuple(quantities(case)[key] for key in keys)


def _plain(value):
    """NamedTuples as plain tuples, all the way down: the course's layout."""
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# ---------------------------------------------------------------------------------
# Known mistakes: each is the graded function's output with one mistake built in.
# A mistake is named only when the learner's outputs reproduce it (to 1e-8) on the
# course's test case and on a random problem, or raise exactly what it raises.


def _scores(scores):
    """No softmax: the scores themselves."""
    return scores


def _rnn_step(xt, a_prev, parameters, *, prediction=softmax, shown="a_next"):
    """The RNN cell; ``prediction`` and ``shown`` (the state it reads) can be wrong."""
    p = parameters
    a_next = np.tanh(p["Wax"] @ xt + p["Waa"] @ a_prev + p["ba"])
    state = {"a_next": a_next, "a_prev": a_prev}[shown]
    return a_next, prediction(p["Wya"] @ state + p["by"]), None


def _lstm_step(xt, a_prev, c_prev, parameters, *, x_first=False, candidate=np.tanh,
               memory_out=np.tanh, prediction=softmax, shown="a_next"):
    """The LSTM cell, with a switch for each mistake it can have."""
    p = parameters
    z = np.concatenate([xt, a_prev] if x_first else [a_prev, xt])
    ft, it, ot = (sigmoid(p["W" + g] @ z + p["b" + g]) for g in "fio")
    cct = candidate(p["Wc"] @ z + p["bc"])
    c_next = ft * c_prev + it * cct
    a_next = ot * memory_out(c_next)
    state = {"a_next": a_next, "c_next": c_next}[shown]
    return a_next, c_next, prediction(p["Wy"] @ state + p["by"]), None


def _gru_step(xt, a_prev, parameters, *, x_first=False, update="course", reset="before",
              prediction=softmax):
    """The GRU cell; its update gate can point the other way, its reset gate act late."""
    p, n_a = parameters, a_prev.shape[0]

    def stack(a):
        return np.concatenate([xt, a] if x_first else [a, xt])

    rt, ut = (sigmoid(p["W" + g] @ stack(a_prev) + p["b" + g]) for g in "ru")
    if reset == "before":
        cct = np.tanh(p["Wc"] @ stack(rt * a_prev) + p["bc"])
    else:  # PyTorch's place: on the product of the old state with its weights
        columns = slice(n_a, None) if x_first else slice(None, n_a)
        inputs = slice(None, n_a) if x_first else slice(n_a, None)
        Wa, Wx = p["Wc"][:, columns], p["Wc"][:, inputs]
        cct = np.tanh(Wx @ xt + rt * (Wa @ a_prev) + p["bc"])
    keep = ut if update == "reversed" else 1 - ut
    a_next = (1 - keep) * cct + keep * a_prev
    return a_next, prediction(p["Wy"] @ a_next + p["by"]), None


def _unrolled(step, x, a0, parameters, *, carry=True):
    """A forward pass over the sequence built on ``step``, an RNN or LSTM cell.

    ``carry=False``: every step starts again from ``a0`` (and a zero cell state).
    """
    lstm = model_kind(parameters) == "lstm"
    start = (a0, np.zeros_like(a0)) if lstm else (a0,)
    state, outputs = start, []
    for t in range(x.shape[2]):
        result = step(x[:, :, t], *(state if carry else start), parameters)[:-1]
        state, outputs = result[:-1], outputs + [result]
    stacked = [np.stack(series, axis=-1) for series in zip(*outputs)]  # (n, m, T_x) each
    if lstm:
        a, c, y = stacked
        return a, y, c, None
    return (*stacked, None)


def _rnn_step_back(da_next, cache, *, double_tanh=False, bias_axis=1):
    """The RNN cell's backward pass, with the slope of tanh or the bias sum done wrong."""
    a_next, a_prev, xt, p = cache
    slope = 1 - np.tanh(a_next) ** 2 if double_tanh else 1 - a_next**2
    dz = da_next * slope
    return {"dxt": p["Wax"].T @ dz, "da_prev": p["Waa"].T @ dz, "dWax": dz @ xt.T,
            "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=bias_axis, keepdims=True)}


def _gate_grads(da_next, dc_next, c, candidate=gates.candidate_grad):
    """The four gates' pre-activation gradients, by the book's equations."""
    dc = gates.cell_state_grad(da_next, dc_next, c.c_next, c.ot)
    return {"f": gates.forget_gate_grad(dc, c.c_prev, c.ft),
            "i": gates.update_gate_grad(dc, c.it, c.cct),
            "c": candidate(dc, c.it, c.cct),
            "o": gates.output_gate_grad(da_next, c.c_next, c.ot)}


def _gate_grads_as_printed(da_next, dc_next, c):
    """Equations (8)-(10) as the course notebook prints them (c_prev for its c̃_prev)."""
    s = c.ot * (1 - np.tanh(c.c_next) ** 2)
    return {"f": dc_next * c.c_prev + s * c.c_prev * da_next * c.ft * (1 - c.ft),
            "i": dc_next * c.cct + s * c.cct * da_next * c.it * (1 - c.it),
            "c": dc_next * c.it + s * c.it * da_next * c.cct * (1 - np.tanh(c.cct) ** 2),
            "o": gates.output_gate_grad(da_next, c.c_next, c.ot)}


def _lstm_step_back(da_next, dc_next, cache, *, gate_grads=_gate_grads, x_first=False,
                    bias_axis=1):
    """The LSTM cell's backward pass, with a switch for each mistake it can have."""
    c = LSTMCache(*cache)
    grads = gate_grads(da_next, dc_next, c)
    split = c.xt.shape[0] if x_first else c.a_next.shape[0]  # rows of the first block
    z = np.concatenate([c.xt, c.a_prev] if x_first else [c.a_prev, c.xt])
    dz = sum(c.parameters["W" + g].T @ dg for g, dg in grads.items())
    first, second = dz[:split], dz[split:]
    dc = gates.cell_state_grad(da_next, dc_next, c.c_next, c.ot)
    result = {"dxt": first if x_first else second, "da_prev": second if x_first else first,
              "dc_prev": gates.prev_cell_state_grad(dc, c.ft)}
    for g, dg in grads.items():
        result["dW" + g] = dg @ z.T
        result["db" + g] = dg.sum(axis=bias_axis, keepdims=True)
    return result


# How each step's cell is fed, in a loop backwards through time:
_FEEDS = {
    "both": lambda da, t, carried: da[:, :, t] + carried,  # right
    "own only": lambda da, t, carried: da[:, :, t],  # nothing carried back
    # only the carried gradient, started from the last step's own (the notebook's output)
    "carried only": lambda da, t, carried: da[:, :, t] if t == da.shape[2] - 1 else carried,
}


def _summed(steps):
    return {key: sum(step[key] for step in steps) for key in steps[0]}


def _assigned(steps):
    return dict(steps[0])  # a loop from the last step to the first ends with t = 0


def _bias_slip(steps):
    """Sums, except ``dbi``, ``dbc``, ``dbo``: the total ``dbf`` plus their own at t = 0."""
    totals = _summed(steps)
    return {**totals, **{key: totals["dbf"] + steps[0][key] for key in ("dbi", "dbc", "dbo")}}


def _bptt(da, caches, *, step_back, feed="both", carry_c=True, totals=_summed):
    """Backpropagation through time, from the last step of ``da`` to the first.

    ``step_back`` is a cell's backward pass (maybe with a mistake); ``feed``, ``carry_c``
    and ``totals`` are how the loop hands gradients to it and adds up its results.
    """
    step_caches, carried = caches[0], np.zeros_like(da[:, :, 0])
    dc_prev, steps = carried, []
    lstm = model_kind(step_caches[0][-1]) == "lstm"  # a cell cache ends with the parameters
    for t in reversed(range(da.shape[2])):
        dc_next = (dc_prev if carry_c else np.zeros_like(dc_prev),) if lstm else ()
        step = step_back(_FEEDS[feed](da, t, carried), *dc_next, step_caches[t])
        carried, dc_prev = step["da_prev"], step.get("dc_prev", dc_prev)
        steps.insert(0, step)
    parameter_grads = [{k: v for k, v in step.items() if k.startswith(("dW", "db"))}
                       for step in steps]
    return {"dx": np.stack([step["dxt"] for step in steps], axis=-1),
            "da0": steps[0]["da_prev"], **totals(parameter_grads)}


def _steps_from_x(da, caches):
    """``lstm_backward`` with T_x read from ``x``: its first ``da[:, :, t]`` may be past da."""
    for t in reversed(range(caches[1].shape[2])):
        da[:, :, t]  # noqa: B018 - the index the learner's loop reads first
    return lstm_backward(da, caches)


def _flat_bias(backward):
    """``backward`` with each bias gradient summed without keepdims: shape (n_a,)."""

    def flat(*args):
        return {key: value.ravel() if key.startswith("db") else value
                for key, value in backward(*args).items()}

    return flat


def _through_time(cell_mistakes):
    """The cell's mistakes, made inside a right loop through time."""
    return {key: partial(_bptt, step_back=step) for key, step in cell_mistakes.items()}


# fmt: off
# key: (what the code does, the section of the book that explains the right way, link)
_MISTAKE_TEXTS = {
    "rnn-no-softmax": (
        "returns the scores W_ya a + b_y as the prediction: the softmax is missing",
        "The RNN cell: one step", "rnn_cell.html#equation-rnn-cell-output"),
    "rnn-prediction-from-a-prev": (
        "computes the prediction from a_prev instead of the new hidden state a_next",
        "The RNN cell: one step", "rnn_cell.html#equation-rnn-cell-output"),
    "rnn-a0-every-step": (
        "starts every step from a0: the hidden state is not carried from step to step",
        "The RNN over a sequence: the recurrence",
        "rnn_forward.html#equation-rnn-forward-recurrence"),
    "x-before-a": (
        "stacks [x; a] instead of [a; x]: the first n_a columns of each weight act on a_prev",
        "The LSTM cell: inside one cell", "lstm_cell.html#equation-lstm-cell-stack"),
    "candidate-sigmoid": (
        "computes the candidate cct with a sigmoid instead of tanh",
        "The LSTM cell: the update gate and the candidate",
        "lstm_cell.html#equation-lstm-cell-candidate"),
    "hidden-without-tanh": (
        "computes a_next = ot * c_next, without the tanh of the cell state",
        "The LSTM cell: the output gate and the hidden state",
        "lstm_cell.html#equation-lstm-cell-hidden"),
    "lstm-no-softmax": (
        "returns the scores W_y a + b_y as the prediction: the softmax is missing",
        "The LSTM cell: the output gate and the hidden state",
        "lstm_cell.html#equation-lstm-cell-prediction"),
    "lstm-prediction-from-c": (
        "computes the prediction from the cell state c_next instead of the hidden state a_next",
        "The LSTM cell: the output gate and the hidden state",
        "lstm_cell.html#equation-lstm-cell-prediction"),
    "bias-keepdims": (
        "sums a bias gradient without keepdims=True: shape (n_a,) instead of (n_a, 1)",
        "Backpropagation through an RNN cell: the cell, backwards",
        "rnn_backward.html#equation-rnn-backward-weights"),
    "bias-wrong-axis": (
        "sums a bias gradient over axis 0 (the units) instead of axis 1 (the examples)",
        "Backpropagation through an RNN cell: the cell, backwards",
        "rnn_backward.html#equation-rnn-backward-weights"),
    "double-tanh": (
        "takes the slope of tanh as 1 - tanh(a_next)**2, but a_next is already a tanh: "
        "the slope is 1 - a_next**2",
        "Backpropagation through an RNN cell: the cell, backwards",
        "rnn_backward.html#equation-rnn-backward-dz"),
    "rnn-printed-answer": (
        "feeds each step only the gradient carried back from the next step, never "
        "da[:, :, t]: this reproduces the course notebook's printed output, which is wrong",
        "Errata 1: rnn_backward forgets the loss's own gradient",
        "errata.html#errata-rnn-backward"),
    "rnn-assigned": (
        "assigns the parameter gradients at each step instead of adding them up",
        "Backpropagation through time: the sums over the steps",
        "rnn_backward.html#equation-rnn-backward-totals"),
    "gates-as-printed": (
        "computes the gate derivatives with equations (8)-(10) as the course notebook "
        "misprints them",
        "Errata 3: the LSTM gate derivatives (8)-(10) are misprinted",
        "errata.html#errata-lstm-equations"),
    "candidate-double-tanh": (
        "takes the candidate's slope as 1 - tanh(cct)**2, but cct is already a tanh: "
        "the slope is 1 - cct**2",
        "LSTM gate derivatives: the candidate", "lstm_gates.html#equation-lstm-gates-dcct"),
    "x-before-a-backward": (
        "stacks [x; a] in the backward pass: the columns of each dW and the split of dz "
        "into dxt and da_prev are swapped",
        "LSTM gate derivatives: the gradients for the inputs",
        "lstm_gates.html#equation-lstm-gates-dz"),
    "lstm-printed-answer": (
        "carries no gradient back through time and adds dbf into dbi, dbc and dbo: this "
        "reproduces the course notebook's expected output, which is wrong",
        "Errata 4: lstm_backward's expected output carries nothing through time",
        "errata.html#errata-lstm-backward"),
    "lstm-no-carry": (
        "carries no gradient back through time: each step gets only da[:, :, t] and a zero "
        "dc_next",
        "Errata 4: lstm_backward's expected output carries nothing through time",
        "errata.html#errata-lstm-backward"),
    "dc-not-carried": (
        "carries da_prev back through time but not dc_prev: every step gets a zero dc_next",
        "The LSTM backward pass: through time",
        "lstm_backward.html#equation-lstm-backward-dc-next"),
    "lstm-assigned": (
        "assigns the parameter gradients at each step instead of adding them up",
        "The LSTM backward pass: through time",
        "lstm_backward.html#equation-lstm-backward-sum"),
    "steps-from-x": (
        "reads T_x from x, the forward pass's steps, instead of from da, so the loop "
        "reads da[:, :, t] past da's last step",
        "The LSTM backward pass: fewer steps backwards than forwards",
        "lstm_backward.html#lstm-backward-fewer-steps"),
    "dc-next-dropped": (
        "leaves dc_next out of the gradient at the cell state",
        "LSTM gate derivatives: the total gradient at the cell state",
        "lstm_gates.html#equation-lstm-gates-dc"),
    "tanh-slope-of-c": (
        "takes the slope of tanh(c_next) as 1 - c_next**2; c_next is not a tanh output: "
        "the slope is 1 - tanh(c_next)**2",
        "LSTM gate derivatives: the total gradient at the cell state",
        "lstm_gates.html#equation-lstm-gates-dc"),
    "output-gate-slope": (
        "leaves out the sigmoid's slope ot * (1 - ot): that is the gradient with respect "
        "to the gate, not to its pre-activation",
        "LSTM gate derivatives: the output gate", "lstm_gates.html#equation-lstm-gates-do"),
    "candidate-slope": (
        "leaves out the tanh's slope 1 - cct**2: that is the gradient with respect to the "
        "candidate, not to its pre-activation",
        "LSTM gate derivatives: the candidate", "lstm_gates.html#equation-lstm-gates-dcct"),
    "update-gate-slope": (
        "leaves out the sigmoid's slope it * (1 - it): that is the gradient with respect "
        "to the gate, not to its pre-activation",
        "LSTM gate derivatives: the update gate", "lstm_gates.html#equation-lstm-gates-du"),
    "forget-gate-slope": (
        "leaves out the sigmoid's slope ft * (1 - ft): that is the gradient with respect "
        "to the gate, not to its pre-activation",
        "LSTM gate derivatives: the forget gate", "lstm_gates.html#equation-lstm-gates-df"),
    "gru-update-reversed": (
        "points the update gate the other way, a_next = (1 - ut) * cct + ut * a_prev: "
        "that is PyTorch's convention, not the course's",
        "The GRU: PyTorch's nn.GRU", "gru.html#equation-gru-torch"),
    "gru-reset-after-product": (
        "applies the reset gate to the product of the old state with its weights, "
        "rt * (Wc_a a_prev), as PyTorch does, not to the old state before the product",
        "The GRU: PyTorch's nn.GRU", "gru.html#equation-gru-torch"),
    "gru-x-before-a": (
        "stacks [x; a] instead of [a; x]: the first n_a columns of each weight act on a_prev",
        "The GRU: inside one cell", "gru.html#equation-gru-stack"),
    "gru-no-softmax": (
        "returns the scores W_y a + b_y as the prediction: the softmax is missing",
        "The GRU: inside one cell", "gru.html#equation-gru-prediction"),
    "gru-a0-every-step": (
        "starts every step from a0: the hidden state is not carried from step to step",
        "The GRU: inside one cell", "gru.html#equation-gru-state"),
    "gru-no-carry": (
        "carries no gradient back through time: each step gets only da[:, :, t]",
        "The GRU: through time", "gru.html#equation-gru-backward-da-next"),
    "gru-assigned": (
        "assigns the parameter gradients at each step instead of adding them up",
        "The GRU: through time", "gru.html#equation-gru-backward-da-next"),
    "gru-candidate-slope": (
        "leaves out the tanh's slope 1 - cct**2: that is the gradient with respect to the "
        "candidate, not to its pre-activation",
        "The GRU's backward pass: the candidate", "gru.html#equation-gru-dcct"),
    "gru-update-sign": (
        "takes the update gate's derivative as a_prev - cct: the gate multiplies the "
        "candidate, so it is cct - a_prev",
        "The GRU's backward pass: the update gate", "gru.html#equation-gru-du"),
    "gru-reset-slope": (
        "leaves out the sigmoid's slope rt * (1 - rt): that is the gradient with respect "
        "to the gate, not to its pre-activation",
        "The GRU's backward pass: the reset gate", "gru.html#equation-gru-dr"),
    "gru-prev-state-update": (
        "passes da_next back through ut instead of 1 - ut: the old state is kept by the "
        "part of the update gate that is closed",
        "The GRU's backward pass: the previous hidden state", "gru.html#equation-gru-da-prev"),
}

# fmt: on

#: Every mistake that :func:`check` can recognise, a :class:`KnownMistake` by key.
#:
#: :meta hide-value:
MISTAKES = {key: KnownMistake(key, *texts) for key, texts in _MISTAKE_TEXTS.items()}

# fmt: off
_RNN_CELL_MISTAKES = {
    "rnn-no-softmax": partial(_rnn_step, prediction=_scores),
    "rnn-prediction-from-a-prev": partial(_rnn_step, shown="a_prev"),
}
_LSTM_CELL_MISTAKES = {
    "x-before-a": partial(_lstm_step, x_first=True),
    "candidate-sigmoid": partial(_lstm_step, candidate=sigmoid),
    "hidden-without-tanh": partial(_lstm_step, memory_out=_scores),
    "lstm-no-softmax": partial(_lstm_step, prediction=_scores),
    "lstm-prediction-from-c": partial(_lstm_step, shown="c_next"),
}
_RNN_CELL_BACKWARD_MISTAKES = {
    "bias-keepdims": _flat_bias(rnn_cell_backward),
    "bias-wrong-axis": partial(_rnn_step_back, bias_axis=0),
    "double-tanh": partial(_rnn_step_back, double_tanh=True),
}
_GATE_MISTAKES = {
    "cell_state_grad": {
        "dc-next-dropped": lambda da_next, dc_next, c_next, ot:
            ot * (1 - np.tanh(c_next) ** 2) * da_next,
        "tanh-slope-of-c": lambda da_next, dc_next, c_next, ot:
            dc_next + ot * (1 - c_next**2) * da_next},
    "output_gate_grad": {
        "output-gate-slope": lambda da_next, c_next, ot: da_next * np.tanh(c_next)},
    "candidate_grad": {
        "candidate-double-tanh": lambda dc, it, cct: dc * it * (1 - np.tanh(cct) ** 2),
        "candidate-slope": lambda dc, it, cct: dc * it},
    "update_gate_grad": {"update-gate-slope": lambda dc, it, cct: dc * cct},
    "forget_gate_grad": {"forget-gate-slope": lambda dc, c_prev, ft: dc * c_prev},
    "prev_cell_state_grad": {},
}
_GRU_CELL_MISTAKES = {
    "gru-update-reversed": partial(_gru_step, update="reversed"),
    "gru-reset-after-product": partial(_gru_step, reset="after"),
    "gru-x-before-a": partial(_gru_step, x_first=True),
    "gru-no-softmax": partial(_gru_step, prediction=_scores),
}
_GRU_GATE_MISTAKES = {
    "gru_candidate_grad": {
        "gru-candidate-slope": lambda da_next, ut, cct: da_next * ut},
    "gru_update_gate_grad": {
        "gru-update-sign": lambda da_next, a_prev, ut, cct:
            da_next * (a_prev - cct) * ut * (1 - ut)},
    "gru_reset_gate_grad": {
        "gru-reset-slope": lambda dra, a_prev, rt: dra * a_prev},
    "gru_prev_state_grad": {
        "gru-prev-state-update": lambda da_next, dra, ut, rt: da_next * ut + dra * rt},
}
_LSTM_CELL_BACKWARD_MISTAKES = {
    "gates-as-printed": partial(_lstm_step_back, gate_grads=_gate_grads_as_printed),
    "candidate-double-tanh": partial(_lstm_step_back, gate_grads=partial(
        _gate_grads, candidate=_GATE_MISTAKES["candidate_grad"]["candidate-double-tanh"])),
    "x-before-a-backward": partial(_lstm_step_back, x_first=True),
    "bias-wrong-axis": partial(_lstm_step_back, bias_axis=0),
    "bias-keepdims": _flat_bias(lstm_cell_backward),
}

# What each gate derivative differentiates: its arguments, the name of its result, the
# quantity it is the gradient with respect to, and the loss sum(upstream * f(quantity)).
_GATES = {
    "cell_state_grad": (("da_next", "dc_next", "c_next", "ot"), "dc", "c_next",
                        lambda q, c: np.concatenate([q["ot"] * np.tanh(c), c]), "da_dc_next"),
    "output_gate_grad": (("da_next", "c_next", "ot"), "dot", "zo",
                         lambda q, z: sigmoid(z) * np.tanh(q["c_next"]), "da_next"),
    "candidate_grad": (("dc", "it", "cct"), "dcct", "zc",
                       lambda q, z: q["it"] * np.tanh(z), "dc"),
    "update_gate_grad": (("dc", "it", "cct"), "dit", "zi",
                         lambda q, z: sigmoid(z) * q["cct"], "dc"),
    "forget_gate_grad": (("dc", "c_prev", "ft"), "dft", "zf",
                         lambda q, z: sigmoid(z) * q["c_prev"], "dc"),
    "prev_cell_state_grad": (("dc", "ft"), "dc_prev", "c_prev", lambda q, c: q["ft"] * c, "dc"),
}
_GRU_GATES = {
    "gru_candidate_grad": (("da_next", "ut", "cct"), "dcct", "zc",
                           lambda q, z: q["ut"] * np.tanh(z), "da_next"),
    "gru_update_gate_grad": (("da_next", "a_prev", "ut", "cct"), "dut", "zu",
                             lambda q, z: sigmoid(z) * q["cct"] + (1 - sigmoid(z)) * q["a_prev"],
                             "da_next"),
    "gru_reset_gate_grad": (("dra", "a_prev", "rt"), "drt", "zr",
                            lambda q, z: sigmoid(z) * q["a_prev"], "dra"),
    "gru_prev_state_grad": (("da_next", "dra", "ut", "rt"), "da_prev", "a_prev",
                            lambda q, a: np.concatenate([(1 - q["ut"]) * a, q["rt"] * a]),
                            "da_dra"),
}
# fmt: on


# ---------------------------------------------------------------------------------
# Finite differences: rnnbook's checker, run on the learner's gradients


def _package_gradcheck(checker):
    """``checker`` (a ``rnnbook.gradcheck.check_*``) run on the learner's backward pass."""
    names = [n for n in inspect.signature(checker).parameters if n not in ("h", "backward")]
    return lambda case, learner: checker(*(case[n] for n in names), backward=learner)


def _gate_gradcheck(name, table=None, quantities=_gate_quantities):
    """Check a gate derivative against centred differences of the loss it differentiates."""
    keys, result, point, loss, upstream = (table or _GATES)[name]

    def errors(case, learner):
        q = quantities(case)
        gradient = learner(*(q[key] for key in keys))[result]
        found = gradcheck.gradient_errors(
            lambda **value: loss(q, value[point]), {point: q[point]}, q[upstream],
            {"d" + point: gradient})
        return {result: found["d" + point]}

    return errors


# ---------------------------------------------------------------------------------
# The gradable functions, one row each


class _Spec(NamedTuple):
    """How to grade one course function."""

    kind: str  # "rnn" or "lstm": which parameters the random problems draw
    case: object  # () -> the course's test case, a dict of inputs
    random_case: object  # random_problem's dict -> a dict of the same keys as the case
    arguments: object  # case -> the function's positional arguments, course layout
    reference: object  # rnnbook's version
    names: tuple  # names of the outputs (a dict result names its own)
    printed: list  # the course's printed values, corrected where wrong; or None
    gradients: object  # (case, learner) -> {gradient: relative error}; None for a forward
    mistakes: dict  # key of MISTAKES -> the function with that mistake built in
    case_name: str = "course's test case"  # what the report calls ``case``


def _gate_spec(name):
    keys, result = _GATES[name][:2]
    return _Spec("lstm", course.lstm_cell_backward_case, _cell_case, _gate_arguments(keys),
                 getattr(gates, name), (result,), None, _gate_gradcheck(name),
                 _GATE_MISTAKES[name])


def _gru_gate_spec(name):
    keys, result = _GRU_GATES[name][:2]
    return _Spec("gru", partial(_book_case, "gru", True), _cell_case,
                 _gate_arguments(keys, _gru_quantities), getattr(gru, name), (result,), None,
                 _gate_gradcheck(name, _GRU_GATES, _gru_quantities),
                 _GRU_GATE_MISTAKES[name], _BOOK_CASE)


_BOOK_CASE = "book's test case"


_RNN_CELL_INPUTS = ("xt", "a_prev", "parameters")
_LSTM_CELL_INPUTS = ("xt", "a_prev", "c_prev", "parameters")
_SEQUENCE_INPUTS = ("x", "a0", "parameters")

# fmt: off
_SPECS = {
    "rnn_cell_forward": _Spec(
        "rnn", course.rnn_cell_forward_case, _cell_case, _inputs(*_RNN_CELL_INPUTS),
        rnn_cell_forward, course.RUNS["rnn_cell_forward"].returns,
        course.EXPECTED["rnn_cell_forward"], None, _RNN_CELL_MISTAKES),
    "rnn_forward": _Spec(
        "rnn", course.rnn_forward_case, _sequence_case, _inputs(*_SEQUENCE_INPUTS),
        rnn_forward, course.RUNS["rnn_forward"].returns, course.EXPECTED["rnn_forward"], None,
        {**{key: partial(_unrolled, step) for key, step in _RNN_CELL_MISTAKES.items()},
         "rnn-a0-every-step": partial(_unrolled, _rnn_step, carry=False)}),
    "lstm_cell_forward": _Spec(
        "lstm", course.lstm_cell_forward_case, _cell_case, _inputs(*_LSTM_CELL_INPUTS),
        lstm_cell_forward, course.RUNS["lstm_cell_forward"].returns,
        course.EXPECTED["lstm_cell_forward"], None, _LSTM_CELL_MISTAKES),
    "lstm_forward": _Spec(
        "lstm", course.lstm_forward_case, _sequence_case, _inputs(*_SEQUENCE_INPUTS),
        lstm_forward, course.RUNS["lstm_forward"].returns, course.EXPECTED["lstm_forward"],
        None,
        {key: partial(_unrolled, step) for key, step in _LSTM_CELL_MISTAKES.items()}),
    "rnn_cell_backward": _Spec(
        "rnn", course.rnn_cell_backward_case, _cell_case,
        _after_forward(rnn_cell_forward, _RNN_CELL_INPUTS, ("da_next",)), rnn_cell_backward, (),
        course.EXPECTED["rnn_cell_backward"],
        _package_gradcheck(gradcheck.check_rnn_cell_backward), _RNN_CELL_BACKWARD_MISTAKES),
    "rnn_backward": _Spec(
        "rnn", course.rnn_backward_case, _sequence_case,
        _after_forward(rnn_forward, _SEQUENCE_INPUTS, ("da",)), rnn_backward, (),
        course.EXPECTED["rnn_backward"], _package_gradcheck(gradcheck.check_rnn_backward),
        {"rnn-printed-answer": partial(_bptt, step_back=rnn_cell_backward, feed="carried only"),
         "rnn-assigned": partial(_bptt, step_back=rnn_cell_backward, totals=_assigned),
         "bias-keepdims": _flat_bias(rnn_backward),
         **_through_time({"double-tanh": _RNN_CELL_BACKWARD_MISTAKES["double-tanh"]})}),
    "lstm_cell_backward": _Spec(
        "lstm", course.lstm_cell_backward_case, _cell_case,
        _after_forward(lstm_cell_forward, _LSTM_CELL_INPUTS, ("da_next", "dc_next")),
        lstm_cell_backward, (), course.EXPECTED["lstm_cell_backward"],
        _package_gradcheck(gradcheck.check_lstm_cell_backward), _LSTM_CELL_BACKWARD_MISTAKES),
    "lstm_backward": _Spec(
        "lstm", course.lstm_backward_case, _fewer_steps_case,
        _after_forward(lstm_forward, _SEQUENCE_INPUTS, ("da",)), lstm_backward, (),
        course.CORRECTED["lstm_backward"], _package_gradcheck(gradcheck.check_lstm_backward),
        {"lstm-printed-answer": partial(_bptt, step_back=lstm_cell_backward, feed="own only",
                                        carry_c=False, totals=_bias_slip),
         "lstm-no-carry": partial(_bptt, step_back=lstm_cell_backward, feed="own only",
                                  carry_c=False),
         "dc-not-carried": partial(_bptt, step_back=lstm_cell_backward, carry_c=False),
         "lstm-assigned": partial(_bptt, step_back=lstm_cell_backward, totals=_assigned),
         "steps-from-x": _steps_from_x,
         "bias-keepdims": _flat_bias(lstm_backward),
         **_through_time({key: _LSTM_CELL_BACKWARD_MISTAKES[key] for key in (
             "gates-as-printed", "candidate-double-tanh", "x-before-a-backward")})}),
    **{name: _gate_spec(name) for name in _GATES},
    "gru_cell_forward": _Spec(
        "gru", partial(_book_case, "gru", True), _cell_case, _inputs(*_RNN_CELL_INPUTS),
        gru_cell_forward, ("a_next", "yt_pred", "cache"), None, None, _GRU_CELL_MISTAKES,
        _BOOK_CASE),
    "gru_forward": _Spec(
        "gru", partial(_book_case, "gru", False), _sequence_case, _inputs(*_SEQUENCE_INPUTS),
        gru_forward, ("a", "y", "caches"), None, None,
        {**{key: partial(_unrolled, step) for key, step in _GRU_CELL_MISTAKES.items()},
         "gru-a0-every-step": partial(_unrolled, _gru_step, carry=False)}, _BOOK_CASE),
    "gru_cell_backward": _Spec(
        "gru", partial(_book_case, "gru", True), _cell_case,
        _after_forward(gru_cell_forward, _RNN_CELL_INPUTS, ("da_next",)), gru_cell_backward,
        (), None, _package_gradcheck(gradcheck.check_gru_cell_backward),
        {"bias-keepdims": _flat_bias(gru_cell_backward)}, _BOOK_CASE),
    "gru_backward": _Spec(
        "gru", partial(_book_case, "gru", False), _sequence_case,
        _after_forward(gru_forward, _SEQUENCE_INPUTS, ("da",)), gru_backward, (), None,
        _package_gradcheck(gradcheck.check_gru_backward),
        {"gru-no-carry": partial(_bptt, step_back=gru_cell_backward, feed="own only"),
         "gru-assigned": partial(_bptt, step_back=gru_cell_backward, totals=_assigned),
         "bias-keepdims": _flat_bias(gru_backward)}, _BOOK_CASE),
    **{name: _gru_gate_spec(name) for name in _GRU_GATES},
}
# fmt: on

#: The names that :func:`check` grades: the course's eight functions, the gate
#: derivatives of :mod:`rnnbook.gates`, then the GRU's functions of :mod:`rnnbook.gru`.
GRADABLE = tuple(_SPECS)


# ---------------------------------------------------------------------------------
# Calling the learner's function safely, and reading what it returns


class _BadResult(Exception):
    """The learner's function returned something its caller in the course could not use."""


class _Outcome(NamedTuple):
    """One call of the learner's function."""

    outputs: dict = None  # {name: value}; None when the call failed
    failure: str = ""  # why it failed, as the report says it
    error: BaseException = None  # what it raised, if it raised
    warnings: tuple = ()
    changed: str = ""  # the first entry of an argument that it modified

    @property
    def not_implemented(self):
        return isinstance(self.error, NotImplementedError)


class _Run(NamedTuple):
    """The learner's function and rnnbook's, on the same arguments."""

    label: str
    args: tuple
    expected: dict  # rnnbook's outputs by name
    outcome: _Outcome


def _kind(value):
    """A short description of a value, for messages."""
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):  # a NamedTuple is a tuple to the course
        return f"a {'list' if isinstance(value, list) else 'tuple'} of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict with the keys {list(value)}"
    if hasattr(value, "shape"):
        return f"an array of shape {tuple(np.shape(value))}"
    return f"a {type(value).__name__}"


def _real(array):
    """True for an array of real numbers (booleans and integers included)."""
    return array.dtype == bool or np.issubdtype(array.dtype, np.integer) or np.issubdtype(
        array.dtype, np.floating)


def _array(name, value):
    """``value`` as an array of real numbers, or _BadResult naming ``name``."""
    if value is None:
        raise _BadResult(f"{name} is None")
    try:
        array = np.asarray(value)
    except Exception as error:  # whatever the learner's object raises
        raise _BadResult(f"{name}: not an array ({type(error).__name__}: {error})") from None
    if not _real(array):
        raise _BadResult(f"{name}: expected an array of real numbers, got {_kind(value)} "
                         f"of {array.dtype}")
    return array


def _read(result, like, names):
    """The learner's result as ``{name: value}``, checked against the structure of ``like``."""
    if isinstance(like, dict):
        if not isinstance(result, dict):
            raise _BadResult(f"expected a dict with the keys {list(like)}, got {_kind(result)}")
        missing = [key for key in like if key not in result]
        if missing:
            raise _BadResult(f"the dict returned has no key {missing[0]!r} "
                             f"(expected the keys {list(like)})")
        return {key: _array(key, result[key]) for key in like}
    if isinstance(like, tuple):
        if not isinstance(result, (tuple, list)) or len(result) != len(like):
            raise _BadResult(f"expected a tuple of {len(like)} values ({', '.join(names)}), "
                             f"got {_kind(result)}")
        return {name: value if name in _CACHE_NAMES else _array(name, value)
                for name, value in zip(names, result)}
    return {names[0]: _array(names[0], result)}


def _outputs(result, names):
    """rnnbook's (trusted) result as ``{name: value}``."""
    if isinstance(result, dict):
        return dict(result)
    if isinstance(result, tuple):
        return dict(zip(names, result))
    return {names[0]: result}


def _values(outputs):
    """The outputs without the cache."""
    return {name: value for name, value in outputs.items() if name not in _CACHE_NAMES}


def _library_files():
    """Folders whose code is not the learner's: rnnbook, the standard library, site-packages."""
    paths = sysconfig.get_paths()
    folders = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(str(Path(f).resolve()) for f in folders | {str(Path(__file__).parent)})


def _describe_error(error):
    """``TypeError: message``, then the learner's line that raised it, when there is one."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    message = textwrap.shorten(text, 300, placeholder=" ...")
    library = _library_files()
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not str(Path(frame.filename).resolve()).startswith(library)]
    if not frames:
        return message
    frame = frames[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{message} (raised at line {frame.lineno} of your code{code})"


def _changed(args, copies, arg_names):
    """The first entry of an argument that the call modified, described; "" if none."""
    return _first(_difference(before, after, name, _UNCHANGED, ("was", "is now"))
                  for name, before, after in zip(arg_names, args, copies))


def _call(fn, args, like, names, arg_names):
    """Run ``fn`` on deep copies of ``args``; read its result like rnnbook's ``like``.

    ``fn`` receives the copies as plain tuples; ``args`` may hold NamedTuples, whose
    field names then appear in the description of a modified argument.

    Never raises for what ``fn`` does: the exception, a result of the wrong structure,
    the warnings and any change to the arguments all end up in the _Outcome.
    """
    copies = _plain(copy.deepcopy(args))  # the course's layout: plain tuples and lists
    raised = result = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*copies)
        except Exception as error:  # the learner's code may fail in any way
            raised = error
    seen = {"warnings": tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}"
                                            for w in caught)),
            "changed": _changed(args, copies, arg_names)}
    if raised is not None:
        return _Outcome(failure=_describe_error(raised), error=raised, **seen)
    try:
        return _Outcome(_read(result, like, names), **seen)
    except _BadResult as bad:
        return _Outcome(failure=str(bad), **seen)


# ---------------------------------------------------------------------------------
# Comparing nested results


def _first(descriptions):
    """The first non-empty description, or ""."""
    return next((d for d in descriptions if d), "")


def _difference(expected, got, path, tolerance=_AGREE, words=("expected", "got"), field=""):
    """Where ``got`` first differs from ``expected``, described; "" if it does not.

    Walks nested dicts, tuples and lists (NamedTuple fields are named in the message)
    down to arrays, compared with ``np.isclose(**tolerance)``.
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{path}: {words[0]} {_kind(expected)}, {words[1]} {_kind(got)}"
        return _first(_difference(expected[key], got[key], f"{path}[{key!r}]", tolerance,
                                  words, field) for key in expected)
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{path}: {words[0]} {_kind(expected)}, {words[1]} {_kind(got)}"
        fields = getattr(expected, "_fields", [field] * len(expected))
        return _first(_difference(e, g, f"{path}[{i}]", tolerance, words, name)
                      for i, (e, g, name) in enumerate(zip(expected, got, fields)))
    where = f"{path} ({field})" if field else path
    return _array_difference(np.asarray(expected), got, where, tolerance, words)


def _array_difference(expected, got, where, tolerance, words):
    """The first entry of ``got`` not close to ``expected``, or a shape or type mismatch."""
    try:
        got = np.asarray(got)
    except Exception:  # whatever the learner's object raises
        return f"{where}: {words[0]} an array, {words[1]} {_kind(got)}"
    if got.shape != expected.shape:
        return f"{where}: {words[0]} shape {expected.shape}, {words[1]} {got.shape}"
    if not _real(got):
        return f"{where}: {words[0]} real numbers, {words[1]} {got.dtype} values"
    close = np.isclose(got, expected, equal_nan=True, **tolerance)
    if close.all():
        return ""
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    entry = f", entry {list(index)}" if index else ""
    return (f"{where}{entry}: {words[0]} {float(expected[index]):.8g}, "
            f"{words[1]} {float(got[index]):.8g}")


def _outputs_difference(expected, got, tolerance=_AGREE):
    """The first output (cache left out) where ``got`` differs from ``expected``."""
    return _first(_difference(value, got[name], name, tolerance)
                  for name, value in _values(expected).items())


def _shapes_difference(expected, got):
    """The first output whose shape differs from rnnbook's, described; "" if none."""
    return _first(f"{name}: expected shape {np.shape(value)}, got {np.shape(got[name])}"
                  for name, value in _values(expected).items()
                  if np.shape(value) != np.shape(got[name]))


def _show(value):
    """A printed value as the course prints it: arrays to 8 decimals."""
    return np.array2string(np.asarray(value, dtype=float), precision=8, separator=" ")


def _printed_difference(outputs, entries):
    """The first of the course's printed values that ``outputs`` does not reproduce.

    The values of the cache come last: a wrong cache should not hide a wrong output.
    """
    for entry in sorted(entries, key=lambda entry: entry[0] in _CACHE_NAMES):
        label = entry[0] + "".join(f"[{i}]" for i in entry[1])
        try:
            (_, printed, got, agree), = course.compare(outputs, [entry])
        except Exception as error:  # e.g. an index that the learner's cache does not have
            return (f"{label} could not be read from the result "
                    f"({type(error).__name__}: {error})")
        if not agree:
            return f"{label}: the course prints {_show(printed)}, got {_show(got)}"
    return ""


# ---------------------------------------------------------------------------------
# Running the learner's function, and the checks


def _arg_names(spec):
    return list(inspect.signature(spec.reference).parameters)


def _run(fn, spec, label, case):
    """The learner's function and rnnbook's on the arguments built from ``case``."""
    args = spec.arguments(case)
    like = spec.reference(*args)
    outcome = _call(fn, args, like, spec.names, _arg_names(spec))
    return _Run(label, args, _outputs(like, spec.names), outcome)


def _random_cases(spec, dtype=np.float64):
    """``(label, case)`` for a random problem of every shape in SHAPES."""
    for seed, shape in enumerate(SHAPES):
        label = "n_x={}, n_a={}, n_y={}, m={}, T_x={}".format(*shape)
        yield label, spec.random_case(random_problem(spec.kind, *shape, seed=seed, dtype=dtype))


def _failed(check, outcome, label=""):
    """A row for a call that raised or returned something unusable."""
    status = "not implemented yet" if outcome.not_implemented else "failed"
    return Row(check, status, f"{label}: {outcome.failure}" if label else outcome.failure)


def _course_row(spec, run):
    """The course's test case: the values it prints (corrected where wrong) and the shapes."""
    check, got = spec.case_name, run.outcome.outputs
    if got is None:
        return _failed(check, run.outcome)
    wrong = _shapes_difference(run.expected, got)
    if spec.printed is None:  # the course prints nothing: rnnbook's values on its inputs
        wrong = wrong or _outputs_difference(run.expected, got)
        where = ("the course's inputs (the course prints no values for it)"
                 if spec.case_name == _Spec._field_defaults["case_name"]
                 else "the book's inputs, at the course's sizes (the course has no test "
                      "for it)")
        return Row(check, "failed", wrong) if wrong else Row(
            check, "passed", f"agrees with rnnbook on {where}")
    wrong = wrong or _printed_difference(got, spec.printed)
    if wrong:
        return Row(check, "failed", wrong)
    return Row(check, "passed", f"the {len(spec.printed)} values the course prints agree, "
                                f"and the shapes of all {len(_values(got))} outputs")


def _layout(cache):
    """The course's layout of a cache, as a string: its field names."""
    inner = cache[0][0] if hasattr(cache, "x") else cache
    layout = "(" + ", ".join(inner._fields) + ")"
    return f"(caches, x), each cell cache {layout}" if inner is not cache else layout


def _cache_row(spec, runs):
    """The cache, field by field: what the package's backward pass would read from it."""
    check = "cache layout"
    name = spec.names[-1]
    for run in runs:
        if run.outcome.outputs is None:
            return _failed(check, run.outcome, run.label)
        wrong = _difference(run.expected[name], run.outcome.outputs[name], name)
        if wrong:
            return Row(check, "failed", f"{run.label}: {wrong}")
    return Row(check, "passed", f"{_layout(runs[0].expected[name])} as the course stores "
                                f"it, in all {len(runs)} cases")


def _random_row(runs):
    """Every output against rnnbook's, on a random problem of each shape."""
    check = "random shapes"
    for run in runs:
        if run.outcome.outputs is None:
            return _failed(check, run.outcome, run.label)
        wrong = _outputs_difference(run.expected, run.outcome.outputs)
        if wrong:
            return Row(check, "failed", f"{run.label}: {wrong}")
    return Row(check, "passed", f"agrees with rnnbook on {len(runs)} shapes, "
                                "among them m = 1, T_x = 1 and n_x != n_a")


class _Failed(Exception):
    """The learner's backward pass failed inside the gradient check."""

    def __init__(self, outcome):
        super().__init__(outcome.failure)
        self.outcome = outcome


def _checked_call(fn, spec, outcomes, *args):
    """The learner's backward pass as rnnbook's checker calls it: gradients, or _Failed."""
    like = spec.reference(*args)
    outcome = _call(fn, args, like, spec.names, _arg_names(spec))
    outcomes.append(outcome)
    if outcome.outputs is None:
        raise _Failed(outcome)
    wrong = _shapes_difference(_outputs(like, spec.names), outcome.outputs)
    if wrong:
        raise _Failed(outcome._replace(outputs=None, failure=wrong))
    return outcome.outputs


def _gradient_row(fn, spec, outcomes):
    """Every gradient against centred differences of rnnbook's forward pass."""
    check, worst = "finite differences", 0.0
    for label, case in _random_cases(spec):
        try:
            errors = spec.gradients(case, partial(_checked_call, fn, spec, outcomes))
        except _Failed as failed:
            return _failed(check, failed.outcome, label)
        key = max(errors, key=errors.get)
        if not errors[key] < _GRADIENT_TOLERANCE:  # also catches NaN
            return Row(check, "failed", f"{label}: {key} is off by a relative error of "
                                        f"{errors[key]:.1e}")
        worst = max(worst, errors[key])
    return Row(check, "passed", f"every gradient agrees to a relative error of {worst:.0e} "
                                f"or better, on {len(SHAPES)} shapes")


def _float32_row(run):
    """float32 in gives float32 out."""
    check = "float32 in, float32 out"
    if run.outcome.outputs is None:
        return _failed(check, run.outcome, run.label)
    wide = {name: value.dtype for name, value in _values(run.outcome.outputs).items()
            if value.dtype != np.float32}
    if not wide:
        return Row(check, "passed", "every output is float32 for float32 inputs")
    which = ", ".join(f"{name} is {dtype}" for name, dtype in wide.items())
    hint = (": np.zeros(shape) makes float64; give it dtype=x.dtype, or use np.zeros_like"
            if np.dtype(np.float64) in wide.values() else "")
    return Row(check, "failed", f"{run.label}: {which}{hint}")


def _inputs_row(outcomes):
    """No call modified its arguments (each call ran on its own copies)."""
    check = "inputs left unchanged"
    changed = _first(outcome.changed for outcome in outcomes)
    if changed:
        return Row(check, "failed", f"an argument was modified in place: {changed}")
    if all(outcome.error is not None for outcome in outcomes):
        return _failed(check, outcomes[0])
    return Row(check, "passed", f"no argument modified, in {len(outcomes)} calls")


# ---------------------------------------------------------------------------------
# Known mistakes


def _wrong(run):
    """True when the learner's function failed or disagreed with rnnbook on this run."""
    got = run.outcome.outputs
    return got is None or bool(_outputs_difference(run.expected, got))


def _reproduces(mistake, spec, run):
    """True when the learner's outcome is exactly what the function with ``mistake`` gives."""
    try:
        wrong = _outputs(mistake(*copy.deepcopy(run.args)), spec.names)
    except Exception as error:  # a mistake that crashes: the learner's must crash alike
        raised = run.outcome.error
        return type(raised) is type(error) and str(raised) == str(error)
    got = run.outcome.outputs
    return got is not None and not _outputs_difference(wrong, got, _SAME)


def _known_mistakes(spec, course_run, random_runs):
    """The mistakes reproduced on the course's case and on the first random problem failed."""
    confirm = next((run for run in random_runs if _wrong(run)), None)
    if not _wrong(course_run) or confirm is None:
        return []
    return [MISTAKES[key] for key, mistake in spec.mistakes.items()
            if _reproduces(mistake, spec, course_run) and _reproduces(mistake, spec, confirm)]


# ---------------------------------------------------------------------------------
# The grader


def check(fn, name=None):
    """Grade a learner's version of a course function, and say what is wrong with it.

    Parameters
    ----------
    fn : callable
        The learner's function, written the course's way: the course's arguments,
        dictionary keys, return tuples, and caches as plain tuples.
    name : str, optional
        Which function ``fn`` is (default: ``fn.__name__``); one of :data:`GRADABLE`.

    Returns
    -------
    Report
        ``.passed`` is True when every check passed. The checks: the course's test
        case against the values the course prints (corrected where the notebook is
        wrong) and the shapes; for a forward function, the cache's layout; a random
        problem of every shape in :data:`rnnbook.problems.SHAPES` against rnnbook; for a backward
        function, every gradient against centred finite differences; float32 in,
        float32 out; the arguments left unchanged.

    Raises
    ------
    ValueError
        If ``name`` (or ``fn.__name__``) is not one of :data:`GRADABLE`. Nothing that
        ``fn`` does makes ``check`` raise.

    Notes
    -----
    A backward function receives caches in the course's plain-tuple layout, built by
    rnnbook's forward pass. A known mistake is named when ``fn``'s outputs match the
    function with that mistake to 1e-8, both on the course's test case and on the first
    random problem where ``fn`` is wrong.

    Examples
    --------
    >>> import rnnbook
    >>> report = rnnbook.check(rnnbook.rnn_cell_backward)
    >>> report.passed, [row.check for row in report.rows]  # doctest: +NORMALIZE_WHITESPACE
    (True, ["course's test case", 'random shapes', 'finite differences',
            'float32 in, float32 out', 'inputs left unchanged'])
    >>> def rnn_cell_backward(da_next, cache):
    ...     raise NotImplementedError
    >>> print(rnnbook.check(rnn_cell_backward).summary())
    check(rnn_cell_backward): not implemented yet
    """
    name = name or getattr(fn, "__name__", None)
    if name not in _SPECS:
        raise ValueError(f"name: expected one of {', '.join(GRADABLE)}, got {name!r}")
    spec = _SPECS[name]
    course_run = _run(fn, spec, spec.case_name, spec.case())
    random_runs = [_run(fn, spec, label, case) for label, case in _random_cases(spec)]
    float32_run = _run(fn, spec, *next(_random_cases(spec, np.float32)))
    outcomes = [run.outcome for run in (course_run, *random_runs, float32_run)]
    rows = [_course_row(spec, course_run)]
    if set(spec.names) & set(_CACHE_NAMES):
        rows.append(_cache_row(spec, [course_run, *random_runs]))
    rows.append(_random_row(random_runs))
    if spec.gradients is not None:
        rows.append(_gradient_row(fn, spec, outcomes))
    rows += [_float32_row(float32_run), _inputs_row(outcomes)]
    caught = dict.fromkeys(w for outcome in outcomes for w in outcome.warnings)
    return Report(name, rows, _known_mistakes(spec, course_run, random_runs), caught)


# ---------------------------------------------------------------------------------
# The report as text and as HTML


def _text_report(report, width=79):
    """Aligned plain text: a line per check, wrapped details, then the known mistakes."""
    name_width = max(len(row.check) for row in report.rows)
    marks = [f"{_MARKS[row.status]} {row.status}" for row in report.rows]
    mark_width = max(len(mark) for mark in marks)
    indent = " " * (name_width + mark_width + 6)
    lines = [report.summary()]
    for row, mark in zip(report.rows, marks):
        first, *rest = textwrap.wrap(row.detail, max(30, width - len(indent))) or [""]
        lines.append(f"  {row.check:<{name_width}}  {mark:<{mark_width}}  {first}")
        lines += [indent + more for more in rest]
    for mistake in report.mistakes:
        lines += ["", *textwrap.wrap(f"Known mistake: your code {mistake.what}.", width),
                  f"Read: {mistake.section}", f"      {mistake.url}"]
    if report.warnings:
        lines += ["", "Warnings raised by your code:", *(f"  {w}" for w in report.warnings)]
    return "\n".join(lines)


# Colours that read on light and dark pages: text keeps the page's colour; marks get
# a translucent tint of the page's background.
_CELL = ("padding:0.25em 0.7em;text-align:left;vertical-align:top;color:inherit;"
         "border-bottom:1px solid rgba(128,128,128,0.4)")
_TINTS = {"passed": "rgba(46,160,67,0.22)", "failed": "rgba(218,54,51,0.22)",
          "not implemented yet": "rgba(128,128,128,0.22)"}


def _html_mark(status):
    return (f'<span style="white-space:nowrap;padding:0 0.4em;border-radius:0.3em;'
            f'background:{_TINTS[status]}"><span aria-hidden="true">{_MARKS[status]}</span> '
            f"{status}</span>")


def _html_report(report):
    """A small HTML table, with the known mistakes and warnings below it."""
    esc = html.escape
    head = "".join(f'<th style="{_CELL}">{title}</th>'
                   for title in ("check", "result", "details"))
    rows = "".join(f'<tr><td style="{_CELL};white-space:nowrap">{esc(row.check)}</td>'
                   f'<td style="{_CELL}">{_html_mark(row.status)}</td>'
                   f'<td style="{_CELL}">{esc(row.detail)}</td></tr>' for row in report.rows)
    parts = [f'<div class="rnnbook-report"><p><strong>{esc(report.summary())}</strong></p>',
             f'<table style="border-collapse:collapse;color:inherit;background:transparent">'
             f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"]
    parts += [f'<p style="margin-top:0.8em"><strong>Known mistake:</strong> your code '
              f"{esc(m.what)}. Read "
              f'<a href="{esc(m.url)}">{esc(m.section)}</a>.</p>' for m in report.mistakes]
    if report.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in report.warnings)
        parts.append(f"<p>Warnings raised by your code:</p><ul>{items}</ul>")
    return "".join(parts) + "</div>"
