"""Every public function, fed bad and edge inputs: the right answer or a clear error.

One table, one row per case. A row names the function it calls, builds the call, and
says what must happen: the call raises ``ValueError``/``TypeError`` (``KeyError`` for a
missing dictionary key) whose message contains the given parts in order (the
argument's name first), or it returns and a check on the result holds. pytest's
settings turn every warning into an error, so a row also fails if numpy warns.

``test_every_public_function_has_a_row`` keeps the table complete: a new public
function fails it until a row tries it.
"""

import inspect
import math
import re
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
import pytest
from helpers import KINDS, random_parameters, random_problem

import rnnbook
from rnnbook import (
    ablation,
    activations,
    backward,
    cell,
    charmodel,
    course,
    experiments,
    fused,
    gates,
    gradcheck,
    grader,
    gru,
    model,
    output,
    parameters,
    problems,
    sampling,
    sequence,
    train,
)

MODULES = [activations, cell, sequence, backward, gates, gru, parameters, model, output,
           sampling, train, charmodel, experiments, gradcheck, course, fused, ablation,
           grader, problems]


class Row(NamedTuple):
    function: object  # the public function the row tries
    call: object  # () -> result
    expect: object  # a (error type, message parts) pair, or a check of the result
    name: str


ROWS = []


def row(function, name, expect):
    """Decorator: the decorated zero-argument function is the row's call."""
    def add(call):
        ROWS.append(Row(function, call, expect, f"{function.__name__}: {name}"))
        return call
    return add


def raises(error, *parts):
    return (error, parts)


def returns(check):
    return check


def problem(kind="rnn", dtype=np.float64, shape=(3, 5, 2, 4, 6)):
    return random_problem(kind, *shape, seed=1, dtype=dtype)


def caches(kind="lstm", implementation=rnnbook):
    p = problem(kind)
    return p, getattr(implementation, f"{kind}_forward")(p["x"], p["a0"], p["parameters"])[-1]


def finite(*arrays):
    return all(np.all(np.isfinite(a)) for a in arrays)


# --- activations ------------------------------------------------------------------

row(activations.sigmoid, "huge finite inputs saturate", returns(
    lambda r: np.array_equal(r, [0.0, 1.0])))(lambda: activations.sigmoid(np.array([-1e308, 1e308])))
row(activations.sigmoid, "float16 at its limits", returns(
    lambda r: r.dtype == np.float16 and np.array_equal(r, [0, 1])))(
    lambda: activations.sigmoid(np.array([-65504, 65504], dtype=np.float16)))
row(activations.sigmoid, "complex input", raises(TypeError, "x", "real numbers", "complex128"))(
    lambda: activations.sigmoid(np.array([1j])))
row(activations.softmax, "float16 scores 120000 apart", returns(
    lambda r: r.dtype == np.float16 and np.array_equal(r, [[1], [0]])))(
    lambda: activations.softmax(np.array([[60000], [-60000]], dtype=np.float16)))
row(activations.softmax, "float64 scores at the limits", returns(
    lambda r: np.array_equal(r, [[1], [0]])))(
    lambda: activations.softmax(np.array([[1.7e308], [-1.7e308]])))
row(activations.softmax, "no class", raises(ValueError, "x", "n_y >= 1", "(0, 3)"))(
    lambda: activations.softmax(np.zeros((0, 3))))
row(activations.softmax, "boolean scores", raises(TypeError, "x", "real numbers", "bool"))(
    lambda: activations.softmax(np.ones((2, 1), dtype=bool)))


# --- cells, sequences, backward passes (teaching and fused) ---------------------------

@row(cell.rnn_cell_forward, "weights so large every unit saturates", returns(
    lambda r: finite(*r[:2]) and np.all(np.abs(r[0]) <= 1)))
def _():
    p = problem()
    big = {k: 1e3 * v for k, v in p["parameters"].items()}
    return cell.rnn_cell_forward(p["x"][:, :, 0], p["a0"], big)


@row(cell.rnn_cell_forward, "an empty batch", returns(lambda r: r[0].shape == (5, 0)))
def _():
    p = problem()
    return cell.rnn_cell_forward(p["x"][:, :0, 0], p["a0"][:, :0], p["parameters"])


row(cell.rnn_cell_forward, "parameters not a dict", raises(TypeError, "parameters", "dict", "list"))(
    lambda: cell.rnn_cell_forward(problem()["x"][:, :, 0], problem()["a0"], []))


@row(cell.lstm_cell_forward, "c_prev of the wrong batch", raises(
    ValueError, "c_prev", "(n_a, m) = (5, 4)", "as a_prev", "(5, 3)"))
def _():
    p = problem("lstm")
    return cell.lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"][:, :3], p["parameters"])


@row(cell.lstm_cell_forward, "weights so large every gate saturates", returns(
    lambda r: finite(*r[:3])))
def _():
    p = problem("lstm")
    big = {k: 1e3 * v for k, v in p["parameters"].items()}
    return cell.lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], big)


# The teaching and fused sequence functions of every model, and the LSTM variants of
# rnnbook.ablation: (tag, model, forward, backward, module whose forward makes the cache).
_SEQUENCES = [(f"{implementation.__name__} {kind}", kind,
               getattr(implementation, f"{kind}_forward"),
               getattr(implementation, f"{kind}_backward"), implementation)
              for implementation in (rnnbook, fused) for kind in KINDS]
_SEQUENCES += [(f"ablation {v.name}", "lstm", v.forward, v.backward,
                SimpleNamespace(lstm_forward=v.forward)) for v in ablation.VARIANTS[1:-1]]
for _tag, _kind, _forward, _backward, _implementation in _SEQUENCES:
    @row(_forward, f"{_tag}: an empty batch", returns(
        lambda r: r[0].shape == (5, 0, 6) and r[1].shape == (2, 0, 6)))
    def _(forward=_forward, kind=_kind):
        p = problem(kind)
        return forward(p["x"][:, :0], p["a0"][:, :0], p["parameters"])

    @row(_forward, f"{_tag}: no hidden unit", returns(lambda r: r[0].shape == (0, 4, 6)))
    def _(forward=_forward, kind=_kind):
        p = problem(kind, shape=(3, 0, 2, 4, 6))
        return forward(p["x"], p["a0"], p["parameters"])

    @row(_forward, f"{_tag}: complex inputs", raises(TypeError, "x", "real numbers"))
    def _(forward=_forward, kind=_kind):
        p = problem(kind)
        return forward(p["x"].astype(complex), p["a0"], p["parameters"])

    @row(_forward, f"{_tag}: saturating weights", returns(lambda r: finite(*r[:-1])))
    def _(forward=_forward, kind=_kind):
        p = problem(kind)
        return forward(p["x"], p["a0"], {k: 1e3 * v for k, v in p["parameters"].items()})

    @row(_backward, f"{_tag}: gradients of an empty batch", returns(
        lambda r: r["dx"].shape == (3, 0, 6) and not any(g.any() for g in r.values())))
    def _(forward=_forward, backward=_backward, kind=_kind):
        p = problem(kind)
        cache = forward(p["x"][:, :0], p["a0"][:, :0], p["parameters"])[-1]
        return backward(p["da"][:, :0], cache)

    @row(_backward, f"{_tag}: boolean da", raises(TypeError, "da", "real numbers", "bool"))
    def _(implementation=_implementation, backward=_backward, kind=_kind):
        p, c = caches(kind, implementation)
        return backward(p["da"] > 0, c)

    @row(_backward, f"{_tag}: da with more steps", raises(ValueError, "da", "T_x <= 6"))
    def _(implementation=_implementation, backward=_backward, kind=_kind):
        p, c = caches(kind, implementation)
        return backward(np.concatenate([p["da"], p["da"]], axis=2), c)


@row(backward.rnn_cell_backward, "complex da_next", raises(TypeError, "da_next", "complex128"))
def _():
    p = problem()
    cache = cell.rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    return backward.rnn_cell_backward(p["da"][:, :, 0] + 0j, cache)


@row(backward.rnn_cell_backward, "a plain tuple of lists", returns(lambda r: r["dba"].shape == (5, 1)))
def _():
    p = problem()
    cache = cell.rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    lists = {k: v.tolist() for k, v in cache.parameters.items()}
    return backward.rnn_cell_backward(p["da"][:, :, 0], (cache.a_next.tolist(), *cache[1:3], lists))


@row(backward.lstm_cell_backward, "boolean dc_next", raises(TypeError, "dc_next", "bool"))
def _():
    p = problem("lstm")
    cache = cell.lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"])[3]
    return backward.lstm_cell_backward(p["da"][:, :, 0], p["dc"] > 0, cache)


@row(backward.lstm_cell_backward, "a cache of the wrong cell", raises(
    ValueError, "cache", "LSTMCache of 10 fields", "length 4"))
def _():
    p = problem("rnn")
    cache = cell.rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    return backward.lstm_cell_backward(p["da"][:, :, 0], p["dc"], cache)


row(backward.rnn_backward, "caches that are not the pair", raises(ValueError, "caches", "(caches, x)"))(
    lambda: backward.rnn_backward(problem()["da"], [1, 2, 3]))
row(backward.lstm_backward, "a teaching cache for the fused pass", raises(
    ValueError, "caches", "FusedLSTMCache"))(
    lambda: fused.lstm_backward(problem("lstm")["da"], caches("lstm")[1]))


@row(ablation.stacked_backward, "a fused cache", raises(ValueError, "caches", "AblationCache"))
def _():
    p, c = caches("lstm", fused)
    return ablation.stacked_backward(p["da"], c)


@row(ablation.hoisted_backward, "a teaching cache", raises(ValueError, "caches", "SequenceCache"))
def _():
    p, c = caches("lstm")
    return ablation.hoisted_backward(p["da"], c)


# --- the ablation's measuring tools and the fused version's blocks ------------------

row(ablation.make_problem, "an unknown size", raises(ValueError, "size", "'tiny'", "'huge'"))(
    lambda: ablation.make_problem("lstm", "huge"))
row(ablation.make_problem, "a size without T_x", raises(ValueError, "size", "'T_x'"))(
    lambda: ablation.make_problem("lstm", {"n_x": 1, "n_a": 2, "m": 3}))
row(ablation.make_problem, "a negative batch", raises(ValueError, "size['m']", ">= 0", "-1"))(
    lambda: ablation.make_problem("rnn", {"n_x": 1, "n_a": 2, "m": -1, "T_x": 2}))
row(ablation.make_problem, "an unknown model", raises(ValueError, "kind", "'mlp'"))(
    lambda: ablation.make_problem("mlp", "tiny"))
row(ablation.make_problem, "an empty batch", returns(lambda r: r["x"].shape == (3, 0, 4)))(
    lambda: ablation.make_problem("lstm", {**ablation.SIZES["tiny"], "m": 0}))
row(ablation.runner, "a forward that is not a function", raises(
    TypeError, "forward, backward", "two functions", "str"))(
    lambda: ablation.runner("lstm_forward", rnnbook.lstm_backward, problem("lstm")))
row(ablation.runner, "a problem without da", raises(KeyError, "da"))(
    lambda: ablation.runner(rnnbook.rnn_forward, rnnbook.rnn_backward,
                            {k: v for k, v in problem().items() if k != "da"}))
row(ablation.interleaved_times, "no repeat", raises(ValueError, "repeats", ">= 1", "0"))(
    lambda: ablation.interleaved_times({"none": lambda: None}, 0))
row(ablation.interleaved_times, "no runner", returns(lambda r: r == {}))(
    lambda: ablation.interleaved_times({}, 2))
row(ablation.largest_difference, "a result with fewer gradients", raises(
    ValueError, "result", "['dx', 'dy']", "['dx']"))(
    lambda: ablation.largest_difference(([], {"dx": np.ones(1)}),
                                        ([], {"dx": np.ones(1), "dy": np.ones(1)})))
row(ablation.largest_difference, "arrays of other shapes", raises(ValueError, "result", "(2,)", "(3,)"))(
    lambda: ablation.largest_difference(([np.ones(3)], {}), ([np.ones(2)], {})))
row(ablation.largest_difference, "all zero", returns(lambda r: r == 0.0))(
    lambda: ablation.largest_difference(([np.zeros(2)], {}), ([np.zeros(2)], {})))
row(fused.step_blocks, "no step", returns(lambda r: r == (0, [])))(
    lambda: fused.step_blocks(0, 100))
row(fused.step_blocks, "a float step count", raises(TypeError, "T_x", "integer", "2.5"))(
    lambda: fused.step_blocks(2.5, 100))
row(fused.step_blocks, "huge steps", returns(lambda r: r == (1, [(2, 3), (1, 2), (0, 1)])))(
    lambda: fused.step_blocks(3, 2**40))
row(fused.backward_widths, "an unknown model", raises(ValueError, "kind", "'mlp'"))(
    lambda: fused.backward_widths("mlp", 4, 3))
row(fused.backward_widths, "a negative n_a", raises(ValueError, "n_a", ">= 0", "-4"))(
    lambda: fused.backward_widths("rnn", -4, 3))


# --- the LSTM gate derivatives ----------------------------------------------------

_GATE_ARGUMENTS = {
    gates.cell_state_grad: 4, gates.output_gate_grad: 3, gates.candidate_grad: 3,
    gates.update_gate_grad: 3, gates.forget_gate_grad: 3, gates.prev_cell_state_grad: 2,
}
for _gate, _count in _GATE_ARGUMENTS.items():
    _names = list(inspect.signature(_gate).parameters)
    row(_gate, "a last argument that only broadcasts", raises(
        ValueError, _names[-1], "(n_a, m) = (5, 4)", f"as {_names[0]}", "(5, 1)"))(
        lambda gate=_gate, count=_count: gate(*[np.ones((5, 4))] * (count - 1), np.ones((5, 1))))
    row(_gate, "complex inputs", raises(TypeError, _names[0], "complex128"))(
        lambda gate=_gate, count=_count: gate(*[np.ones((5, 4), dtype=complex)] * count))


# --- the GRU's cell and gate derivatives ----------------------------------------------

@row(gru.gru_cell_forward, "weights so large every gate saturates", returns(
    lambda r: finite(*r[:2]) and np.all(np.abs(r[0]) <= np.abs(problem("gru")["a0"]).max(initial=1))))
def _():
    p = problem("gru")
    big = {k: 1e3 * v for k, v in p["parameters"].items()}
    return gru.gru_cell_forward(p["x"][:, :, 0], p["a0"], big)


@row(gru.gru_cell_forward, "an empty batch", returns(lambda r: r[0].shape == (5, 0)))
def _():
    p = problem("gru")
    return gru.gru_cell_forward(p["x"][:, :0, 0], p["a0"][:, :0], p["parameters"])


@row(gru.gru_cell_backward, "complex da_next", raises(TypeError, "da_next", "complex128"))
def _():
    p = problem("gru")
    cache = gru.gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    return gru.gru_cell_backward(p["da"][:, :, 0] + 0j, cache)


@row(gru.gru_cell_backward, "a plain tuple of lists", returns(lambda r: r["dbc"].shape == (5, 1)))
def _():
    p = problem("gru")
    cache = gru.gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    lists = {k: v.tolist() for k, v in cache.parameters.items()}
    return gru.gru_cell_backward(p["da"][:, :, 0], (cache.a_next.tolist(), *cache[1:6], lists))


@row(gru.gru_cell_backward, "a cache of the wrong cell", raises(
    ValueError, "cache", "GRUCache of 7 fields", "length 4"))
def _():
    p = problem("rnn")
    cache = cell.rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
    return gru.gru_cell_backward(p["da"][:, :, 0], cache)


_GRU_GATE_ARGUMENTS = {
    gru.gru_candidate_grad: 3, gru.gru_update_gate_grad: 4, gru.gru_reset_gate_grad: 3,
    gru.gru_prev_state_grad: 4,
}
for _gate, _count in _GRU_GATE_ARGUMENTS.items():
    _names = list(inspect.signature(_gate).parameters)
    row(_gate, "a last argument that only broadcasts", raises(
        ValueError, _names[-1], "(n_a, m) = (5, 4)", f"as {_names[0]}", "(5, 1)"))(
        lambda gate=_gate, count=_count: gate(*[np.ones((5, 4))] * (count - 1), np.ones((5, 1))))
    row(_gate, "complex inputs", raises(TypeError, _names[0], "complex128"))(
        lambda gate=_gate, count=_count: gate(*[np.ones((5, 4), dtype=complex)] * count))


# --- parameters and the model ------------------------------------------------------

row(parameters.parameter_shapes, "an unknown kind", raises(ValueError, "kind", "mlp"))(
    lambda: parameters.parameter_shapes("mlp", 1, 2, 3))
row(parameters.model_kind, "no model's keys", raises(ValueError, "parameters", "closest is"))(
    lambda: parameters.model_kind({"W": np.zeros((1, 1))}))
row(parameters.sizes, "a misshapen weight", raises(ValueError, 'parameters["Waa"]', "(5, 5)"))(
    lambda: parameters.sizes({**problem()["parameters"], "Waa": np.zeros((5, 4))}))
row(parameters.check_parameters, "a missing key", raises(KeyError, "parameters", "'ba'"))(
    lambda: parameters.check_parameters(
        "rnn", {k: v for k, v in problem()["parameters"].items() if k != "ba"}, 3, 5))
row(parameters.check_step, "xt as a vector", raises(ValueError, "xt", "(n_x, m)", "(3,)"))(
    lambda: parameters.check_step("rnn", np.ones(3), np.ones((5, 1)), problem()["parameters"]))
row(parameters.check_sequence, "a0 of another batch", raises(
    ValueError, "a0", "(n_a, m) = (5, 4)", "axis 1 of x", "(5, 2)"))(
    lambda: parameters.check_sequence("rnn", problem()["x"], np.ones((5, 2)), problem()["parameters"]))
row(parameters.initialize_parameters, "an integer seed", returns(
    lambda r: r["Waa"].shape == (5, 5)))(lambda: parameters.initialize_parameters("rnn", 3, 5, 2, 7))
row(parameters.initialize_parameters, "a float seed", raises(TypeError, "rng", "Generator", "2.5"))(
    lambda: parameters.initialize_parameters("rnn", 3, 5, 2, 2.5))
row(parameters.initialize_parameters, "a negative size", raises(ValueError, "n_y", ">= 0", "-2"))(
    lambda: parameters.initialize_parameters("rnn", 3, 5, -2, 0))

row(model.zero_state, "a negative batch", raises(ValueError, "m", ">= 0", "-1"))(
    lambda: model.zero_state(problem()["parameters"], -1))
row(model.run, "an empty batch", returns(lambda r: r[0].shape == (5, 0, 6) and r[2][0].shape == (5, 0)))(
    lambda: model.run(problem()["x"][:, :0], problem()["parameters"]))
row(model.run, "an array for a state", raises(ValueError, "state", "tuple of 1 arrays"))(
    lambda: model.run(problem()["x"], problem()["parameters"], np.zeros((5, 4))))
row(model.loss, "targets for more steps than x", raises(ValueError, "targets", "1 <= T <= T_x = 6"))(
    lambda: model.loss(problem()["x"], problem()["parameters"], np.zeros((4, 7), dtype=int)))
row(model.loss_and_grads, "an empty batch: no mean", raises(ValueError, "y_hat", "m * T_x > 0"))(
    lambda: model.loss_and_grads(problem()["x"][:, :0], problem()["parameters"],
                                 np.zeros((0, 6), dtype=int)))


@row(model.loss_and_grads, "saturated float32 model", returns(
    lambda r: math.isfinite(r[0]) and finite(*r[1].values())))
def _():
    p = problem("lstm", np.float32)
    big = {k: 100 * v for k, v in p["parameters"].items()}
    return model.loss_and_grads(p["x"], big, p["targets"])


row(model.step, "xt of another size", raises(ValueError, 'parameters["Wax"]', "n_x = 4 from xt"))(
    lambda: model.step(np.ones((4, 1)), problem()["parameters"], (np.zeros((5, 1)),)))


# --- the output layer ---------------------------------------------------------------

row(output.one_hot, "a negative depth", raises(ValueError, "depth", ">= 0", "-3"))(
    lambda: output.one_hot(np.zeros((1, 1), dtype=int), -3))
row(output.one_hot, "float indices", raises(ValueError, "indices", "integer class indices"))(
    lambda: output.one_hot(np.zeros((1, 1)), 3))
row(output.output_forward, "float16 scores far apart", returns(
    lambda r: r.dtype == np.float16 and finite(r)))(
    lambda: output.output_forward(np.ones((2, 1, 1), dtype=np.float16),
                                  np.array([[30000, 30000], [-30000, -30000]], dtype=np.float16),
                                  np.zeros((2, 1), dtype=np.float16)))
row(output.output_forward, "a bias as a vector", raises(ValueError, "by", "(n_y, 1)", "(2,)"))(
    lambda: output.output_forward(np.ones((2, 1, 1)), np.ones((2, 2)), np.zeros(2)))
row(output.cross_entropy, "no prediction", raises(ValueError, "y_hat", "m * T_x > 0", "(3, 0, 2)"))(
    lambda: output.cross_entropy(np.zeros((3, 0, 2)), np.zeros((0, 2), dtype=int)))
row(output.cross_entropy, "a probability of exactly 0", returns(lambda r: math.isfinite(r)))(
    lambda: output.cross_entropy(np.array([[[1.0]], [[0.0]]]), np.array([[1]])))
row(output.output_backward, "Wy of another width", raises(ValueError, "Wy", "(n_y, n_a) = (2, 3)"))(
    lambda: output.output_backward(np.full((2, 1, 1), 0.5), np.zeros((1, 1), dtype=int),
                                   np.ones((3, 1, 1)), np.ones((2, 4))))


# --- generation ----------------------------------------------------------------------

for _temperature, _error in ((-1.0, ValueError), (math.nan, ValueError), (math.inf, ValueError),
                             ("hot", TypeError)):
    row(sampling.sampling_distribution, f"temperature {_temperature}", raises(_error, "temperature"))(
        lambda t=_temperature: sampling.sampling_distribution(np.zeros((2, 1)), t))
row(sampling.sampling_distribution, "a tiny temperature", returns(
    lambda r: np.array_equal(r[:, 0], [1, 0])))(
    lambda: sampling.sampling_distribution(np.array([[1.0], [0.0]]), 1e-300))


def _char_parameters(kind="lstm", dtype=np.float64):
    return random_parameters(kind, 4, 5, 4, np.random.default_rng(0), dtype)


row(sampling.sample, "an integer seed", returns(lambda r: r.shape == (3,)))(
    lambda: sampling.sample(_char_parameters(), 3, 11))
row(sampling.sample, "a string for rng", raises(TypeError, "rng", "Generator", "'abc'"))(
    lambda: sampling.sample(_char_parameters(), 3, "abc"))
row(sampling.sample, "a negative length", raises(ValueError, "n_steps", ">= 0", "-1"))(
    lambda: sampling.sample(_char_parameters(), -1, 0))
row(sampling.sample, "a prefix outside the classes", raises(ValueError, "prefix", "[0, 4)", "[7]"))(
    lambda: sampling.sample(_char_parameters(), 3, 0, prefix=[7]))
row(sampling.sample, "n_x != n_y", raises(ValueError, "parameters", "n_x = n_y", "n_x = 3, n_y = 2"))(
    lambda: sampling.sample(problem("lstm")["parameters"], 3, 0))


# --- training -------------------------------------------------------------------------

_W = {"w": np.ones((2, 2))}
_DW = {"dw": np.ones((2, 2))}
for _rate in (math.nan, math.inf, -0.1):
    row(train.sgd_step, f"learning rate {_rate}", raises(ValueError, "learning_rate", str(_rate)))(
        lambda r=_rate: train.sgd_step(_W, _DW, learning_rate=r))
    row(train.adam_step, f"learning rate {_rate}", raises(ValueError, "learning_rate", str(_rate)))(
        lambda r=_rate: train.adam_step(_W, _DW, train.adam_state(_W), learning_rate=r))
for _name, _value in (("beta1", 1.0), ("beta1", -0.1), ("beta2", 1.5), ("beta2", math.nan)):
    row(train.adam_step, f"{_name} = {_value}", raises(ValueError, _name, "[0, 1)", str(_value)))(
        lambda n=_name, v=_value: train.adam_step(_W, _DW, train.adam_state(_W), **{n: v}))
row(train.adam_step, "epsilon = 0", raises(ValueError, "epsilon", "positive", "0"))(
    lambda: train.adam_step(_W, _DW, train.adam_state(_W), epsilon=0))
row(train.adam_state, "parameters not a dict", raises(TypeError, "parameters", "dict"))(
    lambda: train.adam_state([np.ones(2)]))
row(train.clip_by_value, "max_value nan", raises(ValueError, "max_value", "nan"))(
    lambda: train.clip_by_value(_DW, math.nan))
row(train.global_norm, "entries near the float limit", returns(
    lambda r: r == pytest.approx(5e300)))(lambda: train.global_norm({"d": np.array([3e300, 4e300])}))
row(train.global_norm, "all zeros", returns(lambda r: r == 0.0))(
    lambda: train.global_norm({"d": np.zeros(3)}))
row(train.global_norm, "complex gradients", raises(TypeError, 'gradients["d"]', "complex128"))(
    lambda: train.global_norm({"d": np.ones(2, dtype=complex)}))
row(train.clip_by_global_norm, "huge gradients are rescaled, not zeroed", returns(
    lambda r: np.allclose(r["d"], [0.6, 0.8])))(
    lambda: train.clip_by_global_norm({"d": np.array([3e300, 4e300])}, 1.0))
row(train.clip_by_global_norm, "all zeros stay zeros", returns(lambda r: not r["d"].any()))(
    lambda: train.clip_by_global_norm({"d": np.zeros(3)}, 1.0))
row(train.clip_by_global_norm, "tiny gradients are left alone", returns(
    lambda r: np.array_equal(r["d"], [3e-300, 4e-300])))(
    lambda: train.clip_by_global_norm({"d": np.array([3e-300, 4e-300])}, 1.0))


def _batches(kind="rnn", dtype=np.float64, n=3):
    p = problem(kind, dtype)
    return p["parameters"], [(p["x"], p["targets"])] * n


row(train.train_model, "float16 parameters", raises(TypeError, 'parameters["Wax"]', "float16"))(
    lambda: train.train_model(*_batches(dtype=np.float16)))
row(train.train_model, "a nan learning rate", raises(ValueError, "learning_rate", "nan"))(
    lambda: train.train_model(*_batches(), learning_rate=math.nan))
row(train.train_model, "clip_norm = 0", raises(ValueError, "clip_norm", "positive", "0"))(
    lambda: train.train_model(*_batches(), clip_norm=0))


@row(train.train_model, "a model whose scores overflow", raises(
    FloatingPointError, "training diverged at step 0", "the loss of", "not finite"))
def _():
    parameters, batches = _batches()
    return train.train_model({**parameters, "Wya": np.full((2, 5), 1e308)}, batches)


@row(train.train_model, "a learning rate that blows the weights up", raises(
    FloatingPointError, "training diverged at step", "updated parameters", "not finite"))
def _():
    parameters, batches = _batches(n=1)
    near_the_limit = {**parameters, "by": np.full((2, 1), 1.75e308)}  # scores still fine
    return train.train_model(near_the_limit, batches, optimizer="sgd", learning_rate=1e308,
                             clip_norm=None)
row(train.train_model, "carried state across batches", returns(lambda r: r[1].shape == (3,)))(
    lambda: train.train_model(*_batches("lstm"), carry_state=True))


# --- the character model -------------------------------------------------------------

_VOCABULARY = charmodel.build_vocabulary("hello")
row(charmodel.zen_of_python, "no argument, no output", returns(lambda r: len(r) > 800))(
    charmodel.zen_of_python)
row(charmodel.build_vocabulary, "empty text", raises(ValueError, "text", "non-empty str"))(
    lambda: charmodel.build_vocabulary(""))
row(charmodel.encode, "an unknown character", raises(ValueError, "text", "['z']"))(
    lambda: charmodel.encode("hez", _VOCABULARY))
row(charmodel.encode, "not a string", raises(TypeError, "text", "str", "list"))(
    lambda: charmodel.encode(["h"], _VOCABULARY))
row(charmodel.decode, "an index outside the vocabulary", raises(ValueError, "indices", "[0, 4)"))(
    lambda: charmodel.decode([0, 4], _VOCABULARY))
row(charmodel.training_windows, "T_x as long as the text", raises(ValueError, "T_x", "< n_chars = 5"))(
    lambda: charmodel.training_windows(np.arange(5), 5))
row(charmodel.batches, "too many windows per batch", raises(ValueError, "batch_size", "<= 2", "3"))(
    lambda: charmodel.batches(np.arange(5), 5, 3, 3, 1, 0))
row(charmodel.batches, "a seed for rng", returns(lambda r: next(r)[0].shape == (5, 2, 3)))(
    lambda: charmodel.batches(np.arange(5), 5, 3, 2, 1, 0))
row(charmodel.stream_batches, "streams shorter than a window", raises(
    ValueError, "batch_size", "shorter than one window (T_x = 3)"))(
    lambda: charmodel.stream_batches(np.arange(10), 10, 3, 4, 1))
row(charmodel.stream_batches, "one stream of the whole text", returns(
    lambda r: next(r)[1].tolist() == [[1, 2, 3]]))(
    lambda: charmodel.stream_batches(np.arange(10), 10, 3, 1, 1))
row(charmodel.split_text, "all of it held out", raises(ValueError, "held_out", "[0, 1)", "1.0"))(
    lambda: charmodel.split_text("abc", 1.0))
row(charmodel.evaluate, "a single character", raises(ValueError, "indices", "at least 2", "1"))(
    lambda: charmodel.evaluate(_char_parameters(), [1]))
row(charmodel.evaluate, "a character outside the vocabulary", raises(ValueError, "indices", "[0, n_vocab) = [0, 4)"))(
    lambda: charmodel.evaluate(_char_parameters(), [1, 4]))
row(charmodel.train_char_model, "an unknown model", raises(ValueError, "model", "'mlp'"))(
    lambda: charmodel.train_char_model("abcabc", model="mlp"))
row(charmodel.train_char_model, "a float seed", raises(TypeError, "seed", "0.5"))(
    lambda: charmodel.train_char_model("abcabc", seed=0.5))


@row(charmodel.sample_text, "a default prefix outside the vocabulary", raises(
    ValueError, "prefix", "['\\n']", "vocabulary"))
def _():
    trained = charmodel.train_char_model("abcabcabc", n_a=4, T_x=3, batch_size=2, n_steps=1)
    return charmodel.sample_text(trained.parameters, trained.vocabulary, 5, 0)


# --- experiments -----------------------------------------------------------------------

row(experiments.scaled_parameters, "an unknown kind", raises(ValueError, "kind", "'mlp'"))(
    lambda: experiments.scaled_parameters("mlp", 2, 3, 1.0, 0))
row(experiments.gradient_decay, "an unknown model", raises(ValueError, "kinds", "['mlp']"))(
    lambda: experiments.gradient_decay(kinds=["mlp"]))
row(experiments.gradient_decay, "a nan scale", raises(ValueError, "scales", "nan"))(
    lambda: experiments.gradient_decay(scales=(math.nan,), T_x=3))
row(experiments.recall_task, "a negative k", raises(ValueError, "k", ">= 0", "-1"))(
    lambda: experiments.recall_task(-1, 2, 0))
row(experiments.recall_task, "no distractor", returns(lambda r: r[0].shape == (8, 2, 1)))(
    lambda: experiments.recall_task(0, 2, 0))
row(experiments.recall_accuracy, "targets of another batch", raises(ValueError, "targets", "(2, 1)", "(3, 1)"))(
    lambda: experiments.recall_accuracy(random_parameters("rnn", 8, 3, 4, np.random.default_rng(0)),
                                        experiments.recall_task(2, 2, 0)[0], np.zeros((3, 1), dtype=int)))
row(experiments.long_dependency_accuracy, "a negative k", raises(ValueError, "ks", ">= 0", "-2"))(
    lambda: experiments.long_dependency_accuracy(ks=(-2,)))


# --- gradient checking ------------------------------------------------------------------

row(gradcheck.numerical_gradient, "dout that only broadcasts", raises(
    ValueError, "dout", "shape of f(x), (3,)", "(1,)"))(
    lambda: gradcheck.numerical_gradient(np.sin, np.ones(3), np.ones(1)))
row(gradcheck.numerical_gradient, "h = 0", raises(ValueError, "h", "positive", "0"))(
    lambda: gradcheck.numerical_gradient(np.sin, np.ones(3), np.ones(3), h=0))
row(gradcheck.relative_error, "gradients near the float limit", returns(lambda r: r == 0.0))(
    lambda: gradcheck.relative_error(np.array([1e308, -1e308]), np.array([1e308, -1e308])))
row(gradcheck.relative_error, "shapes that differ", raises(ValueError, "numerical", "(2,)", "(3,)"))(
    lambda: gradcheck.relative_error(np.ones(2), np.ones(3)))
row(gradcheck.gradient_errors, "a gradient of no input", raises(ValueError, "gradients", "['dz']"))(
    lambda: gradcheck.gradient_errors(lambda x: x, {"x": np.ones(2)}, np.ones(2), {"dz": np.ones(2)}))
for _check, _case in ((gradcheck.check_rnn_cell_backward, course.rnn_cell_backward_case),
                      (gradcheck.check_rnn_backward, course.rnn_backward_case),
                      (gradcheck.check_lstm_cell_backward, course.lstm_cell_backward_case),
                      (gradcheck.check_lstm_backward, course.lstm_backward_case)):
    _upstream = "da_next" if "cell" in _check.__name__ else "da"
    row(_check, f"{_upstream} transposed", raises(ValueError, _upstream))(
        lambda check=_check, case=_case, name=_upstream: check(**{**case(), name: case()[name].T}))
row(gradcheck.check_gru_cell_backward, "da_next transposed", raises(ValueError, "da_next"))(
    lambda: gradcheck.check_gru_cell_backward(
        problem("gru")["x"][:, :, 0], problem("gru")["a0"], problem("gru")["parameters"],
        problem("gru")["da"][:, :, 0].T))
row(gradcheck.check_gru_backward, "da of another batch", raises(ValueError, "da", "(5, 4, T_x)"))(
    lambda: gradcheck.check_gru_backward(problem("gru")["x"], problem("gru")["a0"],
                                         problem("gru")["parameters"], problem("gru")["da"][:, :2]))


# --- the course's cases ------------------------------------------------------------------

for _case in (course.rnn_cell_forward_case, course.rnn_forward_case, course.rnn_cell_backward_case,
              course.rnn_backward_case, course.lstm_cell_forward_case, course.lstm_forward_case,
              course.lstm_cell_backward_case, course.lstm_backward_case):
    row(_case, "the same inputs every call", returns(
        lambda r, case=_case: all(np.array_equal(v, case()[k]) for k, v in r.items()
                                  if isinstance(v, np.ndarray))))(_case)
row(course.lookup, "an index too deep", raises(ValueError, "index", "(1, 2, 3)"))(
    lambda: course.lookup({"a": np.zeros((2, 3))}, "a", (1, 2, 3)))
row(course.lookup, "an unknown output", raises(KeyError, "name", "'b'"))(
    lambda: course.lookup({"a": np.zeros(2)}, "b", (0,)))
row(course.run_case, "a function the course does not test", raises(ValueError, "function_name", "'gru'"))(
    lambda: course.run_case("gru"))
row(course.compare, "a value that disagrees", returns(lambda r: not r.all_agree))(
    lambda: course.compare({"a": np.array([1.0, 2.0])}, [("a", (1,), 2.5)]))


# --- grading a learner's function, and the random problems it tries -----------------

row(grader.check, "a function the grader does not know", raises(ValueError, "name", "<lambda>"))(
    lambda: grader.check(lambda x: x))
row(grader.check, "a learner's function that crashes", returns(lambda r: not r.passed))(
    lambda: grader.check(lambda *args: 1 / 0, name="rnn_cell_forward"))
row(problems.random_problem, "a negative batch", raises(ValueError, "m", ">= 0", "-1"))(
    lambda: problems.random_problem("rnn", 3, 5, 2, -1, 4))
row(problems.random_problem, "an unknown kind", raises(ValueError, "kind", "'mlp'"))(
    lambda: problems.random_problem("mlp", 3, 5, 2, 1, 4))


# --- the tests themselves ------------------------------------------------------------------


@pytest.mark.parametrize("case", ROWS, ids=[r.name for r in ROWS])
def test_row(case):
    if isinstance(case.expect, tuple):
        error, parts = case.expect
        with pytest.raises(error) as raised:
            case.call()
        message = str(raised.value.args[0]) if raised.value.args else ""
        pattern = ".*".join(re.escape(part) for part in parts)
        assert re.search(pattern, message, flags=re.DOTALL), message
        assert message.startswith(parts[0]) or error is FloatingPointError, message
    else:
        assert case.expect(case.call())


def public_functions():
    """Every public function the package's modules define (not import)."""
    for module in MODULES:
        for name, value in vars(module).items():
            if inspect.isfunction(value) and not name.startswith("_") \
                    and value.__module__ == module.__name__:
                yield value


def test_every_public_function_has_a_row():
    tried = {case.function for case in ROWS}
    missing = sorted(f"{f.__module__}.{f.__name__}" for f in public_functions() if f not in tried)
    assert not missing, f"no edge-input row tries {missing}"

