"""Bad input fails at the public functions with a message a learner can act on."""

import re

import numpy as np
import pytest
from helpers import IMPLEMENTATIONS, KINDS, random_problem, sequence_functions

from rnnbook import (
    gru_cell_backward,
    gru_cell_forward,
    lstm_cell_backward,
    lstm_cell_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
)
from rnnbook.parameters import OUTPUT_WEIGHT

N_X, N_A, N_Y, M, T_X = 3, 5, 2, 4, 6


def _problem(kind):
    return random_problem(kind, N_X, N_A, N_Y, M, T_X)


def _message(*parts):
    """A regex requiring every part, in order, in the error message."""
    return ".*".join(re.escape(part) for part in parts)


def _without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def _with(parameters, key, value):
    return {**parameters, key: value}


@pytest.fixture(params=list(IMPLEMENTATIONS))
def implementation(request):
    return request.param


@pytest.mark.parametrize("kind", KINDS)
class TestSequenceForward:
    @pytest.fixture(autouse=True)
    def _implementation(self, implementation):
        self.implementation = implementation

    def run(self, kind, x, a0, parameters):
        return sequence_functions(kind, self.implementation)[0](x, a0, parameters)

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
        key = next(iter(p["parameters"]))  # the first weight reads the input
        expected = "(n_a, n_x) = (5, 2)" if kind == "rnn" else "(n_a, n_a + n_x) = (5, 7)"
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', expected,
                                                      "n_x = 2 from x")):
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
        if key == OUTPUT_WEIGHT[kind]:
            bad = np.zeros((N_Y, N_A + 1))
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', "expected shape",
                                                      f"got {bad.shape}")):
            self.run(kind, p["x"], p["a0"], _with(p["parameters"], key, bad))

    @pytest.mark.parametrize("key_index", [1, 2, -1])
    def test_parameter_missing(self, kind, key_index):
        p = _problem(kind)
        key = list(p["parameters"])[key_index]
        with pytest.raises(KeyError, match=_message("parameters", key)):
            self.run(kind, p["x"], p["a0"], _without(p["parameters"], key))

    def test_bias_as_vector_is_rejected(self, kind):
        """A (n_a,) bias would broadcast into a silent wrong answer; it must fail."""
        p = _problem(kind)
        key = next(k for k in p["parameters"] if p["parameters"][k].shape == (N_A, 1))
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', "(n_a, 1)", "(5,)")):
            self.run(kind, p["x"], p["a0"], _with(p["parameters"], key, np.zeros(N_A)))

    def test_no_output_class_is_rejected(self, kind):
        p = _problem(kind)
        key = OUTPUT_WEIGHT[kind]
        with pytest.raises(ValueError, match=_message(f'parameters["{key}"]', "n_y >= 1", "(0, 5)")):
            self.run(kind, p["x"], p["a0"], _with(p["parameters"], key, np.zeros((0, N_A))))

    @pytest.mark.parametrize("dtype", [bool, complex, object])
    def test_arrays_of_other_than_real_numbers_are_rejected(self, kind, dtype):
        p = _problem(kind)
        with pytest.raises(TypeError, match=_message("x", "real numbers", "got dtype")):
            self.run(kind, p["x"].astype(dtype), p["a0"], p["parameters"])


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
    def test_da_with_more_steps_than_forward(self, kind, implementation):
        p = _problem(kind)
        forward, backward = sequence_functions(kind, implementation)
        caches = forward(p["x"][:, :, :3], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(n_a, m, T_x) = (5, 4, T_x)",
                                                      "T_x <= 3", f"got (5, 4, {T_X})")):
            backward(p["da"], caches)

    @pytest.mark.parametrize("kind", KINDS)
    def test_da_with_wrong_batch(self, kind, implementation):
        p = _problem(kind)
        forward, backward = sequence_functions(kind, implementation)
        caches = forward(p["x"], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(5, 4, T_x)", "got (5, 2, 6)")):
            backward(p["da"][:, :2], caches)

    @pytest.mark.parametrize("kind", KINDS)
    def test_da_wrong_ndim(self, kind, implementation):
        p = _problem(kind)
        forward, backward = sequence_functions(kind, implementation)
        caches = forward(p["x"], p["a0"], p["parameters"])[-1]
        with pytest.raises(ValueError, match=_message("da", "(n_a, m, T_x)", "(5, 4)")):
            backward(p["da"][:, :, 0], caches)

    def test_caches_not_a_pair(self):
        p = _problem("rnn")
        with pytest.raises(ValueError, match="caches"):
            rnn_backward(p["da"], [])


class TestCellBackwardUpstream:
    """The cells' upstream gradients are checked like the sequences' ``da``."""

    @pytest.mark.parametrize("dtype", [bool, complex])
    def test_rnn_cell_rejects_non_real_da_next(self, dtype):
        p = _problem("rnn")
        cache = rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        with pytest.raises(TypeError, match=_message("da_next", "real numbers", "got dtype")):
            rnn_cell_backward(p["da"][:, :, 0].astype(dtype), cache)

    @pytest.mark.parametrize("dtype", [bool, complex])
    def test_lstm_cell_rejects_non_real_dc_next(self, dtype):
        p = _problem("lstm")
        cache = lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"])[3]
        with pytest.raises(TypeError, match=_message("dc_next", "real numbers", "got dtype")):
            lstm_cell_backward(p["da"][:, :, 0], p["dc"].astype(dtype), cache)


class TestPlainTupleCaches:
    """A cache written the course's way, as a plain tuple, is checked field by field."""

    def test_a_plain_tuple_with_list_parameters_works(self):
        p = _problem("rnn")
        cache = rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        as_lists = {key: value.tolist() for key, value in cache.parameters.items()}
        plain = (*cache[:3], as_lists)
        expected = rnn_cell_backward(p["da"][:, :, 0], cache)
        for key, value in rnn_cell_backward(p["da"][:, :, 0], plain).items():
            np.testing.assert_array_equal(value, expected[key])

    def test_a_plain_tuple_with_a_misshapen_field_is_refused(self):
        p = _problem("lstm")
        cache = lstm_cell_forward(p["x"][:, :, 0], p["a0"], p["c0"], p["parameters"])[3]
        plain = tuple(cache)[:4] + (cache.ft[:, :2],) + tuple(cache)[5:]
        with pytest.raises(ValueError, match=_message("cache.ft", "(n_a, m) = (5, 4)", "(5, 2)")):
            lstm_cell_backward(p["da"][:, :, 0], p["dc"], plain)

    def test_a_gru_plain_tuple_with_a_misshapen_gate_is_refused(self):
        p = _problem("gru")
        cache = gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        plain = (*cache[:2], cache.rt[:3], *cache[3:])
        with pytest.raises(ValueError, match=_message("cache.rt", "(n_a, m) = (5, 4)", "(3, 4)")):
            gru_cell_backward(p["da"][:, :, 0], plain)

    def test_a_plain_tuple_with_wrong_parameters_is_refused(self):
        p = _problem("rnn")
        cache = rnn_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])[2]
        parameters = {**cache.parameters, "Waa": cache.parameters["Waa"][:, :3]}
        with pytest.raises(ValueError, match=_message('parameters["Waa"]', "(5, 5)",
                                                      "n_a = 5 from cache.a_next", "(5, 3)")):
            rnn_cell_backward(p["da"][:, :, 0], (*cache[:3], parameters))


def _bad_forward_inputs(kind):
    """(name, error, x, a0, parameters): what every forward pass must reject."""
    p = random_problem(kind, 3, 5, 2, 4, 6)
    x, a0, parameters = p["x"], p["a0"], p["parameters"]
    key = next(iter(parameters))
    return [
        ("x wrong ndim", ValueError, x[:, :, 0], a0, parameters),
        ("a0 wrong ndim", ValueError, x, a0[:, :, None], parameters),
        ("m mismatch", ValueError, x, a0[:, :3], parameters),
        ("n_x mismatch", ValueError, x[:2], a0, parameters),
        ("n_a mismatch", ValueError, x, a0[:4], parameters),
        ("parameter wrong shape", ValueError, x, a0, _with(parameters, key, parameters[key][:, :-1])),
        ("bias as a vector", ValueError, x, a0, _with(parameters, "by", parameters["by"][:, 0])),
        ("missing key", KeyError, x, a0, _without(parameters, key)),
        ("parameters not a dict", TypeError, x, a0, list(parameters.values())),
        ("complex input", TypeError, x.astype(complex), a0, parameters),
    ]


@pytest.mark.parametrize("case", range(10))
@pytest.mark.parametrize("kind", KINDS)
def test_fused_and_teaching_versions_give_the_same_messages(kind, case):
    name, error, x, a0, parameters = _bad_forward_inputs(kind)[case]
    messages = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(error) as raised:
            sequence_functions(kind, implementation)[0](x, a0, parameters)
        messages.append(str(raised.value))
    assert messages[0] == messages[1], name
