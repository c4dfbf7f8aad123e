package dev.jnas.experiment.pruning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Learning-curve extrapolation as NNI's curve-fitting assessor does it, with least squares in
 * place of its MCMC: every {@link CurveFamily} with no more parameters than observed epochs is fit
 * to the values by Levenberg-Marquardt (commons-math3); fits that fail, are not finite, predict
 * outside [0, 1] (accuracies are fractions) or fit worse than a flat line at the mean are dropped;
 * predictions far from the others' median (NNI's filter: more than {@code n/10} standard
 * deviations, n the number of epochs) are dropped, but the {@link #MIN_FAMILIES} closest to the
 * median always stay (at 8 epochs NNI's band is 0.8 deviations wide and can drop fits that agree,
 * leaving no prediction); the rest are averaged, each weighted by its fit quality {@code 1 / (mse +
 * 1e-4)}.
 */
final class CurveFit {
  /** Fewer surviving families than this make no prediction (NNI needs 4 of its 12). */
  static final int MIN_FAMILIES = 3;
  private static final int MAX_EVALUATIONS = 2000;

  private CurveFit() {}

  /** One family fit to the curve. */
  record Fitted(CurveFamily family, double[] parameters, double mse) {
    double at(double x) {
      return family.at(x, parameters);
    }
  }

  /**
   * The combined prediction of the value at epoch {@code target} from {@code values} (epochs 1..n);
   * empty when too few families fit.
   */
  static OptionalDouble predict(double[] values, int target) {
    List<Fitted> fits = new ArrayList<>();
    for (CurveFamily f : CurveFamily.values()) {
      if (f.parameters() <= values.length) {
        fit(f, values).ifPresent(fits::add);
      }
    }
    List<double[]> kept = new ArrayList<>(); // {prediction, weight}
    for (Fitted f : fits) {
      double p = f.at(target);
      if (Double.isFinite(p) && p >= 0 && p <= 1) {
        kept.add(new double[] {p, 1 / (f.mse() + 1e-4)});
      }
    }
    if (kept.size() < MIN_FAMILIES) {
      return OptionalDouble.empty();
    }
    double[] predictions = kept.stream().mapToDouble(k -> k[0]).sorted().toArray();
    double median = MedianPruner.median(predictions);
    double mean = Arrays.stream(predictions).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(predictions).map(p -> (p - mean) * (p - mean)).average().orElseThrow());
    double[] distances = Arrays.stream(predictions).map(p -> Math.abs(p - median)).sorted().toArray();
    double epsilon = Math.max(values.length / 10.0 * std, distances[MIN_FAMILIES - 1]);
    double sum = 0;
    double weights = 0;
    int n = 0;
    for (double[] k : kept) {
      if (Math.abs(k[0] - median) <= epsilon) {
        sum += k[0] * k[1];
        weights += k[1];
        n++;
      }
    }
    return n < MIN_FAMILIES ? OptionalDouble.empty() : OptionalDouble.of(sum / weights);
  }

  /** {@code family} fit to {@code values} (epochs 1..n); empty when the fit fails or is poor. */
  static java.util.Optional<Fitted> fit(CurveFamily family, double[] values) {
    int n = values.length;
    double y0 = values[0];
    double best = Arrays.stream(values).max().orElseThrow();
    double gain = Math.max(best - Math.min(y0, best), 0.01);
    double[] start = family.start(y0, Math.min(1, best + gain * 0.5));
    if (!Arrays.stream(start).allMatch(Double::isFinite)) {
      return java.util.Optional.empty();
    }
    int[] positive = family.positive();
    LeastSquaresProblem problem =
        new LeastSquaresBuilder()
            .start(start)
            .target(values)
            .model(point -> valueAndJacobian(family, point, n))
            .parameterValidator(point -> {
              RealVector v = point.copy();
              for (int i : positive) {
                v.setEntry(i, Math.min(CurveFamily.MAX_POSITIVE, Math.max(CurveFamily.MIN_POSITIVE, v.getEntry(i))));
              }
              return v;
            })
            .maxEvaluations(MAX_EVALUATIONS)
            .maxIterations(MAX_EVALUATIONS)
            .build();
    try {
      LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer().optimize(problem);
      double[] p = o.getPoint().toArray();
      double rms = o.getRMS();
      if (!Arrays.stream(p).allMatch(Double::isFinite) || !Double.isFinite(rms)) {
        return java.util.Optional.empty();
      }
      double mse = rms * rms;
      double mean = Arrays.stream(values).average().orElseThrow();
      double flat = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
      // a curve that explains less than a flat line at the mean is no model of this trial
      if (n > family.parameters() && mse > flat + 1e-12) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Fitted(family, p, mse));
    } catch (RuntimeException e) {
      // commons-math3 signals a diverging or non-converging fit by exceptions: the family is left out
      return java.util.Optional.empty();
    }
  }

  /** The family's values at epochs 1..n and their Jacobian by the parameters. */
  private static Pair<RealVector, org.apache.commons.math3.linear.RealMatrix> valueAndJacobian(
      CurveFamily family, RealVector point, int n) {
    int k = point.getDimension();
    DerivativeStructure[] p = new DerivativeStructure[k];
    for (int i = 0; i < k; i++) {
      p[i] = new DerivativeStructure(k, 1, i, point.getEntry(i));
    }
    double[] value = new double[n];
    double[][] jacobian = new double[n][k];
    int[] order = new int[k];
    for (int x = 1; x <= n; x++) {
      DerivativeStructure f = family.value(x, p);
      value[x - 1] = f.getValue();
      for (int i = 0; i < k; i++) {
        order[i] = 1;
        jacobian[x - 1][i] = f.getPartialDerivative(order);
        order[i] = 0;
      }
    }
    return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jacobian, false));
  }
}
