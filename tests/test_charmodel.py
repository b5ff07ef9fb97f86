"""The character-level language model on the Zen of Python."""

import subprocess
import sys

import numpy as np
import pytest

from rnnbook.charmodel import (
    batches,
    build_vocabulary,
    decode,
    encode,
    sample_text,
    train_char_model,
    training_windows,
    zen_of_python,
)


@pytest.fixture(scope="module")
def zen():
    return zen_of_python()


@pytest.fixture(scope="module")
def trained_lstm(zen):
    """A small LSTM trained for about a second on the Zen (fixed seed)."""
    return train_char_model(zen, model="lstm", n_a=32, T_x=16, batch_size=16, n_steps=150,
                            learning_rate=0.02, seed=0)


def test_the_corpus_is_the_zen_and_reading_it_prints_nothing(zen, capsys):
    text = zen_of_python()
    assert capsys.readouterr().out == ""
    assert text == zen
    assert text.startswith("The Zen of Python, by Tim Peters")
    assert "Beautiful is better than ugly." in text
    assert "Namespaces are one honking great idea" in text


def test_importing_rnnbook_prints_nothing_and_does_not_import_this():
    code = ("import sys, rnnbook, rnnbook.charmodel, rnnbook.train, rnnbook.output; "
            "print('this' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout == "False\n"
    assert result.stderr == ""


def test_vocabulary_encode_decode_round_trip(zen):
    vocabulary = build_vocabulary(zen)
    assert vocabulary.chars == "".join(sorted(set(zen)))
    assert all(vocabulary.chars[k] == char for char, k in vocabulary.index.items())
    indices = encode(zen, vocabulary)
    assert indices.shape == (len(zen),) and np.issubdtype(indices.dtype, np.integer)
    assert decode(indices, vocabulary) == zen


def test_unknown_characters_and_empty_text_are_refused(zen):
    vocabulary = build_vocabulary(zen)
    with pytest.raises(ValueError, match=r"text: characters \['#', 'q'\] are not in the vocabulary"):
        encode("q#", vocabulary)
    with pytest.raises(ValueError, match="text: expected a non-empty str"):
        build_vocabulary("")


def test_training_windows_shift_the_targets_by_one():
    indices = np.random.default_rng(0).integers(0, 7, size=30)
    inputs, targets = training_windows(indices, 6)
    assert inputs.shape == targets.shape == (24, 6)
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])
    for i in (0, 11, 23):
        np.testing.assert_array_equal(inputs[i], indices[i:i + 6])
        np.testing.assert_array_equal(targets[i], indices[i + 1:i + 7])
    for bad in (0, 30):
        with pytest.raises(ValueError, match="T_x: expected 1 <= T_x < n_chars"):
            training_windows(indices, bad)


def test_batches_are_one_hot_windows_and_seeded(zen):
    vocabulary = build_vocabulary(zen)
    indices = encode(zen, vocabulary)
    n_vocab = len(vocabulary.chars)
    first = list(batches(indices, n_vocab, 10, 8, 3, np.random.default_rng(5), np.float32))
    again = list(batches(indices, n_vocab, 10, 8, 3, np.random.default_rng(5), np.float32))
    assert len(first) == 3
    for (x, targets), (x2, targets2) in zip(first, again):
        assert x.shape == (n_vocab, 8, 10) and x.dtype == np.float32
        assert targets.shape == (8, 10)
        np.testing.assert_array_equal(x.sum(axis=0), 1)
        np.testing.assert_array_equal(x[:, :, 1:].argmax(axis=0), targets[:, :-1])
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(targets, targets2)
    with pytest.raises(ValueError, match="batch_size: expected 1 <= batch_size <= 6"):
        next(batches(np.arange(10), 10, 4, 7, 1, np.random.default_rng(0)))


def test_lstm_learns_the_zen_well_below_uniform_guessing(trained_lstm):
    n_vocab = len(trained_lstm.vocabulary.chars)
    history = trained_lstm.history
    assert history.shape == (150,)
    assert abs(history[0] - np.log(n_vocab)) < 0.1  # starts at uniform guessing
    assert history[-10:].mean() < 0.5 * np.log(n_vocab)


def test_sampled_text_is_reproducible_and_uses_the_vocabulary(trained_lstm):
    parameters, vocabulary, _ = trained_lstm
    texts = [sample_text(parameters, vocabulary, 120, np.random.default_rng(seed))
             for seed in (3, 3, 4)]
    assert texts[0] == texts[1] != texts[2]
    assert len(texts[0]) == 120 and set(texts[0]) <= set(vocabulary.chars)


def test_greedy_text_ignores_the_generator_and_follows_the_prefix(trained_lstm):
    parameters, vocabulary, _ = trained_lstm
    greedy = [sample_text(parameters, vocabulary, 40, np.random.default_rng(seed),
                          temperature=0, prefix="Beautiful is") for seed in (0, 1)]
    assert greedy[0] == greedy[1]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        sample_text(parameters, vocabulary, 5, np.random.default_rng(0), prefix="$")


def test_rnn_and_float32_models_train_too(zen):
    trained = train_char_model(zen[:200], model="rnn", n_a=16, T_x=10, batch_size=8,
                               n_steps=40, learning_rate=0.02, seed=1, dtype=np.float32)
    assert "Waa" in trained.parameters
    assert all(value.dtype == np.float32 for value in trained.parameters.values())
    assert trained.history[-5:].mean() < trained.history[:5].mean()
    with pytest.raises(ValueError, match="model: expected 'lstm' or 'rnn', got 'gru'"):
        train_char_model(zen, model="gru")


def test_training_is_reproducible_and_leaves_the_text_alone(zen):
    runs = [train_char_model(zen, n_a=8, T_x=8, batch_size=4, n_steps=5, seed=2)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].history, runs[1].history)
    for key, value in runs[0].parameters.items():
        np.testing.assert_array_equal(value, runs[1].parameters[key])
    assert zen == zen_of_python()
