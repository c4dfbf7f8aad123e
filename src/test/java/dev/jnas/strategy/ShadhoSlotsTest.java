package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.experiment.TrialExecutor;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SHADHO's planned worker slots reach the executor that places trials on machines. */
class ShadhoSlotsTest {

  @Test
  void everyTrialInFlightCarriesItsOwnSlotAndAFreedSlotIsReused() {
    SearchSpace space = ShadhoTest.nested();
    Shadho shadho = new Shadho(space, Json.MAPPER.createObjectNode(), 5);
    List<Integer> seen = new ArrayList<>();
    Set<Integer> inFlight = new HashSet<>();
    List<String> overlaps = new ArrayList<>();
    TrialExecutor recording = new TrialExecutor() {
      @Override
      public int slots() {
        return 3;
      }

      @Override
      public boolean dynamic() {
        return true;
      }

      @Override
      public TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context) {
        throw new AssertionError("the runner passes the planned slot");
      }

      @Override
      public TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context, int slot) {
        synchronized (seen) {
          seen.add(slot);
          if (!inFlight.add(slot)) {
            overlaps.add("slot " + slot + " twice in flight");
          }
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (seen) {
          inFlight.remove(slot);
        }
        return new TrialResult(TrialStatus.COMPLETE, List.of(), 0.5, Double.NaN, 0.5, 0, 0, 0.01 * (slot + 1), null);
      }
    };
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    new ExperimentRunner(space, shadho, null, store, new RunSettings(30, null, 3, 7, 1), null, null, recording).run();
    assertThat(seen).hasSize(30);
    assertThat(new HashSet<>(seen)).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(overlaps).isEmpty();
  }

  @Test
  void slotOfNamesTheSlotOfAnAskedArchitectureUntilItIsTold() {
    Shadho shadho = new Shadho(ShadhoTest.nested(), Json.MAPPER.createObjectNode(), 5);
    List<Architecture> asked = shadho.ask(3);
    assertThat(asked.stream().map(shadho::slotOf).toList()).containsExactly(0, 1, 2);
    shadho.tell(asked.get(1), java.util.OptionalDouble.of(0.5), 1.0);
    assertThat(shadho.slotOf(asked.get(1))).isEqualTo(-1);
    Architecture next = shadho.ask(1).get(0);
    assertThat(shadho.slotOf(next)).isEqualTo(1); // the freed slot
  }
}
