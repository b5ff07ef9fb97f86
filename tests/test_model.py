"""The whole model: loss and gradients end to end, scored steps, carried state."""

import copy

import numpy as np
import pytest
from helpers import KINDS, SHAPE_IDS, SHAPES, assert_same_dicts, random_problem

from rnnbook import fused
from rnnbook.gradcheck import numerical_gradient, relative_error
from rnnbook.model import MODELS, loss, loss_and_grads, run, step, zero_state
from rnnbook.output import cross_entropy


def end_to_end_errors(x, parameters, targets, state=None):
    """Relative error of every parameter gradient against finite differences of the loss."""
    _, gradients, _ = loss_and_grads(x, parameters, targets, state)
    assert list(gradients) == ["d" + key for key in parameters]
    errors = {}
    for key, value in parameters.items():
        def loss_of(v, key=key):
            return loss(x, {**parameters, key: v}, targets, state)[0]
        numerical = numerical_gradient(loss_of, value, np.array(1.0))
        errors[key] = relative_error(gradients["d" + key], numerical)
    return errors


def problem(kind, shape, seed=0, dtype=np.float64):
    p = random_problem(kind, *shape, seed=seed, dtype=dtype)
    return p["x"], p["parameters"], p["targets"]


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_gradients_of_every_step_scored(kind, shape):
    errors = end_to_end_errors(*problem(kind, shape, seed=sum(shape)))
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("scored", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_gradients_when_only_the_last_steps_are_scored(kind, scored):
    x, parameters, targets = problem(kind, (3, 4, 2, 3, 5), seed=scored)
    errors = end_to_end_errors(x, parameters, targets[:, -scored:])
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_from_a_carried_state_stop_at_the_first_step(kind):
    """With a given start state, the loss is a function of the parameters alone."""
    x, parameters, targets = problem(kind, (3, 4, 2, 3, 4), seed=5)
    state = run(x, parameters)[2]  # the state after one stretch, carried into the next
    errors = end_to_end_errors(x, parameters, targets, state)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("kind", KINDS)
def test_a_sequence_run_in_two_stretches_equals_one_run(kind):
    x, parameters, targets = problem(kind, (3, 4, 2, 3, 7), seed=1)
    a, y_hat, last, _ = run(x, parameters)
    a1, y1, middle, _ = run(x[:, :, :3], parameters)
    a2, y2, last2, _ = run(x[:, :, 3:], parameters, middle)
    np.testing.assert_allclose(np.concatenate([a1, a2], axis=2), a, rtol=0, atol=1e-14)
    np.testing.assert_allclose(np.concatenate([y1, y2], axis=2), y_hat, rtol=0, atol=1e-14)
    assert len(last) == len(MODELS[kind].state)
    for end, end2 in zip(last, last2, strict=True):
        np.testing.assert_allclose(end, end2, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(last[0], a[:, :, -1])


@pytest.mark.parametrize("kind", KINDS)
def test_the_loss_is_the_mean_cross_entropy_of_the_scored_predictions(kind):
    x, parameters, targets = problem(kind, (3, 4, 5, 3, 6))
    _, y_hat, _, _ = run(x, parameters)
    value, _, _ = loss_and_grads(x, parameters, targets)
    picked = y_hat[targets, np.arange(3)[:, None], np.arange(6)]  # (m, T_x)
    assert value == pytest.approx(-np.log(picked).mean(), rel=1e-12)
    assert loss(x, parameters, targets[:, -2:])[0] == pytest.approx(
        cross_entropy(y_hat[:, :, -2:], targets[:, -2:]), rel=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_the_fused_implementation_gives_the_same_loss_gradients_and_state(kind):
    x, parameters, targets = problem(kind, (3, 4, 5, 3, 6), seed=2)
    state = tuple(0.5 * s + 0.1 for s in zero_state(parameters, 3))
    teaching = loss_and_grads(x, parameters, targets, state)
    fast = loss_and_grads(x, parameters, targets, state, implementation=fused)
    assert fast[0] == pytest.approx(teaching[0], rel=1e-12)
    for key, value in teaching[1].items():
        np.testing.assert_allclose(fast[1][key], value, rtol=1e-11, atol=1e-14)
    for a, b in zip(fast[2], teaching[2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_float32_in_float32_out_and_nothing_modified(kind):
    x, parameters, targets = problem(kind, (3, 4, 5, 2, 3), seed=2, dtype=np.float32)
    before = copy.deepcopy((x, parameters, targets))
    value, gradients, state = loss_and_grads(x, parameters, targets)
    assert isinstance(value, float)
    assert {g.dtype for g in gradients.values()} == {np.dtype(np.float32)}
    assert {s.dtype for s in state} == {np.dtype(np.float32)}
    np.testing.assert_array_equal(before[0], x)
    assert_same_dicts(before[1], parameters)
    np.testing.assert_array_equal(before[2], targets)


@pytest.mark.parametrize("kind", KINDS)
def test_zero_state_and_one_step(kind):
    _, parameters, _ = problem(kind, (3, 4, 5, 2, 3))
    state = zero_state(parameters, 2)
    assert [s.shape for s in state] == [(4, 2)] * len(MODELS[kind].state)
    a_next, scores, new_state = step(np.ones((3, 2)), parameters, state)
    a, y_hat, last, _ = run(np.ones((3, 2, 1)), parameters)
    np.testing.assert_allclose(a_next, a[:, :, 0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.exp(scores) / np.exp(scores).sum(0), y_hat[:, :, 0], atol=1e-12)
    for s, t in zip(new_state, last, strict=True):
        np.testing.assert_allclose(s, t, rtol=0, atol=1e-15)


@pytest.mark.parametrize("targets, message", [
    (np.zeros((3, 4), dtype=int), r"targets: expected shape \(m, T\) with m = 2 and 1 <= T <= T_x = 5"),
    (np.zeros((2, 6), dtype=int), r"targets: expected shape \(m, T\) with m = 2 .* got \(2, 6\)"),
    (np.zeros((2, 5, 1), dtype=int), r"targets: expected a 2-d array of shape \(m, T\)"),
    (np.zeros((2, 5)), r"targets: expected integer class indices"),
    (np.full((2, 5), 4), r"targets: class indices must lie in \[0, n_y\) = \[0, 4\)"),
    (np.full((2, 5), -1), r"targets: class indices must lie in \[0, n_y\)"),
])
def test_bad_targets_are_refused(targets, message):
    x, parameters, _ = problem("lstm", (3, 2, 4, 2, 5))
    with pytest.raises(ValueError, match=message):
        loss_and_grads(x, parameters, targets)


def test_a_bad_state_is_refused():
    x, parameters, targets = problem("lstm", (3, 2, 4, 2, 5))
    a0 = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"state: expected a tuple of 2 arrays \(a, c\)"):
        run(x, parameters, a0)
    with pytest.raises(ValueError, match=r"state\[1\] \(c\): expected shape \(n_a, m\) = \(2, 2\)"):
        run(x, parameters, (a0, np.zeros((2, 3))))
