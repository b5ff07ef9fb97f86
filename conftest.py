"""Pytest set-up shared by the package's doctests, the book's doctests and the tests."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _numpy_print_options():
    """Print numpy scalars as ``0.29``, not ``np.float64(0.29)``, in doctests."""
    with np.printoptions(legacy="1.25"):
        yield
