package dev.jnas.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.pruning.CurveFitPruner;
import dev.jnas.experiment.pruning.HyperbandPruner;
import dev.jnas.experiment.pruning.MedianPruner;
import dev.jnas.experiment.pruning.Pruner;
import dev.jnas.experiment.pruning.SuccessiveHalvingPruner;
import dev.jnas.space.NasBench201Space;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.testing.ToyRandomStrategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runner with early stopping, on an evaluator whose learning curves are known in advance. */
class EarlyStoppingRunnerTest {
  private static final int EPOCHS = 9;
  private final NasBench201Space space = new NasBench201Space();
  @TempDir Path dir;

  /** Final value 0.3 + 0.1 per 3x3 conv (+ a little per architecture), approached as 1 - 0.6^epoch. */
  private static double quality(dev.jnas.space.Architecture arch) {
    double r = 0.3 + Math.floorMod(arch.toString().hashCode(), 7) * 0.003;
    for (int i = 0; i < arch.size(); i++) {
      r += arch.get(i) == 3 ? 0.1 : 0;
    }
    return Math.min(r, 0.97);
  }

  /** Reports every epoch, asks whether to stop after each, as a training evaluator does. */
  private static final Evaluator CURVES = (arch, ctx) -> {
    double r = quality(arch);
    List<EpochMetrics> done = new ArrayList<>();
    for (int e = 1; e <= ctx.epochs(); e++) {
      double v = r * (1 - Math.pow(0.6, e));
      EpochMetrics m = new EpochMetrics(e, 1 - v, v, 1 - v, v, 0.001);
      done.add(m);
      ctx.listener().onEpoch(ctx.trialId(), m, ctx.epochs());
      if (ctx.shouldPrune(m)) {
        return new TrialResult(TrialStatus.PRUNED, done, v, Double.NaN, v, 1, 1, 0, null);
      }
    }
    return new TrialResult(TrialStatus.COMPLETE, done, done.get(done.size() - 1).valAccuracy(), Double.NaN,
        done.get(done.size() - 1).valAccuracy(), 1, 1, 0, null);
  };

  static Stream<Arguments> pruners() {
    return Stream.of(
        Arguments.of(new MedianPruner(5, 0, 1), 1),
        Arguments.of(new MedianPruner(5, 0, 1), 4),
        Arguments.of(new CurveFitPruner(3, 0.95), 1),
        Arguments.of(new SuccessiveHalvingPruner(1, 3, 0), 3),
        Arguments.of(new HyperbandPruner(1, 3), 2));
  }

  @ParameterizedTest(name = "{0}, concurrency {1}")
  @MethodSource("pruners")
  void prunedTrialsKeepTheirPartialCurveAndTheBestIsComplete(Pruner pruner, int concurrency) {
    var strategy = new ToyRandomStrategy(space, 3);
    try (var store = SqliteTrialStore.open(dir)) {
      store.createExperiment("t", "{}", "{}");
      List<TrialRecord> trials =
          new ExperimentRunner(space, strategy, CURVES, store, new RunSettings(40, null, concurrency, 3, EPOCHS), null, pruner)
              .run();
      assertThat(trials).hasSize(40).allSatisfy(t -> assertThat(t.status()).isIn(TrialStatus.COMPLETE, TrialStatus.PRUNED));
      List<TrialRecord> pruned = trials.stream().filter(t -> t.status() == TrialStatus.PRUNED).toList();
      assertThat(pruned).as("some trials stopped early").isNotEmpty();
      for (TrialRecord t : trials) {
        List<EpochMetrics> stored = store.epochs(t.id());
        assertThat(stored).as("trial %d's epochs in the store", t.id()).isEqualTo(t.result().epochs());
        if (t.status() == TrialStatus.PRUNED) {
          assertThat(stored.size()).isBetween(1, EPOCHS - 1);
          assertThat(t.result().reward()).isEqualTo(stored.get(stored.size() - 1).valAccuracy());
        } else {
          assertThat(stored).hasSize(EPOCHS);
        }
      }
      TrialRecord best = ExperimentRunner.best(trials).orElseThrow();
      assertThat(best.status()).isEqualTo(TrialStatus.COMPLETE);
      assertThat(strategy.told).as("pruned trials are told too").isEqualTo(40);
      long trained = trials.stream().mapToLong(t -> t.result().epochs().size()).sum();
      assertThat(trained).isLessThan(40L * EPOCHS);
    }
  }

  @Test
  void theMedianRuleWaitsForItsStartupTrials() {
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    List<TrialRecord> trials =
        new ExperimentRunner(space, new ToyRandomStrategy(space, 4), CURVES, store, new RunSettings(30, null, 1, 4, EPOCHS),
            null, new MedianPruner(5, 0, 1)).run();
    assertThat(trials.subList(0, 5)).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    assertThat(trials).extracting(TrialRecord::status).contains(TrialStatus.PRUNED);
  }

  @Test
  void withoutAPrunerNothingIsPruned() {
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    List<TrialRecord> trials =
        new ExperimentRunner(space, new ToyRandomStrategy(space, 4), CURVES, store, new RunSettings(15, null, 1, 4, EPOCHS), null)
            .run();
    assertThat(trials).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
  }

  @Test
  void theSameSeedPrunesTheSameTrials() {
    assertThat(outcomes(new HyperbandPruner(1, 3))).isEqualTo(outcomes(new HyperbandPruner(1, 3)));
  }

  private List<String> outcomes(Pruner pruner) {
    var store = new InMemoryTrialStore();
    store.createExperiment("t", "{}", "{}");
    return new ExperimentRunner(space, new ToyRandomStrategy(space, 8), CURVES, store, new RunSettings(30, null, 1, 8, EPOCHS),
            null, pruner).run().stream().map(t -> t.id() + " " + t.status() + " " + t.result().epochs().size()).toList();
  }

  @Test
  void resumeKeepsPrunedTrialsAndDecidesFromTheStoredCurves() {
    AtomicInteger calls = new AtomicInteger();
    Evaluator dying = (arch, ctx) -> {
      if (calls.incrementAndGet() == 22) {
        throw new ThreadDeath(); // the process dies in the middle of the search
      }
      return CURVES.evaluate(arch, ctx);
    };
    Pruner pruner = new MedianPruner(5, 0, 1);
    RunSettings settings = new RunSettings(40, null, 1, 6, EPOCHS);
    List<TrialRecord> before;
    List<String> reference;
    try (var clean = new InMemoryTrialStore()) {
      clean.createExperiment("t", "{}", "{}");
      reference = new ExperimentRunner(space, new ToyRandomStrategy(space, 6), CURVES, clean, settings, null, pruner).run()
          .stream().map(t -> t.id() + " " + t.status() + " " + t.result().epochs().size()).toList();
    }
    try (TrialStore store = SqliteTrialStore.open(dir)) {
      store.createExperiment("t", "{}", "{}");
      try {
        new ExperimentRunner(space, new ToyRandomStrategy(space, 6), dying, store, settings, null, pruner).run();
      } catch (ThreadDeath | RuntimeException expected) {
        // the simulated crash
      }
      before = store.trials();
    }
    assertThat(before).extracting(TrialRecord::status).contains(TrialStatus.PRUNED, TrialStatus.RUNNING);
    try (TrialStore store = SqliteTrialStore.open(dir)) {
      AtomicInteger evaluated = new AtomicInteger();
      Evaluator counting = (arch, ctx) -> {
        evaluated.incrementAndGet();
        return CURVES.evaluate(arch, ctx);
      };
      List<TrialRecord> after =
          new ExperimentRunner(space, new ToyRandomStrategy(space, 6), counting, store, settings, null, pruner).run();
      Map<Long, TrialRecord> byId = after.stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
      for (TrialRecord b : before) {
        if (b.status().isFinished()) {
          assertThat(byId.get(b.id())).as("finished trial %d is kept as it was", b.id()).isEqualTo(b);
          assertThat(store.epochs(b.id())).isEqualTo(b.result().epochs());
        }
      }
      long finishedBefore = before.stream().filter(t -> t.status().isFinished()).count();
      assertThat(evaluated.get()).isEqualTo(40 - finishedBefore);
      // with the curves read back, the resumed search decides exactly as an uninterrupted one
      assertThat(after.stream().map(t -> t.id() + " " + t.status() + " " + t.result().epochs().size()).toList())
          .isEqualTo(reference);
    }
  }

  @Test
  void aPrunedTrialIsTheBestOnlyWhenNoneCompleted() {
    TrialResult partial = new TrialResult(TrialStatus.PRUNED, List.of(), 0.9, Double.NaN, 0.9, 1, 1, 0, null);
    TrialResult whole = new TrialResult(TrialStatus.COMPLETE, List.of(), 0.5, Double.NaN, 0.5, 1, 1, 0, null);
    TrialRecord p = TrialRecord.running(0, "a", 1, 0, 1).finish(partial, 1, 2);
    TrialRecord c = TrialRecord.running(1, "b", 2, 0, 1).finish(whole, 1, 3);
    TrialRecord f = TrialRecord.running(2, "c", 3, 0, 1).finish(TrialResult.failed("x", 0), 1, 4);
    assertThat(ExperimentRunner.best(List.of(p, c, f))).contains(c);
    assertThat(ExperimentRunner.best(List.of(p, f))).contains(p);
    assertThat(ExperimentRunner.best(List.of(f))).isEmpty();
  }
}
