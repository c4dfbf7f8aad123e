package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-epoch checkpoints: a run interrupted after an epoch and evaluated again continues from its
 * checkpoint and ends exactly where an uninterrupted run ends (one libtorch thread, the CPU).
 */
class CheckpointTest {
  static final ImageDataset DATA = ImageDataset.synthetic(700, 1, 16, 16, 10, 7);
  static final ImageDataset TEST = ImageDataset.synthetic(200, 1, 16, 16, 10, 8);
  static final Architecture ARCH = new Architecture(NasBench201Space.NAME, new int[] {2, 0, 0, 0, 0, 0});
  static final TrainingSettings BASE = TrainingSettings.DEFAULTS.withEpochs(3).withBatchSize(64);
  @TempDir Path dir;

  @BeforeAll
  static void oneTorchThread() {
    SharedCpu.oneTorchThread();
  }

  /** Records the epochs it hears of; throws after epoch {@code stopAfter} (0: never). */
  static final class Recorder implements TrialListener {
    final List<EpochMetrics> epochs = new ArrayList<>();
    private final int stopAfter;

    Recorder(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public void onEpoch(long trialId, EpochMetrics m, int totalEpochs) {
      epochs.add(m);
      if (m.epoch() == stopAfter) {
        throw new IllegalStateException("simulated crash after epoch " + m.epoch());
      }
    }
  }

  @ParameterizedTest(name = "nesterov {0}")
  @ValueSource(booleans = {true, false})
  void anInterruptedTrialContinuesExactlyFromItsCheckpoint(boolean nesterov) throws IOException {
    // augmentation on, so the restored run must also reproduce each epoch's crops and flips
    TrainingSettings s = BASE.withNesterov(nesterov).withAugment(true).withLabelSmoothing(0.1);
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA, null, s);
    Path whole = dir.resolve("whole");
    Path cut = dir.resolve("cut");
    TrialResult reference = ev.evaluate(ARCH, new TrialContext(3, 11, 3, TrialListener.NONE, whole));

    Recorder first = new Recorder(2);
    TrialResult crashed = ev.evaluate(ARCH, new TrialContext(3, 11, 3, first, cut));
    assertThat(crashed.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(Checkpoint.read(cut).header().epochs()).hasSize(2);

    Recorder again = new Recorder(0);
    TrialResult resumed = ev.evaluate(ARCH, new TrialContext(3, 11, 3, again, cut));
    assertThat(resumed.status()).as(String.valueOf(resumed.error())).isEqualTo(TrialStatus.COMPLETE);
    // epochs 1 and 2 come from the checkpoint (their timings too: they were not trained again),
    // reported to the listener again before epoch 3
    assertThat(again.epochs).hasSize(3);
    assertThat(again.epochs.subList(0, 2)).isEqualTo(first.epochs);
    assertThat(resumed.epochs()).isEqualTo(again.epochs);
    // and everything ends as in the uninterrupted run
    assertThat(withoutTimes(resumed.epochs())).isEqualTo(withoutTimes(reference.epochs()));
    assertThat(resumed.valAccuracy()).isEqualTo(reference.valAccuracy());
    assertThat(resumed.reward()).isEqualTo(reference.reward());
    assertSameState(Checkpoint.read(cut), Checkpoint.read(whole));
  }

  @Test
  void theFinalTrainingContinuesFromItsCheckpointAndDeletesIt() throws IOException {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA, TEST, BASE);
    TrainedModel reference = ev.trainFinal(ARCH, 9, 3, dir.resolve("whole"), dir.resolve("ck-whole"), TrialListener.NONE);
    assertThat(dir.resolve("ck-whole")).doesNotExist();

    Path ck = dir.resolve("ck");
    assertThatThrownBy(() -> ev.trainFinal(ARCH, 9, 3, dir.resolve("cut"), ck, new Recorder(1)))
        .hasMessageContaining("simulated crash");
    assertThat(Checkpoint.read(ck).header().epochs()).hasSize(1);
    Recorder again = new Recorder(0);
    TrainedModel resumed = ev.trainFinal(ARCH, 9, 3, dir.resolve("cut"), ck, again);
    assertThat(again.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(withoutTimes(resumed.epochs())).isEqualTo(withoutTimes(reference.epochs()));
    assertThat(resumed.testAccuracy()).isEqualTo(reference.testAccuracy());
    assertThat(resumed.testLoss()).isEqualTo(reference.testLoss());
    // the same weights, byte for byte, in DJL's file
    assertThat(Files.readAllBytes(dir.resolve("cut/model-0003.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("whole/model-0003.params")));
    assertThat(ck).doesNotExist();
  }

  @Test
  void aCheckpointOfAnotherRunOrADamagedOneIsIgnored() throws IOException {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA, null, BASE.withEpochs(2));
    Path a = dir.resolve("a");
    ev.evaluate(ARCH, new TrialContext(1, 5, 2, TrialListener.NONE, a));
    TrialResult seed6 = ev.evaluate(ARCH, TrialContext.of(1, 6, 2));

    // seed 5's checkpoint in the folder of a seed-6 run: trained from the start, not continued
    Recorder r = new Recorder(0);
    TrialResult other = ev.evaluate(ARCH, new TrialContext(1, 6, 2, r, a));
    assertThat(withoutTimes(other.epochs())).isEqualTo(withoutTimes(seed6.epochs()));
    assertThat(Checkpoint.read(a).header().key()).contains("seed 6");

    // a damaged file (one flipped byte) is not read either
    Path file = a.resolve(Checkpoint.FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> Checkpoint.read(a)).hasMessageContaining("checksum");
    TrialResult afterDamage = ev.evaluate(ARCH, new TrialContext(1, 6, 2, TrialListener.NONE, a));
    assertThat(withoutTimes(afterDamage.epochs())).isEqualTo(withoutTimes(seed6.epochs()));
  }

  @Test
  void aOneEpochRunWritesNoCheckpoint() {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 300), null, BASE.withEpochs(1));
    Path ck = dir.resolve("one");
    assertThat(ev.evaluate(ARCH, new TrialContext(1, 5, 1, TrialListener.NONE, ck)).isComplete()).isTrue();
    assertThat(ck).doesNotExist();
  }

  @Test
  void savingAndRestoringLeaveNoArraysInTheEngine() {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 300), null, BASE.withEpochs(2));
    ev.evaluate(ARCH, new TrialContext(1, 1, 2, TrialListener.NONE, dir.resolve("warm"))); // engine-level caches
    NDManager system;
    try (NDManager probe = NDManager.newBaseManager()) {
      system = probe.getParentManager();
    }
    int before = system.getManagedArrays().size();
    Path ck = dir.resolve("leak");
    assertThat(ev.evaluate(ARCH, new TrialContext(2, 2, 2, new Recorder(1), ck)).isComplete()).isFalse();
    assertThat(ev.evaluate(ARCH, new TrialContext(2, 2, 2, TrialListener.NONE, ck)).isComplete()).isTrue();
    assertThat(system.getManagedArrays()).hasSize(before);
  }

  /** Epoch metrics with the wall time left out (it differs between any two runs). */
  static List<List<Double>> withoutTimes(List<EpochMetrics> epochs) {
    return epochs.stream()
        .map(m -> List.of((double) m.epoch(), m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy()))
        .toList();
  }

  private static void assertSameState(Checkpoint.Contents a, Checkpoint.Contents b) {
    assertThat(a.header().steps()).isEqualTo(b.header().steps()).isPositive();
    assertSameArrays(a.parameters(), b.parameters());
    assertSameArrays(a.momentum(), b.momentum());
    assertThat(a.momentum()).isNotEmpty();
  }

  private static void assertSameArrays(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
    for (String k : a.keySet()) {
      assertThat(a.get(k)).as(k).isEqualTo(b.get(k)); // bit for bit
    }
  }
}
