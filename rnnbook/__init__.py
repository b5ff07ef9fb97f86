"""rnnbook: recurrent neural networks from scratch in numpy.

The public functions keep the names, arguments, dictionary keys and return values
of the course notebook "Building your Recurrent Neural Network - Step by Step".
"""

from . import (
    ablation,
    charmodel,
    course,
    experiments,
    fused,
    gates,
    gradcheck,
    grader,
    gru,
    model,
    output,
    parameters,
    sampling,
    train,
)
from .activations import sigmoid, softmax
from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cell import LSTMCache, RNNCache, lstm_cell_forward, rnn_cell_forward
from .grader import check
from .gru import GRUCache, gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .sequence import SequenceCache, lstm_forward, rnn_forward

__version__ = "0.1.0"

__all__ = [
    "ablation",
    "charmodel",
    "course",
    "experiments",
    "fused",
    "gates",
    "gradcheck",
    "grader",
    "gru",
    "model",
    "output",
    "parameters",
    "sampling",
    "train",
    "sigmoid",
    "softmax",
    "rnn_cell_forward",
    "lstm_cell_forward",
    "rnn_forward",
    "lstm_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "lstm_cell_backward",
    "lstm_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_cell_backward",
    "gru_backward",
    "check",
    "RNNCache",
    "LSTMCache",
    "GRUCache",
    "SequenceCache",
]
