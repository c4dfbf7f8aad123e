package dev.jnas.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour every TrialStore must have (run once per implementation, like Optuna's StorageTestCase). */
abstract class TrialStoreContract {
  protected abstract TrialStore newStore();

  /** Reopens the same storage (a fresh process would); in-memory stores return themselves. */
  protected abstract TrialStore reopen(TrialStore s);

  @Test
  void createsExperimentAndReadsItBack() {
    try (TrialStore s = newStore()) {
      assertThat(s.experiment()).isEmpty();
      s.createExperiment("x", "{\"a\":1}", "{}");
      s.setStatus("RUNNING");
      assertThat(s.experiment()).get().satisfies(e -> {
        assertThat(e.name()).isEqualTo("x");
        assertThat(e.config()).isEqualTo("{\"a\":1}");
        assertThat(e.status()).isEqualTo("RUNNING");
      });
    }
  }

  @Test
  void asksAndFinishesTrialsAtomicallyWithSnapshots() {
    TrialStore s = newStore();
    s.createExperiment("x", "{}", "{}");
    s.recordAsked(List.of(TrialRecord.running(0, "a", 11, 1, 1), TrialRecord.running(1, "b", 12, 1, 1)), "snap1");
    TrialResult r = new TrialResult(TrialStatus.COMPLETE, List.of(new EpochMetrics(0, 1, .5, 1.1, .4, 2)), .4, Double.NaN, .064, 10, 20, 2.5, null);
    s.recordFinished(TrialRecord.running(0, "a", 11, 1, 1).finish(r, 5, 2), "snap2");
    s.recordEpoch(1, new EpochMetrics(0, 2, .1, 2, .1, 1));
    s = reopen(s);
    try (TrialStore t = s) {
      assertThat(t.strategySnapshot()).contains("snap2");
      List<TrialRecord> trials = t.trials();
      assertThat(trials).extracting(TrialRecord::id).containsExactly(0L, 1L);
      TrialRecord a = trials.get(0);
      assertThat(a.status()).isEqualTo(TrialStatus.COMPLETE);
      assertThat(a.result().reward()).isEqualTo(.064);
      assertThat(a.result().testAccuracy()).isNaN();
      assertThat(a.result().epochs()).hasSize(1);
      assertThat(a.seed()).isEqualTo(11);
      assertThat(a.askSeq()).isEqualTo(1);
      assertThat(a.tellSeq()).isEqualTo(2);
      assertThat(trials.get(1).status()).isEqualTo(TrialStatus.RUNNING);
      assertThat(trials.get(1).result()).isNull();
      assertThat(t.epochs(1)).extracting(EpochMetrics::trainLoss).containsExactly(2.0);
      t.clearEpochs(1);
      assertThat(t.epochs(1)).isEmpty();
    }
  }

  @Test
  void keepsTheLineageOfGrownTrialsThroughTheirFinish() {
    TrialStore s = newStore();
    s.createExperiment("x", "{}", "{}");
    String lineage = "{\"round\":1,\"parent\":0,\"morphisms\":[{\"op\":\"deepen\",\"after\":\"c1\",\"kernel\":3}]}";
    s.recordAsked(List.of(TrialRecord.running(0, "a", 1, 1, 1), TrialRecord.running(1, "b", 2, 1, 2, lineage)), null);
    s.recordFinished(TrialRecord.running(1, "b", 2, 1, 2, lineage).finish(TrialResult.failed("x", 1), 3, 3), null);
    try (TrialStore t = reopen(s)) {
      assertThat(t.trials()).extracting(TrialRecord::lineage).containsExactly(null, lineage);
    }
  }

  @Test
  void keepsFailedTrialsWithTheirError() {
    try (TrialStore s = newStore()) {
      s.createExperiment("x", "{}", "{}");
      s.recordAsked(List.of(TrialRecord.running(0, "a", 1, 1, 1)), "s");
      s.recordFinished(TrialRecord.running(0, "a", 1, 1, 1).finish(TrialResult.failed("loss diverged", 1.0), 2, 2), null);
      TrialRecord t = s.trials().get(0);
      assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
      assertThat(t.result().error()).isEqualTo("loss diverged");
      assertThat(t.result().reward()).isNaN();
      // a null snapshot keeps the previous one
      assertThat(s.strategySnapshot()).contains("s");
      s.saveSnapshot("s3");
      assertThat(s.strategySnapshot()).contains("s3");
    }
  }
}
