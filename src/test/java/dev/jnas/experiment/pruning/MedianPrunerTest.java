package dev.jnas.experiment.pruning;

import static dev.jnas.experiment.pruning.Curves.complete;
import static dev.jnas.experiment.pruning.Curves.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MedianPrunerTest {
  private final MedianPruner pruner = new MedianPruner(5, 0, 1);

  /** Five complete trials whose values at epochs 1..3 are 0.5..0.9 (median 0.7 at every epoch). */
  private static List<LearningCurve> fiveComplete() {
    List<LearningCurve> c = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      double v = 0.5 + 0.1 * i;
      c.add(complete(i, v, v, v, v));
    }
    return c;
  }

  @Test
  void aTrialBelowTheMedianOfCompletedTrialsIsPruned() {
    assertThat(pruner.prune(running(9, 0.6), fiveComplete(), 4)).isTrue();
    assertThat(pruner.prune(running(9, 0.6, 0.65), fiveComplete(), 4)).isTrue();
  }

  @Test
  void aTrialAtOrAboveTheMedianGoesOn() {
    assertThat(pruner.prune(running(9, 0.7), fiveComplete(), 4)).isFalse();
    assertThat(pruner.prune(running(9, 0.8, 0.85), fiveComplete(), 4)).isFalse();
  }

  @Test
  void itJudgesTheBestValueSoFarNotTheLatest() {
    // dipped to 0.55 at epoch 2, but reached 0.75 at epoch 1: Optuna compares the best so far
    assertThat(pruner.prune(running(9, 0.75, 0.55), fiveComplete(), 4)).isFalse();
  }

  @Test
  void theMedianIsTakenAtTheTrialsEpoch() {
    List<LearningCurve> rising = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rising.add(complete(i, 0.3, 0.9, 0.95));
    }
    // 0.5 beats 0.3 at epoch 1 but not 0.9 at epoch 2
    assertThat(pruner.prune(running(9, 0.5), rising, 3)).isFalse();
    assertThat(pruner.prune(running(9, 0.5, 0.5), rising, 3)).isTrue();
  }

  @Test
  void startupTrialsAreWaitedFor() {
    List<LearningCurve> four = fiveComplete().subList(0, 4);
    assertThat(pruner.prune(running(9, 0.1), four, 4)).isFalse();
    assertThat(new MedianPruner(4, 0, 1).prune(running(9, 0.1), four, 4)).isTrue();
  }

  @Test
  void onlyCompletedTrialsCount() {
    List<LearningCurve> others = new ArrayList<>(fiveComplete().subList(0, 4));
    others.add(running(5, 0.99, 0.99));
    others.add(Curves.of(6, TrialStatus.PRUNED, 0.99));
    assertThat(pruner.prune(running(9, 0.1), others, 4)).as("4 complete < 5 startup").isFalse();
  }

  @Test
  void warmupEpochsAreNotJudged() {
    MedianPruner warm = new MedianPruner(5, 2, 1);
    assertThat(warm.prune(running(9, 0.1), fiveComplete(), 4)).isFalse();
    assertThat(warm.prune(running(9, 0.1, 0.1), fiveComplete(), 4)).isFalse();
    assertThat(warm.prune(running(9, 0.1, 0.1, 0.1), fiveComplete(), 4)).isTrue();
  }

  @Test
  void completedTrialsWithoutAValueAtTheEpochDoNotCountTowardsMinTrials() {
    List<LearningCurve> shortOnes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      shortOnes.add(complete(i, 0.9)); // one epoch each
    }
    assertThat(pruner.prune(running(9, 0.1, 0.1), shortOnes, 4)).isFalse();
    assertThat(new MedianPruner(5, 0, 6).prune(running(9, 0.1), shortOnes, 4)).as("min_trials 6 > 5").isFalse();
  }

  @Test
  void noValidationValueIsNoReasonToStop() {
    assertThat(pruner.prune(running(9, Double.NaN), fiveComplete(), 4)).isFalse();
  }

  @Property(tries = 200)
  void aTrialAboveEveryCompletedOneIsNeverPrunedAndOneBelowAllIsAlways(
      @ForAll("curves") List<double[]> completed, @ForAll @IntRange(min = 1, max = 5) int epoch) {
    List<LearningCurve> others = new ArrayList<>();
    double max = 0;
    double min = 1;
    for (int i = 0; i < completed.size(); i++) {
      others.add(complete(i, completed.get(i)));
      for (int e = 0; e < epoch; e++) {
        max = Math.max(max, completed.get(i)[e]);
        min = Math.min(min, completed.get(i)[e]);
      }
    }
    double[] above = new double[epoch];
    double[] below = new double[epoch];
    java.util.Arrays.fill(above, Math.min(1, max + 0.01));
    java.util.Arrays.fill(below, min - 0.01);
    assertThat(pruner.prune(running(99, above), others, 6)).isFalse();
    assertThat(pruner.prune(running(99, below), others, 6)).isEqualTo(completed.size() >= 5);
  }

  @Provide
  Arbitrary<List<double[]>> curves() {
    Arbitrary<double[]> curve = Arbitraries.doubles().between(0.05, 0.95).array(double[].class).ofSize(6);
    return curve.list().ofMinSize(0).ofMaxSize(12);
  }
}
