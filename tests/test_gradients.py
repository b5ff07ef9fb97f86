"""Every backward pass against centred finite differences, float64, many shapes."""

import numpy as np
import pytest
from helpers import SHAPES, random_problem

from rnnbook import course
from rnnbook.gradcheck import (
    check_gru_backward,
    check_gru_cell_backward,
    check_lstm_backward,
    check_lstm_cell_backward,
    check_rnn_backward,
    check_rnn_cell_backward,
    numerical_gradient,
    relative_error,
)

TOLERANCE = 1e-7
SHAPE_IDS = ["n_x={}_n_a={}_n_y={}_m={}_T={}".format(*s) for s in SHAPES]


def _assert_all_small(errors, expected_keys):
    assert list(errors) == expected_keys
    worst = max(errors, key=errors.get)
    assert errors[worst] < TOLERANCE, f"{worst}: relative error {errors[worst]:.2e}"


RNN_CELL_KEYS = ["dxt", "da_prev", "dWax", "dWaa", "dba"]
RNN_KEYS = ["dx", "da0", "dWax", "dWaa", "dba"]
LSTM_PARAMS = [f"d{kind}{gate}" for gate in "fico" for kind in "Wb"]
GRU_PARAMS = [f"d{kind}{gate}" for gate in "ruc" for kind in "Wb"]


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_rnn_cell_backward_matches_finite_differences(shape):
    p = random_problem("rnn", *shape)
    errors = check_rnn_cell_backward(p["x"][:, :, 0], p["a0"], p["parameters"], p["da"][:, :, 0])
    _assert_all_small(errors, RNN_CELL_KEYS)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_rnn_backward_matches_finite_differences(shape):
    p = random_problem("rnn", *shape)
    _assert_all_small(check_rnn_backward(p["x"], p["a0"], p["parameters"], p["da"]), RNN_KEYS)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_lstm_cell_backward_matches_finite_differences(shape):
    p = random_problem("lstm", *shape)
    errors = check_lstm_cell_backward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"],
                                      p["da"][:, :, 0], p["dc"])
    _assert_all_small(errors, ["dxt", "da_prev", "dc_prev", *LSTM_PARAMS])


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_lstm_backward_matches_finite_differences(shape):
    p = random_problem("lstm", *shape)
    errors = check_lstm_backward(p["x"], p["a0"], p["parameters"], p["da"])
    _assert_all_small(errors, ["dx", "da0", *LSTM_PARAMS])


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_gru_cell_backward_matches_finite_differences(shape):
    p = random_problem("gru", *shape)
    errors = check_gru_cell_backward(p["x"][:, :, 0], p["a0"], p["parameters"],
                                     p["da"][:, :, 0])
    _assert_all_small(errors, ["dxt", "da_prev", *GRU_PARAMS])


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_gru_backward_matches_finite_differences(shape):
    p = random_problem("gru", *shape)
    errors = check_gru_backward(p["x"], p["a0"], p["parameters"], p["da"])
    _assert_all_small(errors, ["dx", "da0", *GRU_PARAMS])


def test_backward_with_fewer_upstream_steps_than_forward():
    """``da`` covering only the first steps: the loss ignores the later hidden states."""
    p = random_problem("lstm", 3, 4, 2, 2, 5, seed=7)
    _assert_all_small(check_lstm_backward(p["x"], p["a0"], p["parameters"], p["da"][:, :, :2]),
                      ["dx", "da0", *LSTM_PARAMS])
    p = random_problem("rnn", 3, 4, 2, 2, 5, seed=7)
    _assert_all_small(check_rnn_backward(p["x"], p["a0"], p["parameters"], p["da"][:, :, :3]),
                      RNN_KEYS)
    p = random_problem("gru", 3, 4, 2, 2, 5, seed=7)
    _assert_all_small(check_gru_backward(p["x"], p["a0"], p["parameters"], p["da"][:, :, :2]),
                      ["dx", "da0", *GRU_PARAMS])


@pytest.mark.parametrize("check, case", [
    (check_rnn_cell_backward, course.rnn_cell_backward_case),
    (check_rnn_backward, course.rnn_backward_case),
    (check_lstm_cell_backward, course.lstm_cell_backward_case),
    (check_lstm_backward, course.lstm_backward_case),
])
def test_seeded_course_cases_match_finite_differences(check, case):
    errors = check(**case())
    assert max(errors.values()) < TOLERANCE


def test_checker_detects_a_wrong_gradient():
    """The checker is only worth something if it fails on a bug."""
    x = np.array([0.3, -1.2, 2.0])
    numerical = numerical_gradient(np.sin, x, np.ones(3))
    assert relative_error(np.cos(x), numerical) < 1e-9
    assert relative_error(np.cos(x) * 1.01, numerical) > 1e-3


def test_checker_leaves_its_input_untouched():
    x = np.array([[1.0, 2.0]])
    before = x.copy()
    numerical_gradient(lambda v: v**2, x, np.ones_like(x))
    np.testing.assert_array_equal(x, before)
