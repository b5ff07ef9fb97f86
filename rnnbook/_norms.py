"""A Euclidean norm that neither overflows nor underflows, for gradients of any size."""

import math

import numpy as np


def largest_and_ratio(arrays):
    """``(M, r)``: M the largest |entry| of all ``arrays``, r their joint norm divided by M.

    Dividing by M first keeps every square at most 1, so the sum of squares cannot
    overflow however large the entries (1e200 squared would), nor underflow to 0
    however small. M is 0, ``inf`` or ``nan`` when the entries are all zero or one of
    them is not finite; r is then 1, so ``M * r`` is still the norm.
    """
    arrays = [np.asarray(a) for a in arrays]
    largest = max((float(np.max(np.abs(a), initial=0.0)) for a in arrays), default=0.0)
    if largest == 0 or not math.isfinite(largest):
        return largest, 1.0
    squares = sum(float(np.sum(np.square(a / largest, dtype=np.float64))) for a in arrays)
    return largest, math.sqrt(squares)


def euclidean_norm(*arrays):
    """The norm of all ``arrays`` taken together as one vector, as a Python float.

    ``inf`` when it exceeds the largest float; ``nan`` if an entry is nan.
    """
    largest, ratio = largest_and_ratio(arrays)
    return largest * ratio
