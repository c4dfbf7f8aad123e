/**
 * Language modelling: recurrent cells of the {@code enas-rnn} and {@code nasrl-rnn} spaces (and an
 * LSTM baseline) compiled to DJL blocks, a word- or character-level language model around them
 * (embedding, cell, softmax), its training by truncated backpropagation through time, the
 * evaluator that scores a cell by validation perplexity, and ENAS's weight-sharing search over
 * recurrent cells. The corpora come from {@code dev.jnas.data.text}.
 */
package dev.jnas.lm;
