"""The home of every model's parameters: shapes, kinds, sizes, first values."""

import numpy as np
import pytest
from helpers import KINDS, assert_same_dicts, random_parameters

from rnnbook.model import MODELS
from rnnbook.parameters import (
    OUTPUT_WEIGHT,
    SHAPES,
    initialize_parameters,
    model_kind,
    parameter_shapes,
    sizes,
)


def test_every_model_has_one_entry_in_each_table():
    assert set(SHAPES) == set(OUTPUT_WEIGHT) == set(MODELS)
    for kind, table in SHAPES.items():
        keys = [p.key for p in table]
        assert len(set(keys)) == len(keys)
        assert OUTPUT_WEIGHT[kind] in keys and "by" in keys


def test_the_course_shapes():
    assert parameter_shapes("rnn", 3, 5, 2) == {
        "Wax": ("(n_a, n_x)", (5, 3)), "Waa": ("(n_a, n_a)", (5, 5)), "ba": ("(n_a, 1)", (5, 1)),
        "Wya": ("(n_y, n_a)", (2, 5)), "by": ("(n_y, 1)", (2, 1))}
    lstm = parameter_shapes("lstm", 3, 5, 2)
    assert [key for key in lstm] == ["Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"]
    assert lstm["Wo"] == ("(n_a, n_a + n_x)", (5, 8))


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"kind: expected one of \[.*'rnn'.*\], got 'mlp'"):
        parameter_shapes("mlp", 1, 1, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_kind_and_sizes_are_read_off_the_parameters(kind):
    parameters = random_parameters(kind, 3, 5, 2, np.random.default_rng(0))
    assert model_kind(parameters) == kind
    assert model_kind({**parameters, "extra": 1}) == kind
    assert sizes(parameters) == (3, 5, 2)


def test_a_dictionary_of_no_model_names_what_is_missing():
    parameters = random_parameters("lstm", 3, 5, 2, np.random.default_rng(0))
    del parameters["bo"]
    with pytest.raises(ValueError, match=r"closest is the lstm, which also needs \['bo'\]"):
        model_kind(parameters)
    with pytest.raises(TypeError, match="parameters: expected a dict, got list"):
        model_kind([])


@pytest.mark.parametrize("kind", KINDS)
def test_initialisation_shapes_bounds_and_biases(kind):
    parameters = initialize_parameters(kind, 3, 5, 7, np.random.default_rng(0))
    expected = parameter_shapes(kind, 3, 5, 7)
    assert {key: value.shape for key, value in parameters.items()} == {
        key: shape for key, (_, shape) in expected.items()}
    for p in SHAPES[kind]:
        value = parameters[p.key]
        if p.columns == "1":
            assert np.all(value == (1.0 if p.key == "bf" else 0.0)), p.key
        else:
            fan_out, fan_in = value.shape
            assert np.abs(value).max() <= np.sqrt(6 / (fan_in + fan_out))


def test_glorot_variance_on_a_large_matrix():
    Waa = initialize_parameters("rnn", 1, 400, 1, np.random.default_rng(1))["Waa"]
    assert Waa.var() == pytest.approx(1 / 400, rel=0.02)


def test_the_forget_bias_can_be_chosen():
    custom = initialize_parameters("lstm", 3, 4, 6, np.random.default_rng(0), forget_bias=2.5)
    np.testing.assert_array_equal(custom["bf"], np.full((4, 1), 2.5))


def test_the_update_bias_can_be_chosen_and_is_the_grus_alone():
    custom = initialize_parameters("gru", 3, 4, 6, np.random.default_rng(0), update_bias=-2.5)
    plain = initialize_parameters("gru", 3, 4, 6, np.random.default_rng(0))
    np.testing.assert_array_equal(custom["bu"], np.full((4, 1), -2.5))
    assert_same_dicts({k: v for k, v in custom.items() if k != "bu"},
                      {k: v for k, v in plain.items() if k != "bu"})
    # the LSTM's update gate (key "bi") and forget gate do not move with it
    lstm = initialize_parameters("lstm", 3, 4, 6, 0, update_bias=-2.5)
    assert np.all(lstm["bi"] == 0.0) and np.all(lstm["bf"] == 1.0)


def test_a_negative_update_bias_gives_the_gru_the_lstms_memory():
    """b_u = -b keeps sigma(b) of the GRU's state per step, as b_f = b keeps the LSTM's."""
    n_x, n_a, m, T_x, bias = 2, 3, 1, 5, 3.0
    quiet = {"lstm": initialize_parameters("lstm", n_x, n_a, 2, 0, forget_bias=bias),
             "gru": initialize_parameters("gru", n_x, n_a, 2, 0, update_bias=-bias)}
    for p in quiet.values():  # silence the weights: the gates sit at their biases
        for key, value in p.items():
            if value.shape[1] != 1:
                p[key] = np.zeros_like(value)
    x, a0 = np.zeros((n_x, m, T_x)), np.full((n_a, m), 0.5)
    a_gru = MODELS["gru"].forward(x, a0, quiet["gru"])[0]
    c_lstm = MODELS["lstm"].forward(x, np.zeros((n_a, m)), quiet["lstm"], a0)[2]
    keep = 1 / (1 + np.exp(-bias))
    np.testing.assert_allclose(a_gru[:, 0, -1], 0.5 * keep**T_x, rtol=1e-12)
    np.testing.assert_allclose(c_lstm[:, 0, -1], 0.5 * keep**T_x, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_initialisation_is_seeded_and_keeps_the_dtype(kind):
    first = initialize_parameters(kind, 3, 4, 5, np.random.default_rng(3), dtype=np.float32)
    again = initialize_parameters(kind, 3, 4, 5, 3, dtype=np.float32)  # an int seed works too
    other = initialize_parameters(kind, 3, 4, 5, 4, dtype=np.float32)
    assert_same_dicts(first, again)
    assert all(value.dtype == np.float32 for value in first.values())
    assert not np.array_equal(first[SHAPES[kind][0].key], other[SHAPES[kind][0].key])


@pytest.mark.parametrize("arguments, error, message", [
    ((3, 4, 5, "seed"), TypeError, "rng: expected a numpy.random.Generator or a non-negative int"),
    ((3, 4, 5, -1), TypeError, "rng: expected a numpy.random.Generator or a non-negative int"),
    ((3, -4, 5, 0), ValueError, "n_a: expected an integer >= 0, got -4"),
    ((3, 4.5, 5, 0), TypeError, "n_a: expected an integer, got 4.5"),
])
def test_initialisation_refuses_nonsense(arguments, error, message):
    with pytest.raises(error, match=message):
        initialize_parameters("rnn", *arguments)
    with pytest.raises(TypeError, match="dtype: expected a floating dtype, got int64"):
        initialize_parameters("rnn", 3, 4, 5, 0, dtype=np.int64)
    with pytest.raises(ValueError, match="forget_bias: expected a finite number, got nan"):
        initialize_parameters("lstm", 3, 4, 5, 0, forget_bias=float("nan"))
    with pytest.raises(ValueError, match="update_bias: expected a finite number, got inf"):
        initialize_parameters("gru", 3, 4, 5, 0, update_bias=float("inf"))
    with pytest.raises(TypeError, match="update_bias: expected a real number, got '-3'"):
        initialize_parameters("gru", 3, 4, 5, 0, update_bias="-3")
