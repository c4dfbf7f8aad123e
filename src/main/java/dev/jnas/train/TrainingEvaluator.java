package dev.jnas.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.model.ModelBuilder;
import dev.jnas.space.Architecture;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scores an architecture by training it: builds the network with a {@link ModelBuilder}, trains
 * it with SGD (momentum, optional Nesterov, weight decay, cosine schedule, label smoothing) on the
 * training part of a fixed stratified split and reports validation accuracy.
 *
 * <p>The train/validation split uses {@link TrainingSettings#splitSeed()}, not the trial seed, so
 * all trials are compared on the same validation images; the trial seed drives weight
 * initialisation, batch order and augmentation.
 *
 * <p>Thread-safety: trials may run concurrently (each has its own model and managers), but DJL's
 * random seed is process-wide, so concurrent trials are not bit-reproducible.
 */
// Models are created on the engine's default device: a CUDA GPU where libtorch finds one, else the CPU.
public final class TrainingEvaluator implements Evaluator {
  private static final String MODEL_NAME = "model";
  private static final int EVAL_BATCH = 500;

  private final ModelBuilder builder;
  private final ImageDataset train;
  private final ImageDataset test;
  private final TrainingSettings settings;
  private final ImageDataset searchTrain;
  private final ImageDataset searchVal;

  /**
   * @param train the full training set (split here into train/validation)
   * @param test the test set, or null when there is none
   */
  public TrainingEvaluator(ModelBuilder builder, ImageDataset train, ImageDataset test, TrainingSettings settings) {
    this.builder = builder;
    this.train = train;
    this.test = test;
    this.settings = settings;
    ImageDataset.Split split = train.split(settings.valFraction(), settings.splitSeed());
    ImageDataset t = split.train();
    // the split is shuffled, so its first n images are a random subset
    this.searchTrain =
        settings.trainSubset() > 0 && settings.trainSubset() < t.size() ? t.slice(0, settings.trainSubset()) : t;
    this.searchVal = split.val();
  }

  public TrainingSettings settings() {
    return settings;
  }

  /** Images trained on per trial (after the split and the subset). */
  public int trainSize() {
    return searchTrain.size();
  }

  public int valSize() {
    return searchVal.size();
  }

  private Shape inputShape() {
    return new Shape(train.channels(), train.height(), train.width());
  }

  @Override
  public TrialResult evaluate(Architecture arch, TrialContext ctx) {
    long t0 = System.nanoTime();
    int epochs = ctx.epochs() > 0 ? ctx.epochs() : settings.epochs();
    if (searchVal.size() == 0) {
      return TrialResult.failed(
          "no validation images: val_fraction " + settings.valFraction() + " of " + train.size()
              + " training images", 0);
    }
    Block block;
    try {
      block = builder.build(arch, inputShape(), train.numClasses());
    } catch (RuntimeException e) {
      return TrialResult.invalid("cannot build " + arch + ": " + message(e));
    }
    try {
      long flops = builder.flops(arch, inputShape(), train.numClasses());
      // process-wide (DJL's RandomUtils and torch's generator): concurrent trials share it
      Engine.getInstance().setRandomSeed(engineSeed(ctx.seed()));
      try (Model model = Model.newInstance("trial-" + ctx.trialId())) {
        model.setBlock(block);
        initialize(block, model);
        long params = TrainingLoop.parameterCount(block);
        BatchLoader trainLoader =
            new BatchLoader(searchTrain, settings.batchSize(), true, settings.augment(), Rng.derive(ctx.seed(), 1));
        BatchLoader valLoader = new BatchLoader(searchVal, EVAL_BATCH, false, false, 0);
        TrainingLoop loop =
            new TrainingLoop(block, model.getNDManager(), train.numClasses(), settings,
                epochs * trainLoader.batchesPerEpoch());
        List<EpochMetrics> metrics = loop.train(trainLoader, valLoader, epochs, ctx.trialId(), ctx.listener());
        double finalVal = metrics.isEmpty() ? loop.evaluate(valLoader).accuracy() : metrics.get(metrics.size() - 1).valAccuracy();
        double testAcc = Double.NaN;
        if (settings.evalTest() && test != null) {
          testAcc = loop.evaluate(new BatchLoader(test, EVAL_BATCH, false, false, 0)).accuracy();
        }
        return new TrialResult(
            TrialStatus.COMPLETE,
            metrics,
            finalVal,
            testAcc,
            settings.reward().apply(metrics, finalVal),
            params,
            flops,
            seconds(t0),
            null);
      }
    } catch (TrainingLoop.DivergedException e) {
      return TrialResult.failed(e.getMessage(), seconds(t0));
    } catch (OutOfMemoryError e) {
      return TrialResult.failed("out of memory: " + e.getMessage(), seconds(t0));
    } catch (RuntimeException e) {
      return TrialResult.failed(message(e), seconds(t0));
    }
  }

  private void initialize(Block block, Model model) {
    Shape in = inputShape();
    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, in.get(0), in.get(1), in.get(2)));
  }

  /** {@link #trainFinal(Architecture, long, int, Path, TrialListener)} without progress reports. */
  public TrainedModel trainFinal(Architecture arch, long seed, int epochs, Path saveDir) {
    return trainFinal(arch, seed, epochs, saveDir, TrialListener.NONE);
  }

  /**
   * Retrains {@code arch} on the whole training set (no validation split, no subset), measures
   * the test set (when there is one), and saves the weights with {@code Model.save(saveDir,
   * "model")} plus a {@code model.json} describing the architecture. Load them back with {@link
   * #loadTrained}.
   *
   * @param epochs epochs to train; {@code <= 0} takes {@link TrainingSettings#epochs()}
   * @param listener progress (trial id 0); may be {@link TrialListener#NONE}
   * @throws NasException when the architecture cannot be built, training diverges or saving fails
   */
  public TrainedModel trainFinal(Architecture arch, long seed, int epochs, Path saveDir, TrialListener listener) {
    long t0 = System.nanoTime();
    int e = epochs > 0 ? epochs : settings.epochs();
    Block block = builder.build(arch, inputShape(), train.numClasses());
    long flops = builder.flops(arch, inputShape(), train.numClasses());
    Engine.getInstance().setRandomSeed(engineSeed(seed));
    try (Model model = Model.newInstance(MODEL_NAME)) {
      model.setBlock(block);
      initialize(block, model);
      long params = TrainingLoop.parameterCount(block);
      BatchLoader trainLoader =
          new BatchLoader(train, settings.batchSize(), true, settings.augment(), Rng.derive(seed, 1));
      TrainingLoop loop =
          new TrainingLoop(block, model.getNDManager(), train.numClasses(), settings, e * trainLoader.batchesPerEpoch());
      List<EpochMetrics> metrics = loop.train(trainLoader, null, e, 0, listener);
      TrainingLoop.LossAccuracy testMetrics =
          test == null
              ? new TrainingLoop.LossAccuracy(Double.NaN, Double.NaN)
              : loop.evaluate(new BatchLoader(test, EVAL_BATCH, false, false, 0));
      Files.createDirectories(saveDir);
      model.setProperty("Epoch", Integer.toString(e));
      model.save(saveDir, MODEL_NAME);
      ObjectNode info = Json.MAPPER.createObjectNode();
      info.put("space", arch.space());
      info.putPOJO("choices", arch.choices());
      info.putPOJO("input_shape", inputShape().getShape());
      info.put("num_classes", train.numClasses());
      info.put("dataset", train.name());
      info.put("epochs", e);
      info.put("seed", seed);
      info.put("test_accuracy", testMetrics.accuracy());
      info.put("params", params);
      info.put("flops", flops);
      info.putPOJO("settings", settings);
      Json.MAPPER.writeValue(saveDir.resolve("model.json").toFile(), info);
      double trainAcc = metrics.isEmpty() ? Double.NaN : metrics.get(metrics.size() - 1).trainAccuracy();
      return new TrainedModel(
          saveDir, MODEL_NAME, metrics, trainAcc, testMetrics.accuracy(), testMetrics.loss(), params, flops, seconds(t0));
    } catch (IOException ex) {
      throw new NasException("cannot save the trained model to " + saveDir + ": " + ex.getMessage(), ex);
    } catch (TrainingLoop.DivergedException ex) {
      throw new NasException("final training of " + arch + " failed: " + ex.getMessage(), ex);
    }
  }

  /**
   * Rebuilds {@code arch}'s network and loads weights saved by {@link #trainFinal}. The caller
   * closes the model.
   */
  public static Model loadTrained(ModelBuilder builder, Architecture arch, Shape inputShape, int numClasses, Path dir) {
    Model model = Model.newInstance(MODEL_NAME);
    try {
      model.setBlock(builder.build(arch, inputShape, numClasses));
      model.load(dir, MODEL_NAME);
      return model;
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new NasException("cannot load the model saved in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** DJL takes an int seed: fold the long's halves so both count. */
  private static int engineSeed(long seed) {
    return (int) (seed ^ (seed >>> 32));
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
