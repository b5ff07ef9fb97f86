"""Random problem builders shared by the tests."""

import numpy as np

from rnnbook._validate import gru_parameter_shapes, lstm_parameter_shapes, rnn_parameter_shapes

# (n_x, n_a, n_y, m, T_x): m = 1, T_x = 1 and n_x != n_a all appear.
SHAPES = [
    (3, 5, 2, 4, 3),
    (1, 1, 1, 1, 1),
    (4, 2, 3, 1, 5),
    (2, 6, 4, 3, 1),
    (5, 3, 2, 2, 4),
    (6, 4, 5, 3, 2),
]


PARAMETER_SHAPES = {"rnn": rnn_parameter_shapes, "lstm": lstm_parameter_shapes,
                    "gru": gru_parameter_shapes}


def random_parameters(kind, n_x, n_a, n_y, rng, dtype=np.float64):
    """Random parameters with non-zero biases, scaled to keep tanh/sigmoid unsaturated."""
    shapes = PARAMETER_SHAPES[kind](n_x, n_a, n_y)
    return {key: (0.7 * rng.standard_normal(shape)).astype(dtype)
            for key, (_, shape) in shapes.items()}


def random_problem(kind, n_x, n_a, n_y, m, T_x, seed=0, dtype=np.float64):
    """x, a0, c0, parameters and upstream gradients for one random case."""
    rng = np.random.default_rng(seed)
    draw = lambda *shape: rng.standard_normal(shape).astype(dtype)
    return {
        "x": draw(n_x, m, T_x),
        "a0": draw(n_a, m),
        "c0": draw(n_a, m),
        "parameters": random_parameters(kind, n_x, n_a, n_y, rng, dtype),
        "da": draw(n_a, m, T_x),
        "dc": draw(n_a, m),
    }
