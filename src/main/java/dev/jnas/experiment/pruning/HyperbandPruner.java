package dev.jnas.experiment.pruning;

import dev.jnas.util.Rng;
import java.util.List;

/**
 * Hyperband (Li et al. 2018) in Optuna's asynchronous form ({@code HyperbandPruner}): several
 * brackets of {@link SuccessiveHalvingPruner}, bracket {@code i} with its first rung at {@code
 * minEpochs * eta^i} epochs; there are {@code floor(log_eta(maxEpochs / minEpochs)) + 1}, the last
 * with the fewest rungs (none when {@code maxEpochs = minEpochs * eta^k}). It hedges successive halving's bet that early values rank trials
 * well. A trial's bracket follows from its seed, weighted by the number of configurations
 * Hyperband gives each bracket ({@code ceil((s_max + 1) / (s + 1) * eta^s)} for {@code s = s_max -
 * i}), so the aggressive brackets get the most trials; trials compete only within their bracket.
 */
public record HyperbandPruner(int minEpochs, int eta) implements Pruner {
  /** Mixed into the seed so that the bracket does not correlate with other uses of the seed. */
  private static final long BRACKET_SALT = 0x4879_7065_7262_616EL;

  public HyperbandPruner {
    if (minEpochs < 1 || eta < 2) {
      throw new IllegalArgumentException("min_epochs >= 1, eta >= 2");
    }
  }

  @Override
  public String name() {
    return "hyperband";
  }

  @Override
  public boolean prune(LearningCurve trial, List<LearningCurve> others, int maxEpochs) {
    int b = bracket(trial.seed(), maxEpochs);
    List<LearningCurve> mates = others.stream().filter(o -> bracket(o.seed(), maxEpochs) == b).toList();
    return new SuccessiveHalvingPruner(minEpochs, eta, b).prune(trial, mates, maxEpochs);
  }

  /** {@code floor(log_eta(maxEpochs / minEpochs)) + 1}, at least 1. */
  public int brackets(int maxEpochs) {
    int n = 1;
    for (long e = (long) minEpochs * eta; e <= maxEpochs; e *= eta) {
      n++;
    }
    return n;
  }

  /** The bracket (0 = the most aggressive) of the trial with {@code seed}. */
  public int bracket(long seed, int maxEpochs) {
    long[] weights = weights(maxEpochs);
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    long h = Math.floorMod(Rng.derive(seed, BRACKET_SALT), total);
    for (int i = 0; i < weights.length; i++) {
      h -= weights[i];
      if (h < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Hyperband's number of configurations per bracket, bracket 0 first. */
  long[] weights(int maxEpochs) {
    int n = brackets(maxEpochs);
    int sMax = n - 1;
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      int s = sMax - i;
      w[i] = (long) Math.ceil((double) (sMax + 1) / (s + 1) * Math.pow(eta, s));
    }
    return w;
  }
}
