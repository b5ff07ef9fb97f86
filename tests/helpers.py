"""Builders shared by the tests: every model and implementation, and random problems.

The random problems and their shapes are :mod:`rnnbook.problems`, which the grader of
learners' functions (:func:`rnnbook.check`) uses too.
"""

import numpy as np

import rnnbook
from rnnbook import fused
from rnnbook.model import MODELS
from rnnbook.parameters import parameter_shapes
from rnnbook.problems import SHAPES, random_problem

__all__ = ["KINDS", "IMPLEMENTATIONS", "SHAPES", "SHAPE_IDS", "random_problem",
           "random_parameters", "sequence_functions", "assert_same_dicts"]

KINDS = tuple(MODELS)  # every model the package has
IMPLEMENTATIONS = {"teaching": rnnbook, "fused": fused}
SHAPE_IDS = ["n_x={}_n_a={}_n_y={}_m={}_T={}".format(*s) for s in SHAPES]


def sequence_functions(kind, implementation="teaching"):
    """``(forward, backward)`` of a model in one implementation."""
    module = IMPLEMENTATIONS[implementation]
    return getattr(module, f"{kind}_forward"), getattr(module, f"{kind}_backward")


def random_parameters(kind, n_x, n_a, n_y, rng, dtype=np.float64, scale=0.7):
    """Random parameters, biases included, scaled to keep tanh and sigmoid unsaturated."""
    return {key: (scale * rng.standard_normal(shape)).astype(dtype)
            for key, (_, shape) in parameter_shapes(kind, n_x, n_a, n_y).items()}


def assert_same_dicts(before, after):
    """Two (nested) dicts of arrays hold the same keys, in order, and the same values."""
    assert list(before) == list(after)
    for key in before:
        if isinstance(before[key], dict):
            assert_same_dicts(before[key], after[key])
        else:
            np.testing.assert_array_equal(before[key], after[key])
