package dev.jnas.experiment.pruning;

import static dev.jnas.experiment.pruning.Curves.complete;
import static dev.jnas.experiment.pruning.Curves.head;
import static dev.jnas.experiment.pruning.Curves.pow3;
import static dev.jnas.experiment.pruning.Curves.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CurveFitPrunerTest {
  private final CurveFitPruner pruner = new CurveFitPruner(3, 0.95);
  /** A completed trial that reached 0.90 at its 20th epoch. */
  private final List<LearningCurve> best = List.of(complete(0, pow3(0.92, 0.4, 1.0, 20)));

  @ParameterizedTest
  @EnumSource(CurveFamily.class)
  void everyFamilyRecoversACurveOfItsOwnShape(CurveFamily family) {
    // a curve of the family's shape from its own start point nudged, so the fit has work to do
    double[] truth = family.start(0.45, 0.85);
    for (int i = 0; i < truth.length; i++) {
      truth[i] *= 1.1;
    }
    double[] values = new double[10];
    for (int x = 1; x <= 10; x++) {
      values[x - 1] = family.at(x, truth);
    }
    Optional<CurveFit.Fitted> fit = CurveFit.fit(family, values);
    assertThat(fit).as("%s fits", family).isPresent();
    assertThat(fit.get().mse()).isLessThan(1e-6);
    assertThat(fit.get().at(20)).isCloseTo(family.at(20, truth), offset(0.02));
  }

  @Test
  void theCombinedPredictionExtrapolatesASaturatingCurve() {
    double[] truth = pow3(0.9, 0.5, 0.8, 20);
    assertThat(CurveFitPruner.predict(head(truth, 8), 20)).hasValueCloseTo(truth[19], offset(0.03));
  }

  @Test
  void aCurveHeadingWellBelowTheBestIsPruned() {
    double[] plateau = pow3(0.62, 0.3, 1.2, 20); // levels off near 0.62 < 0.95 * 0.90
    assertThat(pruner.prune(running(5, head(plateau, 5)), best, 20)).isTrue();
  }

  @Test
  void aCurveHeadingToTheBestGoesOn() {
    double[] rising = pow3(0.96, 0.55, 0.7, 20); // ends at 0.89 after a slower start
    assertThat(rising[19]).isCloseTo(0.89, offset(0.005));
    assertThat(rising[4]).isLessThan(0.9 * 0.95); // below the bar now, but its prediction is not
    // kept because it is predicted above the bar, not because nothing could be predicted
    assertThat(CurveFitPruner.predict(head(rising, 5), 20)).isPresent();
    assertThat(pruner.prune(running(5, head(rising, 5)), best, 20)).isFalse();
  }

  @Test
  void nothingIsPrunedBeforeTheStartEpochOrWithoutACompletedTrial() {
    double[] plateau = pow3(0.5, 0.3, 1.2, 20);
    assertThat(pruner.prune(running(5, head(plateau, 2)), best, 20)).isFalse();
    assertThat(new CurveFitPruner(6, 0.95).prune(running(5, head(plateau, 5)), best, 20)).isFalse();
    assertThat(pruner.prune(running(5, head(plateau, 5)), List.of(), 20)).isFalse();
    // a complete trial that did not reach the budget (another run's budget) is no reference
    assertThat(pruner.prune(running(5, head(plateau, 5)), List.of(complete(0, 0.9, 0.9)), 20)).isFalse();
  }

  @Test
  void theThresholdIsTheMargin() {
    double[] close = pow3(0.84, 0.3, 1.2, 20); // ends near 0.83: below 0.95 * 0.90, above 0.90 * 0.90
    assertThat(pruner.prune(running(5, head(close, 6)), best, 20)).isTrue();
    assertThat(new CurveFitPruner(3, 0.9).prune(running(5, head(close, 6)), best, 20)).isFalse();
  }

  @Property(tries = 200)
  void saturatingCurvesArePredictedWithinAFewPoints(
      @ForAll @DoubleRange(min = 0.6, max = 0.95) double top,
      @ForAll @DoubleRange(min = 0.2, max = 0.5) double drop,
      @ForAll @DoubleRange(min = 0.5, max = 1.5) double rate) {
    double[] truth = pow3(top, drop, rate, 20);
    var p = CurveFitPruner.predict(head(truth, 8), 20);
    assertThat(p).isPresent();
    assertThat(p.getAsDouble()).isCloseTo(truth[19], offset(0.05));
  }
}
