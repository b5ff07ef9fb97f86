"""The fused sequence functions are a drop-in replacement for the teaching ones.

Same values (to 1e-12 relative in float64, to float32 precision in float32), same
gradient dictionaries, same errors with the same messages, no input modified.
"""

import numpy as np
import pytest
from helpers import SHAPES, random_problem

import rnnbook
from rnnbook import course, fused
from rnnbook.gradcheck import gradient_errors

TEACHING = {
    "rnn": (rnnbook.rnn_forward, rnnbook.rnn_backward),
    "lstm": (rnnbook.lstm_forward, rnnbook.lstm_backward),
    "gru": (rnnbook.gru_forward, rnnbook.gru_backward),
}
FUSED = {
    "rnn": (fused.rnn_forward, fused.rnn_backward),
    "lstm": (fused.lstm_forward, fused.lstm_backward),
    "gru": (fused.gru_forward, fused.gru_backward),
}
KINDS = list(FUSED)
TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}

# SHAPES has m = 1, T_x = 1 and n_x != n_a; these add longer sequences and an n_a
# larger than n_x.
LONG_SHAPES = [(3, 7, 2, 4, 40), (6, 3, 4, 2, 35)]


def relative_difference(fast, reference):
    """max |fast - reference| / max |reference|, in float64 (0 when both are zero)."""
    fast, reference = np.asarray(fast, np.float64), np.asarray(reference, np.float64)
    assert fast.shape == reference.shape
    scale = np.abs(reference).max(initial=0.0)
    difference = np.abs(fast - reference).max(initial=0.0)
    return difference / scale if scale > 0 else difference


def run(kind, functions, x, a0, parameters, da):
    """Forward outputs (without the cache) and the backward gradients."""
    forward, backward = functions[kind]
    *outputs, caches = forward(x, a0, parameters)
    return outputs, backward(da, caches)


def assert_same(kind, x, a0, parameters, da, tolerance):
    fast_outputs, fast_grads = run(kind, FUSED, x, a0, parameters, da)
    ref_outputs, ref_grads = run(kind, TEACHING, x, a0, parameters, da)
    assert list(fast_grads) == list(ref_grads)
    pairs = [*zip(fast_outputs, ref_outputs), *((fast_grads[k], ref_grads[k]) for k in ref_grads)]
    for fast, reference in pairs:
        assert fast.dtype == reference.dtype
        assert relative_difference(fast, reference) <= tolerance


# --- equality with the teaching version --------------------------------------------


def test_course_rnn_case():
    case = course.rnn_forward_case()
    da = np.random.default_rng(0).standard_normal((5, 10, 4))
    assert_same("rnn", case["x"], case["a0"], case["parameters"], da, 1e-12)


def test_course_rnn_backward_case():
    case = course.rnn_backward_case()
    assert_same("rnn", case["x"], case["a0"], case["parameters"], case["da"], 1e-12)


def test_course_lstm_case():
    case = course.lstm_forward_case()
    da = np.random.default_rng(0).standard_normal((5, 10, 7))
    assert_same("lstm", case["x"], case["a0"], case["parameters"], da, 1e-12)


def test_course_lstm_backward_case_with_fewer_gradient_steps():
    case = course.lstm_backward_case()  # x has 7 steps, da has 4
    assert case["da"].shape[2] < case["x"].shape[2]
    assert_same("lstm", case["x"], case["a0"], case["parameters"], case["da"], 1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [*SHAPES, *LONG_SHAPES])
@pytest.mark.parametrize("kind", KINDS)
def test_random_shapes(kind, shape, dtype):
    p = random_problem(kind, *shape, seed=sum(shape), dtype=dtype)
    assert_same(kind, p["x"], p["a0"], p["parameters"], p["da"], TOLERANCE[dtype])


@pytest.mark.parametrize("steps", [1, 17, 33])
@pytest.mark.parametrize("kind", KINDS)
def test_da_with_fewer_steps_than_the_forward_pass(kind, steps):
    p = random_problem(kind, 4, 5, 2, 3, 40, seed=steps)
    assert_same(kind, p["x"], p["a0"], p["parameters"], p["da"][:, :, :steps], 1e-12)


@pytest.mark.parametrize("chunk", [1, 3])
@pytest.mark.parametrize("steps", [40, 17, 1])
@pytest.mark.parametrize("kind", KINDS)
def test_backward_in_many_blocks_and_chunks(kind, steps, chunk, monkeypatch):
    """Small problems run backward in one block and one chunk: force many of each."""
    n_x, n_a, n_y, m, T_x = 3, 7, 2, 4, 40
    monkeypatch.setattr(fused, "BLOCK_BYTES", 0)  # blocks of T_x / 8 = 5 steps
    # chunks of `chunk` LSTM steps; a GRU step is 3/4 the size: 1 and 4 steps
    monkeypatch.setattr(fused, "CHUNK_BYTES", chunk * m * 4 * n_a * 8)
    assert len(fused.step_blocks(T_x, 1)[1]) == 8
    p = random_problem(kind, n_x, n_a, n_y, m, T_x, seed=steps)
    assert_same(kind, p["x"], p["a0"], p["parameters"], p["da"][:, :, :steps], 1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_saturated_gates_stay_finite_and_close(kind):
    """Huge pre-activations: the fused sigmoid (through tanh) must not overflow.

    Saturated gates leave some gradients as small as 1e-197 in the teaching version
    and exactly 0 in the fused one (the two sigmoid formulas round tiny values
    differently), so the comparison here is absolute.
    """
    p = random_problem(kind, 3, 4, 2, 2, 3, seed=5)
    parameters = {key: 400.0 * value for key, value in p["parameters"].items()}
    fast_outputs, fast_grads = run(kind, FUSED, p["x"], p["a0"], parameters, p["da"])
    ref_outputs, ref_grads = run(kind, TEACHING, p["x"], p["a0"], parameters, p["da"])
    for fast, reference in [*zip(fast_outputs, ref_outputs),
                            *((fast_grads[k], ref_grads[k]) for k in ref_grads)]:
        assert np.all(np.isfinite(fast))
        np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-14)


@pytest.mark.parametrize("shape", [(3, 4, 2, 2, 3), (2, 3, 2, 1, 18)])
@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_finite_differences(kind, shape):
    p = random_problem(kind, *shape, seed=7)
    forward, backward = FUSED[kind]
    T = shape[-1] - 1 if shape[-1] > 1 else 1
    da = p["da"][:, :, :T]

    def hidden_states(x, a0, **parameters):
        return forward(x, a0, parameters)[0][:, :, :T]

    gradients = backward(da, forward(p["x"], p["a0"], p["parameters"])[-1])
    errors = gradient_errors(hidden_states, {"x": p["x"], "a0": p["a0"], **p["parameters"]},
                             da, gradients)
    assert max(errors.values()) < 1e-7, errors


# --- what only the fused version has to promise --------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_float64_gradient_on_a_float32_forward_promotes_like_the_teaching_version(kind):
    p = random_problem(kind, 3, 4, 2, 5, 3, dtype=np.float32)
    assert_same(kind, p["x"], p["a0"], p["parameters"], p["da"].astype(np.float64), 1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_returned_states_are_read_only_views_of_the_cache(kind):
    p = random_problem(kind, 3, 4, 2, 5, 3)
    a = FUSED[kind][0](p["x"], p["a0"], p["parameters"])[0]
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0, 0] = 1.0


@pytest.mark.parametrize("sizes", [(3, 4, 2, 0, 5), (3, 0, 2, 4, 5), (0, 4, 2, 3, 5),
                                   (0, 0, 1, 0, 2)], ids=["m=0", "n_a=0", "n_x=0", "all=0"])
@pytest.mark.parametrize("kind", KINDS)
def test_empty_batches_and_layers_give_what_the_teaching_version_gives(kind, sizes):
    """Zero-size work is no error: empty arrays in, empty (or zero) arrays out."""
    p = random_problem(kind, *sizes, seed=3)
    assert_same(kind, p["x"], p["a0"], p["parameters"], p["da"], 1e-12)


def test_the_lstm_starts_from_a_given_cell_state_like_the_teaching_version():
    p = random_problem("lstm", 3, 4, 2, 5, 6)
    fast = fused.lstm_forward(p["x"], p["a0"], p["parameters"], c0=p["c0"])
    reference = rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"], c0=p["c0"])
    for out, ref in zip(fast[:-1], reference[:-1], strict=True):
        assert relative_difference(out, ref) <= 1e-12
    grads = fused.lstm_backward(p["da"], fast[-1])
    ref_grads = rnnbook.lstm_backward(p["da"], reference[-1])
    assert all(relative_difference(grads[k], ref_grads[k]) <= 1e-12 for k in ref_grads)


# --- validation: what only a fused cache can get wrong ---------------------------


def _same_error(call_fast, call_reference, error):
    with pytest.raises(error) as fast:
        call_fast()
    with pytest.raises(error) as reference:
        call_reference()
    assert str(fast.value) == str(reference.value)


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_sequence_runs_forward_and_is_rejected_backward(kind):
    p = random_problem(kind, 3, 5, 2, 4, 6)
    x = p["x"][:, :, :0]
    fast, reference = FUSED[kind][0](x, p["a0"], p["parameters"]), TEACHING[kind][0](x, p["a0"], p["parameters"])
    for fast_output, ref_output in zip(fast[:-1], reference[:-1]):
        assert fast_output.shape == ref_output.shape == (fast_output.shape[0], 4, 0)
    _same_error(lambda: FUSED[kind][1](p["da"][:, :, :1], fast[-1]),
                lambda: TEACHING[kind][1](p["da"][:, :, :1], reference[-1]), ValueError)


@pytest.mark.parametrize("kind", KINDS)
def test_backward_rejects_a_teaching_cache(kind):
    p = random_problem(kind, 3, 5, 2, 4, 6)
    teaching_caches = TEACHING[kind][0](p["x"], p["a0"], p["parameters"])[-1]
    with pytest.raises(ValueError, match=r"caches: expected the Fused\w+Cache"):
        FUSED[kind][1](p["da"], teaching_caches)
