"""Random problem builders shared by the tests."""

# One list of shapes and one problem builder, shared with rnnbook.check's random shapes.
from rnnbook.grader import SHAPES, random_problem

__all__ = ["SHAPES", "random_problem"]
