package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A space with every decision type, including the attention-scored InputChoice and Connection. */
class ReinforceToySpaceTest {
  static {
    // The controller's tensors are tiny: one intra-op thread avoids OpenMP barrier stalls when the
    // machine's cores are busy (the 100-seed test: 25 s alone, over 10 min under load with 2).
    // Only takes effect if the engine has not started yet in this JVM.
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }


  /**
   * Nodes -1 (input) and 0 (stem) have no decisions; node 1 picks an op and an input; node 2 an
   * op (an IntRange) and an input; node 3 chooses skip connections from nodes 0, 1, 2 and must
   * have at least one.
   */
  static final class ToySpace extends AbstractSearchSpace {
    static final int OUT_0 = 4;
    static final int OUT_1 = 5;
    static final int OUT_2 = 6;
    static final int IN_2 = 3;

    ToySpace() {
      super(
          "toy",
          List.of(
              new Decision.Categorical("op_1", List.of("conv", "pool", "skip")),
              new Decision.InputChoice("in_1", 1, List.of(-1, 0)),
              new Decision.IntRange("width_2", 1, 4),
              new Decision.InputChoice("in_2", 2, List.of(-1, 0, 1)),
              new Decision.Connection("in_0_3", 0, 3),
              new Decision.Connection("in_1_3", 1, 3),
              new Decision.Connection("in_2_3", 2, 3)));
    }

    @Override
    public Optional<String> violation(Architecture arch) {
      Optional<String> v = structuralViolation(arch);
      if (v.isEmpty() && arch.get(OUT_0) + arch.get(OUT_1) + arch.get(OUT_2) == 0) {
        return Optional.of("node 3 has no input");
      }
      return v;
    }
  }

  private final ToySpace space = new ToySpace();

  /** The favoured connection pattern: node 3 fed by node 0 but not by node 1. */
  private static boolean favouredConnections(Architecture a) {
    return a.get(ToySpace.OUT_0) == 1 && a.get(ToySpace.OUT_1) == 0;
  }

  /** One point for each favoured part: the two connections, and node 2 reading node 1. */
  private static double reward(Architecture a) {
    int right = 0;
    right += a.get(ToySpace.OUT_0) == 1 ? 1 : 0;
    right += a.get(ToySpace.OUT_1) == 0 ? 1 : 0;
    right += a.get(ToySpace.IN_2) == 2 ? 1 : 0;
    return right / 3.0;
  }

  @Test
  void proposesOnlyValidArchitecturesAndLearnsTheFavouredConnections() {
    List<Architecture> seen = new ArrayList<>();
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 11)) {
      while (seen.size() < 600) {
        for (Architecture a : rc.ask(4)) {
          seen.add(a);
          rc.tell(a, OptionalDouble.of(reward(a)));
        }
      }
    }
    assertThat(seen).allMatch(space::isValid);
    List<Architecture> early = seen.subList(0, 100);
    List<Architecture> late = seen.subList(500, 600);
    long earlyPattern = early.stream().filter(ReinforceToySpaceTest::favouredConnections).count();
    long latePattern = late.stream().filter(ReinforceToySpaceTest::favouredConnections).count();
    long earlyInput = early.stream().filter(a -> a.get(ToySpace.IN_2) == 2).count();
    long lateInput = late.stream().filter(a -> a.get(ToySpace.IN_2) == 2).count();
    System.out.printf(
        "toy space: connection pattern %d -> %d of 100, input choice %d -> %d of 100%n",
        earlyPattern, latePattern, earlyInput, lateInput);
    // Uniformly (among valid architectures) the connection pattern has probability 2/7.
    assertThat(earlyPattern).isLessThan(45);
    assertThat(latePattern).isGreaterThan(80);
    assertThat(lateInput).isGreaterThan(earlyInput + 10);
  }

  @Test
  void isReproducibleOnTheToySpace() {
    List<Architecture> a = new ArrayList<>();
    List<Architecture> b = new ArrayList<>();
    for (List<Architecture> out : List.of(a, b)) {
      try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 4)) {
        while (out.size() < 60) {
          for (Architecture x : rc.ask(10)) {
            out.add(x);
            rc.tell(x, OptionalDouble.of(reward(x)));
          }
        }
      }
    }
    assertThat(b).isEqualTo(a);
  }

  @Test
  void anchorsEachNodeAtItsFirstInputDecision() {
    DecisionPlan plan = new DecisionPlan(space.decisions());
    List<DecisionPlan.Step> steps = plan.steps();
    assertThat(steps.get(0).kind()).isEqualTo(DecisionPlan.Kind.HEAD);
    assertThat(steps.get(1).kind()).isEqualTo(DecisionPlan.Kind.INPUT_CHOICE);
    assertThat(steps.get(4).kind()).isEqualTo(DecisionPlan.Kind.CONNECTION);
    // Node 1 is anchored at in_1 (step 1), node 2 at in_2 (step 3), node 3 at in_0_3 (step 4).
    assertThat(steps.get(1).anchorSlot()).isGreaterThanOrEqualTo(0);
    assertThat(steps.get(3).anchorSlot()).isGreaterThanOrEqualTo(0);
    assertThat(steps.get(4).anchorSlot()).isGreaterThanOrEqualTo(0);
    assertThat(steps.get(5).anchorSlot()).isEqualTo(-1);
    // in_2_3 reads node 2's anchor (step 3); in_0_3 reads node 0, which has no anchor: learned.
    int node2 = steps.get(3).anchorSlot();
    assertThat(steps.get(6).sources()).containsExactly(node2);
    assertThat(plan.anchoredBefore(node2, 6)).isTrue();
    int node0 = steps.get(4).sources()[0];
    assertThat(plan.learnedRow(node0)).isGreaterThanOrEqualTo(0);
    // -1 and 0 need learned vectors; 1 is anchored before in_2 (step 3) and in_1_3 (step 5).
    assertThat(plan.learnedRows()).isEqualTo(2);
    assertThat(plan.headUnits()).isEqualTo(3 + 4);
  }
}
