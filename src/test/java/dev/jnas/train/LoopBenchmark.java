package dev.jnas.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;

/**
 * Not a test: training images/s of {@link TrainingLoop} against DJL's EasyTrain on the same tiny
 * CNN (batch 128, 28x28x1). Run: java -cp ... dev.jnas.train.LoopBenchmark [epochs] [width-choice] [torch-threads]
 */
public final class LoopBenchmark {
  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int choice = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int n = 128 * 40;
    ImageDataset data = ImageDataset.synthetic(n, 1, 28, 28, 10, 1);
    Architecture arch = new Architecture(NasBench201Space.NAME, new int[] {choice, 0, 0, 0, 0, 0});
    TinyCnnBuilder builder = new TinyCnnBuilder();
    if (args.length > 2) {
      Engine.getInstance();
      ai.djl.pytorch.jni.JniUtils.setNumThreads(Integer.parseInt(args[2]));
    }
    System.out.println(Engine.getInstance().getEngineName() + " threads: " + ai.djl.pytorch.jni.JniUtils.getNumThreads());

    // data alone
    BatchLoader loader = new BatchLoader(data, 128, true, true, 1);
    long t0 = System.nanoTime();
    int count = 0;
    try (BatchLoader.Epoch it = loader.epoch(1)) {
      while (it.hasNext()) {
        count += it.next().size();
      }
    }
    System.out.printf("loader alone (augment): %.0f images/s%n", count / ((System.nanoTime() - t0) / 1e9));

    // the machine is shared: alternate the two loops and report medians
    int rounds = 7;
    double[] ours = new double[rounds];
    double[] theirs = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      ours[round] = jnas(builder, arch, data, epochs);
      theirs[round] = djl(builder, arch, data, epochs);
      System.out.printf("round %d: jnas loop %.0f images/s, DJL EasyTrain %.0f images/s%n", round, ours[round], theirs[round]);
    }
    java.util.Arrays.sort(ours);
    java.util.Arrays.sort(theirs);
    System.out.printf("median: jnas loop %.0f images/s, DJL EasyTrain %.0f images/s (%.2fx)%n",
        ours[rounds / 2], theirs[rounds / 2], ours[rounds / 2] / theirs[rounds / 2]);
  }

  static double jnas(TinyCnnBuilder builder, Architecture arch, ImageDataset data, int epochs) {
    Engine.getInstance().setRandomSeed(1);
    Block block = builder.build(arch, new Shape(1, 28, 28), 10);
    try (Model model = Model.newInstance("bench", Device.cpu())) {
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
      TrainingSettings s = TrainingSettings.DEFAULTS;
      BatchLoader loader = new BatchLoader(data, 128, true, false, 1);
      TrainingLoop loop = new TrainingLoop(block, model.getNDManager(), 10, s, (epochs + 1) * loader.batchesPerEpoch());
      loop.train(loader, null, 1, 0, TrialListener.NONE); // warm-up
      long t0 = System.nanoTime();
      loop.train(loader, null, epochs, 0, TrialListener.NONE);
      return (double) epochs * data.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  static double djl(TinyCnnBuilder builder, Architecture arch, ImageDataset data, int epochs) throws Exception {
    Engine.getInstance().setRandomSeed(1);
    Block block = builder.build(arch, new Shape(1, 28, 28), 10);
    try (Model model = Model.newInstance("bench", Device.cpu());
        NDManager dm = NDManager.newBaseManager()) {
      model.setBlock(block);
      float[] x = new float[data.size() * data.imageSize()];
      float[] y = new float[data.size()];
      for (int i = 0; i < data.size(); i++) {
        for (int p = 0; p < data.imageSize(); p++) {
          x[i * data.imageSize() + p] = data.pixel(i, 0, p / 28, p % 28) / 255f;
        }
        y[i] = data.label(i);
      }
      ArrayDataset ds =
          new ArrayDataset.Builder()
              .setData(dm.create(x, new Shape(data.size(), 1, 28, 28)))
              .optLabels(dm.create(y))
              .setSampling(128, true)
              .build();
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .addEvaluator(new Accuracy())
              .optOptimizer(
                  Optimizer.sgd()
                      .setLearningRateTracker(Tracker.fixed(0.05f))
                      .optMomentum(0.9f)
                      .optWeightDecays(5e-4f)
                      .build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        EasyTrain.fit(trainer, 1, ds, null); // warm-up
        long t0 = System.nanoTime();
        EasyTrain.fit(trainer, epochs, ds, null);
        return (double) epochs * data.size() / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
