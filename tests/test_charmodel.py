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
    evaluate,
    sample_text,
    split_text,
    stream_batches,
    train_char_model,
    training_windows,
    zen_of_python,
)
from rnnbook.model import loss
from rnnbook.output import one_hot
from rnnbook.parameters import initialize_parameters
from rnnbook.train import train_model


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
    parameters, vocabulary = trained_lstm.parameters, trained_lstm.vocabulary
    texts = [sample_text(parameters, vocabulary, 120, np.random.default_rng(seed))
             for seed in (3, 3, 4)]
    assert texts[0] == texts[1] != texts[2]
    assert len(texts[0]) == 120 and set(texts[0]) <= set(vocabulary.chars)


def test_greedy_text_ignores_the_generator_and_follows_the_prefix(trained_lstm):
    parameters, vocabulary = trained_lstm.parameters, trained_lstm.vocabulary
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
    with pytest.raises(ValueError, match=r"model: expected one of \[.*'rnn'.*\], got 'mlp'"):
        train_char_model(zen, model="mlp")


def test_training_is_reproducible_and_leaves_the_text_alone(zen):
    runs = [train_char_model(zen, n_a=8, T_x=8, batch_size=4, n_steps=5, seed=2)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].history, runs[1].history)
    for key, value in runs[0].parameters.items():
        np.testing.assert_array_equal(value, runs[1].parameters[key])
    assert zen == zen_of_python()


# --- training as practitioners do it: streams, a carried state, a held-out text ------


def test_stream_batches_continue_each_row_where_the_last_batch_stopped():
    indices = np.arange(41) % 7
    stream = list(stream_batches(indices, 7, 4, 3, 5))
    assert [x.shape for x, _ in stream] == [(7, 3, 4)] * 5
    for (x, targets), (x_next, _) in zip(stream[:2], stream[1:3]):
        np.testing.assert_array_equal(x.argmax(axis=0)[:, 1:], targets[:, :-1])
        np.testing.assert_array_equal(x_next.argmax(axis=0)[:, 0], targets[:, -1])
    # 40 inputs in 3 streams of 13: 3 whole windows each, then the streams start again
    np.testing.assert_array_equal(stream[3][1], stream[0][1])
    np.testing.assert_array_equal(stream[0][0].argmax(axis=0)[:, 0], indices[[0, 13, 26]])


def test_split_text_keeps_every_character_once():
    text = zen_of_python()
    training, held_out = split_text(text, 0.1)
    assert training + held_out == text
    assert training.endswith("\n")  # the held-out part starts a line
    assert 0 < round(0.1 * len(text)) - len(held_out) < max(map(len, text.splitlines()))
    assert split_text(text, 0.0) == (text, "")
    assert split_text("no line breaks here", 0.25) == ("no line breaks", " here")


def test_evaluate_is_the_mean_loss_of_reading_the_text_once(trained_lstm, zen):
    vocabulary = trained_lstm.vocabulary
    indices = encode(zen[:120], vocabulary)
    x = one_hot(indices[None, :-1], len(vocabulary.chars))
    expected = loss(x, trained_lstm.parameters, indices[None, 1:])[0]
    assert evaluate(trained_lstm.parameters, indices) == pytest.approx(expected, rel=1e-12)
    assert evaluate(trained_lstm.parameters, indices) < np.log(len(vocabulary.chars))


def test_training_with_a_carried_state_and_a_held_out_text(zen):
    trained = train_char_model(zen, model="lstm", n_a=24, T_x=12, batch_size=8, n_steps=60,
                               learning_rate=0.02, carry_state=True, held_out=0.1,
                               evaluate_every=20)
    np.testing.assert_array_equal(trained.held_out[:, 0], [20, 40, 60])
    assert trained.held_out[-1, 1] < trained.held_out[0, 1] < np.log(len(trained.vocabulary.chars))
    training, _ = split_text(zen, 0.1)
    parameters = initialize_parameters("lstm", len(trained.vocabulary.chars), 24,
                                       len(trained.vocabulary.chars), 0)
    stream = stream_batches(encode(training, trained.vocabulary), len(trained.vocabulary.chars),
                            12, 8, 60)
    by_hand, history = train_model(parameters, stream, learning_rate=0.02, carry_state=True)
    np.testing.assert_allclose(history, trained.history, rtol=1e-12)
    for key, value in by_hand.items():
        np.testing.assert_allclose(trained.parameters[key], value, rtol=1e-10, atol=1e-12)


def test_a_carried_state_changes_what_the_model_sees(zen):
    """The same batches, with and without the state carried: different losses after step 1."""
    indices = encode(zen, build_vocabulary(zen))
    n_vocab = int(indices.max()) + 1
    parameters = initialize_parameters("rnn", n_vocab, 16, n_vocab, 0)
    stream = list(stream_batches(indices, n_vocab, 10, 4, 5))
    _, carried = train_model(parameters, stream, carry_state=True)
    _, restarted = train_model(parameters, stream, carry_state=False)
    assert carried[0] == restarted[0]
    assert not np.allclose(carried[1:], restarted[1:])
