"""The course notebook's expected outputs, reproduced from its own seeded inputs."""

import numpy as np
import pytest

from rnnbook import (
    course,
    lstm_cell_forward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)
from rnnbook.course import (
    CORRECTED,
    EXPECTED,
    NOTEBOOK_WRONG,
    compare,
    lookup,
    run_case,
)


def _assert_printed(got, printed):
    """Agree to 1e-8 relative, or to the half unit of the 8th decimal the notebook printed."""
    np.testing.assert_allclose(np.asarray(got, dtype=float), printed, rtol=1e-8, atol=5e-9)


# The course's order: each gate's weight gradient followed by its bias gradient.
LSTM_PARAMETER_GRAD_SHAPES = {f"d{kind}{gate}": (5, 8) if kind == "W" else (5, 1)
                              for gate in "fico" for kind in "Wb"}

CASES = [(name, *entry) for name, entries in {**EXPECTED, **CORRECTED}.items()
         for entry in entries]


@pytest.mark.parametrize("function_name, output, index, printed", CASES,
                         ids=[f"{c[0]}-{c[1]}{list(c[2])}" for c in CASES])
def test_reproduces_course_value(function_name, output, index, printed):
    _assert_printed(lookup(run_case(function_name), output, index), printed)


@pytest.mark.parametrize("function_name, output, index, printed",
                         [(n, *e) for n, es in NOTEBOOK_WRONG.items() for e in es])
def test_notebook_errata_values_differ_from_correct_code(function_name, output, index, printed):
    got = np.asarray(lookup(run_case(function_name), output, index), dtype=float)
    assert not np.allclose(got, printed, rtol=1e-6, atol=1e-8)


def test_shapes_and_cache_lengths_as_printed():
    assert run_case("rnn_cell_forward")["a_next"].shape == (5, 10)
    assert run_case("rnn_cell_forward")["yt_pred"].shape == (2, 10)
    rnn = run_case("rnn_forward")
    assert rnn["a"].shape == (5, 10, 4) and rnn["y_pred"].shape == (2, 10, 4)
    assert len(rnn["caches"]) == 2
    cell = run_case("lstm_cell_forward")
    assert cell["c_next"].shape == (5, 10) and cell["yt"].shape == (2, 10)
    assert len(cell["cache"]) == 10
    lstm = run_case("lstm_forward")
    assert lstm["a"].shape == (5, 10, 7) and lstm["y"].shape == (2, 10, 7)
    assert len(lstm["caches"]) == 2


@pytest.mark.parametrize("function_name, shapes", [
    ("rnn_cell_backward", {"dxt": (3, 10), "da_prev": (5, 10), "dWax": (5, 3),
                           "dWaa": (5, 5), "dba": (5, 1)}),
    ("rnn_backward", {"dx": (3, 10, 4), "da0": (5, 10), "dWax": (5, 3),
                      "dWaa": (5, 5), "dba": (5, 1)}),
    ("lstm_cell_backward", {"dxt": (3, 10), "da_prev": (5, 10), "dc_prev": (5, 10),
                            **LSTM_PARAMETER_GRAD_SHAPES}),
    ("lstm_backward", {"dx": (3, 10, 4), "da0": (5, 10),
                       **LSTM_PARAMETER_GRAD_SHAPES}),
])
def test_gradient_keys_order_and_shapes(function_name, shapes):
    gradients = run_case(function_name)
    assert list(gradients) == list(shapes)
    assert {key: value.shape for key, value in gradients.items()} == shapes


def test_caches_read_like_the_notebook():
    """Positional indexing still works on the NamedTuple caches."""
    case = course.rnn_forward_case()
    _, _, caches = rnn_forward(**case)
    np.testing.assert_array_equal(caches[1][1][3], case["x"][1][3])
    np.testing.assert_array_equal(caches[0][0][1], caches.caches[0].a_prev)
    lstm_case = course.lstm_cell_forward_case()
    cache = lstm_cell_forward(**lstm_case)[3]
    np.testing.assert_array_equal(cache[3], lstm_case["c_prev"])
    assert cache._fields == ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct",
                             "ot", "xt", "parameters")


def test_plain_tuple_caches_are_accepted():
    """A reader's notebook-style tuple cache works with rnnbook's backward passes."""
    case = course.rnn_cell_backward_case()
    cache = rnn_cell_forward(case["xt"], case["a_prev"], case["parameters"])[2]
    from_tuple = rnn_cell_backward(case["da_next"], tuple(cache))
    from_named = rnn_cell_backward(case["da_next"], cache)
    for key in from_named:
        np.testing.assert_array_equal(from_tuple[key], from_named[key])


def test_rnn_cell_backward_case_uses_the_left_over_bias():
    """The notebook's cell runs with rnn_forward's ``ba``; its own draw ``b`` is ignored."""
    case = course.rnn_cell_backward_case()
    np.testing.assert_array_equal(case["parameters"]["ba"],
                                  course.rnn_forward_case()["parameters"]["ba"])


def test_course_cases_do_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    course.lstm_backward_case()
    assert np.random.rand() == expected


def test_compare_reports_agreement_and_disagreement():
    agree = compare(run_case("lstm_backward"), CORRECTED["lstm_backward"])
    differ = compare(run_case("lstm_backward"), NOTEBOOK_WRONG["lstm_backward"])
    assert agree.all_agree and not differ.all_agree
    assert "**no**" in differ._repr_markdown_() and "**no**" not in agree._repr_markdown_()
