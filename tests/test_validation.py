"""Bad input fails at the public functions with a message a learner can act on."""

import re

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

N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 6
SEQUENCE = {"rnn": (rnn_forward, rnn_backward), "lstm": (lstm_forward, lstm_backward),
            "gru": (gru_forward, gru_backward)}
KINDS = list(SEQUENCE)
# per kind: the first gate weight, the expected shape for n_x = 2, the first gate bias
FIRST_GATE = {"rnn": ("Wax", "(n_a, n_x) = (5, 2)", "ba"),
              "lstm": ("Wf", "(n_a, n_a + n_x) = (5, 7)", "bf"),
              "gru": ("Wr", "(n_a, n_a + n_x) = (5, 7)", "br")}


def _problem(kind):
    return random_problem(kind, N_X, N_A, N_Y, M, T_X)


def _message(*parts):
    """A regex requiring every part, in order, in the error message."""
    return ".*".join(re.escape(part) for part in parts)


def _without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def _with(parameters, key, value):
    return {**parameters, key: value}


@pytest.mark.parametrize("kind", KINDS)
class TestSequenceForward:
    def run(self, kind, x, a0, parameters):
        return SEQUENCE[kind][0](x, a0, parameters)

    def test_x_wrong_ndim(self, kind):
        p = _problem(kind)
        with pytest.raises(ValueError, match=_message("x", "(n_x, m, T_x)", "(3, 4)")):
            self.run(kind, p["x"][:, :, 0], p["a0"], p["parameters"])

    def test_a0_wrong_ndim(self, kind):
        p = _problem(kind)
        with pytest.raises(ValueError, match=_message("a0", "(n_a, m)", "(5, 4, 1)")):
            self.run(kind, p["x"], p["a0"][:, :, None], p["parameters"])

    def test_m_mismatch_between_x_and_a0(self, kind):
        p = _problem(kind)
        with pytest.raises(ValueError, match=_message("a0", "(n_a, m) = (5, 4)", "(5, 3)")):
            self.run(kind, p["x"], p["a0"][:, :3], p["parameters"])

    def test_n_x_mismatch_between_x_and_parameters(self, kind):
        p = _problem(kind)
        key, expected, _ = FIRST_GATE[kind]
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', expected)):
            self.run(kind, p["x"][:2], p["a0"], p["parameters"])

    def test_n_a_mismatch_between_a0_and_parameters(self, kind):
        p = _problem(kind)
        with pytest.raises(ValueError, match=_message("parameters[", "n_a", "(4, ")):
            self.run(kind, p["x"], p["a0"][:4], p["parameters"])

    @pytest.mark.parametrize("key_index", range(5))
    def test_parameter_of_wrong_shape(self, kind, key_index):
        p = _problem(kind)
        key = sorted(p["parameters"])[key_index]
        bad = np.zeros((7, 9))
        if key in ("Wya", "Wy"):
            bad = np.zeros((N_Y, N_A + 1))
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', "expected shape",
                                                      f"got {bad.shape}")):
            self.run(kind, p["x"], p["a0"], _with(p["parameters"], key, bad))

    def test_parameter_missing(self, kind):
        p = _problem(kind)
        key = "Waa" if kind == "rnn" else "bc"
        with pytest.raises(KeyError, match=_message("parameters", key)):
            self.run(kind, p["x"], p["a0"], _without(p["parameters"], key))

    def test_bias_as_vector_is_rejected(self, kind):
        """A (n_a,) bias would broadcast into a silent wrong answer; it must fail."""
        p = _problem(kind)
        key = FIRST_GATE[kind][2]
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', "(n_a, 1)", "(5,)")):
            self.run(kind, p["x"], p["a0"], _with(p["parameters"], key, np.zeros(N_A)))


class TestCellForward:
    def test_rnn_cell_m_mismatch(self):
        p = _problem("rnn")
        with pytest.raises(ValueError, match=_message("a_prev", "(n_a, m) = (5, 4)", "(5, 2)")):
            rnn_cell_forward(p["x"][:, :, 0], p["a0"][:, :2], p["parameters"])

    def test_rnn_cell_xt_wrong_ndim(self):
        p = _problem("rnn")
        with pytest.raises(ValueError, match=_message("xt", "(n_x, m)", "(3,)")):
            rnn_cell_forward(p["x"][:, 0, 0], p["a0"], p["parameters"])

    def test_lstm_cell_c_prev_mismatch(self):
        p = _problem("lstm")
        with pytest.raises(ValueError, match=_message("c_prev", "(n_a, m) = (5, 4)", "(4, 4)")):
            lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"][:4], p["parameters"])

    def test_gru_cell_n_x_mismatch(self):
        p = _problem("gru")
        with pytest.raises(ValueError, match=_message('parameters["Wr"]', "(n_a, n_a + n_x) = (5, 7)",
                                                      "n_x = 2 from xt", "got (5, 8)")):
            gru_cell_forward(p["x"][:2, :, 0], p["a0"], p["parameters"])

    def test_gru_cell_m_mismatch(self):
        p = _problem("gru")
        with pytest.raises(ValueError, match=_message("a_prev", "(n_a, m) = (5, 4)", "(5, 2)")):
            gru_cell_forward(p["x"][:, :, 0], p["a0"][:, :2], p["parameters"])

    def test_parameters_not_a_dict(self):
        p = _problem("rnn")
        with pytest.raises(TypeError, match="parameters"):
            rnn_cell_forward(p["x"][:, :, 0], p["a0"], list(p["parameters"].values()))


class TestBackward:
    def test_rnn_cell_da_next_wrong_shape(self):
        p = _problem("rnn")
        cache = rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        with pytest.raises(ValueError, match=_message("da_next", "(n_a, m) = (5, 4)", "(5, 3)")):
            rnn_cell_backward(p["da"][:, :3, 0], cache)

    def test_lstm_cell_dc_next_wrong_shape(self):
        p = _problem("lstm")
        cache = lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"])[3]
        with pytest.raises(ValueError, match=_message("dc_next", "(n_a, m) = (5, 4)", "(5,)")):
            lstm_cell_backward(p["da"][:, :, 0], p["dc"][:, 0], cache)

    def test_gru_cell_da_next_wrong_shape(self):
        p = _problem("gru")
        cache = gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        with pytest.raises(ValueError, match=_message("da_next", "(n_a, m) = (5, 4)", "(5, 4, 1)")):
            gru_cell_backward(p["da"][:, :, :1], cache)

    def test_gru_cell_given_an_lstm_cache(self):
        p = _problem("lstm")
        cache = lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"])[3]
        with pytest.raises(ValueError, match=_message("cache", "GRUCache", "7 fields", "length 10")):
            gru_cell_backward(p["da"][:, :, 0], cache)

    def test_wrong_cache(self):
        p = _problem("lstm")
        cache = rnn_cell_forward(p["x"][:, :, 0], p["a0"],
                                 _problem("rnn")["parameters"])[2]
        with pytest.raises(ValueError, match=_message("cache", "LSTMCache", "10 fields", "length 4")):
            lstm_cell_backward(p["da"][:, :, 0], p["dc"], cache)

    @pytest.mark.parametrize("kind", KINDS)
    def test_da_with_more_steps_than_forward(self, kind):
        p = _problem(kind)
        forward, backward = SEQUENCE[kind]
        caches = forward(p["x"][:, :, :3], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(n_a, m, T_x) = (5, 4, T_x)",
                                                      "T_x <= 3", f"got (5, 4, {T_X})")):
            backward(p["da"], caches)

    @pytest.mark.parametrize("kind", KINDS)
    def test_da_with_wrong_batch(self, kind):
        p = _problem(kind)
        forward, backward = SEQUENCE[kind]
        caches = forward(p["x"], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(5, 4, T_x)", "got (5, 2, 6)")):
            backward(p["da"][:, :2], caches)

    @pytest.mark.parametrize("kind", KINDS)
    def test_da_wrong_ndim(self, kind):
        p = _problem(kind)
        forward, backward = SEQUENCE[kind]
        caches = forward(p["x"], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(n_a, m, T_x)", "(5, 4)")):
            backward(p["da"][:, :, 0], caches)

    def test_caches_not_a_pair(self):
        p = _problem("rnn")
        with pytest.raises(ValueError, match="caches"):
            rnn_backward(p["da"], [])
