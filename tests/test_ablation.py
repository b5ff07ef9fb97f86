"""The ablation variants compute what the teaching LSTM computes, and its tools measure.

Every variant between the teaching and the fused version gives the same outputs and
gradients (to 1e-12 relative in float64), keeps float32 as float32, leaves its inputs
alone, and its backward passes agree with finite differences.
"""

import copy

import numpy as np
import pytest
from helpers import SHAPES, SHAPE_IDS, random_problem

import rnnbook
from rnnbook import ablation, course, fused
from rnnbook.gradcheck import gradient_errors

VARIANTS = {variant.name: variant for variant in ablation.VARIANTS}


def run(variant, p, da=None):
    problem = {**p, "da": p["da"] if da is None else da}
    return ablation.runner(variant.forward, variant.backward, problem)()


def test_the_variants_go_from_the_teaching_to_the_fused_version():
    first, last = ablation.VARIANTS[0], ablation.VARIANTS[-1]
    assert (first.forward, first.backward) == (rnnbook.lstm_forward, rnnbook.lstm_backward)
    assert (last.forward, last.backward) == (fused.lstm_forward, fused.lstm_backward)
    assert len({(v.forward, v.backward) for v in ablation.VARIANTS}) == len(ablation.VARIANTS)


@pytest.mark.parametrize("steps", [7, 4])
@pytest.mark.parametrize("name", VARIANTS)
def test_variants_equal_the_teaching_version_on_the_course_case(name, steps):
    case = course.lstm_backward_case()  # x has 7 steps
    p = {"x": case["x"], "a0": case["a0"], "parameters": case["parameters"],
         "da": np.random.default_rng(steps).standard_normal((5, 10, steps))}
    result, reference = run(VARIANTS[name], p), run(VARIANTS["teaching"], p)
    assert list(result[1]) == list(reference[1])
    assert ablation.largest_difference(result, reference) <= 1e-12


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", VARIANTS)
def test_variants_equal_the_teaching_version_on_random_shapes(name, shape):
    p = random_problem("lstm", *shape, seed=sum(shape))
    assert ablation.largest_difference(run(VARIANTS[name], p),
                                       run(VARIANTS["teaching"], p)) <= 1e-12


@pytest.mark.parametrize("size", ["tiny", "small"])
def test_variants_agree_on_the_benchmark_problems(size):
    p = ablation.make_problem("lstm", size)
    reference = run(VARIANTS["teaching"], p)
    for variant in ablation.VARIANTS:
        assert ablation.largest_difference(run(variant, p), reference) <= 1e-12, variant.name


@pytest.mark.parametrize("name", VARIANTS)
def test_float32_stays_float32_and_nothing_is_modified(name):
    p = random_problem("lstm", 3, 4, 2, 5, 6, dtype=np.float32)
    before = copy.deepcopy(p)
    outputs, gradients = run(VARIANTS[name], p)
    assert {a.dtype for a in [*outputs, *gradients.values()]} == {np.dtype(np.float32)}
    for key in ("x", "a0", "da"):
        np.testing.assert_array_equal(p[key], before[key])
    for key in p["parameters"]:
        np.testing.assert_array_equal(p["parameters"][key], before["parameters"][key])


@pytest.mark.parametrize("name", list(VARIANTS)[1:-1])
def test_a_given_cell_state_is_used_like_the_teaching_version(name):
    p = random_problem("lstm", 3, 4, 2, 5, 6)
    variant = VARIANTS[name]
    *outputs, caches = variant.forward(p["x"], p["a0"], p["parameters"], c0=p["c0"])
    *ref_outputs, ref_caches = rnnbook.lstm_forward(p["x"], p["a0"], p["parameters"],
                                                    c0=p["c0"])
    result = (outputs, variant.backward(p["da"], caches))
    reference = (ref_outputs, rnnbook.lstm_backward(p["da"], ref_caches))
    assert ablation.largest_difference(result, reference) <= 1e-12


@pytest.mark.parametrize("shape", [(3, 4, 2, 2, 3), (2, 3, 2, 1, 6), (4, 2, 3, 3, 1)])
@pytest.mark.parametrize("name", ["stacked gates", "one weight-gradient product"])
def test_backward_variants_match_finite_differences(name, shape):
    variant = VARIANTS[name]
    p = random_problem("lstm", *shape, seed=11)
    T = max(shape[-1] - 1, 1)  # fewer gradient steps than forward steps, when possible
    da = p["da"][:, :, :T]

    def hidden_states(x, a0, **parameters):
        return variant.forward(x, a0, parameters)[0][:, :, :T]

    gradients = variant.backward(da, variant.forward(p["x"], p["a0"], p["parameters"])[-1])
    errors = gradient_errors(hidden_states, {"x": p["x"], "a0": p["a0"], **p["parameters"]},
                             da, gradients)
    assert max(errors.values()) < 1e-7, errors


def test_the_time_major_variants_store_each_step_contiguously():
    p = random_problem("lstm", 3, 4, 2, 5, 6)
    for forward, contiguous in [(ablation.stacked_forward, False),
                                (ablation.time_major_forward, True),
                                (ablation.projected_forward, True)]:
        a, _, c, caches = forward(p["x"], p["a0"], p["parameters"])
        steps = [a[:, :, 2], c[:, :, 2], caches.inputs[:, :, 2]]
        assert all(step.flags.c_contiguous == contiguous for step in steps), forward


def test_make_problem_is_seeded_and_scaled():
    first, again = ablation.make_problem("lstm", "small"), ablation.make_problem("lstm", "small")
    np.testing.assert_array_equal(first["x"], again["x"])
    other = ablation.make_problem("lstm", "small", seed=1)
    assert not np.array_equal(first["x"], other["x"])
    n_x, n_a = ablation.SIZES["small"]["n_x"], ablation.SIZES["small"]["n_a"]
    assert abs(first["parameters"]["Wf"].std() * np.sqrt(n_a + n_x) - 1) < 0.05
    assert ablation.make_problem("rnn", "tiny", np.float32)["parameters"]["Waa"].dtype == np.float32


def test_interleaved_times_rotate_the_order():
    calls = []
    runners = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    times = ablation.interleaved_times(runners, 3)
    assert calls == list("abcbcacab")
    assert all(len(t["wall"]) == len(t["cpu"]) == 3 for t in times.values())


def test_largest_difference_compares_every_output_and_gradient():
    reference = ([np.ones(3), np.ones(2)], {"dx": np.ones(2), "dy": np.ones(1)})
    changed = ([np.ones(3), np.ones(2)], {"dx": np.ones(2), "dy": np.array([1.5])})
    assert ablation.largest_difference(changed, reference) == 0.5
    assert ablation.largest_difference(changed, reference, keys=["dx"]) == 0.0
