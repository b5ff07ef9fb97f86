"""Builders shared by the tests: random problems for every model and implementation."""

import numpy as np

import rnnbook
from rnnbook import fused
from rnnbook.model import MODELS
from rnnbook.parameters import parameter_shapes

KINDS = tuple(MODELS)  # every model the package has
IMPLEMENTATIONS = {"teaching": rnnbook, "fused": fused}

# (n_x, n_a, n_y, m, T_x): m = 1, T_x = 1, n_x != n_a, n_y above and below n_a.
SHAPES = [
    (3, 5, 2, 4, 3),
    (1, 1, 1, 1, 1),
    (4, 2, 3, 1, 5),
    (2, 6, 4, 3, 1),
    (5, 3, 2, 2, 4),
    (6, 4, 5, 3, 2),
]
SHAPE_IDS = ["n_x={}_n_a={}_n_y={}_m={}_T={}".format(*s) for s in SHAPES]


def sequence_functions(kind, implementation="teaching"):
    """``(forward, backward)`` of a model in one implementation."""
    module = IMPLEMENTATIONS[implementation]
    return getattr(module, f"{kind}_forward"), getattr(module, f"{kind}_backward")


def random_parameters(kind, n_x, n_a, n_y, rng, dtype=np.float64, scale=0.7):
    """Random parameters, biases included, scaled to keep tanh and sigmoid unsaturated."""
    return {key: (scale * rng.standard_normal(shape)).astype(dtype)
            for key, (_, shape) in parameter_shapes(kind, n_x, n_a, n_y).items()}


def random_problem(kind, n_x, n_a, n_y, m, T_x, seed=0, dtype=np.float64):
    """Inputs, parameters, upstream gradients and targets for one random case."""
    rng = np.random.default_rng(seed)
    draw = lambda *shape: rng.standard_normal(shape).astype(dtype)  # noqa: E731
    return {
        "x": draw(n_x, m, T_x),
        "a0": draw(n_a, m),
        "c0": draw(n_a, m),
        "parameters": random_parameters(kind, n_x, n_a, n_y, rng, dtype),
        "da": draw(n_a, m, T_x),
        "dc": draw(n_a, m),
        "targets": rng.integers(0, n_y, size=(m, T_x)),
    }


def assert_same_dicts(before, after):
    """Two (nested) dicts of arrays hold the same keys, in order, and the same values."""
    assert list(before) == list(after)
    for key in before:
        if isinstance(before[key], dict):
            assert_same_dicts(before[key], after[key])
        else:
            np.testing.assert_array_equal(before[key], after[key])
