"""Random problems of every model: the shapes the tests and :func:`rnnbook.check` try.

One list of sizes and one builder, so that the package's tests and the grader of a
learner's functions try the same cases: a batch of one example, a sequence of one
step, and inputs narrower and wider than the hidden state all appear.
"""

import numpy as np

from ._validate import check_size
from .parameters import parameter_shapes

#: Sizes ``(n_x, n_a, n_y, m, T_x)``: m = 1, T_x = 1 and n_x != n_a all appear, and
#: n_y is both above and below n_a.
SHAPES = (
    (3, 5, 2, 4, 3),
    (1, 1, 1, 1, 1),
    (4, 2, 3, 1, 5),
    (2, 6, 4, 3, 1),
    (5, 3, 2, 2, 4),
    (6, 4, 5, 3, 2),
)


def random_problem(kind, n_x, n_a, n_y, m, T_x, seed=0, dtype=np.float64):
    """Random inputs, parameters, upstream gradients and targets of one problem.

    Parameters
    ----------
    kind : str
        The model whose parameters to draw: a key of :data:`rnnbook.parameters.SHAPES`.
    n_x, n_a, n_y, m, T_x : int
        The sizes (see the book's Notation chapter).
    seed : int, optional
        Seed of a ``numpy.random.default_rng``; numpy's global state is untouched.
    dtype : numpy dtype, optional
        Of every array but the targets.

    Returns
    -------
    dict
        ``x`` (n_x, m, T_x), ``a0`` (n_a, m), ``c0`` (n_a, m), ``parameters`` (weights
        and biases drawn from N(0, 0.7²), which keeps tanh and the sigmoid away from
        saturation), ``da`` (n_a, m, T_x), ``dc`` (n_a, m), and ``targets`` (m, T_x)
        integer classes in [0, n_y).

    Examples
    --------
    >>> from rnnbook.problems import random_problem
    >>> problem = random_problem("lstm", 3, 5, 2, 4, 6)
    >>> problem["x"].shape, problem["parameters"]["Wf"].shape, problem["targets"].shape
    ((3, 4, 6), (5, 8), (4, 6))
    """
    sizes = [check_size(name, n) for name, n in zip(("n_x", "n_a", "n_y", "m", "T_x"),
                                                     (n_x, n_a, n_y, m, T_x))]
    n_x, n_a, n_y, m, T_x = sizes
    rng = np.random.default_rng(seed)
    draw = lambda *shape: rng.standard_normal(shape).astype(dtype)  # noqa: E731
    x, a0, c0 = draw(n_x, m, T_x), draw(n_a, m), draw(n_a, m)
    parameters = {
        key: (0.7 * rng.standard_normal(shape)).astype(dtype)
        for key, (_, shape) in parameter_shapes(kind, n_x, n_a, n_y).items()
    }
    return {"x": x, "a0": a0, "c0": c0, "parameters": parameters,
            "da": draw(n_a, m, T_x), "dc": draw(n_a, m),
            "targets": rng.integers(0, max(n_y, 1), size=(m, T_x))}
