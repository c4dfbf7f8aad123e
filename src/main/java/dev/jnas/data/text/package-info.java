/**
 * The data side of language modelling, free of any engine: token corpora in the Penn Treebank
 * format ({@link dev.jnas.data.text.TextCorpus}, word or character level, with a {@link
 * dev.jnas.data.text.Vocabulary} from the training split), a corpus sampled from a known
 * stochastic grammar whose perplexity floor is computed exactly ({@link
 * dev.jnas.data.text.StochasticGrammar}, {@link dev.jnas.data.text.GrammarCorpus}), and a word
 * corpus made from Debian's fortune files ({@link dev.jnas.data.text.FortunesCorpus}).
 */
package dev.jnas.data.text;
