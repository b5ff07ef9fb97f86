"""Optimizers, clipping, and the training loop."""

import copy
import math

import numpy as np
import pytest
from helpers import KINDS, assert_same_dicts

from rnnbook.output import one_hot
from rnnbook.parameters import initialize_parameters
from rnnbook.train import (
    adam_state,
    adam_step,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    sgd_step,
    train_model,
)


# --- optimizers -------------------------------------------------------------------

TARGET = {"w": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([[4.0], [-1.0]])}
CURVATURE = {"w": np.array([[1.0, 5.0], [0.2, 2.0]]), "b": np.array([[3.0], [0.5]])}


def quadratic(parameters):
    """0.5 * sum c (p - target)^2, and its gradient."""
    loss = sum(0.5 * np.sum(CURVATURE[k] * (v - TARGET[k]) ** 2) for k, v in parameters.items())
    return loss, {"d" + k: CURVATURE[k] * (v - TARGET[k]) for k, v in parameters.items()}


@pytest.mark.parametrize("optimizer, kwargs", [(sgd_step, {"learning_rate": 0.1}),
                                               (adam_step, {"learning_rate": 0.1})])
def test_optimizers_minimise_a_quadratic(optimizer, kwargs):
    parameters = {"w": np.zeros((2, 2)), "b": np.zeros((2, 1))}
    state = adam_state(parameters) if optimizer is adam_step else None
    losses = []
    for _ in range(300):
        loss, gradients = quadratic(parameters)
        losses.append(loss)
        parameters, state = optimizer(parameters, gradients, state, **kwargs)
    assert losses[1] < losses[0]
    assert quadratic(parameters)[0] < 1e-3 * losses[0]
    for key in TARGET:
        np.testing.assert_allclose(parameters[key], TARGET[key], atol=0.05)


def test_adam_first_step_moves_every_entry_by_the_learning_rate():
    parameters = {"w": np.zeros(3)}
    gradients = {"dw": np.array([1e3, -2.0, 1e-3])}
    new, state = adam_step(parameters, gradients, adam_state(parameters), learning_rate=0.01)
    np.testing.assert_allclose(new["w"], [-0.01, 0.01, -0.01], rtol=1e-4)
    assert state["t"] == 1


def test_optimizers_modify_neither_parameters_gradients_nor_state():
    parameters = {"w": np.ones((2, 2)), "b": np.ones((2, 1))}
    _, gradients = quadratic(parameters)
    state = adam_step(parameters, gradients, adam_state(parameters))[1]  # a non-trivial state
    before = copy.deepcopy((parameters, gradients, state))
    new, new_state = adam_step(parameters, gradients, state)
    sgd_step(parameters, gradients, learning_rate=0.5)
    assert_same_dicts(before[0], parameters)
    assert_same_dicts(before[1], gradients)
    assert_same_dicts(before[2], state)
    assert new_state["t"] == state["t"] + 1
    assert not np.array_equal(new_state["v"]["dw"], state["v"]["dw"])


def test_optimizers_keep_float32():
    parameters = {"w": np.ones((2, 2), dtype=np.float32)}
    gradients = {"dw": np.full((2, 2), 0.5, dtype=np.float32)}
    new, state = adam_step(parameters, gradients, adam_state(parameters))
    assert new["w"].dtype == np.float32
    assert state["v"]["dw"].dtype == np.float32 and state["s"]["dw"].dtype == np.float32
    assert sgd_step(parameters, gradients)[0]["w"].dtype == np.float32


def test_optimizers_refuse_missing_or_misshapen_gradients():
    parameters = {"w": np.ones((2, 2)), "b": np.ones((2, 1))}
    with pytest.raises(KeyError, match="dw"):
        sgd_step(parameters, {"db": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r'gradients\["dw"\]: expected shape \(2, 2\)'):
        adam_step(parameters, {"dw": np.ones((2, 1)), "db": np.ones((2, 1))},
                  adam_state(parameters))


# --- clipping ---------------------------------------------------------------------


def random_gradients(seed, scale=10.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {"dWaa": (scale * rng.standard_normal((4, 4))).astype(dtype),
            "dba": (scale * rng.standard_normal((4, 1))).astype(dtype)}


def test_clip_by_global_norm_bounds_the_norm_and_keeps_the_direction():
    gradients = random_gradients(0)
    before = copy.deepcopy(gradients)
    clipped = clip_by_global_norm(gradients, 1.0)
    assert global_norm(clipped) == pytest.approx(1.0)
    ratio = global_norm(gradients)
    for key in gradients:
        np.testing.assert_allclose(clipped[key] * ratio, gradients[key])
    assert_same_dicts(before, gradients)


def test_clip_by_global_norm_leaves_small_gradients_alone():
    gradients = random_gradients(1, scale=0.01)
    assert_same_dicts(gradients, clip_by_global_norm(gradients, 5.0))
    zeros = {"dW": np.zeros((2, 2))}
    assert_same_dicts(zeros, clip_by_global_norm(zeros, 1.0))


def test_global_norm_is_the_norm_of_everything_together():
    gradients = random_gradients(2)
    flat = np.concatenate([value.ravel() for value in gradients.values()])
    assert global_norm(gradients) == pytest.approx(np.linalg.norm(flat))


def test_clip_by_value_bounds_every_entry_and_keeps_the_small_ones():
    gradients = random_gradients(3)
    before = copy.deepcopy(gradients)
    clipped = clip_by_value(gradients, 5.0)
    for key, value in gradients.items():
        assert np.all(np.abs(clipped[key]) <= 5.0)
        inside = np.abs(value) <= 5.0
        np.testing.assert_array_equal(clipped[key][inside], value[inside])
        np.testing.assert_array_equal(clipped[key][~inside], 5.0 * np.sign(value[~inside]))
    assert_same_dicts(before, gradients)


def test_clipping_keeps_float32_and_refuses_non_positive_thresholds():
    gradients = random_gradients(4, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in clip_by_global_norm(gradients, 1.0).values())
    assert all(v.dtype == np.float32 for v in clip_by_value(gradients, 1.0).values())
    with pytest.raises(ValueError, match="max_norm: expected a positive number, got 0"):
        clip_by_global_norm(gradients, 0)
    with pytest.raises(ValueError, match="max_value: expected a positive number, got -1"):
        clip_by_value(gradients, -1)
    with pytest.raises(ValueError, match="max_norm: expected a positive number, got nan"):
        clip_by_global_norm(gradients, math.nan)


# --- the training loop ------------------------------------------------------------


def copy_task(rng, n, m=8, T_x=5):
    """Inputs one-hot over n classes; the target at each step is the current input."""
    indices = rng.integers(0, n, size=(m, T_x))
    return one_hot(indices, n), indices


@pytest.mark.parametrize("kind, optimizer, learning_rate", [
    *((kind, "adam", 0.05) for kind in KINDS),
    ("rnn", "sgd", 2.0),
])
def test_train_lowers_the_loss_and_reports_every_step(kind, optimizer, learning_rate):
    rng = np.random.default_rng(0)
    parameters = initialize_parameters(kind, 4, 8, 4, rng)
    before = copy.deepcopy(parameters)
    seen = []
    stream = (copy_task(rng, 4) for _ in range(80))
    trained, history = train_model(parameters, stream, optimizer=optimizer,
                                   learning_rate=learning_rate,
                                   callback=lambda step, loss, p: seen.append((step, loss)))
    assert history.shape == (80,)
    assert [step for step, _ in seen] == list(range(80))
    np.testing.assert_array_equal([loss for _, loss in seen], history)
    assert abs(history[0] - np.log(4)) < 0.5  # starts near uniform guessing
    assert history[-5:].mean() < 0.2 * np.log(4)
    assert_same_dicts(before, parameters)
    assert set(trained) == set(parameters)


def test_train_keeps_float32():
    rng = np.random.default_rng(1)
    parameters = initialize_parameters("lstm", 3, 4, 3, rng, dtype=np.float32)
    batches = [(x.astype(np.float32), t) for x, t in (copy_task(rng, 3) for _ in range(3))]
    trained, _ = train_model(parameters, batches)
    assert all(value.dtype == np.float32 for value in trained.values())


def test_train_refuses_an_unknown_optimizer():
    parameters = initialize_parameters("rnn", 2, 3, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="optimizer: expected 'adam' or 'sgd', got 'rmsprop'"):
        train_model(parameters, [], optimizer="rmsprop")
