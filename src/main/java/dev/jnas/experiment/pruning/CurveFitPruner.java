package dev.jnas.experiment.pruning;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Learning-curve extrapolation (Domhan et al. 2015; NNI's {@code CurvefittingAssessor}): from epoch
 * {@code startEpoch} on, fits parametric curves to the trial's values so far ({@link CurveFit}),
 * predicts its value at the last budgeted epoch and stops it when that prediction is at most
 * {@code threshold} times the best completed trial's final value (NNI's rule; 0.95 by default).
 * Without a completed trial, or when too few curve families fit, it keeps the trial.
 */
public record CurveFitPruner(int startEpoch, double threshold) implements Pruner {

  @Override
  public String name() {
    return "curve";
  }

  @Override
  public boolean prune(LearningCurve trial, List<LearningCurve> others, int maxEpochs) {
    int epoch = trial.epochs();
    if (epoch < startEpoch || epoch >= maxEpochs) {
      return false;
    }
    double best =
        others.stream()
            .filter(o -> o.isComplete() && o.epochs() >= maxEpochs)
            .mapToDouble(o -> o.at(maxEpochs))
            .filter(Double::isFinite)
            .max()
            .orElse(Double.NaN);
    if (Double.isNaN(best)) {
      return false;
    }
    double[] values = trial.values().stream().mapToDouble(Double::doubleValue).toArray();
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false; // a gap in the curve: nothing to fit
      }
    }
    OptionalDouble predicted = predict(values, maxEpochs);
    return predicted.isPresent() && predicted.getAsDouble() <= threshold * best;
  }

  /** The predicted value at epoch {@code target} (empty when too few curve families fit). */
  public static OptionalDouble predict(double[] values, int target) {
    return CurveFit.predict(values, target);
  }
}
