"""The output layer and its loss: softmax of W_y a + b_y, cross-entropy, and their gradients."""

import copy

import numpy as np
import pytest

from rnnbook.gradcheck import numerical_gradient, relative_error
from rnnbook.output import cross_entropy, one_hot, output_backward, output_forward


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


def test_output_layer_shape_errors_name_the_argument():
    a = np.zeros((3, 2, 4))
    with pytest.raises(ValueError, match=r"a: expected shape \(n_a, m, T_x\) = \(5, 2, 4\)"):
        output_forward(a, np.zeros((6, 5)), np.zeros((6, 1)))
    with pytest.raises(ValueError, match=r"by: expected shape \(n_y, 1\) = \(6, 1\), got \(5, 1\)"):
        output_forward(a, np.zeros((6, 3)), np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"by: expected a 2-d array of shape \(n_y, 1\), got"):
        output_forward(a, np.zeros((6, 3)), np.zeros(6))
    with pytest.raises(ValueError, match=r"Wy: expected shape \(n_y, n_a\) = \(6, 3\)"):
        output_backward(np.full((6, 2, 4), 1 / 6), np.zeros((2, 4), dtype=int), a,
                        np.zeros((6, 2)))
    with pytest.raises(ValueError, match=r"a: expected shape \(n_a, m, T_x\) = \(3, 2, 5\)"):
        output_backward(np.full((6, 2, 5), 1 / 6), np.zeros((2, 5), dtype=int), a,
                        np.zeros((6, 3)))


def test_float32_in_float32_out():
    a = np.ones((4, 2, 3), dtype=np.float32)
    Wy, by = np.ones((5, 4), dtype=np.float32), np.zeros((5, 1), dtype=np.float32)
    y_hat = output_forward(a, Wy, by)
    assert y_hat.dtype == np.float32
    targets = np.zeros((2, 3), dtype=int)
    assert {g.dtype for g in output_backward(y_hat, targets, a, Wy).values()} == {np.dtype(np.float32)}
    assert isinstance(cross_entropy(y_hat, targets), float)


def test_no_input_is_modified():
    rng = np.random.default_rng(0)
    a, Wy, by = rng.standard_normal((4, 2, 3)), rng.standard_normal((5, 4)), rng.standard_normal((5, 1))
    targets = rng.integers(0, 5, size=(2, 3))
    before = copy.deepcopy((a, Wy, by, targets))
    y_hat = output_forward(a, Wy, by)
    y_before = y_hat.copy()
    output_backward(y_hat, targets, a, Wy)
    cross_entropy(y_hat, targets)
    np.testing.assert_array_equal(y_hat, y_before)
    for old, new in zip(before, (a, Wy, by, targets), strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("function", [cross_entropy, output_backward])
def test_a_mean_over_no_prediction_is_refused(function):
    """m * T_x = 0: there is nothing to average, so no number is the right answer."""
    arguments = (np.zeros((3, 0, 4)), np.zeros((0, 4), dtype=int))
    if function is output_backward:
        arguments += (np.zeros((2, 0, 4)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"y_hat: expected at least one prediction \(m \* T_x > 0\)"):
        function(*arguments)


@pytest.mark.parametrize("targets, message", [
    (np.zeros((3, 4), dtype=int), r"targets: expected shape \(m, T_x\) = \(2, 5\), got \(3, 4\)"),
    (np.zeros((2, 5, 1), dtype=int), r"targets: expected a 2-d array of shape \(m, T_x\)"),
    (np.zeros((2, 5)), r"targets: expected integer class indices"),
    (np.full((2, 5), 4), r"targets: class indices must lie in \[0, n_y\) = \[0, 4\)"),
    (np.full((2, 5), -1), r"targets: class indices must lie in \[0, n_y\)"),
])
def test_bad_targets_are_refused(targets, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(np.full((4, 2, 5), 0.25), targets)


def test_one_hot_targets_are_refused_with_a_pointer_to_indices():
    with pytest.raises(ValueError, match=r"targets: expected a 2-d array of shape \(m, T_x\)"):
        cross_entropy(np.full((4, 2, 5), 0.25), one_hot(np.zeros((2, 5), dtype=int), 4))
