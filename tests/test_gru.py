"""The GRU's own promises: each gate derivative, the cache, limiting cases.

The whole cell and sequence backward passes are checked against finite differences
in test_gradients.py, float32 and purity in test_dtypes_and_purity.py, error
messages in test_validation.py, like those of the other networks.
"""

import numpy as np
import pytest
from helpers import SHAPES, random_problem

import rnnbook
from rnnbook.activations import sigmoid
from rnnbook.gradcheck import numerical_gradient, relative_error
from rnnbook.gru import (
    GRUCache,
    gru_candidate_grad,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_prev_state_grad,
    gru_reset_gate_grad,
    gru_update_gate_grad,
)

TOLERANCE = 1e-8


def _draws(seed, n_a, m, count):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n_a, m)) for _ in range(count)]


# --- each gate derivative against finite differences of its own equation ----------


@pytest.mark.parametrize("n_a, m", [(1, 1), (3, 4), (5, 2)])
def test_candidate_grad(n_a, m):
    """a = u tanh(s) + (1 - u) a_prev, differentiated in the candidate's pre-activation s."""
    da_next, s, a_prev, u_pre = _draws(n_a * m, n_a, m, 4)
    ut = sigmoid(u_pre)
    numeric = numerical_gradient(lambda s: ut * np.tanh(s) + (1 - ut) * a_prev, s, da_next)
    assert relative_error(gru_candidate_grad(da_next, ut, np.tanh(s)), numeric) < TOLERANCE


@pytest.mark.parametrize("n_a, m", [(1, 1), (3, 4), (5, 2)])
def test_update_gate_grad(n_a, m):
    """a = sigmoid(s) cct + (1 - sigmoid(s)) a_prev, differentiated in s."""
    da_next, s, a_prev, c_pre = _draws(n_a + m, n_a, m, 4)
    cct = np.tanh(c_pre)
    numeric = numerical_gradient(lambda s: sigmoid(s) * cct + (1 - sigmoid(s)) * a_prev,
                                 s, da_next)
    analytic = gru_update_gate_grad(da_next, a_prev, sigmoid(s), cct)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("n_a, m", [(1, 1), (3, 4), (5, 2)])
def test_reset_gate_grad(n_a, m):
    """The reset state sigmoid(s) * a_prev, differentiated in s."""
    dra, s, a_prev = _draws(2 * n_a + m, n_a, m, 3)
    numeric = numerical_gradient(lambda s: sigmoid(s) * a_prev, s, dra)
    assert relative_error(gru_reset_gate_grad(dra, a_prev, sigmoid(s)), numeric) < TOLERANCE


@pytest.mark.parametrize("n_a, m", [(1, 1), (3, 4), (5, 2)])
def test_prev_state_direct_grad(n_a, m):
    """With the gates and the candidate held fixed, a_prev reaches two outputs:
    a_next = u c + (1 - u) a_prev, and the reset state r * a_prev."""
    da_next, dra, a_prev, u_pre, r_pre, cct = _draws(3 * n_a + m, n_a, m, 6)
    ut, rt = sigmoid(u_pre), sigmoid(r_pre)

    def outputs(a_prev):
        return np.concatenate([ut * cct + (1 - ut) * a_prev, rt * a_prev])

    numeric = numerical_gradient(outputs, a_prev, np.concatenate([da_next, dra]))
    analytic = gru_prev_state_grad(da_next, dra, ut, rt)
    assert relative_error(analytic, numeric) < TOLERANCE


def test_gate_derivatives_detect_a_wrong_sign():
    """The checks above can fail: the update gate's factor with its sign flipped does."""
    da_next, s, a_prev, c_pre = _draws(0, 3, 4, 4)
    cct = np.tanh(c_pre)
    numeric = numerical_gradient(lambda s: sigmoid(s) * cct + (1 - sigmoid(s)) * a_prev,
                                 s, da_next)
    wrong = gru_update_gate_grad(da_next, cct, sigmoid(s), a_prev)  # (a_prev - cct)
    assert relative_error(wrong, numeric) > 0.5


# --- the cache ---------------------------------------------------------------------


def test_cache_fields_in_order():
    p = random_problem("gru", 3, 4, 2, 5, 1)
    a_next, _, cache = gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])
    assert GRUCache._fields == ("a_next", "a_prev", "rt", "ut", "cct", "xt", "parameters")
    assert cache.a_next is a_next
    np.testing.assert_array_equal(cache.a_prev, p["a0"])


def test_cache_holds_the_checked_parameter_arrays():
    """Lists are accepted and stored as arrays; keys the GRU does not use are dropped;
    the caller's dictionary is not the one in the cache."""
    p = random_problem("gru", 3, 4, 2, 5, 1)
    given = {key: value.tolist() for key, value in p["parameters"].items()}
    given["unused"] = "anything"
    _, _, cache = gru_cell_forward(p["x"][:, :, 0], p["a0"], given)
    assert cache.parameters is not given
    assert set(cache.parameters) == set(p["parameters"])
    for key, value in cache.parameters.items():
        assert isinstance(value, np.ndarray)
        np.testing.assert_array_equal(value, p["parameters"][key])
    assert "unused" in given


@pytest.mark.parametrize("shape", SHAPES[:3])
def test_plain_tuple_caches_give_the_same_gradients(shape):
    p = random_problem("gru", *shape, seed=3)
    _, _, cache = gru_cell_forward(p["x"][:, :, 0], p["a0"], p["parameters"])
    named = gru_cell_backward(p["da"][:, :, 0], cache)
    plain = gru_cell_backward(p["da"][:, :, 0], tuple(cache))
    _, _, caches = gru_forward(p["x"], p["a0"], p["parameters"])
    named_sequence = gru_backward(p["da"], caches)
    plain_sequence = gru_backward(p["da"], ([tuple(c) for c in caches.caches], caches.x))
    for first, second in ((named, plain), (named_sequence, plain_sequence)):
        assert list(first) == list(second)
        for key in first:
            np.testing.assert_array_equal(first[key], second[key])


# --- limiting cases that tie the GRU to what the book already built -----------------


def test_open_gates_make_a_basic_rnn():
    """Update and reset gates wide open: a<t> = tanh(Wc [a<t-1>; x<t>] + bc)."""
    p = random_problem("gru", 3, 4, 2, 5, 6, seed=11)
    n_a = p["a0"].shape[0]
    gru = {**p["parameters"], "br": np.full((n_a, 1), 60.0), "bu": np.full((n_a, 1), 60.0)}
    rnn = {"Wax": gru["Wc"][:, n_a:], "Waa": gru["Wc"][:, :n_a], "ba": gru["bc"],
           "Wya": gru["Wy"], "by": gru["by"]}
    a_gru, y_gru, _ = gru_forward(p["x"], p["a0"], gru)
    a_rnn, y_rnn, _ = rnnbook.rnn_forward(p["x"], p["a0"], rnn)
    np.testing.assert_allclose(a_gru, a_rnn, rtol=0, atol=1e-14)
    np.testing.assert_allclose(y_gru, y_rnn, rtol=0, atol=1e-14)


def test_shut_update_gate_passes_state_and_gradient_through_unchanged():
    p = random_problem("gru", 3, 4, 2, 5, 6, seed=12)
    n_a = p["a0"].shape[0]
    shut = {**p["parameters"], "bu": np.full((n_a, 1), -60.0)}
    a, _, caches = gru_forward(p["x"], p["a0"], shut)
    np.testing.assert_allclose(a, np.repeat(p["a0"][:, :, None], 6, axis=2), rtol=0,
                               atol=1e-20)
    gradients = gru_backward(p["da"], caches)
    np.testing.assert_allclose(gradients["da0"], p["da"].sum(axis=2), rtol=1e-12)
