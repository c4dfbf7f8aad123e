package dev.jnas.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProgressiveSearchTest {
  static {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  private static final List<String> OPS = List.of("identity", "max_pool_3x3", "sep_conv_3x3");
  private final CellSpace space = new CellSpace(3, OPS, 1, 4, 2, true, true);

  /**
   * A learnable reward in [0, 1]: the share of sep_conv_3x3 ops, a little more for reading earlier
   * blocks, and a small jitter so that cells of a level rarely tie.
   */
  private double reward(Architecture a) {
    double r = 0;
    List<CellSpace.Block> cell = space.normalCell(a);
    for (CellSpace.Block b : cell) {
      r += (b.op1().equals("sep_conv_3x3") ? 1 : 0) + (b.op2().equals("sep_conv_3x3") ? 1 : 0)
          + 0.3 * (b.input1() >= 2 ? 1 : 0) + 0.1 * (b.op1().equals("identity") ? 1 : 0);
    }
    return 0.9 * r / (2.6 * cell.size()) + (space.encode(a).hashCode() & 0xff) / 2560.0;
  }

  private ProgressiveSearch create(String params, long seed) throws Exception {
    return (ProgressiveSearch) Strategies.create("pnas", space, Json.MAPPER.readTree(params), seed);
  }

  /** Asks and tells everything (one at a time) until the search ends; returns the asks in order. */
  private List<Architecture> run(Strategy s) {
    List<Architecture> asked = new ArrayList<>();
    for (int i = 0; i < 10_000 && !s.isExhausted(); i++) {
      List<Architecture> got = s.ask(4);
      for (Architecture a : got) {
        asked.add(a);
        s.tell(a, OptionalDouble.of(reward(a)));
      }
    }
    assertThat(s.isExhausted()).isTrue();
    return asked;
  }

  @Test
  void levelOneIsEveryDistinctOneBlockCellOnce() throws Exception {
    try (ProgressiveSearch s = create("{\"k\": 4, \"epochs\": 5, \"hidden\": 8}", 1)) {
      List<Architecture> first = s.ask(1000);
      // 2 inputs x 3 ops = 6 (input, op) pairs; unordered pairs with repetition: 6 * 7 / 2
      assertThat(first).hasSize(21);
      Set<String> seen = new HashSet<>();
      for (Architecture a : first) {
        assertThat(space.blocks(a)).isEqualTo(1);
        CellSpace.Block b = space.normalCell(a).get(0);
        String mirror = b.input2() + "," + b.op2() + "," + b.input1() + "," + b.op1();
        assertThat(seen).doesNotContain(mirror);
        seen.add(b.input1() + "," + b.op1() + "," + b.input2() + "," + b.op2());
      }
      assertThat(s.ask(1)).as("level 2 waits for level 1's results").isEmpty();
      assertThat(s.isExhausted()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "lstm"})
  void growsTheKBestCellsLevelByLevelAndEndsAtBBlocks(String predictor) throws Exception {
    try (ProgressiveSearch s = create("{\"k\": 5, \"epochs\": 60, \"hidden\": 16, \"predictor\": \"" + predictor + "\"}", 2)) {
      List<Architecture> asked = run(s);
      assertThat(asked).hasSize(21 + 2 * 5);
      assertThat(new HashSet<>(asked)).hasSameSizeAs(asked);
      for (int level = 2; level <= 3; level++) {
        int from = 21 + (level - 2) * 5;
        List<Architecture> previous = level == 2 ? asked.subList(0, 21) : asked.subList(21, 26);
        List<Architecture> best =
            previous.stream().sorted((x, y) -> Double.compare(reward(y), reward(x))).limit(5).toList();
        for (Architecture a : asked.subList(from, from + 5)) {
          assertThat(space.blocks(a)).isEqualTo(level);
          List<CellSpace.Block> cell = space.normalCell(a);
          Architecture parent = space.ofCell(cell.subList(0, level - 1));
          assertThat(best).as("the parent of %s is one of the level's 5 best", space.encode(a)).contains(parent);
        }
      }
      ObjectNode snap = s.snapshot();
      JsonNode levels = snap.get("levels");
      assertThat(levels).hasSize(3);
      assertThat(levels.get(0).get("rho_predicted").isNull()).as("level 1 is not chosen by predictions").isTrue();
      for (JsonNode l : levels) {
        assertThat(l.get("rho_fit").isNumber()).as("level %s", l).isTrue();
      }
      assertThat(levels.get(0).get("rho_fit").doubleValue()).as("rho_1 on the trained cells").isGreaterThan(0.8);
      assertThat(levels.get(1).get("rho_predicted").isNumber()).isTrue();
      assertThat(s.ask(1)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "lstm"})
  void thePredictorChoosesBetterExpansionsThanTheirAverage(String predictor) throws Exception {
    try (ProgressiveSearch s = create("{\"k\": 5, \"epochs\": 60, \"hidden\": 16, \"predictor\": \"" + predictor + "\"}", 3)) {
      List<Architecture> asked = run(s);
      List<Architecture> levelTwo = asked.subList(21, 26);
      // every expansion of the same parents, mirror images included: what a random pick would average
      Set<Architecture> parents = new HashSet<>();
      levelTwo.forEach(a -> parents.add(space.ofCell(space.normalCell(a).subList(0, 1))));
      double all = parents.stream().flatMap(p -> space.grown(p).stream()).mapToDouble(this::reward).average().orElseThrow();
      double chosen = levelTwo.stream().mapToDouble(this::reward).average().orElseThrow();
      assertThat(chosen).isGreaterThan(all + 0.1);
    }
  }

  @Test
  void replayAdoptsStoredAsksOfTheLevel() throws Exception {
    try (ProgressiveSearch s = create("{\"k\": 4, \"epochs\": 5, \"hidden\": 8}", 4);
        ProgressiveSearch same = create("{\"k\": 4, \"epochs\": 5, \"hidden\": 8}", 4)) {
      List<Architecture> first = s.ask(3);
      same.ask(0);
      List<Architecture> swapped = List.of(first.get(2), first.get(0));
      assertThat(same.replayAsk(swapped)).isEqualTo(swapped);
      assertThat(same.ask(100)).hasSize(21 - 2).contains(first.get(1)).doesNotContain(first.get(0), first.get(2));
    }
  }

  @Test
  void needsAProgressiveCellSpace() {
    assertThatThrownBy(() -> Strategies.create("pnas", new NasBench201Space(), null, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("strategy pnas")
        .hasMessageContaining("progressive: true")
        .hasMessageContaining("'nasbench201'");
    assertThatThrownBy(() -> Strategies.create("pnas", new CellSpace(), null, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("without progressive");
  }
}
