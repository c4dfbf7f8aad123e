package dev.jnas.util;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Pareto fronts of two objectives to minimise (LEMONADE's population, the fronts of reports), and
 * the density LEMONADE samples against.
 */
public final class Pareto {
  private Pareto() {}

  /**
   * The points no other point beats in both objectives (smaller is better in each; of equal
   * points the first stays), sorted by {@code x}.
   */
  public static <T> List<T> front(List<T> points, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
    List<T> sorted = new ArrayList<>(points);
    // stable: of points equal in both objectives the earlier comes first and is kept
    sorted.sort(Comparator.comparingDouble(x).thenComparingDouble(y));
    List<T> out = new ArrayList<>();
    double bestY = Double.POSITIVE_INFINITY;
    for (T p : sorted) {
      if (y.applyAsDouble(p) < bestY) {
        out.add(p);
        bestY = y.applyAsDouble(p);
      }
    }
    return out;
  }

  /**
   * A Gaussian kernel density estimate over {@code samples} with Silverman's bandwidth (at least
   * {@code minBandwidth}, so one sample or equal samples still give a density). Commons Math has
   * no kernel density estimator (its EmpiricalDistribution bins the data), hence these lines.
   */
  public static java.util.function.DoubleUnaryOperator density(double[] samples, double minBandwidth) {
    int n = samples.length;
    if (n == 0) {
      throw new IllegalArgumentException("a density needs at least one sample");
    }
    double sd = n < 2 ? 0 : new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation().evaluate(samples);
    double h = Math.max(minBandwidth, 1.06 * sd * Math.pow(n, -0.2));
    double norm = 1 / (n * h * Math.sqrt(2 * Math.PI));
    double[] s = samples.clone();
    return v -> {
      double sum = 0;
      for (double x : s) {
        double z = (v - x) / h;
        sum += Math.exp(-0.5 * z * z);
      }
      return sum * norm;
    };
  }
}
