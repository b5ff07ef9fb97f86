"""Pytest set-up shared by the package's doctests, the book's doctests and the tests."""

import contextlib

import numpy as np
import pytest

NUMPY_2 = int(np.__version__.split(".")[0]) >= 2


@pytest.fixture(autouse=True)
def _numpy_print_options():
    """Print numpy scalars as ``0.29``, not ``np.float64(0.29)``, in doctests.

    numpy 2 changed the repr of scalars; its ``legacy="1.25"`` option restores the old
    one, which numpy 1.26 prints anyway (and whose ``printoptions`` rejects "1.25").
    """
    with np.printoptions(legacy="1.25") if NUMPY_2 else contextlib.nullcontext():
        yield
