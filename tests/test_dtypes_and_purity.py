"""float32 in gives float32 out, and no function modifies its inputs."""

import copy

import numpy as np
import pytest
from helpers import random_problem

from rnnbook import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)

KINDS = ["rnn", "lstm", "gru"]
SEQUENCE = {"rnn": (rnn_forward, rnn_backward), "lstm": (lstm_forward, lstm_backward),
            "gru": (gru_forward, gru_backward)}


def _run_all(kind, p):
    """Every forward and backward of one kind; returns all arrays they produce."""
    x, a0, parameters = p["x"], p["a0"], p["parameters"]
    if kind == "rnn":
        a_next, yt, cache = rnn_cell_forward(x[:, :, 0], a0, parameters)
        cell_grads = rnn_cell_backward(p["da"][:, :, 0], cache)
        a, y, caches = rnn_forward(x, a0, parameters)
        grads = rnn_backward(p["da"], caches)
        return [a_next, yt, a, y, *cell_grads.values(), *grads.values()]
    if kind == "gru":
        a_next, yt, cache = gru_cell_forward(x[:, :, 0], a0, parameters)
        cell_grads = gru_cell_backward(p["da"][:, :, 0], cache)
        a, y, caches = gru_forward(x, a0, parameters)
        grads = gru_backward(p["da"], caches)
        return [a_next, yt, *cache[:-1], a, y, *cell_grads.values(), *grads.values()]
    a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, 0], a0, p["c0"], parameters)
    cell_grads = lstm_cell_backward(p["da"][:, :, 0], p["dc"], cache)
    a, y, c, caches = lstm_forward(x, a0, parameters)
    grads = lstm_backward(p["da"], caches)
    return [a_next, c_next, yt, a, y, c, *cell_grads.values(), *grads.values()]


@pytest.mark.parametrize("kind", KINDS)
def test_float32_in_float32_out(kind):
    p = random_problem(kind, 3, 4, 2, 5, 3, dtype=np.float32)
    outputs = _run_all(kind, p)
    assert {out.dtype for out in outputs} == {np.dtype(np.float32)}


@pytest.mark.parametrize("kind", KINDS)
def test_float32_results_agree_with_float64(kind):
    p64 = random_problem(kind, 3, 4, 2, 5, 3)
    p32 = random_problem(kind, 3, 4, 2, 5, 3, dtype=np.float32)
    for out32, out64 in zip(_run_all(kind, p32), _run_all(kind, p64)):
        np.testing.assert_allclose(out32, out64, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("kind", KINDS)
def test_integer_inputs_give_float64(kind):
    p = random_problem(kind, 3, 4, 2, 5, 3)
    p["x"] = np.ones(p["x"].shape, dtype=np.int64)
    forward = SEQUENCE[kind][0]
    assert forward(p["x"], p["a0"], p["parameters"])[0].dtype == np.float64


@pytest.mark.parametrize("kind", KINDS)
def test_no_input_is_modified(kind):
    p = random_problem(kind, 3, 4, 2, 5, 3)
    before = copy.deepcopy(p)
    _run_all(kind, p)
    assert p.keys() == before.keys()
    for name in p:
        if name == "parameters":
            assert p[name].keys() == before[name].keys()
            for key in p[name]:
                np.testing.assert_array_equal(p[name][key], before[name][key])
        else:
            np.testing.assert_array_equal(p[name], before[name])


@pytest.mark.parametrize("kind", KINDS)
def test_backward_leaves_the_caches_intact(kind):
    """Running the backward pass twice gives the same answer: nothing in the cache moved."""
    p = random_problem(kind, 3, 4, 2, 5, 3)
    forward, backward = SEQUENCE[kind]
    caches = forward(p["x"], p["a0"], p["parameters"])[-1]
    first, second = backward(p["da"], caches), backward(p["da"], caches)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])
