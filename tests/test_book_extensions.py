"""Unit tests of the book's own Sphinx extensions (docs/_ext), without a build."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

chapter_order = pytest.importorskip("chapter_order")


@pytest.mark.parametrize("cells, expected", [
    (["import rnnbook\nrnnbook.rnn_forward(x, a0, p)"], ["rnnbook.rnn_forward"]),
    (["from rnnbook import fused\nfused.lstm_forward(x, a0, p)"],
     ["rnnbook.fused.lstm_forward"]),
    (["from rnnbook.output import cross_entropy as ce", "value = ce(y, t)"],
     ["rnnbook.output.cross_entropy"]),
    (["import rnnbook.model as m\nm.run(x, p)"], ["rnnbook.model.run"]),
    (["%config InlineBackend.figure_formats = ['svg']\nfrom rnnbook import sigmoid\n"
      "sigmoid(0)"], ["rnnbook.sigmoid"]),
    (["import numpy as np\nnp.tanh(1)", "from rnnbook import softmax\nf = softmax"], []),
    (["from rnnbook import sigmoid\n1 +", "sigmoid(2)"], ["rnnbook.sigmoid"]),
])
def test_calls_are_found_through_every_kind_of_import(cells, expected):
    assert chapter_order.called_targets(cells) == expected
