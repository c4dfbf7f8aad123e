package dev.jnas.evaluate;

/**
 * What an evaluator gets besides the architecture.
 *
 * @param trialId the trial's number in its experiment
 * @param seed the trial's own seed (derived from the experiment seed); all randomness of the
 *     evaluation flows from it
 * @param epochs training budget in epochs (tabular evaluators may ignore it)
 * @param listener progress callback; never null
 */
public record TrialContext(long trialId, long seed, int epochs, TrialListener listener) {
  public static TrialContext of(long trialId, long seed, int epochs) {
    return new TrialContext(trialId, seed, epochs, TrialListener.NONE);
  }
}
