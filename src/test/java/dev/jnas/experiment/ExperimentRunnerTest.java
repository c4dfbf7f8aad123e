package dev.jnas.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.NasBench201Space;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.testing.ToyRandomStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.rl.ReinforceConfig;
import dev.jnas.strategy.rl.ReinforceController;
import dev.jnas.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

class ExperimentRunnerTest {
  static {
    // The REINFORCE controller's tensors are tiny: one intra-op thread avoids OpenMP stalls on a
    // busy machine (if the engine has not started yet in this JVM).
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }


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

  /** Writes a state file into the trial's checkpoint folder, as a training evaluator would. */
  private static void writeCheckpoint(TrialContext ctx) {
    assertThat(ctx.checkpointDir()).isNotNull();
    try {
      Files.createDirectories(ctx.checkpointDir());
      Files.writeString(ctx.checkpointDir().resolve("state"), "trial " + ctx.trialId());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> folders(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"in-memory", "sqlite"})
  void onlyTheBestTrialsCheckpointOutlivesItsTrial(String storeKind) {
    Path root = dir.resolve("checkpoints");
    List<Integer> foldersAtStart = new ArrayList<>();
    Evaluator writing = (arch, ctx) -> {
      assertThat(ctx.checkpointDir()).isEqualTo(root.resolve("trial-" + ctx.trialId()));
      foldersAtStart.add(folders(root).size());
      writeCheckpoint(ctx);
      return toy.evaluate(arch, ctx);
    };
    TrialStore store = storeKind.equals("sqlite") ? SqliteTrialStore.open(dir.resolve("exp")) : new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    RunSettings settings = new RunSettings(30, null, 1, 3, 1, root);
    List<TrialRecord> trials = new ExperimentRunner(space, new ToyRandomStrategy(space, 3), writing, store, settings, null).run();
    store.close();
    TrialRecord best = ExperimentRunner.best(trials).orElseThrow();
    assertThat(folders(root)).containsExactly("trial-" + best.id());
    // when a trial starts, only the best finished trial's folder is left: failed trials', worse
    // trials' and each earlier best's are gone
    assertThat(foldersAtStart).hasSize(30).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
    assertThat(trials).extracting(TrialRecord::status).contains(TrialStatus.FAILED);
    assertThat(improvements(trials)).as("the best changed several times").isGreaterThanOrEqualTo(2);
  }

  private static int improvements(List<TrialRecord> trials) {
    int n = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (TrialRecord t : trials) {
      if (t.status() == TrialStatus.COMPLETE && t.result().reward() > best) {
        best = t.result().reward();
        n++;
      }
    }
    return n;
  }

  @Test
  void resumeKeepsTheCheckpointOfTheTrialToRunAgainAndSweepsFinishedOnes() {
    Path root = dir.resolve("checkpoints");
    AtomicInteger calls = new AtomicInteger();
    Evaluator dying = (arch, ctx) -> {
      writeCheckpoint(ctx);
      if (calls.incrementAndGet() == 8) {
        throw new ThreadDeath(); // the process dies after the trial wrote a checkpoint
      }
      return toy.evaluate(arch, ctx);
    };
    var store = SqliteTrialStore.open(dir);
    store.createExperiment("t", "{}", "{}");
    RunSettings settings = new RunSettings(20, null, 1, 5, 1, root);
    try {
      new ExperimentRunner(space, new ToyRandomStrategy(space, 5), dying, store, settings, null).run();
    } catch (ThreadDeath | RuntimeException expected) {
      // the simulated crash
    }
    List<TrialRecord> before = store.trials();
    long interrupted = before.stream().filter(t -> t.status() == TrialStatus.RUNNING).findFirst().orElseThrow().id();
    long bestBefore = ExperimentRunner.best(before).orElseThrow().id();
    // a finished trial whose folder survived (killed between recording it and deleting the folder)
    long stale = before.stream().filter(t -> t.status().isFinished() && t.id() != bestBefore).findFirst().orElseThrow().id();
    writeCheckpoint(new TrialContext(stale, 0, 1, TrialListener.NONE, root.resolve("trial-" + stale)));
    assertThat(folders(root)).containsExactlyInAnyOrder("trial-" + bestBefore, "trial-" + interrupted, "trial-" + stale);

    List<Boolean> foundOwnCheckpoint = new ArrayList<>();
    List<String> foldersAtRerun = new ArrayList<>();
    Evaluator resuming = (arch, ctx) -> {
      if (ctx.trialId() == interrupted) {
        foundOwnCheckpoint.add(Files.exists(ctx.checkpointDir().resolve("state")));
        foldersAtRerun.addAll(folders(root));
      }
      writeCheckpoint(ctx);
      return toy.evaluate(arch, ctx);
    };
    List<TrialRecord> after = new ExperimentRunner(space, new ToyRandomStrategy(space, 5), resuming, store, settings, null).run();
    store.close();
    assertThat(foundOwnCheckpoint).containsExactly(true);
    assertThat(foldersAtRerun).doesNotContain("trial-" + stale);
    assertThat(folders(root)).containsExactly("trial-" + ExperimentRunner.best(after).orElseThrow().id());
  }

  @Test
  void withoutACheckpointRootTrialsGetNoFolder() {
    List<Path> seen = new ArrayList<>();
    Evaluator recording = (arch, ctx) -> {
      seen.add(ctx.checkpointDir());
      return toy.evaluate(arch, ctx);
    };
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    new ExperimentRunner(space, new ToyRandomStrategy(space, 1), recording, store, new RunSettings(5, null, 1, 1, 1), null).run();
    assertThat(seen).hasSize(5).containsOnlyNulls();
  }

  /** Runs 20 trials of seed 5 into a fresh SQLite store and "crashes" at evaluation {@code n}. */
  private SqliteTrialStore crashAtEvaluation(int n) {
    return crashAtEvaluation(space, new ToyRandomStrategy(space, 5), toy, n, 1);
  }

  /** Runs 20 trials of seed 5 into a fresh SQLite store and "crashes" at evaluation {@code n}. */
  private SqliteTrialStore crashAtEvaluation(SearchSpace space, Strategy strategy, Evaluator evaluator, int n, int concurrency) {
    AtomicInteger calls = new AtomicInteger();
    Evaluator dying = (arch, ctx) -> {
      if (calls.incrementAndGet() == n) {
        throw new ThreadDeath();
      }
      return evaluator.evaluate(arch, ctx);
    };
    var store = SqliteTrialStore.open(dir);
    store.createExperiment("t", "{}", "{}");
    try {
      new ExperimentRunner(space, strategy, dying, store, new RunSettings(20, null, concurrency, 5, 1), null).run();
    } catch (ThreadDeath | RuntimeException expected) {
      // the simulated crash
    }
    return store;
  }

  static Stream<SearchSpace> reinforceSpaces() {
    return Stream.of(
        new NasBench201Space(),
        new CellSpace(2, List.of("identity", "avg_pool_3x3", "sep_conv_3x3"), 1, 8, 1),
        new NasRlMacroSpace(3, List.of(1, 3), List.of(8, 16), false));
  }

  private static ReinforceController reinforce(SearchSpace space, long seed) {
    return new ReinforceController(space, ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("batch", 3)), seed);
  }

  /** Any space: reward = sum of the choices; fails for about one architecture in seven. */
  private static Evaluator anySpace(SearchSpace space) {
    return (arch, ctx) -> {
      if (Math.floorMod(space.encode(arch).hashCode(), 7) == 0) {
        throw new IllegalStateException("boom");
      }
      double r = java.util.Arrays.stream(arch.choices()).sum();
      return new TrialResult(TrialStatus.COMPLETE, List.of(), r, Double.NaN, r, 1, 1, 0, null);
    };
  }

  @ParameterizedTest
  @MethodSource("reinforceSpaces")
  void reinforceResumedInTheSameProcessRunsAsIfUninterrupted(SearchSpace space) {
    List<TrialRecord> ref;
    try (ReinforceController rc = reinforce(space, 5)) {
      var clean = new InMemoryTrialStore();
      clean.createExperiment("t", "{}", "{}");
      ref = new ExperimentRunner(space, rc, anySpace(space), clean, new RunSettings(20, null, 1, 5, 1), null).run();
    }
    List<TrialRecord> before;
    List<TrialRecord> after;
    try (ReinforceController first = reinforce(space, 5);
        var store = crashAtEvaluation(space, first, anySpace(space), 9, 1);
        ReinforceController second = reinforce(space, 5)) {
      before = store.trials();
      after = new ExperimentRunner(space, second, anySpace(space), store, new RunSettings(20, null, 1, 5, 1), null).run();
    }
    assertThat(before).hasSize(9);
    assertThat(after).hasSize(20).allSatisfy(t -> assertThat(t.status().isFinished()).isTrue());
    assertThat(after).extracting(TrialRecord::architecture).isEqualTo(ref.stream().map(TrialRecord::architecture).toList());
    for (TrialRecord b : before) {
      if (b.status().isFinished()) {
        assertThat(after.get((int) b.id()).finishedAt()).isEqualTo(b.finishedAt());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("reinforceSpaces")
  void reinforceAdoptsTheStoredAsksWhenItsReplayProposesOthers(SearchSpace space) {
    try (ReinforceController first = reinforce(space, 5);
        var store = crashAtEvaluation(space, first, anySpace(space), 8, 2);
        ReinforceController other = reinforce(space, 6);
        ReinforceController second = reinforce(space, 5)) {
      List<TrialRecord> before = store.trials();
      // A snapshot from before any event, of a controller in another state: its replay of the
      // stored asks samples other architectures, as libtorch with another thread count may.
      store.saveSnapshot("{\"seq\":0,\"strategy\":" + other.snapshot() + "}");
      List<TrialRecord> after =
          new ExperimentRunner(space, second, anySpace(space), store, new RunSettings(20, null, 2, 5, 1), null).run();
      assertThat(after).hasSize(20).allSatisfy(t -> assertThat(t.status().isFinished()).isTrue());
      assertThat(after).extracting(TrialRecord::id).doesNotHaveDuplicates();
      for (TrialRecord b : before) {
        TrialRecord a = after.get((int) b.id());
        assertThat(a.architecture()).isEqualTo(b.architecture());
        if (b.status().isFinished()) {
          assertThat(a.finishedAt()).isEqualTo(b.finishedAt());
        }
      }
      assertThat(second.updates()).as("learned from the adopted and the new trials").isGreaterThanOrEqualTo(6);
    }
  }
}
