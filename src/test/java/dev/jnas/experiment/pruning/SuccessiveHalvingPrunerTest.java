package dev.jnas.experiment.pruning;

import static dev.jnas.experiment.pruning.Curves.complete;
import static dev.jnas.experiment.pruning.Curves.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingPrunerTest {
  private final SuccessiveHalvingPruner sh = new SuccessiveHalvingPruner(1, 3, 0);

  @Test
  void rungsSitAtMinTimesEtaToTheKBelowTheBudget() {
    assertThat(sh.rungs(27)).containsExactly(1, 3, 9);
    assertThat(sh.rungs(28)).containsExactly(1, 3, 9, 27);
    assertThat(sh.rungs(9)).containsExactly(1, 3);
    assertThat(new SuccessiveHalvingPruner(2, 2, 0).rungs(20)).containsExactly(2, 4, 8, 16);
    assertThat(new SuccessiveHalvingPruner(1, 3, 1).rungs(27)).containsExactly(3, 9);
    assertThat(new SuccessiveHalvingPruner(1, 3, 3).rungs(27)).isEmpty();
  }

  @Test
  void onlyRungEpochsAreJudged() {
    List<LearningCurve> better = List.of(complete(0, 0.9, 0.9, 0.9, 0.9, 0.9));
    assertThat(sh.prune(running(9, 0.1, 0.1), better, 9)).as("epoch 2 is no rung").isFalse();
    assertThat(sh.prune(running(9, 0.1, 0.1, 0.1), better, 9)).as("epoch 3 is").isTrue();
  }

  @Test
  void theFirstTrialAtARungGoesOnAndWhileFewerThanEtaReachedItOnlyTheBestDoes() {
    assertThat(sh.prune(running(0, 0.5), List.of(), 9)).isFalse();
    assertThat(sh.prune(running(1, 0.4), List.of(running(0, 0.5)), 9)).isTrue();
    assertThat(sh.prune(running(1, 0.6), List.of(running(0, 0.5)), 9)).isFalse();
  }

  @Test
  void atARungTheTopThirdGoesOn() {
    // six values reached epoch 1: the top 6/3 = 2 go on
    List<LearningCurve> others = new ArrayList<>();
    double[] v = {0.1, 0.2, 0.3, 0.4, 0.9};
    for (int i = 0; i < v.length; i++) {
      others.add(Curves.of(i, i % 2 == 0 ? TrialStatus.PRUNED : TrialStatus.COMPLETE, v[i]));
    }
    assertThat(sh.prune(running(9, 0.5), others, 9)).as("second of six").isFalse();
    assertThat(sh.prune(running(9, 0.35), others, 9)).as("third of six").isTrue();
    assertThat(sh.prune(running(9, 0.95), others, 9)).isFalse();
  }

  @Test
  void trialsThatStoppedBeforeTheRungDoNotCompeteAtIt() {
    // at rung 3 only trial 0 reached it; trial 1 was pruned at rung 1
    List<LearningCurve> others = List.of(complete(0, 0.5, 0.6, 0.7, 0.8), Curves.of(1, TrialStatus.PRUNED, 0.1));
    assertThat(sh.prune(running(9, 0.6, 0.6, 0.65), others, 9)).isTrue();
    assertThat(sh.prune(running(9, 0.6, 0.6, 0.75), others, 9)).isFalse();
  }

  @Test
  void theLastEpochIsNeverARung() {
    assertThat(sh.prune(running(9, 0.1, 0.1, 0.1), List.of(complete(0, 0.9, 0.9, 0.9)), 3)).isFalse();
  }

  @Property(tries = 300)
  void aValueGoesOnExactlyWhenFewerThanMaxOneOrNOverEtaValuesBeatIt(
      @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1) Double> values,
      @ForAll @IntRange(min = 2, max = 5) int eta) {
    double v = values.get(0);
    long beating = values.stream().filter(x -> x > v).count();
    boolean expected = beating < Math.max(1, values.size() / eta);
    assertThat(SuccessiveHalvingPruner.promotable(v, values, eta)).isEqualTo(expected);
  }
}
