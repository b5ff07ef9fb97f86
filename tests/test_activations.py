"""sigmoid and softmax: values, stability, shapes, dtypes."""

import warnings

import numpy as np
import pytest

from rnnbook import sigmoid, softmax


def test_sigmoid_values_and_symmetry():
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid(x) + sigmoid(-x), 1.0, rtol=1e-12)


@pytest.mark.parametrize("value, expected", [(-1000.0, 0.0), (1000.0, 1.0), (0.0, 0.5)])
def test_sigmoid_extremes_are_finite_and_silent(value, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sigmoid(value)
    assert np.isfinite(result) and result == expected
    assert np.ndim(result) == 0


def test_softmax_columns_are_distributions():
    scores = np.random.default_rng(0).standard_normal((4, 6))
    probabilities = softmax(scores)
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=1e-12)
    expected = np.exp(scores) / np.exp(scores).sum(axis=0)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-12)


def test_softmax_large_scores_are_finite_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = softmax(np.array([[1000.0], [0.0]]))
    np.testing.assert_array_equal(result, [[1.0], [0.0]])


def test_softmax_is_column_wise():
    """Each column is normalised on its own: shifting one column changes nothing."""
    scores = np.array([[1.0, 2.0], [3.0, 4.0]])
    shifted = scores + np.array([[0.0, 100.0]])
    np.testing.assert_allclose(softmax(scores), softmax(shifted), rtol=1e-12)


@pytest.mark.parametrize("function", [sigmoid, softmax])
def test_float32_stays_float32(function):
    assert function(np.ones((3, 2), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("function", [sigmoid, softmax])
def test_inputs_are_not_modified(function):
    x = np.array([[1.0, -2.0], [3.0, 0.5]])
    before = x.copy()
    function(x)
    np.testing.assert_array_equal(x, before)
