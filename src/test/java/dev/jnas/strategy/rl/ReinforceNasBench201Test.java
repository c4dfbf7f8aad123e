package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReinforceNasBench201Test {
  static {
    // The controller's tensors are tiny: one intra-op thread avoids OpenMP barrier stalls when the
    // machine's cores are busy (the 100-seed test: 25 s alone, over 10 min under load with 2).
    // Only takes effect if the engine has not started yet in this JVM.
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  private static final int QUERIES = 500;
  private static final int SEEDS = 100;
  private final NasBench201Space space = new NasBench201Space();
  private final Map<Architecture, Double> cifar10Val = Nb201Cifar10Val.load();

  /** Asks one architecture at a time and tells its table reward, {@code queries} times. */
  private List<Architecture> run(ReinforceController rc, int queries) {
    List<Architecture> seen = new ArrayList<>();
    while (seen.size() < queries) {
      List<Architecture> asked = rc.ask(1);
      assertThat(asked).hasSize(1);
      Architecture a = asked.get(0);
      seen.add(a);
      rc.tell(a, OptionalDouble.of(cifar10Val.get(a)));
    }
    return seen;
  }

  private double best(List<Architecture> archs) {
    return archs.stream().mapToDouble(cifar10Val::get).max().orElseThrow();
  }

  @Test
  void beatsRandomSearchAt500Queries() {
    List<Architecture> all = space.enumerate().toList();
    double rl = 0;
    double random = 0;
    long start = System.nanoTime();
    for (int seed = 0; seed < SEEDS; seed++) {
      try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), seed)) {
        rl += best(run(rc, QUERIES));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int seed = 0; seed < SEEDS; seed++) {
      // Random search without repeats: the first 500 of a seeded shuffle.
      List<Architecture> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new java.util.Random(Rng.derive(seed, 99)));
      random += best(shuffled.subList(0, QUERIES));
    }
    rl /= SEEDS;
    random /= SEEDS;
    System.out.printf(
        "reinforce vs random, NAS-Bench-201 cifar10-val, %d queries, %d seeds: %.3f vs %.3f (margin %.3f); %.0f archs/s%n",
        QUERIES, SEEDS, rl, random, rl - random, SEEDS * QUERIES / seconds);
    assertThat(rl).isGreaterThan(random);
  }

  @Test
  void sameSeedSameSequenceDifferentSeedDifferent() {
    List<Architecture> a;
    List<Architecture> b;
    List<Architecture> c;
    try (ReinforceController x = new ReinforceController(space, ReinforceConfig.defaults(), 7);
        ReinforceController y = new ReinforceController(space, ReinforceConfig.defaults(), 7);
        ReinforceController z = new ReinforceController(space, ReinforceConfig.defaults(), 8)) {
      a = run(x, 150);
      b = run(y, 150);
      c = run(z, 150);
      assertThat(x.updates()).isEqualTo(15);
    }
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void snapshotMidBatchRestoresAndContinuesExactly() throws Exception {
    List<Architecture> uninterrupted;
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 3)) {
      uninterrupted = run(rc, 200);
    }
    List<Architecture> resumed = new ArrayList<>();
    String saved;
    List<Architecture> untold;
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 3)) {
      resumed.addAll(run(rc, 70));
      // Open batch: 5 asked, 2 of them told, when the snapshot is taken.
      untold = new ArrayList<>(rc.ask(5));
      resumed.addAll(untold);
      for (int i = 0; i < 2; i++) {
        Architecture a = untold.remove(0);
        rc.tell(a, OptionalDouble.of(cifar10Val.get(a)));
      }
      saved = Json.MAPPER.writeValueAsString(rc.snapshot());
    }
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 999)) {
      rc.restore((ObjectNode) Json.MAPPER.readTree(saved));
      assertThat(rc.updates()).isEqualTo(7);
      for (Architecture a : untold) {
        rc.tell(a, OptionalDouble.of(cifar10Val.get(a)));
      }
      resumed.addAll(run(rc, 200 - resumed.size()));
      assertThat(Json.MAPPER.writeValueAsString(rc.snapshot()))
          .isEqualTo(snapshotOfUninterrupted(200));
    }
    assertThat(resumed).isEqualTo(uninterrupted);
  }

  private String snapshotOfUninterrupted(int queries) throws Exception {
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 3)) {
      run(rc, queries);
      return Json.MAPPER.writeValueAsString(rc.snapshot());
    }
  }

  @Test
  void refusesASnapshotTakenWithOtherParameters() {
    ObjectNode snap;
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 3)) {
      run(rc, 10);
      snap = rc.snapshot();
    }
    ReinforceConfig other =
        ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("batch", 4));
    try (ReinforceController rc = new ReinforceController(space, other, 3)) {
      assertThatThrownBy(() -> rc.restore(snap))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("parameters");
    }
  }

  @Test
  void failureRewardTakesPartInTheUpdate() {
    ReinforceConfig withFailure =
        ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("failure_reward", 10.0).put("batch", 2));
    try (ReinforceController rc = new ReinforceController(space, withFailure, 1)) {
      for (Architecture a : rc.ask(2)) {
        rc.tell(a, OptionalDouble.empty());
      }
      assertThat(rc.baseline()).isEqualTo(10.0);
    }
  }

  @Test
  void samplesAWholeBatchThenWaitsForItsRewards() {
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 1)) {
      int m = rc.config().batch();
      List<Architecture> first = rc.ask(m + 5);
      assertThat(first).hasSize(m).allMatch(space::isValid);
      assertThat(rc.ask(1)).isEmpty();
      for (Architecture a : first) {
        rc.tell(a, OptionalDouble.empty()); // all failed: skipped, no update of the baseline
      }
      assertThat(rc.updates()).isEqualTo(1);
      assertThat(rc.baseline()).isNaN();
      assertThat(rc.ask(3)).hasSize(3);
    }
  }

  @Test
  void rejectsATellForAnArchitectureItDidNotAsk() {
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 1)) {
      Architecture asked = rc.ask(1).get(0);
      Architecture other = space.neighbours(asked).get(0);
      assertThatThrownBy(() -> rc.tell(other, OptionalDouble.of(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(space.encode(other));
    }
  }

  @Test
  void keepsNoArraysBetweenUpdates() {
    try (ReinforceController rc = new ReinforceController(space, ReinforceConfig.defaults(), 5)) {
      run(rc, 20); // first updates create Adam's moments
      int owned = rc.ownedArrays();
      run(rc, 100);
      assertThat(rc.ownedArrays()).isEqualTo(owned);
    }
  }

  @Test
  void isRegisteredAndValidatesParameters() {
    ObjectNode params = Json.MAPPER.createObjectNode().put("batch", 4).put("learning_rate", 0.01);
    Strategy s = Strategies.create("reinforce", space, params, 1);
    assertThat(s).isInstanceOf(ReinforceController.class);
    assertThat(s.ask(10)).hasSize(4);
    ((ReinforceController) s).close();
    assertThatThrownBy(
            () -> Strategies.create("reinforce", space, Json.MAPPER.createObjectNode().put("hiden", 3), 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("hiden");
    assertThatThrownBy(
            () -> Strategies.create("reinforce", space, Json.MAPPER.createObjectNode().put("batch", 0), 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("batch");
  }
}
