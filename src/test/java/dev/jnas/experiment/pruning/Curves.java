package dev.jnas.experiment.pruning;

import dev.jnas.evaluate.TrialStatus;
import java.util.Arrays;
import java.util.List;

/** Hand-made learning curves for the pruner tests. */
final class Curves {
  private Curves() {}

  static LearningCurve complete(long id, double... values) {
    return of(id, TrialStatus.COMPLETE, values);
  }

  static LearningCurve running(long id, double... values) {
    return of(id, TrialStatus.RUNNING, values);
  }

  static LearningCurve of(long id, TrialStatus status, double... values) {
    return new LearningCurve(id, id, status, Arrays.stream(values).boxed().toList());
  }

  /** {@code n} values of {@code c - a * x^-alpha} at x = 1..n. */
  static double[] pow3(double c, double a, double alpha, int n) {
    double[] v = new double[n];
    for (int x = 1; x <= n; x++) {
      v[x - 1] = c - a * Math.pow(x, -alpha);
    }
    return v;
  }

  /** The first {@code n} values. */
  static double[] head(double[] v, int n) {
    return Arrays.copyOf(v, n);
  }

  static List<LearningCurve> list(LearningCurve... c) {
    return List.of(c);
  }
}
