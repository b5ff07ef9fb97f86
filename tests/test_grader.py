"""rnnbook.check: it passes right code written the course's way and fails wrong code,
naming the known mistakes, without ever raising because of the learner's code.

The solutions below are written here, in the course's style (parameters read one by one,
caches as plain tuples unpacked by position), independently of the package. The crafted
mistakes are these solutions with one slip typed in: ``edited`` replaces a piece of a
function's source and compiles the result, as a learner's edit would.
"""

import inspect
import re
import textwrap
import warnings
from collections import namedtuple

import numpy as np
import pytest

import rnnbook
from rnnbook import check, course, gates, gru
from rnnbook.grader import GRADABLE, MISTAKES, Report

# --- The course's functions, solved the course's way ---------------------------------


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=x.dtype)
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    caches = (caches, x)
    return a, y_pred, caches


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.dot(Wy, a_next) + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    c = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y = np.zeros((n_y, m, T_x), dtype=x.dtype)
    a_next = a0
    c_next = np.zeros((n_a, m), dtype=x.dtype)
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        y[:, :, t] = yt
        c[:, :, t] = c_next
        caches.append(cache)
    caches = (caches, x)
    return a, y, c, caches


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x), dtype=da.dtype)
    dWax = np.zeros(parameters["Wax"].shape, dtype=da.dtype)
    dWaa = np.zeros(parameters["Waa"].shape, dtype=da.dtype)
    dba = np.zeros((n_a, 1), dtype=da.dtype)
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dWaxt, dWaat, dbat = gradients["dWax"], gradients["dWaa"], gradients["dba"]
        dx[:, :, t] = dxt
        dWax += dWaxt
        dWaa += dWaat
        dba += dbat
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape
    dc = dc_next + ot * (1 - np.tanh(c_next) ** 2) * da_next
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit)
               + np.dot(Wc[:, :n_a].T, dcct) + np.dot(Wo[:, :n_a].T, dot))
    dc_prev = dc * ft
    dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit)
           + np.dot(Wc[:, n_a:].T, dcct) + np.dot(Wo[:, n_a:].T, dot))
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


def lstm_backward(da, caches):
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x), dtype=da.dtype)
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    dc_prevt = np.zeros((n_a, m), dtype=da.dtype)
    dWf = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWi = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWc = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWo = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dbf = np.zeros((n_a, 1), dtype=da.dtype)
    dbi = np.zeros((n_a, 1), dtype=da.dtype)
    dbc = np.zeros((n_a, 1), dtype=da.dtype)
    dbo = np.zeros((n_a, 1), dtype=da.dtype)
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


def cell_state_grad(da_next, dc_next, c_next, ot):
    return dc_next + ot * (1 - np.tanh(c_next) ** 2) * da_next


def output_gate_grad(da_next, c_next, ot):
    return da_next * np.tanh(c_next) * ot * (1 - ot)


def candidate_grad(dc, it, cct):
    return dc * it * (1 - cct ** 2)


def update_gate_grad(dc, it, cct):
    return dc * cct * it * (1 - it)


def forget_gate_grad(dc, c_prev, ft):
    return dc * c_prev * ft * (1 - ft)


def prev_cell_state_grad(dc, ft):
    return dc * ft


# The GRU, which the course's lectures teach and its notebook does not, written the
# same way.


def gru_cell_forward(xt, a_prev, parameters):
    Wr, br = parameters["Wr"], parameters["br"]
    Wu, bu = parameters["Wu"], parameters["bu"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wy, by = parameters["Wy"], parameters["by"]
    concat = np.concatenate((a_prev, xt), axis=0)
    rt = sigmoid(np.dot(Wr, concat) + br)
    ut = sigmoid(np.dot(Wu, concat) + bu)
    cct = np.tanh(np.dot(Wc, np.concatenate((rt * a_prev, xt), axis=0)) + bc)
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(np.dot(Wy, a_next) + by)
    cache = (a_next, a_prev, rt, ut, cct, xt, parameters)
    return a_next, yt_pred, cache


def gru_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y = np.zeros((n_y, m, T_x), dtype=x.dtype)
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, (caches, x)


def gru_candidate_grad(da_next, ut, cct):
    return da_next * ut * (1 - cct ** 2)


def gru_update_gate_grad(da_next, a_prev, ut, cct):
    return da_next * (cct - a_prev) * ut * (1 - ut)


def gru_reset_gate_grad(dra, a_prev, rt):
    return dra * a_prev * rt * (1 - rt)


def gru_prev_state_grad(da_next, dra, ut, rt):
    return da_next * (1 - ut) + dra * rt


def gru_cell_backward(da_next, cache):
    (a_next, a_prev, rt, ut, cct, xt, parameters) = cache
    Wr, Wu, Wc = parameters["Wr"], parameters["Wu"], parameters["Wc"]
    n_a = a_next.shape[0]
    dcct = gru_candidate_grad(da_next, ut, cct)
    dut = gru_update_gate_grad(da_next, a_prev, ut, cct)
    dreset = np.dot(Wc.T, dcct)  # gradient of [rt * a_prev; xt]
    drt = gru_reset_gate_grad(dreset[:n_a], a_prev, rt)
    concat = np.concatenate((a_prev, xt), axis=0)
    reset_concat = np.concatenate((rt * a_prev, xt), axis=0)
    dgates = np.dot(Wr.T, drt) + np.dot(Wu.T, dut)
    da_prev = dgates[:n_a] + gru_prev_state_grad(da_next, dreset[:n_a], ut, rt)
    dxt = dgates[n_a:] + dreset[n_a:]
    return {"dxt": dxt, "da_prev": da_prev,
            "dWr": np.dot(drt, concat.T), "dbr": np.sum(drt, axis=1, keepdims=True),
            "dWu": np.dot(dut, concat.T), "dbu": np.sum(dut, axis=1, keepdims=True),
            "dWc": np.dot(dcct, reset_concat.T), "dbc": np.sum(dcct, axis=1, keepdims=True)}


def gru_backward(da, caches):
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x), dtype=da.dtype)
    totals = {key: 0 for key in ("dWr", "dbr", "dWu", "dbu", "dWc", "dbc")}
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T_x)):
        gradients = gru_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        for key in totals:
            totals[key] += gradients[key]
    return {"dx": dx, "da0": da_prevt, **totals}


SOLUTIONS = {name: globals()[name] for name in GRADABLE}


def package_function(name):
    return getattr(rnnbook, name, None) or getattr(gates, name, None) or getattr(gru, name)


def edited(function, *replacements, calls=None):
    """``function`` with pieces of its source replaced; ``calls`` swaps the functions it calls.

    Each replacement is ``(old, new)``; ``old`` must occur in the source (every
    occurrence is replaced).
    """
    source = textwrap.dedent(inspect.getsource(function))
    for old, new in replacements:
        assert old in source, f"{old!r} not in {function.__name__}"
        source = source.replace(old, new)
    namespace = {**globals(), **(calls or {})}
    exec(compile(source, f"<{function.__name__}, edited>", "exec"), namespace)
    return namespace[function.__name__]


def statuses(report):
    return {row.check: row.status for row in report.rows}


def row(report, check_name):
    return next(r for r in report.rows if r.check == check_name)


# --- Right code passes -----------------------------------------------------------------


@pytest.mark.parametrize("name", GRADABLE)
def test_the_package_functions_pass(name):
    report = check(package_function(name))
    assert report.passed, str(report)
    assert report.mistakes == []


@pytest.mark.parametrize("name", GRADABLE)
def test_course_style_solutions_pass(name):
    report = check(SOLUTIONS[name])
    assert report.passed, str(report)
    first = "book's test case" if name.startswith("gru") else "course's test case"
    expected_rows = [first, "random shapes", "float32 in, float32 out",
                     "inputs left unchanged"]
    assert all(check_name in statuses(report) for check_name in expected_rows)


def test_the_rows_each_kind_of_function_gets():
    assert list(statuses(check(lstm_forward))) == [
        "course's test case", "cache layout", "random shapes", "float32 in, float32 out",
        "inputs left unchanged"]
    for backward in (lstm_backward, forget_gate_grad):
        assert list(statuses(check(backward))) == [
            "course's test case", "random shapes", "finite differences",
            "float32 in, float32 out", "inputs left unchanged"]


def test_results_as_lists_and_named_tuples_are_read_like_tuples():
    Step = namedtuple("Step", "a_next yt_pred cache")

    def rnn_cell_forward(xt, a_prev, parameters):
        a_next, yt_pred, cache = SOLUTIONS["rnn_cell_forward"](xt, a_prev, parameters)
        return Step(a_next, yt_pred, list(cache))

    def rnn_forward(x, a0, parameters):
        return list(SOLUTIONS["rnn_forward"](x, a0, parameters))

    assert check(rnn_cell_forward).passed
    assert check(rnn_forward).passed


def test_a_backward_function_gets_the_course_plain_tuples():
    seen = []

    def lstm_backward(da, caches):
        seen.append((type(caches), type(caches[0]), type(caches[0][0])))
        return SOLUTIONS["lstm_backward"](da, caches)

    assert check(lstm_backward).passed
    assert set(seen) == {(tuple, list, tuple)}


def test_a_backward_function_is_graded_apart_from_a_wrong_forward():
    # The learner's backward calls the learner's cell backward; their forward is wrong,
    # but the caches come from rnnbook's forward pass.
    broken_forward = edited(rnn_cell_forward, ("np.tanh(", "np.sin("))
    assert not check(broken_forward).passed
    backward = edited(rnn_backward, calls={"rnn_cell_forward": broken_forward})
    assert check(backward).passed


def test_name_argument_grades_a_function_under_another_name():
    def my_rnn_cell(xt, a_prev, parameters):
        return SOLUTIONS["rnn_cell_forward"](xt, a_prev, parameters)

    assert check(my_rnn_cell, name="rnn_cell_forward").passed
    with pytest.raises(ValueError, match=r"name: expected one of rnn_cell_forward, .*"
                                         r"got 'my_rnn_cell'"):
        check(my_rnn_cell)


# --- The course's printed answers ----------------------------------------------------

# The course notebook's printed rnn_backward output: the loop starts from da[:, :, -1]
# and then feeds each step only the carried gradient.
RNN_BACKWARD_AS_PRINTED = edited(
    rnn_backward,
    ("da_prevt = np.zeros((n_a, m), dtype=da.dtype)", "da_prevt = da[:, :, -1]"),
    ("rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
     "rnn_cell_backward(da_prevt, caches[t])"))

# Its "Expected Output" for lstm_backward: nothing carried through time, and the bias
# totals of the update, candidate and output gates built on dbf.
LSTM_BACKWARD_AS_PRINTED = edited(
    lstm_backward,
    ("lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
     "lstm_cell_backward(da[:, :, t], np.zeros_like(dc_prevt), caches[t])"),
    ('dbi += gradients["dbi"]', 'dbi = dbf + gradients["dbi"]'),
    ('dbc += gradients["dbc"]', 'dbc = dbf + gradients["dbc"]'),
    ('dbo += gradients["dbo"]', 'dbo = dbf + gradients["dbo"]'))


@pytest.mark.parametrize("function, key, section", [
    (RNN_BACKWARD_AS_PRINTED, "rnn-printed-answer", "errata.html#errata-rnn-backward"),
    (LSTM_BACKWARD_AS_PRINTED, "lstm-printed-answer", "errata.html#errata-lstm-backward"),
])
def test_the_course_printed_answers_fail_and_point_to_the_errata(function, key, section):
    name = function.__name__
    outputs = course.run_case(name, implementation=type("Learner", (), {
        name: staticmethod(function),
        name.replace("backward", "forward"): staticmethod(getattr(rnnbook, name.replace(
            "backward", "forward")))}))
    assert course.compare(outputs, course.NOTEBOOK_WRONG[name]).all_agree  # it is the print
    report = check(function)
    assert not report.passed
    assert row(report, "course's test case").status == "failed"
    assert row(report, "finite differences").status == "failed"
    assert [mistake.key for mistake in report.mistakes] == [key]
    assert report.mistakes[0].target == section
    assert section in report._repr_html_() and section in str(report)


# --- Known mistakes, typed into the solutions ------------------------------------------


def _mistakes():
    S = SOLUTIONS
    no_softmax_cell = edited(rnn_cell_forward, ("softmax(np.dot(Wya, a_next) + by)",
                                                "np.dot(Wya, a_next) + by"))
    x_first_cell = edited(lstm_cell_forward, ("(a_prev, xt), axis=0", "(xt, a_prev), axis=0"))
    double_tanh_cell = edited(rnn_cell_backward, ("(1 - a_next ** 2)", "(1 - np.tanh(a_next) ** 2)"))
    flat_bias_cell = edited(rnn_cell_backward, ("axis=1, keepdims=True", "axis=1"))
    printed_gates = edited(
        lstm_cell_backward,
        ("dcct = dc * it * (1 - cct ** 2)",
         "dcct = dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next * cct"
         " * (1 - np.tanh(cct) ** 2)"),
        ("dit = dc * cct * it * (1 - it)",
         "dit = dc_next * cct + ot * (1 - np.tanh(c_next) ** 2) * cct * da_next * it"
         " * (1 - it)"),
        ("dft = dc * c_prev * ft * (1 - ft)",
         "dft = dc_next * c_prev + ot * (1 - np.tanh(c_next) ** 2) * c_prev * da_next * ft"
         " * (1 - ft)"))
    return [
        # (name, the learner's function, the mistake check must name)
        ("rnn_cell_forward", no_softmax_cell, "rnn-no-softmax"),
        ("rnn_cell_forward", edited(S["rnn_cell_forward"], ("np.dot(Wya, a_next)",
                                                            "np.dot(Wya, a_prev)")),
         "rnn-prediction-from-a-prev"),
        ("rnn_forward", edited(rnn_forward, ("(x[:, :, t], a_next, parameters)",
                                             "(x[:, :, t], a0, parameters)")),
         "rnn-a0-every-step"),
        ("rnn_forward", edited(rnn_forward, calls={"rnn_cell_forward": no_softmax_cell}),
         "rnn-no-softmax"),
        ("lstm_cell_forward", x_first_cell, "x-before-a"),
        ("lstm_cell_forward", edited(lstm_cell_forward, ("cct = np.tanh(", "cct = sigmoid(")),
         "candidate-sigmoid"),
        ("lstm_cell_forward", edited(lstm_cell_forward, ("a_next = ot * np.tanh(c_next)",
                                                         "a_next = ot * c_next")),
         "hidden-without-tanh"),
        ("lstm_cell_forward", edited(lstm_cell_forward, ("softmax(np.dot(Wy, a_next) + by)",
                                                         "np.dot(Wy, a_next) + by")),
         "lstm-no-softmax"),
        ("lstm_cell_forward", edited(lstm_cell_forward, ("np.dot(Wy, a_next)",
                                                         "np.dot(Wy, c_next)")),
         "lstm-prediction-from-c"),
        ("lstm_forward", edited(lstm_forward, calls={"lstm_cell_forward": x_first_cell}),
         "x-before-a"),
        ("rnn_cell_backward", flat_bias_cell, "bias-keepdims"),
        ("rnn_cell_backward", edited(rnn_cell_backward, ("axis=1", "axis=0")),
         "bias-wrong-axis"),
        ("rnn_cell_backward", double_tanh_cell, "double-tanh"),
        ("rnn_backward", edited(rnn_backward, ("dWax += dWaxt", "dWax = dWaxt"),
                                ("dWaa += dWaat", "dWaa = dWaat"), ("dba += dbat", "dba = dbat")),
         "rnn-assigned"),
        ("rnn_backward", edited(rnn_backward, calls={"rnn_cell_backward": double_tanh_cell}),
         "double-tanh"),
        ("rnn_backward", edited(rnn_backward, ("np.zeros((n_a, 1), dtype=da.dtype)",
                                               "np.zeros((n_a,), dtype=da.dtype)"),
                                calls={"rnn_cell_backward": flat_bias_cell}),
         "bias-keepdims"),
        ("lstm_cell_backward", printed_gates, "gates-as-printed"),
        ("lstm_cell_backward", edited(lstm_cell_backward, ("(1 - cct ** 2)",
                                                           "(1 - np.tanh(cct) ** 2)")),
         "candidate-double-tanh"),
        ("lstm_cell_backward", edited(lstm_cell_backward, ("(a_prev, xt)", "(xt, a_prev)"),
                                      ("[:, :n_a]", "[:, n_x:]"), ("[:, n_a:]", "[:, :n_x]")),
         "x-before-a-backward"),
        ("lstm_cell_backward", edited(lstm_cell_backward, ("keepdims=True", "keepdims=False")),
         "bias-keepdims"),
        ("lstm_cell_backward", edited(lstm_cell_backward, ("axis=1", "axis=0")),
         "bias-wrong-axis"),
        ("lstm_backward", edited(lstm_backward, (
            "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
            "lstm_cell_backward(da[:, :, t], np.zeros_like(dc_prevt), caches[t])")),
         "lstm-no-carry"),
        ("lstm_backward", edited(lstm_backward, ("dc_prevt, caches[t])",
                                                 "np.zeros_like(dc_prevt), caches[t])")),
         "dc-not-carried"),
        ("lstm_backward", edited(lstm_backward, *[(f"d{p}{g} += ", f"d{p}{g} = ")
                                                  for p in "Wb" for g in "fico"]),
         "lstm-assigned"),
        ("lstm_backward", edited(lstm_backward, ("n_a, m, T_x = da.shape",
                                                 "n_a, m, _ = da.shape\n    T_x = x.shape[2]")),
         "steps-from-x"),
        ("lstm_backward", edited(lstm_backward, calls={"lstm_cell_backward": printed_gates}),
         "gates-as-printed"),
        ("cell_state_grad", edited(cell_state_grad, ("dc_next + ot", "ot")), "dc-next-dropped"),
        ("cell_state_grad", edited(cell_state_grad, ("np.tanh(c_next) ** 2", "c_next ** 2")),
         "tanh-slope-of-c"),
        ("output_gate_grad", edited(output_gate_grad, (" * ot * (1 - ot)", "")),
         "output-gate-slope"),
        ("candidate_grad", edited(candidate_grad, ("cct ** 2", "np.tanh(cct) ** 2")),
         "candidate-double-tanh"),
        ("candidate_grad", edited(candidate_grad, (" * (1 - cct ** 2)", "")), "candidate-slope"),
        ("update_gate_grad", edited(update_gate_grad, (" * it * (1 - it)", "")),
         "update-gate-slope"),
        ("forget_gate_grad", edited(forget_gate_grad, (" * ft * (1 - ft)", "")),
         "forget-gate-slope"),
        *_gru_mistakes(),
    ]


def _gru_mistakes():
    reversed_cell = edited(gru_cell_forward, ("ut * cct + (1 - ut) * a_prev",
                                              "(1 - ut) * cct + ut * a_prev"))
    no_carry = edited(gru_backward, ("da[:, :, t] + da_prevt", "da[:, :, t]"))
    return [
        ("gru_cell_forward", reversed_cell, "gru-update-reversed"),
        ("gru_cell_forward", edited(gru_cell_forward, (
            "np.dot(Wc, np.concatenate((rt * a_prev, xt), axis=0)) + bc",
            "rt * np.dot(Wc[:, :a_prev.shape[0]], a_prev)"
            " + np.dot(Wc[:, a_prev.shape[0]:], xt) + bc")),
         "gru-reset-after-product"),
        ("gru_cell_forward", edited(gru_cell_forward, ("(a_prev, xt), axis=0", "(xt, a_prev), axis=0"),
                                    ("(rt * a_prev, xt)", "(xt, rt * a_prev)")),
         "gru-x-before-a"),
        ("gru_cell_forward", edited(gru_cell_forward, ("softmax(np.dot(Wy, a_next) + by)",
                                                       "np.dot(Wy, a_next) + by")),
         "gru-no-softmax"),
        ("gru_forward", edited(gru_forward, ("(x[:, :, t], a_next, parameters)",
                                             "(x[:, :, t], a0, parameters)")),
         "gru-a0-every-step"),
        ("gru_forward", edited(gru_forward, calls={"gru_cell_forward": reversed_cell}),
         "gru-update-reversed"),
        ("gru_cell_backward", edited(gru_cell_backward, ("axis=1, keepdims=True", "axis=1")),
         "bias-keepdims"),
        ("gru_backward", no_carry, "gru-no-carry"),
        ("gru_backward", edited(gru_backward, ("totals[key] += gradients[key]",
                                               "totals[key] = gradients[key]")),
         "gru-assigned"),
        ("gru_candidate_grad", edited(gru_candidate_grad, (" * (1 - cct ** 2)", "")),
         "gru-candidate-slope"),
        ("gru_update_gate_grad", edited(gru_update_gate_grad, ("(cct - a_prev)", "(a_prev - cct)")),
         "gru-update-sign"),
        ("gru_reset_gate_grad", edited(gru_reset_gate_grad, (" * rt * (1 - rt)", "")),
         "gru-reset-slope"),
        ("gru_prev_state_grad", edited(gru_prev_state_grad, ("(1 - ut)", "ut")),
         "gru-prev-state-update"),
    ]


MISTAKE_CASES = _mistakes()


@pytest.mark.parametrize("name, function, key", MISTAKE_CASES,
                         ids=[f"{name}-{key}" for name, _, key in MISTAKE_CASES])
def test_a_known_mistake_fails_and_is_named(name, function, key):
    report = check(function, name=name)
    assert not report.passed
    assert report.rows[0].check in ("course's test case", "book's test case")
    assert report.rows[0].status == "failed"
    assert row(report, "random shapes").status == "failed"
    assert [mistake.key for mistake in report.mistakes] == [key]
    mistake = MISTAKES[key]
    assert f"Known mistake: your code {mistake.what[:40]}" in " ".join(str(report).split())
    assert f'<a href="{mistake.target}">' in report._repr_html_()


def test_every_known_mistake_is_crafted_by_a_test():
    crafted = {key for _, _, key in MISTAKE_CASES} | {"rnn-printed-answer",
                                                       "lstm-printed-answer"}
    assert crafted == set(MISTAKES)


def test_an_unknown_mistake_is_reported_without_a_name():
    # Two slips at once match no single known mistake: plain failures, no guess.
    function = edited(rnn_cell_forward, ("softmax(np.dot(Wya, a_next) + by)",
                                         "np.dot(Wya, a_prev) + by"))
    report = check(function)
    assert not report.passed and report.mistakes == []
    assert "Known mistake" not in str(report)


def test_backward_wrong_by_a_small_factor_fails_finite_differences():
    function = edited(rnn_cell_backward, ("dWaa = np.dot(dtanh, a_prev.T)",
                                          "dWaa = 1.001 * np.dot(dtanh, a_prev.T)"))
    report = check(function)
    assert re.search(r"dWaa is off by a relative error of [0-9.]+e-04",
                     row(report, "finite differences").detail)


# --- Stubs, crashes, mutation, dtypes: failures that never raise ------------------------


def test_a_stub_reads_as_not_implemented_yet():
    def lstm_backward(da, caches):
        raise NotImplementedError

    report = check(lstm_backward)
    assert not report.passed
    assert set(statuses(report).values()) == {"not implemented yet"}
    assert report.summary() == "check(lstm_backward): not implemented yet"
    assert "… not implemented yet" in str(report)
    assert "not implemented yet" in report._repr_html_()


def test_the_course_template_left_as_none_fails_with_the_missing_value():
    def rnn_cell_backward(da_next, cache):
        (a_next, a_prev, xt, parameters) = cache
        return {"dxt": None, "da_prev": None, "dWax": None, "dWaa": None, "dba": None}

    report = check(rnn_cell_backward)
    assert row(report, "course's test case").detail == "dxt is None"


def test_a_crash_names_the_exception_and_the_line_that_raised():
    def rnn_cell_forward(xt, a_prev, parameters):
        Wax = parameters["Wax"]
        a_next = np.tanh(np.dot(Wax, a_prev))  # Wax needs xt
        return a_next, a_next, (a_next, a_prev, xt, parameters)

    report = check(rnn_cell_forward)
    detail = row(report, "course's test case").detail
    assert detail.startswith("ValueError: shapes (5,3) and (5,10) not aligned")
    line = inspect.getsourcelines(rnn_cell_forward)[1] + 2
    assert detail.endswith(f"(raised at line {line} of your code: "
                           "a_next = np.tanh(np.dot(Wax, a_prev))  # Wax needs xt)")
    assert [r.check for r in report.rows if not r.passed] == [
        "course's test case", "cache layout", "random shapes", "float32 in, float32 out"]


def test_a_crash_inside_a_package_function_points_at_the_learner_line():
    def lstm_backward(da, caches):
        (caches, x) = caches
        return rnnbook.lstm_cell_backward(da, da, caches[0])  # a 3-d da for one step

    detail = row(check(lstm_backward), "course's test case").detail
    assert detail.startswith("ValueError: da_next: expected shape (n_a, m)")
    assert detail.endswith("return rnnbook.lstm_cell_backward(da, da, caches[0])"
                           "  # a 3-d da for one step)")


def test_a_wrong_result_structure_is_a_failure_not_an_error():
    def rnn_forward(x, a0, parameters):
        a, y_pred, caches = SOLUTIONS["rnn_forward"](x, a0, parameters)
        return a, y_pred  # the caches are missing

    def rnn_cell_backward(da_next, cache):
        gradients = SOLUTIONS["rnn_cell_backward"](da_next, cache)
        del gradients["dba"]
        return gradients

    detail = row(check(rnn_forward), "course's test case").detail
    assert detail == "expected a tuple of 3 values (a, y_pred, caches), got a tuple of 2 values"
    detail = row(check(rnn_cell_backward), "random shapes").detail
    assert detail.endswith("the dict returned has no key 'dba' "
                           "(expected the keys ['dxt', 'da_prev', 'dWax', 'dWaa', 'dba'])")


def test_a_wrong_cache_layout_is_its_own_row():
    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        a_next, c_next, yt, cache = SOLUTIONS["lstm_cell_forward"](xt, a_prev, c_prev, parameters)
        (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
        return a_next, c_next, yt, (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)

    report = check(lstm_cell_forward)
    assert statuses(report) == {"course's test case": "passed", "cache layout": "failed",
                                "random shapes": "passed", "float32 in, float32 out": "passed",
                                "inputs left unchanged": "passed"}
    assert row(report, "cache layout").detail.startswith(
        "course's test case: cache[4] (ft), entry [0, 0]: expected")


def test_modifying_an_input_fails_and_names_the_argument():
    def lstm_backward(da, caches):
        (step_caches, x) = caches
        n_a, m, T_x = da.shape
        for t in reversed(range(T_x - 1)):
            da[:, :, t] += 0.0 * da[:, :, t] + 1.0  # "borrows" da as a buffer
        return SOLUTIONS["lstm_backward"](da, caches)

    report = check(lstm_backward)
    assert row(report, "inputs left unchanged").status == "failed"
    assert re.fullmatch(r"an argument was modified in place: da, entry \[0, 0, 0\]: "
                        r"was -?[0-9.e-]+, is now -?[0-9.e-]+",
                        row(report, "inputs left unchanged").detail)


def test_modifying_the_parameters_in_a_cache_is_found_too():
    def rnn_cell_backward(da_next, cache):
        cache[3]["Wax"] *= 1.0 + 1e-3
        return SOLUTIONS["rnn_cell_backward"](da_next, cache)

    detail = row(check(rnn_cell_backward), "inputs left unchanged").detail
    assert detail.startswith("an argument was modified in place: cache[3]['Wax'] "
                             "(parameters), entry [0, 0]: was")


def test_float64_outputs_for_float32_inputs_fail_with_a_hint():
    function = edited(rnn_forward, ("a = np.zeros((n_a, m, T_x), dtype=x.dtype)",
                                    "a = np.zeros((n_a, m, T_x))"))
    report = check(function)
    assert [r.check for r in report.rows if not r.passed] == ["float32 in, float32 out"]
    assert row(report, "float32 in, float32 out").detail == (
        "n_x=3, n_a=5, n_y=2, m=4, T_x=3: a is float64: np.zeros(shape) makes float64; "
        "give it dtype=x.dtype, or use np.zeros_like")


def test_warnings_are_recorded_not_raised():
    def candidate_grad(dc, it, cct):
        warnings.warn("a learner's warning", RuntimeWarning)
        return dc * it * (1 - cct ** 2)

    report = check(candidate_grad)  # the test suite turns warnings into errors
    assert report.passed
    assert report.warnings == ["RuntimeWarning: a learner's warning"]
    assert "Warnings raised by your code:" in str(report)


class Unreadable:
    """A result whose conversion to an array raises."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


ODD_RESULTS = [None, 0, "text", [], {}, (None, None, None, None), (1, 2, 3, 4),
               {"dx": "a"}, np.array(["a"]), np.ones(3, dtype=complex), object(),
               Unreadable(), (Unreadable(),) * 4]


@pytest.mark.parametrize("name", GRADABLE)
def test_odd_results_fail_without_raising(name):
    for result in ODD_RESULTS:
        report = check(lambda *args, result=result: result, name=name)
        assert not report.passed
        assert report.rows[0].status == "failed"  # the course's (or the book's) case
        str(report), report._repr_html_()


def test_keyboard_interrupt_is_not_swallowed():
    def rnn_cell_forward(xt, a_prev, parameters):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check(rnn_cell_forward)


# --- The report ---------------------------------------------------------------------------


def test_text_report_columns_are_aligned():
    text = str(check(RNN_BACKWARD_AS_PRINTED))
    lines = text.splitlines()
    assert lines[0] == "check(rnn_backward): 2 of 5 checks passed"
    table = lines[1:lines.index("")]  # the known mistake follows a blank line
    row_lines = [line for line in table if re.match(r"  \S", line)]
    assert len(row_lines) == 5
    mark_columns = {line.index("✓ passed") if "✓" in line else line.index("✗ failed")
                    for line in row_lines}
    assert len(mark_columns) == 1
    detail_column = mark_columns.pop() + len("✓ passed  ")
    continued = [line for line in table if line.startswith(" " * 10)]
    assert continued and all(line[detail_column - 1] == " " and line[detail_column] != " "
                             for line in continued)
    assert repr(check(RNN_BACKWARD_AS_PRINTED)) == text


def test_html_report_says_each_result_in_words():
    page = check(RNN_BACKWARD_AS_PRINTED)._repr_html_()
    assert page.count("</tr>") == 6  # a header and five checks
    assert page.count("✓</span> passed") == 2 and page.count("✗</span> failed") == 3
    assert "color:inherit" in page and "#fff" not in page.lower()


def test_report_is_a_report():
    assert isinstance(check(rnnbook.rnn_cell_forward), Report)
