"""The course notebook's test inputs, rebuilt draw for draw, and its printed numbers.

Each ``*_case()`` function returns the inputs of one of the notebook's test cells,
drawn from a fresh ``RandomState(1)`` (the same stream as ``np.random.seed(1)``
followed by ``np.random.randn``) in the notebook's order, quirks included:

* the ``rnn_cell_backward`` cell draws a bias ``b`` but runs with ``ba`` left over
  from the ``rnn_forward`` cell, and draws ``Wax`` before ``Waa``;
* the ``lstm_backward`` cell draws no ``Wy``/``by``: it reuses those of the
  ``lstm_cell_backward`` cell; it draws ``x`` with 7 steps but ``da`` with 4.

Nothing here touches numpy's global random state.

``EXPECTED`` holds the notebook's "Expected Output" values that are right, keyed by
function, as ``(output, index, value)`` triples: ``output[index] == value``.
``CORRECTED`` holds the right values where the notebook's are wrong, and
``NOTEBOOK_WRONG`` the wrong ones, for the book's Errata.
"""

from typing import NamedTuple

import numpy as np

from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cell import lstm_cell_forward, rnn_cell_forward
from .sequence import lstm_forward, rnn_forward

# The order in which the notebook's two RNN forward cells draw the parameters (the
# rnn_backward cell draws Wax before Waa).
_RNN_FORWARD_DRAWS = [
    ("Waa", (5, 5)),
    ("Wax", (5, 3)),
    ("Wya", (2, 5)),
    ("ba", (5, 1)),
    ("by", (2, 1)),
]


def _rnn_parameters(draw, order):
    return {name: draw(*shape) for name, shape in order}


def rnn_cell_forward_case():
    """Inputs of the notebook's ``rnn_cell_forward`` test: ``xt``, ``a_prev``, ``parameters``.

    Returns
    -------
    dict
        ``xt`` (3, 10), ``a_prev`` (5, 10) and ``parameters`` (``Waa``, ``Wax``, ``Wya``,
        ``ba``, ``by``), as :func:`~rnnbook.rnn_cell_forward` takes them.

    Examples
    --------
    >>> from rnnbook.course import rnn_cell_forward_case
    >>> case = rnn_cell_forward_case()
    >>> case["xt"].shape, sorted(case["parameters"])
    ((3, 10), ['Waa', 'Wax', 'Wya', 'ba', 'by'])
    """
    draw = np.random.RandomState(1).randn
    xt, a_prev = draw(3, 10), draw(5, 10)
    parameters = _rnn_parameters(draw, _RNN_FORWARD_DRAWS)
    return {"xt": xt, "a_prev": a_prev, "parameters": parameters}


def rnn_forward_case():
    """Inputs of the notebook's ``rnn_forward`` test: ``x`` (3, 10, 4), ``a0``, ``parameters``.

    Returns
    -------
    dict
        ``x`` (3, 10, 4), ``a0`` (5, 10) and ``parameters``, as
        :func:`~rnnbook.rnn_forward` takes them.

    Examples
    --------
    >>> from rnnbook.course import rnn_forward_case
    >>> rnn_forward_case()["x"].shape
    (3, 10, 4)
    """
    draw = np.random.RandomState(1).randn
    x, a0 = draw(3, 10, 4), draw(5, 10)
    parameters = _rnn_parameters(draw, _RNN_FORWARD_DRAWS)
    return {"x": x, "a0": a0, "parameters": parameters}


def rnn_cell_backward_case():
    """Inputs of the notebook's ``rnn_cell_backward`` test, with its left-over ``ba``.

    Returns ``xt``, ``a_prev``, ``parameters`` and ``da_next`` (5, 10). The cell draws
    its own bias ``b`` (drawn here too, to keep the stream in step) but builds ``parameters`` with the
    ``ba`` of the ``rnn_forward`` test; only that reproduces its expected numbers.

    Returns
    -------
    dict
        ``xt`` (3, 10), ``a_prev`` (5, 10), ``parameters`` and ``da_next`` (5, 10).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.course import rnn_cell_backward_case, rnn_forward_case
    >>> case = rnn_cell_backward_case()
    >>> bool(np.array_equal(case["parameters"]["ba"], rnn_forward_case()["parameters"]["ba"]))
    True
    """
    draw = np.random.RandomState(1).randn
    xt, a_prev = draw(3, 10), draw(5, 10)
    Wax, Waa, Wya = draw(5, 3), draw(5, 5), draw(2, 5)
    draw(5, 1)  # the cell's own bias b: drawn, then never used
    by = draw(2, 1)
    ba = rnn_forward_case()["parameters"]["ba"]
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}
    return {
        "xt": xt,
        "a_prev": a_prev,
        "parameters": parameters,
        "da_next": draw(5, 10),
    }


def rnn_backward_case():
    """Inputs of the notebook's ``rnn_backward`` test: ``x``, ``a0``, ``parameters``, ``da``.

    Returns
    -------
    dict
        ``x`` (3, 10, 4), ``a0`` (5, 10), ``parameters`` and ``da`` (5, 10, 4).

    Examples
    --------
    >>> from rnnbook.course import rnn_backward_case
    >>> rnn_backward_case()["da"].shape
    (5, 10, 4)
    """
    draw = np.random.RandomState(1).randn
    x, a0 = draw(3, 10, 4), draw(5, 10)
    parameters = _rnn_parameters(
        draw,
        [
            ("Wax", (5, 3)),
            ("Waa", (5, 5)),
            ("Wya", (2, 5)),
            ("ba", (5, 1)),
            ("by", (2, 1)),
        ],
    )
    return {"x": x, "a0": a0, "parameters": parameters, "da": draw(5, 10, 4)}


def _lstm_parameters(draw, n_x=3, n_a=5, n_y=2, with_output=True):
    """The LSTM cells' draw order: Wf, bf, Wi, bi, Wo, bo, Wc, bc, then Wy, by."""
    parameters = {}
    for gate in "fioc":
        parameters["W" + gate] = draw(n_a, n_a + n_x)
        parameters["b" + gate] = draw(n_a, 1)
    if with_output:
        parameters["Wy"], parameters["by"] = draw(n_y, n_a), draw(n_y, 1)
    return parameters


def _lstm_cell_draws(draw):
    xt, a_prev, c_prev = draw(3, 10), draw(5, 10), draw(5, 10)
    return {
        "xt": xt,
        "a_prev": a_prev,
        "c_prev": c_prev,
        "parameters": _lstm_parameters(draw),
    }


def lstm_cell_forward_case():
    """Inputs of the notebook's ``lstm_cell_forward`` test: ``xt``, ``a_prev``, ``c_prev``, ``parameters``.

    Returns
    -------
    dict
        ``xt`` (3, 10), ``a_prev`` (5, 10), ``c_prev`` (5, 10) and ``parameters`` (gate
        weights (5, 8), biases (5, 1), ``Wy`` (2, 5), ``by`` (2, 1)).

    Examples
    --------
    >>> from rnnbook.course import lstm_cell_forward_case
    >>> lstm_cell_forward_case()["parameters"]["Wf"].shape
    (5, 8)
    """
    return _lstm_cell_draws(np.random.RandomState(1).randn)


def lstm_forward_case():
    """Inputs of the notebook's ``lstm_forward`` test: ``x`` (3, 10, 7), ``a0``, ``parameters``.

    Returns
    -------
    dict
        ``x`` (3, 10, 7), ``a0`` (5, 10) and ``parameters``.

    Examples
    --------
    >>> from rnnbook.course import lstm_forward_case
    >>> lstm_forward_case()["x"].shape
    (3, 10, 7)
    """
    draw = np.random.RandomState(1).randn
    x, a0 = draw(3, 10, 7), draw(5, 10)
    return {"x": x, "a0": a0, "parameters": _lstm_parameters(draw)}


def lstm_cell_backward_case():
    """Inputs of the notebook's ``lstm_cell_backward`` test, with ``da_next`` and ``dc_next``.

    Returns
    -------
    dict
        The inputs of :func:`lstm_cell_forward_case`, plus ``da_next`` and ``dc_next``
        (5, 10).

    Examples
    --------
    >>> from rnnbook.course import lstm_cell_backward_case
    >>> sorted(lstm_cell_backward_case())
    ['a_prev', 'c_prev', 'da_next', 'dc_next', 'parameters', 'xt']
    """
    draw = np.random.RandomState(1).randn
    case = _lstm_cell_draws(draw)  # the forward cell's draws come first
    return {**case, "da_next": draw(5, 10), "dc_next": draw(5, 10)}


def lstm_backward_case():
    """Inputs of the notebook's ``lstm_backward`` test: ``x`` (3, 10, 7), ``a0``, ``parameters``, ``da`` (5, 10, 4).

    ``Wy`` and ``by`` are those of :func:`lstm_cell_backward_case`, as in the notebook.

    Returns
    -------
    dict
        ``x`` (3, 10, 7), ``a0`` (5, 10), ``parameters`` and ``da`` (5, 10, 4).

    Examples
    --------
    >>> from rnnbook.course import lstm_backward_case
    >>> case = lstm_backward_case()
    >>> case["x"].shape, case["da"].shape
    ((3, 10, 7), (5, 10, 4))
    """
    draw = np.random.RandomState(1).randn
    x, a0 = draw(3, 10, 7), draw(5, 10)
    parameters = _lstm_parameters(draw, with_output=False)
    output = lstm_cell_backward_case()["parameters"]
    parameters.update(Wy=output["Wy"], by=output["by"])
    return {"x": x, "a0": a0, "parameters": parameters, "da": draw(5, 10, 4)}


# The notebook's printed numbers, one row per printed value: (output name, index,
# value), read as output[index] == value, where output is a returned array or a
# gradient key. Arrays are printed to 8 decimals, scalars to 12 significant digits.
# fmt: off
EXPECTED = {
    "rnn_cell_forward": [
        ("a_next",   (4,),       [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201, 0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037]),
        ("yt_pred",  (1,),       [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387, 0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526]),
    ],
    "rnn_forward": [
        ("a",        (4, 1),     [-0.99999375, 0.77911235, -0.99861469, -0.99833267]),
        ("y_pred",   (1, 3),     [0.79560373, 0.86224861, 0.11118257, 0.81515947]),
        ("caches",   (1, 1, 3),  [-1.1425182, -0.34934272, -0.20889423, 0.58662319]),
    ],
    "lstm_cell_forward": [
        ("a_next",   (4,),       [-0.66408471, 0.0036921, 0.02088357, 0.22834167, -0.85575339, 0.00138482, 0.76566531, 0.34631421, -0.00215674, 0.43827275]),
        ("c_next",   (2,),       [0.63267805, 1.00570849, 0.35504474, 0.20690913, -1.64566718, 0.11832942, 0.76449811, -0.0981561, -0.74348425, -0.26810932]),
        ("yt",       (1,),       [0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211, 0.31146381, 0.00943007, 0.12666353, 0.39380172, 0.07828381]),
        ("cache",    (1, 3),     [-0.16263996, 1.03729328, 0.72938082, -0.54101719, 0.02752074, -0.30821874, 0.07651101, -1.03752894, 1.41219977, -0.37647422]),
    ],
    "lstm_forward": [
        ("a",        (4, 3, 6),  0.172117767533),
        ("y",        (1, 4, 3),  0.95087346185),
        ("caches",   (1, 1, 1),  [0.82797464, 0.23009474, 0.76201118, -0.22232814, -0.20075807, 0.18656139, 0.41005165]),
        ("c",        (1, 2, 1),  -0.855544916718),
    ],
    "rnn_cell_backward": [
        ("dxt",      (1, 2),     -0.460564103059),
        ("da_prev",  (2, 3),     0.0842968653807),
        ("dWax",     (3, 1),     0.393081873922),
        ("dWaa",     (1, 2),     -0.28483955787),
        ("dba",      (4,),       [0.80517166]),
    ],
    "rnn_backward": [
        ("dx",       (1, 2),     [-2.07101689, -0.59255627, 0.02466855, 0.01483317]),
        ("da0",      (2, 3),     -0.314942375127),
        ("dWax",     (3, 1),     11.2641044965),
        ("dWaa",     (1, 2),     2.30333312658),
        ("dba",      (4,),       [-0.74747722]),
    ],
    "lstm_cell_backward": [
        ("dxt",      (1, 2),     3.23055911511),
        ("da_prev",  (2, 3),     -0.0639621419711),
        ("dc_prev",  (2, 3),     0.797522038797),
        ("dWf",      (3, 1),     -0.147954838164),
        ("dWi",      (1, 2),     1.05749805523),
        ("dWc",      (3, 1),     2.30456216369),
        ("dWo",      (1, 2),     0.331311595289),
        ("dbf",      (4,),       [0.18864637]),
        ("dbi",      (4,),       [-0.40142491]),
        ("dbc",      (4,),       [0.25587763]),
        ("dbo",      (4,),       [0.13893342]),
    ],
}

# Where the notebook is wrong: what correct code gives ...
CORRECTED = {
    "lstm_backward": [
        ("dx",       (1, 2),     [0.00218254, 0.28205375, -0.48292508, -0.43281115]),
        ("da0",      (2, 3),     0.312770310257),
        ("dWf",      (3, 1),     -0.0809802310938),
        ("dWi",      (1, 2),     0.40512433093),
        ("dWc",      (3, 1),     -0.0793746735512),
        ("dWo",      (1, 2),     0.038948775763),
        ("dbf",      (4,),       [-0.15745657]),
        ("dbi",      (4,),       [-0.50848333]),
        ("dbc",      (4,),       [-0.42510818]),
        ("dbo",      (4,),       [-0.17958196]),
    ],
}

# ... and what the notebook shows instead.
NOTEBOOK_WRONG = {
    # printed under the rnn_backward cell, by code that drops da[:, :, t]
    "rnn_backward": [
        ("dx",       (1, 2),     [0.04036334, 0.01590669, 0.00395097, 0.01483317]),
        ("da0",      (2, 3),     -0.000705301629139),
        ("dWax",     (3, 1),     8.45242637129),
        ("dWaa",     (1, 2),     1.27076517994),
        ("dba",      (4,),       [-0.50815277]),
    ],
    # its "Expected Output", from code that carries no gradient back through time and
    # (for dbi, dbc, dbo) also adds each gate's last bias gradient to the running dbf
    "lstm_backward": [
        ("dx",       (1, 2),     [-0.00173313, 0.08287442, -0.30545663, -0.43281115]),
        ("da0",      (2, 3),     -0.095911501954),
        ("dWf",      (3, 1),     -0.0698198561274),
        ("dWi",      (1, 2),     0.102371820249),
        ("dWc",      (3, 1),     -0.0624983794927),
        ("dWo",      (1, 2),     0.0484389131444),
        ("dbf",      (4,),       [-0.0565788]),
        ("dbi",      (4,),       [-0.06997391]),
        ("dbc",      (4,),       [-0.27441821]),
        ("dbo",      (4,),       [0.16532821]),
    ],
}
# fmt: on


def lookup(outputs, name, index):
    """``outputs[name][i][j]...``, indexing one level at a time as the notebook prints.

    Parameters
    ----------
    outputs : dict
        Outputs by name.
    name : str
        Key of the output to read.
    index : tuple of int
        Indices applied one after the other.

    Returns
    -------
    ndarray or scalar

    Examples
    --------
    >>> from rnnbook.course import lookup
    >>> lookup({"a": [[1, 2], [3, 4]]}, "a", (1, 0))
    3
    """
    if name not in outputs:
        raise KeyError(f"name: {name!r} is not among the outputs {sorted(outputs)}")
    value = outputs[name]
    for depth, i in enumerate(index):
        try:
            value = value[i]
        except (IndexError, TypeError) as error:
            raise ValueError(f"index: {index} does not fit {name} at position {depth} ({error})") from None
    return value


class CourseRun(NamedTuple):
    """How the notebook runs one function's test cell."""

    case: object  #: builds the cell's inputs (one of the ``*_case`` functions)
    forward: str  #: the forward function that runs first
    returns: tuple  #: names of the forward's return values, as the notebook prints them
    upstream: tuple = ()  #: a backward test's upstream gradients, in argument order


# fmt: off
RUNS = {
    "rnn_cell_forward":   CourseRun(rnn_cell_forward_case,   "rnn_cell_forward",  ("a_next", "yt_pred", "cache")),
    "rnn_forward":        CourseRun(rnn_forward_case,        "rnn_forward",       ("a", "y_pred", "caches")),
    "lstm_cell_forward":  CourseRun(lstm_cell_forward_case,  "lstm_cell_forward", ("a_next", "c_next", "yt", "cache")),
    "lstm_forward":       CourseRun(lstm_forward_case,       "lstm_forward",      ("a", "y", "c", "caches")),
    "rnn_cell_backward":  CourseRun(rnn_cell_backward_case,  "rnn_cell_forward",  ("a_next", "yt_pred", "cache"), ("da_next",)),
    "rnn_backward":       CourseRun(rnn_backward_case,       "rnn_forward",       ("a", "y_pred", "caches"), ("da",)),
    "lstm_cell_backward": CourseRun(lstm_cell_backward_case, "lstm_cell_forward", ("a_next", "c_next", "yt", "cache"), ("da_next", "dc_next")),
    "lstm_backward":      CourseRun(lstm_backward_case,      "lstm_forward",      ("a", "y", "c", "caches"), ("da",)),
}
# fmt: on

_TEACHING = {
    function.__name__: function
    for function in (rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward,
                     rnn_cell_backward, rnn_backward, lstm_cell_backward, lstm_backward)
}


def run_case(function_name, implementation=None):
    """Run one of the notebook's test cells with rnnbook; return outputs by printed name.

    Parameters
    ----------
    function_name : str
        A key of :data:`RUNS`, e.g. ``"lstm_backward"``.
    implementation : module, optional
        Where to find the forward and backward functions (default: the teaching
        ones); any module with the same function names, such as
        :mod:`rnnbook.fused`, works.

    Returns
    -------
    dict
        For a forward function, its return values under the names the notebook
        prints (``a_next``, ``yt_pred``, ``cache``, ...); for a backward function, its
        gradient dict.

    Examples
    --------
    >>> from rnnbook.course import run_case
    >>> sorted(run_case("rnn_cell_forward"))
    ['a_next', 'cache', 'yt_pred']
    """
    if function_name not in RUNS:
        raise ValueError(f"function_name: expected one of {sorted(RUNS)}, got {function_name!r}")
    run = RUNS[function_name]

    def function(name):
        return _TEACHING[name] if implementation is None else getattr(implementation, name)

    inputs = run.case()
    upstream = [inputs.pop(key) for key in run.upstream]
    outputs = function(run.forward)(**inputs)
    if not run.upstream:
        return dict(zip(run.returns, outputs, strict=True))
    return function(function_name)(*upstream, outputs[-1])


class Comparison(list):
    """Rows ``(label, reference value, our value, agree)``; shows as a table in a notebook.

    ``reference`` names the column of reference values (default: the course notebook).
    """

    def __init__(self, rows=(), reference="course notebook"):
        super().__init__(rows)
        self.reference = reference

    @property
    def all_agree(self):
        """True when every row agrees."""
        return all(row[3] for row in self)

    def _repr_markdown_(self):
        lines = [f"| value | {self.reference} | rnnbook | agree |", "|---|---|---|---|"]
        lines += [
            f"| `{label}` | `{_fmt(ref)}` | `{_fmt(ours)}` | {'yes' if ok else '**no**'} |"
            for label, ref, ours, ok in self
        ]
        return "\n".join(lines)

    def __str__(self):
        return "\n".join(
            f"{label:<22} {self.reference}: {_fmt(ref)}\n{'':<22} rnnbook: {_fmt(ours)}"
            f"  {'agree' if ok else 'DIFFER'}"
            for label, ref, ours, ok in self
        )


def _fmt(value):
    value = np.asarray(value, dtype=float)
    # The notebook prints arrays to 8 decimals and scalars to 12 significant digits.
    precision = 8 if value.ndim else 12
    return np.array2string(
        value, precision=precision, separator=" ", max_line_width=1000
    )


def compare(outputs, entries, rtol=1e-8, atol=5e-9, reference="course notebook"):
    """Compare outputs with the notebook's printed numbers, entry by entry.

    Parameters
    ----------
    outputs : dict
        Outputs by printed name, e.g. from :func:`run_case`.
    entries : list of tuple
        Rows ``(name, index, value)`` of ``EXPECTED``, ``CORRECTED`` or
        ``NOTEBOOK_WRONG``.
    rtol, atol : float, optional
        Agreement tolerance. The default ``atol`` is half a unit of the eighth
        decimal, the precision the notebook prints arrays with.
    reference : str, optional
        Heading of the reference column, e.g. ``"correct value"`` for ``CORRECTED``.

    Returns
    -------
    Comparison
        One row per entry; ``.all_agree`` tells whether all agree.

    Examples
    --------
    >>> from rnnbook.course import EXPECTED, compare, run_case
    >>> table = compare(run_case("rnn_backward"), EXPECTED["rnn_backward"])
    >>> table.all_agree, table[1][0]
    (True, 'da0[2][3]')
    """
    rows = Comparison(reference=reference)
    for name, index, value in entries:
        ours = np.asarray(lookup(outputs, name, index), dtype=float)
        label = name + "".join(f"[{i}]" for i in index)
        rows.append(
            (label, value, ours, bool(np.allclose(ours, value, rtol=rtol, atol=atol)))
        )
    return rows
