"""float32 in gives float32 out, and no function modifies its inputs: teaching and fused."""

import copy

import numpy as np
import pytest
from helpers import IMPLEMENTATIONS, KINDS, random_problem, sequence_functions

import rnnbook

CELLS = {
    "rnn": (rnnbook.rnn_cell_forward, rnnbook.rnn_cell_backward),
    "lstm": (rnnbook.lstm_cell_forward, rnnbook.lstm_cell_backward),
    "gru": (rnnbook.gru_cell_forward, rnnbook.gru_cell_backward),
}


def _cell_outputs(kind, p):
    """Every array one forward and one backward step of the teaching cell produce."""
    forward, backward = CELLS[kind]
    xt, a0, da = p["x"][:, :, 0], p["a0"], p["da"][:, :, 0]
    if kind == "lstm":
        *outputs, cache = forward(xt, a0, p["c0"], p["parameters"])
        return [*outputs, *backward(da, p["dc"], cache).values()]
    *outputs, cache = forward(xt, a0, p["parameters"])
    return [*outputs, *backward(da, cache).values()]


def _sequence_outputs(kind, implementation, p):
    """Every array the sequence forward and backward passes produce (caches aside)."""
    forward, backward = sequence_functions(kind, implementation)
    *outputs, caches = forward(p["x"], p["a0"], p["parameters"])
    return [*outputs, *backward(p["da"], caches).values()]


def _all_outputs(kind, implementation, p):
    cells = _cell_outputs(kind, p) if implementation == "teaching" else []
    return cells + _sequence_outputs(kind, implementation, p)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_float32_in_float32_out(kind, implementation):
    p = random_problem(kind, 3, 4, 2, 5, 3, dtype=np.float32)
    outputs = _all_outputs(kind, implementation, p)
    assert {out.dtype for out in outputs} == {np.dtype(np.float32)}


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_float32_results_agree_with_float64(kind, implementation):
    p64 = random_problem(kind, 3, 4, 2, 5, 3)
    p32 = random_problem(kind, 3, 4, 2, 5, 3, dtype=np.float32)
    pairs = zip(_all_outputs(kind, implementation, p32), _all_outputs(kind, implementation, p64),
                strict=True)
    for out32, out64 in pairs:
        np.testing.assert_allclose(out32, out64, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_integer_inputs_give_float64(kind, implementation):
    p = random_problem(kind, 3, 4, 2, 5, 3)
    forward, _ = sequence_functions(kind, implementation)
    x = np.ones(p["x"].shape, dtype=np.int64)
    assert forward(x, p["a0"], p["parameters"])[0].dtype == np.float64


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_input_is_modified(kind, implementation):
    p = random_problem(kind, 3, 4, 2, 5, 3)
    before = copy.deepcopy(p)
    _all_outputs(kind, implementation, p)
    assert p.keys() == before.keys()
    for name in p:
        if name == "parameters":
            assert list(p[name]) == list(before[name])
            for key in p[name]:
                np.testing.assert_array_equal(p[name][key], before[name][key])
        else:
            np.testing.assert_array_equal(p[name], before[name])


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_backward_leaves_the_caches_intact(kind, implementation):
    """The backward pass run twice, the second time on fewer steps, then a third time."""
    p = random_problem(kind, 3, 4, 2, 5, 20)
    forward, backward = sequence_functions(kind, implementation)
    caches = forward(p["x"], p["a0"], p["parameters"])[-1]
    snapshot = copy.deepcopy(caches)
    first, second = backward(p["da"], caches), backward(p["da"][:, :, :7], caches)
    third = backward(p["da"], caches)
    for key in first:
        np.testing.assert_array_equal(first[key], third[key])
    assert second["dx"].shape[2] == 7
    for now, then in zip(_arrays(caches), _arrays(snapshot), strict=True):
        np.testing.assert_array_equal(now, then)


def _arrays(value):
    """Every array inside a cache: nested tuples, lists and dicts, in order."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_changing_the_parameters_after_the_forward_pass_leaves_the_gradients(kind, implementation):
    """The caches hold what the forward pass ran with, not a live view of the caller's dict."""
    p = random_problem(kind, 3, 4, 2, 5, 3)
    forward, backward = sequence_functions(kind, implementation)
    parameters = copy.deepcopy(p["parameters"])
    caches = forward(p["x"], p["a0"], parameters)[-1]
    before = backward(p["da"], caches)
    parameters.clear()  # the caller is free to drop or rebuild its dictionary
    after = backward(p["da"], caches)
    for key in before:
        np.testing.assert_array_equal(before[key], after[key])


@pytest.mark.parametrize("kind", KINDS)
def test_list_valued_parameters_run_forward_and_backward(kind):
    """Parameters given as nested lists are checked, converted, and kept converted."""
    p = random_problem(kind, 3, 4, 2, 5, 3)
    as_lists = {key: value.tolist() for key, value in p["parameters"].items()}
    forward, backward = sequence_functions(kind)
    caches = forward(p["x"], p["a0"], as_lists)[-1]
    reference = backward(p["da"], forward(p["x"], p["a0"], p["parameters"])[-1])
    for key, value in backward(p["da"], caches).items():
        np.testing.assert_array_equal(value, reference[key])
