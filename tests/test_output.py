"""The output layer, the loss, and the whole-model gradients, end to end."""

import copy

import numpy as np
import pytest

from rnnbook.course import lstm_forward_case, rnn_forward_case
from rnnbook.experiments import last_step_loss_and_grads
from rnnbook.gradcheck import numerical_gradient, relative_error
from rnnbook.output import (
    cross_entropy,
    lstm_model_loss_and_grads,
    one_hot,
    output_backward,
    output_forward,
    rnn_model_loss_and_grads,
)
from rnnbook.sequence import rnn_forward

# (n_x, n_a, n_y, m, T_x): m = 1, T_x = 1, n_x != n_a, n_y above and below n_a.
SHAPES = [(3, 5, 2, 4, 3), (1, 1, 2, 1, 1), (4, 2, 6, 1, 5), (2, 3, 3, 3, 1), (5, 4, 3, 2, 4),
          (2, 6, 7, 5, 2)]


def random_rnn(rng, n_x, n_a, n_y, scale=0.5):
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "ba": (n_a, 1), "Wya": (n_y, n_a),
              "by": (n_y, 1)}
    return {key: scale * rng.standard_normal(shape) for key, shape in shapes.items()}


def random_lstm(rng, n_x, n_a, n_y, scale=0.5):
    parameters = {}
    for gate in "fico":
        parameters["W" + gate] = scale * rng.standard_normal((n_a, n_a + n_x))
        parameters["b" + gate] = scale * rng.standard_normal((n_a, 1))
    parameters["Wy"] = scale * rng.standard_normal((n_y, n_a))
    parameters["by"] = scale * rng.standard_normal((n_y, 1))
    return parameters


def random_problem(seed, n_x, n_a, n_y, m, T_x, model):
    rng = np.random.default_rng(seed)
    parameters = (random_rnn if model == "rnn" else random_lstm)(rng, n_x, n_a, n_y)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = 0.5 * rng.standard_normal((n_a, m))
    targets = rng.integers(0, n_y, size=(m, T_x))
    return x, a0, parameters, targets


def end_to_end_errors(loss_and_grads, x, a0, parameters, targets):
    """Relative error of every parameter gradient against finite differences of the loss."""
    _, gradients = loss_and_grads(x, a0, parameters, targets)
    assert set(gradients) == {"d" + key for key in parameters}
    errors = {}
    for key, value in parameters.items():
        def loss_of(v, key=key):
            return loss_and_grads(x, a0, {**parameters, key: v}, targets)[0]
        numerical = numerical_gradient(loss_of, value, np.array(1.0))
        assert gradients["d" + key].shape == value.shape
        errors[key] = relative_error(gradients["d" + key], numerical)
    return errors


@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_gradients_end_to_end(shape):
    problem = random_problem(sum(shape), *shape, model="rnn")
    errors = end_to_end_errors(rnn_model_loss_and_grads, *problem)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_gradients_end_to_end(shape):
    problem = random_problem(sum(shape), *shape, model="lstm")
    errors = end_to_end_errors(lstm_model_loss_and_grads, *problem)
    assert max(errors.values()) < 1e-7, errors


def test_gradients_end_to_end_on_the_course_sized_cases():
    rng = np.random.default_rng(7)
    for case, loss_and_grads in ((rnn_forward_case(), rnn_model_loss_and_grads),
                                 (lstm_forward_case(), lstm_model_loss_and_grads)):
        n_y, m, T_x = 2, *case["x"].shape[1:]
        targets = rng.integers(0, n_y, size=(m, T_x))
        errors = end_to_end_errors(loss_and_grads, case["x"], case["a0"], case["parameters"],
                                   targets)
        assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("model", ["rnn", "lstm"])
@pytest.mark.parametrize("shape", [(3, 4, 2, 3, 5), (2, 2, 3, 1, 1)])
def test_last_step_loss_gradients_end_to_end(model, shape):
    x, a0, parameters, targets = random_problem(sum(shape), *shape, model=model)
    errors = end_to_end_errors(last_step_loss_and_grads, x, a0, parameters, targets[:, -1:])
    assert max(errors.values()) < 1e-7, errors


def test_output_backward_matches_finite_differences_of_the_loss_in_a():
    rng = np.random.default_rng(3)
    n_a, n_y, m, T_x = 3, 4, 2, 5
    a = rng.standard_normal((n_a, m, T_x))
    Wy, by = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    targets = rng.integers(0, n_y, size=(m, T_x))
    gradients = output_backward(output_forward(a, Wy, by), targets, a, Wy)
    for name, value in (("a", a), ("Wy", Wy), ("by", by)):
        def loss_of(v, name=name):
            inputs = {"a": a, "Wy": Wy, "by": by, name: v}
            return cross_entropy(output_forward(**inputs), targets)
        numerical = numerical_gradient(loss_of, value, np.array(1.0))
        assert relative_error(gradients["d" + name], numerical) < 1e-7


def test_model_loss_is_the_mean_cross_entropy_of_the_forward_probabilities():
    x, a0, parameters, targets = random_problem(0, 3, 4, 5, 3, 6, model="rnn")
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    loss, _ = rnn_model_loss_and_grads(x, a0, parameters, targets)
    picked = y_pred[targets, np.arange(3)[:, None], np.arange(6)]  # (m, T_x)
    assert loss == pytest.approx(-np.log(picked).mean(), rel=1e-12)
    np.testing.assert_allclose(output_forward(a, parameters["Wya"], parameters["by"]), y_pred)


def test_uniform_prediction_costs_ln_n_y_whatever_m_and_T_x():
    for m, T_x in ((1, 1), (4, 9)):
        y_hat = np.full((7, m, T_x), 1 / 7)
        targets = np.random.default_rng(m).integers(0, 7, size=(m, T_x))
        assert cross_entropy(y_hat, targets) == pytest.approx(np.log(7))


def test_cross_entropy_stays_finite_when_a_probability_underflows():
    y_hat = np.array([[[1.0]], [[0.0]]])
    assert np.isfinite(cross_entropy(y_hat, np.array([[1]])))


def test_one_hot_round_trips():
    indices = np.random.default_rng(1).integers(0, 5, size=(3, 4))
    encoded = one_hot(indices, 5, dtype=np.float32)
    assert encoded.dtype == np.float32 and encoded.shape == (5, 3, 4)
    np.testing.assert_array_equal(encoded.argmax(axis=0), indices)
    np.testing.assert_array_equal(encoded.sum(axis=0), 1)


@pytest.mark.parametrize("targets, message", [
    (np.zeros((3, 4), dtype=int), r"targets: expected shape \(m, T_x\) = \(2, 5\), got \(3, 4\)"),
    (np.zeros((2, 5, 1), dtype=int), r"targets: expected a 2-d array of shape \(m, T_x\)"),
    (np.zeros((2, 5)), r"targets: expected integer class indices"),
    (np.full((2, 5), 4), r"targets: class indices must lie in \[0, n_y\) = \[0, 4\)"),
    (np.full((2, 5), -1), r"targets: class indices must lie in \[0, n_y\)"),
])
def test_bad_targets_are_refused(targets, message):
    x, a0, parameters, _ = random_problem(0, 3, 2, 4, 2, 5, model="lstm")
    with pytest.raises(ValueError, match=message):
        lstm_model_loss_and_grads(x, a0, parameters, targets)
    with pytest.raises(ValueError, match=message):
        cross_entropy(np.full((4, 2, 5), 0.25), targets)


def test_one_hot_targets_are_refused_with_a_pointer_to_indices():
    x, a0, parameters, targets = random_problem(0, 3, 2, 4, 2, 5, model="rnn")
    with pytest.raises(ValueError, match=r"targets: expected a 2-d array of shape \(m, T_x\)"):
        rnn_model_loss_and_grads(x, a0, parameters, one_hot(targets, 4))


def test_output_layer_shape_errors_name_the_argument():
    a = np.zeros((3, 2, 4))
    with pytest.raises(ValueError, match=r"a: expected shape \(n_a, m, T_x\) = \(5, 2, 4\)"):
        output_forward(a, np.zeros((6, 5)), np.zeros((6, 1)))
    with pytest.raises(ValueError, match=r"by: expected shape \(n_y, 1\) = \(6, 1\), got \(5, 1\)"):
        output_forward(a, np.zeros((6, 3)), np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"by: expected a 2-d array of shape \(n_y, 1\), got"):
        output_forward(a, np.zeros((6, 3)), np.zeros(6))
    with pytest.raises(ValueError, match=r"Wya: expected shape \(n_y, n_a\) = \(6, 3\)"):
        output_backward(np.full((6, 2, 4), 1 / 6), np.zeros((2, 4), dtype=int), a,
                        np.zeros((6, 2)), key="Wya")
    with pytest.raises(ValueError, match=r"a: expected shape \(n_a, m, T_x\) = \(3, 2, 5\)"):
        output_backward(np.full((6, 2, 5), 1 / 6), np.zeros((2, 5), dtype=int), a,
                        np.zeros((6, 3)))


@pytest.mark.parametrize("model", ["rnn", "lstm"])
def test_float32_in_float32_out(model):
    x, a0, parameters, targets = random_problem(2, 3, 4, 5, 2, 3, model=model)
    f32 = {key: value.astype(np.float32) for key, value in parameters.items()}
    loss_and_grads = rnn_model_loss_and_grads if model == "rnn" else lstm_model_loss_and_grads
    loss, gradients = loss_and_grads(x.astype(np.float32), a0.astype(np.float32), f32, targets)
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in gradients.values()), gradients
    loss64, gradients64 = loss_and_grads(x, a0, parameters, targets)
    assert loss == pytest.approx(loss64, rel=1e-5)
    for key, value in gradients64.items():
        np.testing.assert_allclose(gradients[key], value, rtol=1e-3, atol=1e-6)
    a = np.ones((4, 2, 3), dtype=np.float32)
    Wy, by = np.ones((5, 4), dtype=np.float32), np.zeros((5, 1), dtype=np.float32)
    y_hat = output_forward(a, Wy, by)
    assert y_hat.dtype == np.float32
    assert output_backward(y_hat, targets, a, Wy)["da"].dtype == np.float32


@pytest.mark.parametrize("model", ["rnn", "lstm"])
def test_no_input_is_modified(model):
    x, a0, parameters, targets = random_problem(4, 3, 4, 5, 2, 3, model=model)
    before = copy.deepcopy((x, a0, parameters, targets))
    loss_and_grads = rnn_model_loss_and_grads if model == "rnn" else lstm_model_loss_and_grads
    loss_and_grads(x, a0, parameters, targets)
    key = "Wya" if model == "rnn" else "Wy"
    a = np.random.default_rng(0).standard_normal((4, 2, 3))
    y_hat = output_forward(a, parameters[key], parameters["by"])
    y_before = y_hat.copy()
    output_backward(y_hat, targets, a, parameters[key], key=key)
    cross_entropy(y_hat, targets)
    np.testing.assert_array_equal(y_hat, y_before)
    for old, new in zip(before[:2] + (before[3],), (x, a0, targets)):
        np.testing.assert_array_equal(old, new)
    assert list(parameters) == list(before[2])
    for name, value in before[2].items():
        np.testing.assert_array_equal(parameters[name], value)
