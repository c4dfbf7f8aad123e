package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The controller's snapshot carries its weights and Adam's state; restoring replays nothing. */
class ReinforceSnapshotTest {
  static {
    // Tiny tensors: one intra-op thread avoids OpenMP stalls on a busy machine (if the engine has
    // not started yet in this JVM).
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  private static final ReinforceConfig CONFIG =
      ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("batch", 4));
  private final SearchSpace cell = new CellSpace(2, CellSpace.ENAS_OPS, 1, 8, 1);

  /** Later choices score higher, with a little structure from the string. */
  private static double reward(SearchSpace space, Architecture a) {
    double r = 0;
    for (int i = 0; i < a.size(); i++) {
      r += a.get(i);
    }
    return r + (space.encode(a).hashCode() & 0xff) / 256.0;
  }

  /** Asks and tells until {@code updates} batches are complete; returns the architectures asked. */
  private static List<Architecture> run(ReinforceController rc, SearchSpace space, int updates) {
    List<Architecture> seen = new ArrayList<>();
    while (rc.updates() < updates) {
      for (Architecture a : rc.ask(3)) {
        seen.add(a);
        rc.tell(a, OptionalDouble.of(reward(space, a)));
      }
    }
    return seen;
  }

  private static ObjectNode throughText(ObjectNode snapshot) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(snapshot));
  }

  @Test
  void restoresTheLiveWeightsAndAdamStateBitForBit() throws Exception {
    for (SearchSpace space : List.of(new NasBench201Space(), cell)) {
      try (ReinforceController live = new ReinforceController(space, CONFIG, 3);
          ReinforceController restored = new ReinforceController(space, CONFIG, 999)) {
        run(live, space, 12);
        restored.restore(throughText(live.snapshot()));
        Map<String, float[]> expected = live.networkArrays();
        Map<String, float[]> actual = restored.networkArrays();
        assertThat(expected.keySet()).anyMatch(k -> k.startsWith("lstm.")).anyMatch(k -> k.endsWith("#adam1"));
        assertThat(actual).containsOnlyKeys(expected.keySet());
        expected.forEach((name, values) -> assertThat(actual.get(name)).as(name).isEqualTo(values));
        assertThat(restored.updates()).isEqualTo(12);
        assertThat(restored.baseline()).isEqualTo(live.baseline());
        // and it goes on as the live one does: same proposals, same weights after more updates
        assertThat(run(restored, space, 20)).isEqualTo(run(live, space, 20));
        assertThat(restored.snapshot()).isEqualTo(live.snapshot());
      }
    }
  }

  @Test
  void snapshotSizeDoesNotGrowWithTheExperiment() {
    try (ReinforceController rc = new ReinforceController(new NasBench201Space(), CONFIG, 1)) {
      run(rc, new NasBench201Space(), 5);
      int early = rc.snapshot().toString().length();
      run(rc, new NasBench201Space(), 100);
      int late = rc.snapshot().toString().length();
      System.out.printf("reinforce snapshot, NAS-Bench-201, defaults but batch 4: %,d chars after 5 updates, %,d after 100%n", early, late);
      assertThat(late).isBetween(early - 200, early + 200);
    }
  }

  @Test
  void replayAskAdoptsTheStoredArchitecturesAndLearnsFromThem() {
    try (ReinforceController original = new ReinforceController(cell, CONFIG, 5);
        ReinforceController resumed = new ReinforceController(cell, CONFIG, 6)) {
      List<Architecture> stored = original.ask(3);
      assertThat(resumed.ask(0)).isEmpty();
      // Another seed samples other architectures; the stored ones become the batch's first three.
      assertThat(resumed.replayAsk(stored)).isEqualTo(stored);
      for (Architecture a : stored) {
        resumed.tell(a, OptionalDouble.of(reward(cell, a)));
      }
      List<Architecture> last = resumed.ask(5);
      assertThat(last).hasSize(1); // the batch's fourth, sampled by the resumed controller
      resumed.tell(last.get(0), OptionalDouble.of(1));
      assertThat(resumed.updates()).isEqualTo(1);
      assertThat(resumed.baseline()).isFinite();
    }
  }

  @Test
  void replayAskInTheSameProcessGivesWhatTheAskGave() throws Exception {
    try (ReinforceController original = new ReinforceController(cell, CONFIG, 5);
        ReinforceController replayed = new ReinforceController(cell, CONFIG, 5)) {
      List<Architecture> first = original.ask(2);
      assertThat(replayed.replayAsk(first)).isEqualTo(first);
      assertThat(replayed.snapshot()).isEqualTo(original.snapshot());
    }
  }

  @Test
  void aDamagedSnapshotIsRefusedNamingWhatIsWrongAndChangesNothing() throws Exception {
    try (ReinforceController rc = new ReinforceController(cell, CONFIG, 3);
        ReinforceController twin = new ReinforceController(cell, CONFIG, 3)) {
      run(rc, cell, 2);
      run(twin, cell, 2);
      ObjectNode snap = throughText(rc.snapshot());
      ObjectNode shortWeight = snap.deepCopy();
      ((ObjectNode) shortWeight.path("network").path("parameters").path("embeddings")).put("weight", "AAAAAA==");
      assertThatThrownBy(() -> rc.restore(shortWeight))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("'embeddings'")
          .hasMessageContaining("expected");
      ObjectNode unknown = snap.deepCopy();
      ((ObjectNode) unknown.path("network").path("parameters")).putObject("lstm.l9_weight");
      assertThatThrownBy(() -> rc.restore(unknown))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("'lstm.l9_weight'");
      ObjectNode legacy = snap.deepCopy();
      legacy.remove("network");
      legacy.putArray("history");
      assertThatThrownBy(() -> rc.restore(legacy))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("older jnas");
      // Nothing changed: the controller goes on exactly as its untouched twin.
      assertThat(run(rc, cell, 4)).isEqualTo(run(twin, cell, 4));
    }
  }
}
