"""The long-memory experiments: the biases that set how much a gated model keeps."""

import numpy as np
import pytest
from helpers import KINDS

from rnnbook.activations import sigmoid
from rnnbook.experiments import gradient_decay, long_dependency_accuracy, scaled_parameters


@pytest.mark.parametrize("kind", KINDS)
def test_scaled_parameters_set_only_their_own_models_biases(kind):
    p = scaled_parameters(kind, 3, 4, 1.0, 0, forget_bias=2.0, update_bias=-1.5)
    starts = {"lstm": {"bf": 2.0}, "gru": {"bu": -1.5}}.get(kind, {})
    for key, value in p.items():
        if value.shape == (4, 1):  # the recurrent layer's biases
            assert np.all(value == starts.get(key, 0.0)), key


def test_the_grus_update_bias_sets_how_much_gradient_survives():
    """Small recurrent weights: the direct path, 1 - Gamma_u per step, carries the gradient."""
    settings = dict(scales=(0.1,), n_a=16, n_x=4, T_x=30, m=8, kinds=("gru",))
    shut = gradient_decay(update_bias=-3.0, **settings).norms["gru"][0]
    even = gradient_decay(**settings).norms["gru"][0]  # b_u = 0: half kept per step
    factor = shut[-1] ** (1 / 29)  # the average factor per step
    # near sigma(3) = 0.95 (the inputs move the gate a little: 0.94 to 1.0 over seeds)
    assert abs(factor / sigmoid(3.0) - 1) < 0.1
    assert even[-1] ** (1 / 29) < 0.6  # b_u = 0: near sigma(0) = 0.5
    assert even[-1] < 1e-6 < 1e-2 < shut[-1]


def test_gradient_decay_gives_each_gated_model_its_own_bias():
    """forget_bias moves the LSTM alone, update_bias the GRU alone."""
    settings = dict(scales=(0.5,), n_a=8, n_x=3, T_x=12, m=4, seed=3)
    base = gradient_decay(**settings)
    lstm_moved = gradient_decay(forget_bias=3.0, **settings)
    gru_moved = gradient_decay(update_bias=-3.0, **settings)
    for kind in ("rnn", "gru"):
        np.testing.assert_array_equal(base.norms[kind], lstm_moved.norms[kind])
    for kind in ("rnn", "lstm"):
        np.testing.assert_array_equal(base.norms[kind], gru_moved.norms[kind])
    assert lstm_moved.norms["lstm"][0, -1] > 10 * base.norms["lstm"][0, -1]
    assert gru_moved.norms["gru"][0, -1] > 10 * base.norms["gru"][0, -1]


@pytest.mark.parametrize("function, arguments", [
    (scaled_parameters, ("gru", 2, 3, 1.0, 0)),
    (gradient_decay, ()),
    (long_dependency_accuracy, ()),
])
@pytest.mark.parametrize("name, value, error, message", [
    ("update_bias", float("nan"), ValueError, "update_bias: expected a finite number, got nan"),
    ("forget_bias", float("inf"), ValueError, "forget_bias: expected a finite number, got inf"),
    ("update_bias", "-3", TypeError, "update_bias: expected a real number, got '-3'"),
])
def test_the_biases_are_checked_before_any_work(function, arguments, name, value, error, message):
    with pytest.raises(error, match=message):
        function(*arguments, **{name: value})


def test_the_recall_task_trains_alike_with_the_fused_passes():
    """The fused passes give the same gradients, so training ends at the same accuracy."""
    import rnnbook.fused

    budget = dict(ks=(2, 6), n_a=6, n_steps=30, batch_size=8, learning_rate=0.05,
                  n_test=200, seed=3)
    teaching = long_dependency_accuracy(**budget)
    fused = long_dependency_accuracy(**budget, implementation=rnnbook.fused)
    for kind in teaching.accuracy:
        np.testing.assert_allclose(fused.accuracy[kind], teaching.accuracy[kind], atol=0.02)
        assert teaching.accuracy[kind][0] > teaching.chance  # it learned something
