r"""A character-level language model, trained on a corpus that ships with Python.

The corpus is the Zen of Python: the standard-library module ``this`` stores it
ROT13-encoded in ``this.s`` (and prints it when first imported). 856 characters,
45 distinct ones: small enough to train on in seconds, big enough to show a model
going from uniform guessing (:math:`\ln 45 \approx 3.8` nats per character) to
spelling words.

The model reads one character per step, as a one-hot column, and predicts the
next: inputs and targets are the same text shifted by one.
"""

import codecs
import contextlib
import importlib
import io
from typing import NamedTuple

import numpy as np

from .output import one_hot
from .train import (
    initialize_lstm_parameters,
    initialize_rnn_parameters,
    sample,
    train_model,
)


def zen_of_python():
    """The text of the Zen of Python, read from the standard library without printing it.

    Returns
    -------
    str
        856 characters, starting ``"The Zen of Python, by Tim Peters"``.

    Notes
    -----
    ``import this`` prints the Zen on first import; the import happens here, on
    the first call, with standard output captured, so neither importing
    :mod:`rnnbook` nor calling this function writes anything.

    Examples
    --------
    >>> from rnnbook.charmodel import zen_of_python
    >>> text = zen_of_python()
    >>> text.splitlines()[2]
    'Beautiful is better than ugly.'
    >>> len(text), len(set(text))
    (856, 45)
    """
    with contextlib.redirect_stdout(io.StringIO()):  # swallow the import's print
        this = importlib.import_module("this")
    return codecs.decode(this.s, "rot13")


class Vocabulary(NamedTuple):
    """The characters a model knows, and the index of each."""

    chars: str  #: the characters, sorted; ``chars[k]`` has index k
    index: dict  #: character -> index


def build_vocabulary(text):
    """The sorted distinct characters of ``text``, with their indices.

    Parameters
    ----------
    text : str
        The corpus.

    Returns
    -------
    Vocabulary
        ``chars`` (a str of n_vocab characters) and ``index`` (dict char -> int).

    Examples
    --------
    >>> from rnnbook.charmodel import build_vocabulary
    >>> vocabulary = build_vocabulary("hello")
    >>> vocabulary.chars, vocabulary.index["l"]
    ('ehlo', 2)
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"text: expected a non-empty str, got {text!r:.40}")
    chars = "".join(sorted(set(text)))
    return Vocabulary(chars, {char: k for k, char in enumerate(chars)})


def encode(text, vocabulary):
    """Character indices of ``text``.

    Parameters
    ----------
    text : str
    vocabulary : Vocabulary

    Returns
    -------
    ndarray of int, shape (len(text),)

    Examples
    --------
    >>> from rnnbook.charmodel import build_vocabulary, encode
    >>> encode("hole", build_vocabulary("hello"))
    array([1, 3, 2, 0])
    """
    unknown = sorted(set(text) - set(vocabulary.index))
    if unknown:
        raise ValueError(
            f"text: characters {unknown} are not in the vocabulary {vocabulary.chars!r}"
        )
    return np.array([vocabulary.index[char] for char in text], dtype=np.int64)


def decode(indices, vocabulary):
    """The text spelled by character indices (the inverse of :func:`encode`).

    Examples
    --------
    >>> from rnnbook.charmodel import build_vocabulary, decode
    >>> decode([1, 3, 2, 0], build_vocabulary("hello"))
    'hole'
    """
    return "".join(vocabulary.chars[int(k)] for k in indices)


def training_windows(indices, T_x):
    r"""Every window of ``T_x`` characters, with the character following each one as its target.

    Parameters
    ----------
    indices : array_like of int, shape (n_chars,)
        The encoded corpus.
    T_x : int
        Window length, at most ``n_chars - 1``.

    Returns
    -------
    inputs : ndarray of int, shape (n_chars - T_x, T_x)
        ``inputs[i] = indices[i : i + T_x]``.
    targets : ndarray of int, shape (n_chars - T_x, T_x)
        ``targets[i] = indices[i + 1 : i + T_x + 1]``: each input shifted by one.

    Notes
    -----
    .. math:: y^{\langle t \rangle} = x^{\langle t+1 \rangle}

    Examples
    --------
    >>> from rnnbook.charmodel import training_windows
    >>> inputs, targets = training_windows([0, 1, 2, 3, 4], 3)
    >>> inputs
    array([[0, 1, 2],
           [1, 2, 3]])
    >>> targets
    array([[1, 2, 3],
           [2, 3, 4]])
    """
    indices = np.asarray(indices)
    if indices.ndim != 1 or not 1 <= T_x < len(indices):
        raise ValueError(
            f"T_x: expected 1 <= T_x < n_chars with indices of shape (n_chars,), "
            f"got T_x = {T_x} and indices of shape {indices.shape}"
        )
    windows = np.lib.stride_tricks.sliding_window_view(
        indices, T_x + 1
    )  # (n - T_x, T_x + 1)
    return windows[:, :-1].copy(), windows[:, 1:].copy()


def batches(indices, n_vocab, T_x, batch_size, n_steps, rng, dtype=np.float64):
    """Yield ``n_steps`` batches of random training windows, inputs one-hot encoded.

    Parameters
    ----------
    indices : array_like of int, shape (n_chars,)
        The encoded corpus.
    n_vocab : int
        Size of the vocabulary: the length of each one-hot input.
    T_x : int
        Window length.
    batch_size : int
        Windows per batch, m.
    n_steps : int
        Number of batches.
    rng : numpy.random.Generator
        Picks the windows (with replacement across batches, without within one).
    dtype : data-type, optional
        Dtype of the one-hot inputs.

    Yields
    ------
    x : ndarray, shape (n_vocab, m, T_x)
        One-hot inputs.
    targets : ndarray of int, shape (m, T_x)
        The next character at every step.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import batches
    >>> x, targets = next(batches(np.arange(10) % 4, 4, 3, 2, 1, np.random.default_rng(0)))
    >>> x.shape, targets.shape
    ((4, 2, 3), (2, 3))
    """
    inputs, targets = training_windows(indices, T_x)
    if not 1 <= batch_size <= len(inputs):
        raise ValueError(
            f"batch_size: expected 1 <= batch_size <= {len(inputs)} "
            f"(the number of windows), got {batch_size}"
        )
    for _ in range(n_steps):
        rows = rng.choice(len(inputs), size=batch_size, replace=False)
        yield one_hot(inputs[rows], n_vocab, dtype), targets[rows]


class CharModel(NamedTuple):
    """A trained character model: its parameters, vocabulary and loss history."""

    parameters: dict  #: RNN or LSTM parameters, n_x = n_y = n_vocab
    vocabulary: Vocabulary  #: the characters it reads and writes
    history: np.ndarray  #: loss per training step, nats per character


def train_char_model(
    text,
    model="lstm",
    n_a=48,
    T_x=20,
    batch_size=16,
    n_steps=300,
    learning_rate=0.02,
    clip_norm=5.0,
    seed=0,
    dtype=np.float64,
    callback=None,
):
    r"""Train a character-level RNN or LSTM language model on ``text``.

    Parameters
    ----------
    text : str
        The corpus, e.g. :func:`zen_of_python`.
    model : {"lstm", "rnn"}, optional
    n_a : int, optional
        Hidden size.
    T_x : int, optional
        Characters per training window (the length backpropagation runs over).
    batch_size : int, optional
        Windows per step.
    n_steps : int, optional
        Number of Adam steps.
    learning_rate : float, optional
    clip_norm : float or None, optional
        Global-norm clipping threshold (see :func:`~rnnbook.train.clip_by_global_norm`).
    seed : int, optional
        Seeds both the initial parameters and the choice of windows.
    dtype : data-type, optional
        float64 or float32, for the parameters and the inputs.
    callback : callable, optional
        Passed to :func:`~rnnbook.train.train_model`.

    Returns
    -------
    CharModel
        ``(parameters, vocabulary, history)``.

    Notes
    -----
    The loss is the mean cross-entropy of the next character, in nats per character.
    Uniform guessing scores :math:`\ln n_{vocab}`; predicting each character from its
    frequency alone about 3.1 nats on the Zen; anything lower needs the context.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import train_char_model
    >>> trained = train_char_model("abcabcabcabc", n_a=8, T_x=4, batch_size=4, n_steps=60,
    ...                            learning_rate=0.05)
    >>> trained.vocabulary.chars, bool(trained.history[-1] < 0.1 * np.log(3))
    ('abc', True)
    """
    vocabulary = build_vocabulary(text)
    n_vocab = len(vocabulary.chars)
    rng = np.random.default_rng(seed)
    initialize = {"lstm": initialize_lstm_parameters, "rnn": initialize_rnn_parameters}
    if model not in initialize:
        raise ValueError(f"model: expected 'lstm' or 'rnn', got {model!r}")
    parameters = initialize[model](n_vocab, n_a, n_vocab, rng, dtype=dtype)
    stream = batches(
        encode(text, vocabulary), n_vocab, T_x, batch_size, n_steps, rng, dtype
    )
    parameters, history = train_model(
        parameters,
        stream,
        learning_rate=learning_rate,
        clip_norm=clip_norm,
        callback=callback,
    )
    return CharModel(parameters, vocabulary, history)


def sample_text(parameters, vocabulary, n_chars, rng, temperature=1.0, prefix="\n"):
    """Generate text from a character model, one character at a time.

    Parameters
    ----------
    parameters : dict of ndarray
        A model from :func:`train_char_model`.
    vocabulary : Vocabulary
        Its vocabulary.
    n_chars : int
        Characters to generate.
    rng : numpy.random.Generator
        Same seed, same text.
    temperature : float, optional
        Below 1: safer, more repetitive text; 0: always the likeliest character.
        See :func:`~rnnbook.train.sampling_distribution`.
    prefix : str, optional
        Text read before generating; the default starts a new line.

    Returns
    -------
    str
        The ``n_chars`` generated characters (the prefix not included).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import sample_text, train_char_model
    >>> trained = train_char_model("abcabcabcabc", n_a=8, T_x=4, batch_size=4, n_steps=60,
    ...                            learning_rate=0.05)
    >>> sample_text(trained.parameters, trained.vocabulary, 7, np.random.default_rng(0),
    ...             temperature=0, prefix="a")
    'bcabcab'
    """
    indices = sample(
        parameters, n_chars, rng, temperature, prefix=encode(prefix, vocabulary)
    )
    return decode(indices, vocabulary)
