package dev.jnas.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.NasBench201Space;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.testing.ToyRandomStrategy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunnerTest {
  private final NasBench201Space space = new NasBench201Space();
  @TempDir Path dir;

  /** Reward = number of 3x3 convs; fails for architectures whose first edge is none. */
  private final Evaluator toy = (arch, ctx) -> {
    if (arch.get(0) == 0) {
      throw new IllegalStateException("boom");
    }
    double r = 0;
    for (int i = 0; i < arch.size(); i++) {
      r += arch.get(i) == 3 ? 1 : 0;
    }
    return new TrialResult(TrialStatus.COMPLETE, List.of(), r, Double.NaN, r, 1, 1, 0, null);
  };

  @Test
  void runsTheBudgetAndRecordsFailuresWithoutStopping() {
    var strategy = new ToyRandomStrategy(space, 1);
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    List<TrialRecord> trials =
        new ExperimentRunner(space, strategy, toy, store, new RunSettings(50, null, 1, 7, 1), null).run();
    assertThat(trials).hasSize(50);
    assertThat(trials).extracting(TrialRecord::status).contains(TrialStatus.COMPLETE, TrialStatus.FAILED);
    assertThat(trials.stream().filter(t -> t.status() == TrialStatus.FAILED))
        .allSatisfy(t -> assertThat(t.result().error()).contains("boom"));
    assertThat(strategy.told).isEqualTo(50);
    assertThat(store.experiment().orElseThrow().status()).isEqualTo("FINISHED");
  }

  @Test
  void concurrentRunFinishesEveryTrialOnce() {
    var store = SqliteTrialStore.open(dir);
    store.createExperiment("t", "{}", "{}");
    List<TrialRecord> trials =
        new ExperimentRunner(space, new ToyRandomStrategy(space, 1), toy, store, new RunSettings(40, null, 4, 7, 1), null).run();
    assertThat(trials).hasSize(40).allSatisfy(t -> assertThat(t.status().isFinished()).isTrue());
    assertThat(trials).extracting(TrialRecord::id).doesNotHaveDuplicates();
    store.close();
  }

  @Test
  void sameSeedGivesSameTrials() {
    List<String> a = archs(3);
    assertThat(archs(3)).isEqualTo(a);
    assertThat(archs(4)).isNotEqualTo(a);
  }

  private List<String> archs(long seed) {
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    return new ExperimentRunner(space, new ToyRandomStrategy(space, seed), toy, store, new RunSettings(20, null, 1, seed, 1), null)
        .run().stream().map(t -> t.architecture() + t.seed()).toList();
  }

  @Test
  void resumeRerunsInterruptedTrialsAndNeverRepeatsFinishedOnes() {
    // First process: dies (an Error escapes) in the middle of trial 7.
    crashAtEvaluation(8).close();
    var reopened = SqliteTrialStore.openExisting(dir);
    List<TrialRecord> before = reopened.trials();
    assertThat(before.stream().filter(t -> t.status() == TrialStatus.RUNNING)).hasSize(1);
    List<TrialRecord> after =
        new ExperimentRunner(space, new ToyRandomStrategy(space, 5), toy, reopened, new RunSettings(20, null, 1, 5, 1), null).run();
    assertThat(after).hasSize(20).allSatisfy(t -> assertThat(t.status().isFinished()).isTrue());
    for (TrialRecord b : before) {
      TrialRecord a = after.get((int) b.id());
      assertThat(a.architecture()).isEqualTo(b.architecture());
      assertThat(a.seed()).isEqualTo(b.seed());
      if (b.status().isFinished()) {
        assertThat(a.finishedAt()).isEqualTo(b.finishedAt());
      }
    }
    // Same sequence as an uninterrupted run with the same seed.
    var clean = new InMemoryTrialStore();
    clean.createExperiment("t", "{}", "{}");
    List<TrialRecord> ref =
        new ExperimentRunner(space, new ToyRandomStrategy(space, 5), toy, clean, new RunSettings(20, null, 1, 5, 1), null).run();
    assertThat(after).extracting(TrialRecord::architecture).isEqualTo(ref.stream().map(TrialRecord::architecture).toList());
    reopened.close();
  }

  @Test
  void resumeWithADifferentStrategyIsRefusedNotSilentlyMixed() {
    var store = crashAtEvaluation(5);
    // A snapshot from before any event, of a strategy in another state: replaying the stored asks
    // from it gives other architectures, which resume must refuse rather than mix.
    store.saveSnapshot("{\"seq\":0,\"strategy\":" + new ToyRandomStrategy(space, 6).snapshot() + "}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ExperimentRunner(space, new ToyRandomStrategy(space, 5), toy, store, new RunSettings(20, null, 1, 5, 1), null).run())
        .hasMessageContaining("replaying the strategy diverged");
    store.close();
  }

  /** Runs 20 trials of seed 5 into a fresh SQLite store and "crashes" at evaluation {@code n}. */
  private SqliteTrialStore crashAtEvaluation(int n) {
    AtomicInteger calls = new AtomicInteger();
    Evaluator dying = (arch, ctx) -> {
      if (calls.incrementAndGet() == n) {
        throw new ThreadDeath();
      }
      return toy.evaluate(arch, ctx);
    };
    var store = SqliteTrialStore.open(dir);
    store.createExperiment("t", "{}", "{}");
    try {
      new ExperimentRunner(space, new ToyRandomStrategy(space, 5), dying, store, new RunSettings(20, null, 1, 5, 1), null).run();
    } catch (ThreadDeath | RuntimeException expected) {
      // the simulated crash
    }
    return store;
  }
}
