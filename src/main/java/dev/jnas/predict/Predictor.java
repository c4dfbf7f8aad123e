package dev.jnas.predict;

import java.util.List;

/**
 * A learned surrogate of an architecture's reward, as PNAS and BANANAS-style searches use one to
 * rank candidates before paying for their training.
 *
 * <p>Inputs are token sequences (see {@link TokenSpec}): ids in {@code [0, vocabulary)}, read in
 * groups of {@link TokenSpec#groupSize()} tokens (one PNAS block = in1, in2, op1, op2; one group =
 * the whole architecture for a space of fixed size). Sequences may differ in their number of
 * groups. An ensemble has several members, each fitted on its own share of the data; {@link
 * #predict} returns every member's predictions so a search can use their mean and spread.
 *
 * <p>Implementations hold native memory: close them.
 */
public interface Predictor extends AutoCloseable {

  /**
   * Fits to {@code targets[i]} for {@code sequences.get(i)}. A first call trains from fresh
   * weights; whether later calls start afresh or continue from the current weights (PNAS's
   * fine-tuning) is the implementation's to say. All randomness (initialisation, shuffling, the
   * members' data shares) flows from {@code seed}.
   */
  void fit(List<int[]> sequences, double[] targets, long seed);

  /** Predictions of each member: {@code [member][sequence]}; call after {@link #fit}. */
  double[][] predict(List<int[]> sequences);

  /** Number of ensemble members (1 for a single model). */
  int members();

  @Override
  void close();

  /**
   * How architectures are written as tokens.
   *
   * @param vocabulary number of distinct token ids
   * @param groupSize tokens per group (a block); every sequence's length is a multiple of it
   */
  record TokenSpec(int vocabulary, int groupSize) {
    public TokenSpec {
      if (vocabulary < 1 || groupSize < 1) {
        throw new IllegalArgumentException("token spec needs vocabulary >= 1 and group size >= 1");
      }
    }
  }
}
