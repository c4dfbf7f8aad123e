package dev.jnas.space;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;

/**
 * The distribution a hyperparameter is drawn from. A {@link HyperparameterSpace} turns a
 * continuous one into a decision over {@code n} equal-probability quantiles ({@link #grid}), so a
 * uniformly drawn option index is a draw from the distribution and every strategy, the store and
 * resume work unchanged; an integer one becomes its integers.
 */
public sealed interface Distribution
    permits Distribution.Uniform, Distribution.LogUniform, Distribution.Normal, Distribution.IntUniform {

  /** The value at cumulative probability {@code p} in (0, 1). */
  double quantile(double p);

  /** Whether the values are integers (each one an option) rather than a quantile grid. */
  default boolean discrete() {
    return false;
  }

  /**
   * The central interval holding {@code mass} of the distribution on the scale it is drawn on
   * (exponents of 10 for a log-uniform one, as SHADHO's {@code log10_uniform} draws them).
   */
  double[] interval(double mass);

  /**
   * The option values: for a continuous distribution the quantiles at {@code (k + 0.5) / n}, k =
   * 0..n-1 (midpoints of n equal-probability bins); for an integer one its integers in order.
   */
  default double[] grid(int n) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = quantile((k + 0.5) / n);
    }
    return v;
  }

  /** What the config wrote, e.g. {@code log_uniform [1.0E-4, 0.1]}. */
  String describe();

  /** Uniform on [low, high]. */
  record Uniform(double low, double high) implements Distribution {
    @Override
    public double quantile(double p) {
      return real().inverseCumulativeProbability(p);
    }

    @Override
    public double[] interval(double mass) {
      return central(real(), mass);
    }

    private RealDistribution real() {
      return new UniformRealDistribution(null, low, high);
    }

    @Override
    public String describe() {
      return "uniform [" + low + ", " + high + "]";
    }
  }

  /** log(x) uniform on [log low, log high]: learning rates and weight decays. */
  record LogUniform(double low, double high) implements Distribution {
    @Override
    public double quantile(double p) {
      return Math.pow(10, exponents().inverseCumulativeProbability(p));
    }

    @Override
    public double[] interval(double mass) {
      return central(exponents(), mass);
    }

    private RealDistribution exponents() {
      return new UniformRealDistribution(null, Math.log10(low), Math.log10(high));
    }

    @Override
    public String describe() {
      return "log_uniform [" + low + ", " + high + "]";
    }
  }

  /** Normal with the given mean and standard deviation. */
  record Normal(double mean, double std) implements Distribution {
    @Override
    public double quantile(double p) {
      return real().inverseCumulativeProbability(p);
    }

    @Override
    public double[] interval(double mass) {
      return central(real(), mass);
    }

    private RealDistribution real() {
      return new NormalDistribution(null, mean, std, NormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
    }

    @Override
    public String describe() {
      return "normal [" + mean + ", " + std + "]";
    }
  }

  /** Every integer in [low, high] equally likely. */
  record IntUniform(long low, long high) implements Distribution {
    @Override
    public double quantile(double p) {
      return Math.min(high, low + (long) Math.floor(p * (high - low + 1)));
    }

    @Override
    public boolean discrete() {
      return true;
    }

    @Override
    public double[] interval(double mass) {
      return new double[] {quantile((1 - mass) / 2), quantile((1 + mass) / 2)};
    }

    @Override
    public double[] grid(int n) {
      double[] v = new double[(int) (high - low + 1)];
      for (int k = 0; k < v.length; k++) {
        v[k] = low + k;
      }
      return v;
    }

    @Override
    public String describe() {
      return "integer [" + low + ", " + high + "]";
    }
  }

  private static double[] central(RealDistribution d, double mass) {
    return new double[] {d.inverseCumulativeProbability((1 - mass) / 2), d.inverseCumulativeProbability((1 + mass) / 2)};
  }
}
