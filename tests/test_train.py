"""Initialisation, optimizers, clipping, the training loop, and sampling."""

import copy

import numpy as np
import pytest

from rnnbook.activations import softmax
from rnnbook.output import one_hot
from rnnbook.sequence import lstm_forward, rnn_forward
from rnnbook.train import (
    adam_state,
    adam_step,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    initialize_lstm_parameters,
    initialize_rnn_parameters,
    model_kind,
    sample,
    sampling_distribution,
    sgd_step,
    train_model,
)


def assert_same_dicts(before, after):
    assert list(before) == list(after)
    for key in before:
        if isinstance(before[key], dict):
            assert_same_dicts(before[key], after[key])
        else:
            np.testing.assert_array_equal(before[key], after[key])


def entropy(p):
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


# --- initialisation ---------------------------------------------------------------


def test_rnn_initialisation_shapes_bounds_and_biases():
    parameters = initialize_rnn_parameters(3, 5, 7, np.random.default_rng(0))
    expected = {"Wax": (5, 3), "Waa": (5, 5), "ba": (5, 1), "Wya": (7, 5), "by": (7, 1)}
    assert {key: value.shape for key, value in parameters.items()} == expected
    for key, (fan_out, fan_in) in (("Wax", (5, 3)), ("Waa", (5, 5)), ("Wya", (7, 5))):
        assert np.abs(parameters[key]).max() <= np.sqrt(6 / (fan_in + fan_out))
    assert not parameters["ba"].any() and not parameters["by"].any()


def test_glorot_variance_on_a_large_matrix():
    Waa = initialize_rnn_parameters(1, 400, 1, np.random.default_rng(1))["Waa"]
    assert Waa.var() == pytest.approx(1 / 400, rel=0.02)


def test_lstm_initialisation_has_forget_bias_one_and_zero_other_biases():
    parameters = initialize_lstm_parameters(3, 4, 6, np.random.default_rng(0))
    for gate in "fico":
        assert parameters["W" + gate].shape == (4, 7)
    np.testing.assert_array_equal(parameters["bf"], np.ones((4, 1)))
    for key in ("bi", "bc", "bo", "by"):
        assert not parameters[key].any()
    assert parameters["Wy"].shape == (6, 4)
    custom = initialize_lstm_parameters(3, 4, 6, np.random.default_rng(0), forget_bias=2.5)
    np.testing.assert_array_equal(custom["bf"], np.full((4, 1), 2.5))


@pytest.mark.parametrize("initialize", [initialize_rnn_parameters, initialize_lstm_parameters])
def test_initialisation_is_seeded_and_keeps_the_dtype(initialize):
    first = initialize(3, 4, 5, np.random.default_rng(3), dtype=np.float32)
    again = initialize(3, 4, 5, np.random.default_rng(3), dtype=np.float32)
    other = initialize(3, 4, 5, np.random.default_rng(4), dtype=np.float32)
    assert_same_dicts(first, again)
    assert all(value.dtype == np.float32 for value in first.values())
    key = "Waa" if "Waa" in first else "Wf"
    assert not np.array_equal(first[key], other[key])


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


# --- the training loop ------------------------------------------------------------


def copy_task(rng, n, m=8, T_x=5):
    """Inputs one-hot over n classes; the target at each step is the current input."""
    indices = rng.integers(0, n, size=(m, T_x))
    return one_hot(indices, n), indices


@pytest.mark.parametrize("initialize, optimizer, learning_rate", [
    (initialize_rnn_parameters, "adam", 0.05),
    (initialize_lstm_parameters, "adam", 0.05),
    (initialize_rnn_parameters, "sgd", 2.0),
])
def test_train_lowers_the_loss_and_reports_every_step(initialize, optimizer, learning_rate):
    rng = np.random.default_rng(0)
    parameters = initialize(4, 8, 4, rng)
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
    parameters = initialize_lstm_parameters(3, 4, 3, rng, dtype=np.float32)
    batches = [(x.astype(np.float32), t) for x, t in (copy_task(rng, 3) for _ in range(3))]
    trained, _ = train_model(parameters, batches)
    assert all(value.dtype == np.float32 for value in trained.values())


def test_train_refuses_an_unknown_optimizer():
    parameters = initialize_rnn_parameters(2, 3, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="optimizer: expected 'adam' or 'sgd', got 'rmsprop'"):
        train_model(parameters, [], optimizer="rmsprop")


def test_model_kind_reads_the_keys():
    rng = np.random.default_rng(0)
    assert model_kind(initialize_rnn_parameters(2, 3, 2, rng)) == "rnn"
    assert model_kind(initialize_lstm_parameters(2, 3, 2, rng)) == "lstm"
    with pytest.raises(ValueError, match="parameters: expected an RNN's"):
        model_kind({"W": np.zeros(1)})


# --- sampling ---------------------------------------------------------------------


def test_sampling_distribution_is_softmax_at_temperature_one():
    scores = np.random.default_rng(0).standard_normal((6, 3))
    np.testing.assert_allclose(sampling_distribution(scores, 1.0), softmax(scores))
    np.testing.assert_allclose(sampling_distribution(scores, 0.5), softmax(2 * scores))


def test_lower_temperature_gives_a_more_peaked_distribution():
    scores = np.random.default_rng(1).standard_normal((10, 1))
    temperatures = [100.0, 3.0, 1.0, 0.5, 0.1, 0.01, 0.0]
    entropies = [entropy(sampling_distribution(scores, T)) for T in temperatures]
    assert all(a > b for a, b in zip(entropies, entropies[1:])), entropies
    assert entropies[0] == pytest.approx(np.log(10), rel=1e-3)  # nearly uniform
    greedy = sampling_distribution(scores, 0.0)[:, 0]
    assert greedy[scores.argmax()] == 1 and greedy.sum() == 1


def test_tiny_temperature_is_greedy_without_overflow():
    scores = np.array([[1.0], [1.0 - 1e-3], [-5.0]])
    np.testing.assert_allclose(sampling_distribution(scores, 1e-300)[:, 0], [1, 0, 0])


def test_negative_temperature_is_refused():
    with pytest.raises(ValueError, match="temperature: expected a number >= 0, got -1"):
        sampling_distribution(np.zeros((2, 1)), -1.0)


@pytest.mark.parametrize("initialize", [initialize_rnn_parameters, initialize_lstm_parameters])
def test_sampling_is_reproducible_with_a_fixed_seed(initialize):
    parameters = initialize(6, 8, 6, np.random.default_rng(0))
    parameters["by"] = np.random.default_rng(1).standard_normal((6, 1))
    before = copy.deepcopy(parameters)
    runs = [sample(parameters, 40, np.random.default_rng(seed), prefix=[2, 3])
            for seed in (7, 7, 8)]
    assert_same_dicts(before, parameters)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    assert runs[0].dtype == np.int64 and runs[0].min() >= 0 and runs[0].max() < 6


@pytest.mark.parametrize("initialize", [initialize_rnn_parameters, initialize_lstm_parameters])
def test_greedy_sample_feeds_each_pick_back_as_the_next_input(initialize):
    rng = np.random.default_rng(2)
    parameters = {k: 3 * v for k, v in initialize(5, 6, 5, rng).items()}
    parameters["by"] = rng.standard_normal((5, 1))
    prefix = [4, 0, 2]
    generated = sample(parameters, 6, np.random.default_rng(0), temperature=0, prefix=prefix)
    forward = rnn_forward if "Waa" in parameters else lstm_forward
    sequence = np.array(prefix + generated.tolist())[None, :]  # (1, T)
    y = forward(one_hot(sequence, 5), np.zeros((6, 1)), parameters)[1]  # (n_y, 1, T)
    np.testing.assert_array_equal(y[:, 0, len(prefix) - 1:-1].argmax(axis=0), generated)
    assert np.array_equal(generated, sample(parameters, 6, np.random.default_rng(99),
                                            temperature=0, prefix=prefix))


def test_sampling_without_prefix_starts_from_the_zero_vector():
    parameters = initialize_rnn_parameters(4, 5, 4, np.random.default_rng(3))
    parameters["by"] = np.array([[0.0], [9.0], [0.0], [0.0]])
    first = sample(parameters, 1, np.random.default_rng(0), temperature=0)
    a, y, _ = rnn_forward(np.zeros((4, 1, 1)), np.zeros((5, 1)), parameters)
    assert first[0] == y[:, 0, 0].argmax() == 1


def test_low_temperature_samples_repeat_the_likeliest_choice_more_often():
    parameters = initialize_rnn_parameters(5, 4, 5, np.random.default_rng(5))
    parameters["by"] = np.array([[2.0], [1.0], [0.0], [0.0], [0.0]])
    counts = {T: np.bincount(sample(parameters, 200, np.random.default_rng(0), T,
                                    prefix=[0]), minlength=5) for T in (2.0, 1.0, 0.3)}
    assert counts[2.0].max() < counts[1.0].max() < counts[0.3].max()


def test_sampling_works_in_float32_and_checks_its_inputs():
    parameters = initialize_lstm_parameters(4, 3, 4, np.random.default_rng(0), dtype=np.float32)
    assert sample(parameters, 5, np.random.default_rng(0), temperature=0.7).shape == (5,)
    with pytest.raises(ValueError, match=r"prefix: indices must lie in \[0, n_y\) = \[0, 4\)"):
        sample(parameters, 5, np.random.default_rng(0), prefix=[4])
    mismatched = initialize_lstm_parameters(3, 3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r'parameters\["Wf"\]: expected shape'):
        sample(mismatched, 5, np.random.default_rng(0))
