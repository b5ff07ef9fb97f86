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

from ._validate import as_array, as_generator, check_finite_number, check_size
from .model import loss
from .output import one_hot
from .parameters import SHAPES, initialize_parameters, sizes
from .sampling import sample
from .train import train_model


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


def encode(text, vocabulary, name="text"):
    """Character indices of ``text``.

    Parameters
    ----------
    text : str
    vocabulary : Vocabulary
    name : str, optional
        What to call ``text`` in an error message.

    Returns
    -------
    ndarray of int, shape (len(text),)

    Examples
    --------
    >>> from rnnbook.charmodel import build_vocabulary, encode
    >>> encode("hole", build_vocabulary("hello"))
    array([1, 3, 2, 0])
    """
    if not isinstance(text, str):
        raise TypeError(f"{name}: expected a str, got {type(text).__name__}")
    unknown = sorted(set(text) - set(vocabulary.index))
    if unknown:
        raise ValueError(
            f"{name}: characters {unknown} are not in the vocabulary {vocabulary.chars!r}"
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
    indices = as_array("indices", indices, 1, "(n_chars,)")
    if indices.size and (indices.dtype.kind not in "iu" or indices.min() < 0
                         or indices.max() >= len(vocabulary.chars)):
        raise ValueError(
            f"indices: expected integers in [0, n_vocab) = [0, {len(vocabulary.chars)}), "
            f"got {indices.dtype} values from {indices.min()} to {indices.max()}"
        )
    return "".join(vocabulary.chars[k] for k in indices.tolist())


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
    indices = as_array("indices", indices, 1, "(n_chars,)")
    T_x = check_size("T_x", T_x)
    if not 1 <= T_x < len(indices):
        raise ValueError(
            f"T_x: expected 1 <= T_x < n_chars = {len(indices)} (from indices), got {T_x}"
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
    rng : numpy.random.Generator or int
        Picks the windows (with replacement across batches, without within one).
    dtype : data-type, optional
        Dtype of the one-hot inputs.

    Returns
    -------
    iterator of (x, targets)
        ``x`` (n_vocab, m, T_x) one-hot inputs and ``targets`` (m, T_x), the next
        character at every step. The arguments are checked when this is called, not
        when the first batch is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import batches
    >>> x, targets = next(batches(np.arange(10) % 4, 4, 3, 2, 1, np.random.default_rng(0)))
    >>> x.shape, targets.shape
    ((4, 2, 3), (2, 3))
    """
    inputs, targets = training_windows(indices, T_x)
    n_vocab, n_steps = check_size("n_vocab", n_vocab, 1), check_size("n_steps", n_steps)
    if check_size("batch_size", batch_size, 1) > len(inputs):
        raise ValueError(
            f"batch_size: expected 1 <= batch_size <= {len(inputs)} "
            f"(the number of windows), got {batch_size}"
        )
    return _random_windows(inputs, targets, n_vocab, batch_size, n_steps,
                           as_generator("rng", rng), dtype)


def _random_windows(inputs, targets, n_vocab, batch_size, n_steps, rng, dtype):
    for _ in range(n_steps):
        rows = rng.choice(len(inputs), size=batch_size, replace=False)
        yield one_hot(inputs[rows], n_vocab, dtype), targets[rows]


def stream_batches(indices, n_vocab, T_x, batch_size, n_steps, dtype=np.float64):
    r"""Consecutive windows of parallel streams, for training that carries its state.

    Parameters
    ----------
    indices : array_like of int, shape (n_chars,)
        The encoded corpus.
    n_vocab : int
        Size of the vocabulary: the length of each one-hot input.
    T_x : int
        Window length: the steps backpropagation runs over.
    batch_size : int
        Streams read side by side, m: the corpus is cut into ``batch_size`` stretches
        of equal length, and row i of every batch continues row i of the batch before.
    n_steps : int
        Number of batches. After a stream's last whole window, it starts again at its
        beginning (one seam per pass over the text).
    dtype : data-type, optional
        Dtype of the one-hot inputs.

    Returns
    -------
    iterator of (x, targets)
        ``x`` (n_vocab, m, T_x) one-hot inputs and ``targets`` (m, T_x), the next
        character at every step.

    Notes
    -----
    With ``carry_state=True``, :func:`~rnnbook.train.train_model` starts each batch
    from the state the previous one ended in: the state that reaches window k has read
    the whole stream up to it, while the gradient stops at the window's edge. That is
    truncated backpropagation through time; reading random windows from a zero state
    (:func:`batches`) never shows the model a context longer than ``T_x``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import stream_batches
    >>> first, second = stream_batches(np.arange(13), 13, 3, 2, 2)
    >>> first[1]  # two streams: 0, 1, 2, ... and 6, 7, 8, ...
    array([[1, 2, 3],
           [7, 8, 9]])
    >>> second[0].argmax(axis=0)  # the next window of each stream
    array([[ 3,  4,  5],
           [ 9, 10, 11]])
    """
    indices = as_array("indices", indices, 1, "(n_chars,)")
    n_vocab, T_x = check_size("n_vocab", n_vocab, 1), check_size("T_x", T_x, 1)
    batch_size, n_steps = check_size("batch_size", batch_size, 1), check_size("n_steps", n_steps)
    length = (len(indices) - 1) // batch_size  # each stream's inputs
    if length < T_x:
        raise ValueError(
            f"batch_size: {batch_size} streams of {len(indices)} characters are "
            f"{length} long, shorter than one window (T_x = {T_x})"
        )
    starts = np.arange(batch_size)[:, None] * length  # (m, 1)
    windows = length // T_x
    return _consecutive_windows(indices, starts, T_x, windows, n_vocab, n_steps, dtype)


def _consecutive_windows(indices, starts, T_x, windows, n_vocab, n_steps, dtype):
    for step in range(n_steps):
        columns = starts + (step % windows) * T_x + np.arange(T_x)  # (m, T_x)
        yield one_hot(indices[columns], n_vocab, dtype), indices[columns + 1]


def split_text(text, held_out=0.1):
    r"""The text cut in two: the start to train on, about the last ``held_out`` to test on.

    Parameters
    ----------
    text : str
        The corpus.
    held_out : float, optional
        Fraction of the characters kept back, in [0, 1). The cut moves forward to the
        start of the next line, if there is one, so that no word is cut in two.

    Returns
    -------
    training, held_out_text : str
        ``training + held_out_text == text``.

    Examples
    --------
    >>> from rnnbook.charmodel import split_text
    >>> split_text("abcdefghij", 0.2)
    ('abcdefgh', 'ij')
    >>> split_text("first line\nsecond line\nthird\n", 0.3)
    ('first line\nsecond line\n', 'third\n')
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    held_out = check_finite_number("held_out", held_out, 0, 1, closed_high=False)
    cut = len(text) - round(held_out * len(text))
    line_start = text.find("\n", cut - 1) + 1  # the held-out part starts a line
    return (text[:line_start], text[line_start:]) if 0 < line_start < len(text) \
        else (text[:cut], text[cut:])


def evaluate(parameters, indices, implementation=None):
    r"""Mean loss, in nats per character, of a model reading a text from its start.

    Parameters
    ----------
    parameters : dict of ndarray
        A character model (``n_x = n_y = n_vocab``).
    indices : array_like of int, shape (n_chars,)
        The encoded text, at least 2 characters: each one but the last is read, and
        the next one predicted.
    implementation : module, optional
        See :func:`rnnbook.model.run`.

    Returns
    -------
    float
        :math:`-\frac{1}{n - 1} \sum_t \log \hat y^{\langle t \rangle}_{c_{t+1}}`;
        its exponential is the perplexity.

    Notes
    -----
    The model reads the whole text as one sequence from a zero state, so every
    prediction sees all the text before it: the same use as generation, and the same
    that training with a carried state prepares for.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import evaluate
    >>> from rnnbook.parameters import initialize_parameters
    >>> silent = {k: 0 * v for k, v in initialize_parameters("rnn", 5, 4, 5, rng=0).items()}
    >>> evaluate(silent, [0, 1, 2, 3, 4])  # uniform guesses: ln 5  # doctest: +FLOAT_CMP
    1.6094379124341003
    """
    indices = as_array("indices", indices, 1, "(n_chars,)")
    n_x = sizes(parameters)[0]
    if len(indices) < 2:
        raise ValueError(f"indices: expected at least 2 characters, got {len(indices)}")
    if indices.dtype.kind not in "iu" or indices.min() < 0 or indices.max() >= n_x:
        raise ValueError(
            f"indices: expected integers in [0, n_vocab) = [0, {n_x}), got {indices.dtype} "
            f"values from {indices.min()} to {indices.max()}"
        )
    dtype = np.asarray(next(iter(parameters.values()))).dtype
    x = one_hot(indices[None, :-1], n_x, dtype)  # (n_vocab, 1, n - 1)
    return loss(x, parameters, indices[None, 1:], implementation=implementation)[0]


class CharModel(NamedTuple):
    """A trained character model: parameters, vocabulary, and losses while training."""

    parameters: dict  #: the model's parameters, n_x = n_y = n_vocab
    vocabulary: Vocabulary  #: the characters it reads and writes
    history: np.ndarray  #: (n_steps,) loss of each training batch, nats per character
    held_out: np.ndarray  #: (n_evaluations, 2) rows (step, loss on the held-out text)


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
    carry_state=False,
    held_out=0.0,
    evaluate_every=25,
    implementation=None,
):
    r"""Train a character-level language model on ``text``.

    Parameters
    ----------
    text : str
        The corpus, e.g. :func:`zen_of_python`.
    model : str, optional
        The kind of network: a key of :data:`rnnbook.parameters.SHAPES` (``"lstm"``,
        ``"rnn"``, ...).
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
    carry_state : bool, optional
        False: random windows, each from a zero state (:func:`batches`). True:
        consecutive windows of parallel streams, each starting from the state the last
        one ended in (:func:`stream_batches`).
    held_out : float, optional
        Fraction of the text, at its end, kept out of training (:func:`split_text`)
        and scored with :func:`evaluate` every ``evaluate_every`` steps and at the end.
    evaluate_every : int, optional
        Steps between two scores of the held-out text.
    implementation : module, optional
        See :func:`rnnbook.model.run` (:mod:`rnnbook.fused` trains faster).

    Returns
    -------
    CharModel
        ``(parameters, vocabulary, history, held_out)``.

    Notes
    -----
    The loss is the mean cross-entropy of the next character, in nats per character.
    Uniform guessing scores :math:`\ln n_{vocab}`; anything lower needs the text. The
    vocabulary is read from the whole text, held-out part included, so that every
    held-out character has an index.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.charmodel import train_char_model
    >>> trained = train_char_model("abcabcabcabc", n_a=8, T_x=4, batch_size=4, n_steps=60,
    ...                            learning_rate=0.05)
    >>> trained.vocabulary.chars, bool(trained.history[-1] < 0.1 * np.log(3))
    ('abc', True)
    """
    if model not in SHAPES:
        raise ValueError(f"model: expected one of {sorted(SHAPES)}, got {model!r}")
    vocabulary = build_vocabulary(text)
    training, tested = split_text(text, held_out)
    n_vocab, rng = len(vocabulary.chars), as_generator("seed", seed)
    evaluate_every = check_size("evaluate_every", evaluate_every, 1)
    parameters = initialize_parameters(model, n_vocab, n_a, n_vocab, rng, dtype=dtype)
    indices = encode(training, vocabulary)
    if carry_state:
        stream = stream_batches(indices, n_vocab, T_x, batch_size, n_steps, dtype)
    else:
        stream = batches(indices, n_vocab, T_x, batch_size, n_steps, rng, dtype)
    scores = []

    def each_step(step, value, current):
        if tested and ((step + 1) % evaluate_every == 0 or step + 1 == n_steps):
            scores.append((step + 1, evaluate(current, encode(tested, vocabulary), implementation)))
        if callback is not None:
            callback(step, value, current)

    parameters, history = train_model(
        parameters, stream, learning_rate=learning_rate, clip_norm=clip_norm,
        callback=each_step, carry_state=carry_state, implementation=implementation,
    )
    return CharModel(parameters, vocabulary, history, np.array(scores).reshape(-1, 2))


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
        See :func:`~rnnbook.sampling.sampling_distribution`.
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
        parameters, n_chars, rng, temperature, prefix=encode(prefix, vocabulary, "prefix")
    )
    return decode(indices, vocabulary)
