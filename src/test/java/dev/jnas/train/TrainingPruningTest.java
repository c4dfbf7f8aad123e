package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.PruneCheck;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training evaluator asks early stopping after each epoch and stops when told. */
class TrainingPruningTest {
  @TempDir Path dir;

  @BeforeAll
  static void oneTorchThread() {
    SharedCpu.oneTorchThread();
  }

  private static TrainingEvaluator evaluator() {
    return new TrainingEvaluator(new TinyCnnBuilder(), CheckpointTest.DATA, null, CheckpointTest.BASE.withEpochs(4));
  }

  /** Records the epochs it was asked about; stops the trial after epoch {@code at} (0: never). */
  private static final class Asked implements PruneCheck {
    final List<Integer> epochs = new CopyOnWriteArrayList<>();
    private final int at;

    Asked(int at) {
      this.at = at;
    }

    @Override
    public boolean shouldPrune(long trialId, EpochMetrics latest) {
      epochs.add(latest.epoch());
      return latest.epoch() == at;
    }
  }

  @Test
  void aTrialToldToStopEndsPrunedWithTheEpochsItTrained() {
    Asked check = new Asked(2);
    CheckpointTest.Recorder heard = new CheckpointTest.Recorder(0);
    TrialResult r = evaluator().evaluate(CheckpointTest.ARCH, new TrialContext(1, 5, 4, heard, dir.resolve("ck"), check));
    assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(TrialStatus.PRUNED);
    assertThat(r.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(heard.epochs).isEqualTo(r.epochs());
    assertThat(check.epochs).containsExactly(1, 2);
    assertThat(r.valAccuracy()).isEqualTo(r.epochs().get(1).valAccuracy());
    assertThat(r.reward()).isEqualTo(r.valAccuracy());
  }

  @Test
  void theLastEpochIsNeverAskedAbout() {
    Asked check = new Asked(0);
    TrialResult r = evaluator().evaluate(CheckpointTest.ARCH, new TrialContext(1, 5, 4, TrialListener.NONE, null, check));
    assertThat(r.status()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(check.epochs).containsExactly(1, 2, 3);
  }

  @Test
  void aTrialContinuedFromItsCheckpointIsAskedAfterItsLastRestoredEpoch() {
    Path ck = dir.resolve("ck");
    TrainingEvaluator ev = evaluator();
    // the process dies after epoch 2 was checkpointed, before early stopping was asked
    TrialResult crashed = ev.evaluate(CheckpointTest.ARCH, new TrialContext(1, 5, 4, new CheckpointTest.Recorder(2), ck, new Asked(0)));
    assertThat(crashed.status()).isEqualTo(TrialStatus.FAILED);

    Asked check = new Asked(2);
    CheckpointTest.Recorder again = new CheckpointTest.Recorder(0);
    TrialResult r = ev.evaluate(CheckpointTest.ARCH, new TrialContext(1, 5, 4, again, ck, check));
    assertThat(r.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(check.epochs).as("asked once, after the restored epochs").containsExactly(2);
    assertThat(again.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    assertThat(r.epochs()).isEqualTo(again.epochs);
  }
}
