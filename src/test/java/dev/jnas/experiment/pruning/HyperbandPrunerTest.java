package dev.jnas.experiment.pruning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HyperbandPrunerTest {
  private final HyperbandPruner hb = new HyperbandPruner(1, 3);

  @Test
  void bracketsAndTheirWeightsFollowHyperband() {
    assertThat(hb.brackets(27)).isEqualTo(4);
    assertThat(hb.brackets(26)).isEqualTo(3);
    assertThat(hb.brackets(2)).isEqualTo(1);
    // s_max = 3: ceil(4/(s+1) * 3^s) for s = 3, 2, 1, 0
    assertThat(hb.weights(27)).containsExactly(27, 12, 6, 4);
  }

  @Test
  void trialsAreSpreadOverBracketsByWeightDeterministically() {
    int[] count = new int[4];
    LongStream.range(0, 20_000).forEach(seed -> count[hb.bracket(seed * 7919 + 1, 27)]++);
    double[] share = {27 / 49.0, 12 / 49.0, 6 / 49.0, 4 / 49.0};
    for (int i = 0; i < 4; i++) {
      assertThat(count[i] / 20_000.0).as("bracket %d", i).isCloseTo(share[i], org.assertj.core.data.Offset.offset(0.02));
    }
    assertThat(hb.bracket(12345, 27)).isEqualTo(hb.bracket(12345, 27));
  }

  @Test
  void eachBracketHalvesFromItsOwnFirstRungAndTheLastNeverPrunes() {
    long[] bySeed = new long[4];
    for (long seed = 1; bySeed[0] == 0 || bySeed[1] == 0 || bySeed[3] == 0; seed++) {
      bySeed[hb.bracket(seed, 27)] = seed;
    }
    LearningCurve strong = new LearningCurve(100, bySeed[0], TrialStatus.COMPLETE, List.of(0.9, 0.9, 0.9, 0.9));
    LearningCurve strong1 = new LearningCurve(101, bySeed[1], TrialStatus.COMPLETE, List.of(0.9, 0.9, 0.9, 0.9));
    LearningCurve strong3 = new LearningCurve(103, bySeed[3], TrialStatus.COMPLETE, List.of(0.9, 0.9, 0.9, 0.9));
    List<LearningCurve> others = List.of(strong, strong1, strong3);
    // bracket 0: rungs 1, 3, 9; a weak trial is stopped at epoch 1 by its bracket mate
    assertThat(hb.prune(new LearningCurve(1, bySeed[0], TrialStatus.RUNNING, List.of(0.1)), others, 27)).isTrue();
    // bracket 1: first rung at 3, so epoch 1 is not judged, epoch 3 is
    assertThat(hb.prune(new LearningCurve(2, bySeed[1], TrialStatus.RUNNING, List.of(0.1)), others, 27)).isFalse();
    assertThat(hb.prune(new LearningCurve(2, bySeed[1], TrialStatus.RUNNING, List.of(0.1, 0.1, 0.1)), others, 27)).isTrue();
    // bracket 3 (rung at 27 = the budget) never stops a trial
    for (int e = 1; e < 27; e++) {
      List<Double> weak = java.util.Collections.nCopies(e, 0.01);
      assertThat(hb.prune(new LearningCurve(3, bySeed[3], TrialStatus.RUNNING, weak), others, 27)).isFalse();
    }
  }

  @Test
  void trialsCompeteOnlyWithinTheirBracket() {
    long b0 = LongStream.range(1, 1000).filter(s -> hb.bracket(s, 27) == 0).findFirst().orElseThrow();
    long b2 = LongStream.range(1, 1000).filter(s -> hb.bracket(s, 27) == 2).findFirst().orElseThrow();
    LearningCurve otherBracket = new LearningCurve(7, b2, TrialStatus.COMPLETE, List.of(0.99, 0.99, 0.99));
    assertThat(hb.prune(new LearningCurve(1, b0, TrialStatus.RUNNING, List.of(0.1)), List.of(otherBracket), 27)).isFalse();
  }
}
