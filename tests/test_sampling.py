"""Generation: sampling distributions and free-running sequences."""

import copy

import numpy as np
import pytest
from helpers import KINDS, assert_same_dicts

from rnnbook.activations import softmax
from rnnbook.model import run
from rnnbook.output import one_hot
from rnnbook.parameters import initialize_parameters
from rnnbook.sampling import sample, sampling_distribution


def entropy(p):
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


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
    with pytest.raises(ValueError, match="temperature: expected a finite number >= 0, got -1"):
        sampling_distribution(np.zeros((2, 1)), -1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_sampling_is_reproducible_with_a_fixed_seed(kind):
    parameters = initialize_parameters(kind, 6, 8, 6, np.random.default_rng(0))
    parameters["by"] = np.random.default_rng(1).standard_normal((6, 1))
    before = copy.deepcopy(parameters)
    runs = [sample(parameters, 40, np.random.default_rng(seed), prefix=[2, 3])
            for seed in (7, 7, 8)]
    assert_same_dicts(before, parameters)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    assert runs[0].dtype == np.int64 and runs[0].min() >= 0 and runs[0].max() < 6


@pytest.mark.parametrize("kind", KINDS)
def test_greedy_sample_feeds_each_pick_back_as_the_next_input(kind):
    rng = np.random.default_rng(2)
    parameters = {k: 3 * v for k, v in initialize_parameters(kind, 5, 6, 5, rng).items()}
    parameters["by"] = rng.standard_normal((5, 1))
    prefix = [4, 0, 2]
    generated = sample(parameters, 6, np.random.default_rng(0), temperature=0, prefix=prefix)
    sequence = np.array(prefix + generated.tolist())[None, :]  # (1, T)
    y = run(one_hot(sequence, 5), parameters)[1]  # (n_y, 1, T)
    np.testing.assert_array_equal(y[:, 0, len(prefix) - 1:-1].argmax(axis=0), generated)
    assert np.array_equal(generated, sample(parameters, 6, np.random.default_rng(99),
                                            temperature=0, prefix=prefix))


def test_sampling_without_prefix_starts_from_the_zero_vector():
    parameters = initialize_parameters("rnn", 4, 5, 4, np.random.default_rng(3))
    parameters["by"] = np.array([[0.0], [9.0], [0.0], [0.0]])
    first = sample(parameters, 1, np.random.default_rng(0), temperature=0)
    a, y, _, _ = run(np.zeros((4, 1, 1)), parameters)
    assert first[0] == y[:, 0, 0].argmax() == 1


def test_low_temperature_samples_repeat_the_likeliest_choice_more_often():
    parameters = initialize_parameters("rnn", 5, 4, 5, np.random.default_rng(5))
    parameters["by"] = np.array([[2.0], [1.0], [0.0], [0.0], [0.0]])
    counts = {T: np.bincount(sample(parameters, 200, np.random.default_rng(0), T,
                                    prefix=[0]), minlength=5) for T in (2.0, 1.0, 0.3)}
    assert counts[2.0].max() < counts[1.0].max() < counts[0.3].max()


def test_sampling_works_in_float32_and_checks_its_inputs():
    parameters = initialize_parameters("lstm", 4, 3, 4, np.random.default_rng(0), dtype=np.float32)
    assert sample(parameters, 5, np.random.default_rng(0), temperature=0.7).shape == (5,)
    with pytest.raises(ValueError, match=r"prefix: indices must lie in \[0, n_y\) = \[0, 4\)"):
        sample(parameters, 5, np.random.default_rng(0), prefix=[4])
    mismatched = initialize_parameters("lstm", 3, 3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"parameters: a model that reads its own samples needs n_x = n_y, got n_x = 3, n_y = 4"):
        sample(mismatched, 5, np.random.default_rng(0))
