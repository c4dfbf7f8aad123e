package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingEvaluatorTest {
  static final ImageDataset DATA = ImageDataset.synthetic(1500, 1, 16, 16, 10, 7);
  static final ImageDataset TEST = ImageDataset.synthetic(300, 1, 16, 16, 10, 8);
  static final Architecture ARCH = new Architecture(NasBench201Space.NAME, new int[] {3, 0, 0, 0, 0, 0});
  static final TrainingSettings FAST = TrainingSettings.DEFAULTS.withEpochs(3).withBatchSize(32);

  @BeforeAll
  static void oneTorchThread() {
    SharedCpu.oneTorchThread();
  }

  @Test
  void learnsTheSyntheticTaskWellAboveChance() {
    List<EpochMetrics> seen = new ArrayList<>();
    TrialListener listener =
        new TrialListener() {
          @Override
          public void onEpoch(long trialId, EpochMetrics m, int totalEpochs) {
            seen.add(m);
          }
        };
    TrialResult r =
        new TrainingEvaluator(new TinyCnnBuilder(), DATA, TEST, FAST.withEvalTest(true))
            .evaluate(ARCH, new TrialContext(4, 11, 0, listener));
    assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.epochs()).hasSize(3);
    assertThat(seen).isEqualTo(r.epochs());
    assertThat(r.valAccuracy()).isGreaterThan(0.5);
    assertThat(r.reward()).isEqualTo(r.valAccuracy());
    assertThat(r.testAccuracy()).isGreaterThan(0.5);
    // conv1 w+b, bn1, conv2 w+b, bn2, linear w+b
    assertThat(r.params()).isEqualTo(16 * 9 + 16 + 32 + 32 * 16 * 9 + 32 + 64 + 32 * 4 * 4 * 10 + 10);
    assertThat(r.flops()).isPositive();
    assertThat(r.epochs().get(2).trainLoss()).isLessThan(r.epochs().get(0).trainLoss());
  }

  @Test
  void plainMomentumWithSmoothingAndAugmentationAlsoLearns() {
    TrainingSettings s = FAST.withNesterov(false).withLabelSmoothing(0.1).withAugment(true);
    TrialResult r = new TrainingEvaluator(new TinyCnnBuilder(), DATA, null, s).evaluate(ARCH, TrialContext.of(1, 3, 3));
    assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.valAccuracy()).isGreaterThan(0.4);
    assertThat(r.testAccuracy()).isNaN();
  }

  @Test
  void sameSeedGivesTheSameRun() {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 400), null, FAST.withEpochs(1));
    TrialResult a = ev.evaluate(ARCH, TrialContext.of(1, 5, 1));
    TrialResult b = ev.evaluate(ARCH, TrialContext.of(2, 5, 1));
    assertThat(a.epochs().get(0).trainLoss()).isEqualTo(b.epochs().get(0).trainLoss());
    assertThat(a.valAccuracy()).isEqualTo(b.valAccuracy());
  }

  @Test
  void divergingLossIsAFailedTrialNotAnException() {
    TrialResult r =
        new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 600), null, FAST.withLearningRate(1e6))
            .evaluate(ARCH, TrialContext.of(1, 1, 3));
    assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(r.error()).contains("loss diverged").contains("at epoch");
    assertThat(r.reward()).isNaN();
  }

  @Test
  void anArchitectureTheBuilderRejectsIsInvalid() {
    Architecture bad = ARCH.with(0, TinyCnnBuilder.REJECTED);
    TrialResult r = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 200), null, FAST).evaluate(bad, TrialContext.of(1, 1, 1));
    assertThat(r.status()).isEqualTo(TrialStatus.INVALID);
    assertThat(r.error()).contains("not buildable");
  }

  @Test
  void trainFinalSavesWeightsDjlLoadsBack(@TempDir Path dir) throws Exception {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 600), TEST, FAST.withEpochs(2));
    TrainedModel m = ev.trainFinal(ARCH, 9, 2, dir.resolve("best"));
    assertThat(m.epochs()).hasSize(2);
    assertThat(m.epochs().get(0).valAccuracy()).isNaN();
    assertThat(m.testAccuracy()).isGreaterThan(0.2);
    assertThat(Files.list(dir.resolve("best")).map(p -> p.getFileName().toString()))
        .contains("model-0002.params", "model.json");

    Shape in = new Shape(1, 16, 16);
    try (Model loaded = TrainingEvaluator.loadTrained(new TinyCnnBuilder(), ARCH, in, 10, m.directory());
        NDManager manager = loaded.getNDManager().newSubManager()) {
      // the loaded weights reproduce the reported test accuracy (test images scaled as the training set)
      long correct = 0;
      try (BatchLoader.Epoch it = new BatchLoader(TEST, 100, false, false, 0, DATA.mean(), DATA.std()).epoch(0)) {
        while (it.hasNext()) {
          BatchLoader.HostBatch b = it.next();
          NDArray logits =
              loaded.getBlock().forward(new ParameterStore(manager, false), new NDList(b.images(manager)), false).singletonOrThrow();
          long[] pred = logits.argMax(1).toLongArray();
          for (int i = 0; i < pred.length; i++) {
            correct += pred[i] == b.labels()[i] ? 1 : 0;
          }
        }
      }
      assertThat((double) correct / TEST.size()).isCloseTo(m.testAccuracy(), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void stepsLeaveNothingBehindInTheModelOrTheEngine() {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 300), null, FAST.withEpochs(1));
    ev.evaluate(ARCH, TrialContext.of(1, 1, 1)); // warm-up: engine-level caches
    NDManager system;
    try (NDManager probe = NDManager.newBaseManager()) {
      system = probe.getParentManager(); // the engine's root manager
    }
    int before = system.getManagedArrays().size();
    assertThat(ev.evaluate(ARCH, TrialContext.of(2, 2, 1)).isComplete()).isTrue();
    assertThat(system.getManagedArrays()).hasSize(before);

    // within a trial, more steps do not pile up arrays in the model's manager
    try (Model model = Model.newInstance("leak", ai.djl.Device.cpu())) {
      ai.djl.nn.Block block = new TinyCnnBuilder().build(ARCH, new Shape(1, 16, 16), 10);
      model.setBlock(block);
      block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 16, 16));
      BatchLoader train = new BatchLoader(DATA.slice(0, 200), 32, true, false, 1);
      BatchLoader val = new BatchLoader(DATA.slice(200, 300), 50, false, false, 1);
      TrainingLoop loop = new TrainingLoop(block, model.getNDManager(), 10, FAST, 100);
      loop.train(train, val, 1, 0, TrialListener.NONE);
      int afterOne = model.getNDManager().getManagedArrays().size();
      loop.train(train, val, 2, 0, TrialListener.NONE);
      assertThat(model.getNDManager().getManagedArrays()).hasSize(afterOne);
    }
  }

  @Test
  void anEpochsTrainingLossAndAccuracyAreTheSmoothedCrossEntropyAndHitsOfItsStepsLogits() {
    // no batch norm and a learning rate too small to move a float weight: each step's logits are the network's logits for its
    // batch, which the test computes on its own and scores by hand; 70 images in batches of 32,
    // 32 and 6, so the epoch's mean must weigh each batch by its size
    ImageDataset data = DATA.slice(0, 70);
    for (double s : new double[] {0.0, 0.1}) {
      try (Model model = Model.newInstance("loss", ai.djl.Device.cpu())) {
        ai.djl.nn.Block block =
            new ai.djl.nn.SequentialBlock().add(ai.djl.nn.Blocks.batchFlattenBlock()).add(ai.djl.nn.core.Linear.builder().setUnits(10).build());
        model.setBlock(block);
        block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 16, 16));
        BatchLoader loader = new BatchLoader(data, 32, false, false, 1);
        TrainingLoop loop = new TrainingLoop(block, model.getNDManager(), 10, FAST.withLearningRate(1e-30).withLabelSmoothing(s), 10);
        EpochMetrics m = loop.train(loader, null, 1, 0, TrialListener.NONE).get(0);

        double lossSum = 0;
        long hits = 0;
        try (NDManager sm = model.getNDManager().newSubManager(); BatchLoader.Epoch it = loader.epoch(1)) {
          while (it.hasNext()) {
            BatchLoader.HostBatch b = it.next();
            float[] z = block.forward(new ParameterStore(sm, false), new NDList(b.images(sm)), false).singletonOrThrow().toFloatArray();
            for (int i = 0; i < b.size(); i++) {
              double max = Double.NEGATIVE_INFINITY;
              int best = 0;
              for (int k = 0; k < 10; k++) {
                if (z[i * 10 + k] > max) {
                  max = z[i * 10 + k];
                  best = k;
                }
              }
              double norm = 0;
              for (int k = 0; k < 10; k++) {
                norm += Math.exp(z[i * 10 + k] - max);
              }
              double logNorm = max + Math.log(norm);
              for (int k = 0; k < 10; k++) {
                double target = (k == b.labels()[i] ? 1 - s : 0) + s / 10;
                lossSum -= target * (z[i * 10 + k] - logNorm);
              }
              hits += best == b.labels()[i] ? 1 : 0;
            }
          }
        }
        assertThat(m.trainLoss()).as("smoothing %s", s).isCloseTo(lossSum / 70, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(m.trainAccuracy()).as("smoothing %s", s).isEqualTo(hits / 70.0);
      }
    }
  }

  @Test
  void trialsCanRunConcurrently() throws Exception {
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), DATA.slice(0, 800), null, FAST.withEpochs(2));
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> ev.evaluate(ARCH, TrialContext.of(1, 1, 2)));
      var b = pool.submit(() -> ev.evaluate(ARCH.with(0, 1), TrialContext.of(2, 2, 2)));
      for (TrialResult r : List.of(a.get(), b.get())) {
        assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(TrialStatus.COMPLETE);
        assertThat(r.valAccuracy()).isGreaterThan(0.2);
      }
    } finally {
      pool.shutdown();
    }
  }
}
