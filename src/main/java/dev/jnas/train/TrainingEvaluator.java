package dev.jnas.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
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
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.Folders;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores an architecture by training it: builds the network with a {@link ModelBuilder}, trains
 * it with SGD (momentum, optional Nesterov, weight decay, cosine schedule, label smoothing) on the
 * training part of a fixed stratified split and reports validation accuracy.
 *
 * <p>The train/validation split uses {@link TrainingSettings#splitSeed()}, not the trial seed, so
 * all trials are compared on the same validation images; the trial seed drives weight
 * initialisation, batch order and augmentation.
 *
 * <p>With a checkpoint folder in the {@link TrialContext} and more than one epoch, the state after
 * every epoch (weights, batch-norm statistics, momentum buffers, step count, the epochs' metrics) is
 * saved there, and a trial evaluated again after a crash continues from it: the result is the same
 * as an uninterrupted run's (bit for bit on the CPU with the same libtorch thread count).
 *
 * <p>Thread-safety: trials may run concurrently (each has its own model and managers), but DJL's
 * random seed is process-wide, so concurrent trials are not bit-reproducible.
 */
// Models are created on the engine's default device: a CUDA GPU where libtorch finds one, else the CPU.
public final class TrainingEvaluator implements Evaluator {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingEvaluator.class);
  static final String MODEL_NAME = "model";
  private static final int EVAL_BATCH = 500;

  private final ModelBuilder builder;
  private final ImageDataset train;
  private final ImageDataset test;
  private final TrainingSettings settings;
  private final ImageDataset searchTrain;
  private final ImageDataset searchVal;
  private final SpaceSpec space;

  /** An evaluator whose saved models do not record their space's parameters. */
  public TrainingEvaluator(ModelBuilder builder, ImageDataset train, ImageDataset test, TrainingSettings settings) {
    this(builder, train, test, settings, null);
  }

  /**
   * @param builder builds the architectures to evaluate; null for an evaluator used only to
   *     {@link #trainBlock train given networks}
   * @param train the full training set (split here into train/validation)
   * @param test the test set, or null when there is none
   * @param space the space the architectures come from, recorded in the final model's {@code
   *     model.json} so that {@link SavedModel#load} can rebuild it; null: not recorded
   */
  public TrainingEvaluator(
      ModelBuilder builder, ImageDataset train, ImageDataset test, TrainingSettings settings, SpaceSpec space) {
    this.builder = builder;
    this.space = space;
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

  /** A copy with other settings on the same data and split (a hyperparameter trial's). */
  private TrainingEvaluator(TrainingEvaluator o, TrainingSettings settings) {
    this.builder = o.builder;
    this.space = o.space;
    this.train = o.train;
    this.test = o.test;
    this.settings = settings;
    this.searchTrain = o.searchTrain;
    this.searchVal = o.searchVal;
  }

  /**
   * This evaluator with other training settings (learning rate, schedule, batch size...) on the
   * same data and train/validation split, which {@code s} must keep.
   */
  public TrainingEvaluator withSettings(TrainingSettings s) {
    if (s.valFraction() != settings.valFraction() || s.splitSeed() != settings.splitSeed()
        || s.trainSubset() != settings.trainSubset()) {
      throw new IllegalArgumentException("other settings must keep the split (val_fraction, split_seed, train_subset)");
    }
    return new TrainingEvaluator(this, s);
  }

  public TrainingSettings settings() {
    return settings;
  }

  /** Images trained on per trial (after the split and the subset). */
  public int trainSize() {
    return searchTrain.size();
  }

  /** The training part of the split (after the subset): what a search trains on. */
  public ImageDataset searchTrainData() {
    return searchTrain;
  }

  /** The validation part of the split. */
  public ImageDataset searchValData() {
    return searchVal;
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
        String key = runKey("trial " + ctx.trialId(), arch, ctx.seed(), epochs, trainLoader);
        Run run = new Run(model, loop, key, ctx.checkpointDir(), epochs);
        List<EpochMetrics> metrics = run.train(trainLoader, valLoader, ctx.trialId(), ctx.listener(), ctx::shouldPrune);
        boolean pruned = metrics.size() < epochs;
        double finalVal = metrics.isEmpty() ? loop.evaluate(valLoader).accuracy() : metrics.get(metrics.size() - 1).valAccuracy();
        double testAcc = Double.NaN;
        if (settings.evalTest() && test != null) {
          testAcc = loop.evaluate(testLoader()).accuracy();
        }
        return new TrialResult(
            pruned ? TrialStatus.PRUNED : TrialStatus.COMPLETE,
            metrics,
            finalVal,
            testAcc,
            settings.reward().apply(metrics, finalVal),
            params,
            flops,
            seconds(t0) + run.restoredSeconds,
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

  /**
   * The test set normalised with the training set's statistics, as the model was trained and as
   * {@link SavedModel} feeds it.
   */
  private BatchLoader testLoader() {
    return new BatchLoader(test, EVAL_BATCH, false, false, 0, train.mean(), train.std());
  }

  /**
   * What identifies a training run for its checkpoint: a checkpoint of any other run (another
   * architecture, seed, data or setting) is ignored rather than continued.
   */
  private String runKey(String what, Architecture arch, long seed, int epochs, BatchLoader loader) {
    return what + " of " + arch + ", seed " + seed + ", " + epochs + " epochs of " + loader.batchesPerEpoch()
        + " steps on " + loader.data().name() + " (" + loader.data().size() + " images), " + settings.withEpochs(epochs);
  }

  /**
   * One training run that, given a checkpoint folder and more than one epoch, continues from the
   * folder's checkpoint and writes one after every epoch.
   */
  private static final class Run {
    private final Block block;
    private final TrainingLoop loop;
    private final NDManager manager;
    private final String key;
    private final Path dir; // null: no checkpoints
    private final int epochs;
    double restoredSeconds;

    Run(Model model, TrainingLoop loop, String key, Path dir, int epochs) {
      this.block = model.getBlock();
      this.loop = loop;
      this.manager = model.getNDManager();
      this.key = key;
      // a one-epoch run has nothing to continue: a crash costs that epoch either way
      this.dir = epochs > 1 ? dir : null;
      this.epochs = epochs;
    }

    /**
     * All epochs' metrics: the restored ones (reported to the listener again first), then the new;
     * fewer than {@code epochs} when {@code prune} stopped the run (asked after every new epoch, and
     * after the last restored one: the run before a crash may not have asked yet).
     */
    List<EpochMetrics> train(
        BatchLoader train, BatchLoader val, long id, TrialListener listener, Predicate<EpochMetrics> prune) {
      List<EpochMetrics> all =
          new ArrayList<>(dir == null ? List.of() : Checkpoint.restore(dir, key, block, loop, manager));
      for (EpochMetrics m : all) {
        restoredSeconds += m.seconds();
        listener.onEpoch(id, m, epochs);
      }
      if (!all.isEmpty() && all.size() < epochs && prune.test(all.get(all.size() - 1))) {
        return all;
      }
      loop.train(train, val, all.size() + 1, epochs, id, listener, m -> {
        all.add(m);
        if (dir != null) {
          try {
            Checkpoint.save(dir, key, all, block, loop);
          } catch (NasException e) {
            // the run itself is still good; only a crash would now cost more than one epoch
            LOG.warn("no checkpoint after epoch {}: {}", m.epoch(), e.getMessage());
          }
        }
      }, prune);
      return all;
    }
  }

  /**
   * One training run of a given network, as a morphism-based search trains each child.
   *
   * @param startAccuracy validation accuracy before the first epoch (of the inherited weights)
   * @param epochs the epochs' metrics (validation after each)
   * @param params trainable parameters
   * @param seconds wall time, the first validation included
   */
  public record BlockRun(double startAccuracy, List<EpochMetrics> epochs, long params, double seconds) {
    public BlockRun {
      epochs = List.copyOf(epochs);
    }

    /** Validation accuracy at the end: after the last epoch, or at the start when none was trained. */
    public double accuracy() {
      return epochs.isEmpty() ? startAccuracy : epochs.get(epochs.size() - 1).valAccuracy();
    }
  }

  /**
   * Trains {@code block} (an uninitialised network for this evaluator's images and classes) on
   * the search split for {@code epochs}, with this evaluator's settings (its learning-rate
   * schedule runs once over these epochs: a warm restart per run, as NASH's SGDR), scoring the
   * validation split before the first epoch and after each. {@code start} runs after the
   * network's random initialization (e.g. to load a parent's morphed weights); {@code end} sees
   * the trained network before its arrays are freed (e.g. to keep its weights).
   *
   * @param seed the run's seed: initialization (libtorch's generator, process-wide) and batch order
   * @throws NasException when training diverges
   */
  public BlockRun trainBlock(Block block, java.util.function.Consumer<Block> start, long seed, int epochs,
      TrialListener listener, java.util.function.Consumer<Block> end) {
    long t0 = System.nanoTime();
    Engine.getInstance().setRandomSeed(engineSeed(seed));
    try (Model model = Model.newInstance("block")) {
      model.setBlock(block);
      initialize(block, model);
      start.accept(block);
      BatchLoader trainLoader =
          new BatchLoader(searchTrain, settings.batchSize(), true, settings.augment(), Rng.derive(seed, 1));
      BatchLoader valLoader = new BatchLoader(searchVal, EVAL_BATCH, false, false, 0);
      TrainingLoop loop =
          new TrainingLoop(block, model.getNDManager(), train.numClasses(), settings,
              Math.max(1, epochs) * trainLoader.batchesPerEpoch());
      double before = loop.evaluate(valLoader).accuracy();
      List<EpochMetrics> metrics =
          epochs > 0 ? loop.train(trainLoader, valLoader, epochs, 0, listener) : List.of();
      end.accept(block);
      return new BlockRun(before, metrics, TrainingLoop.parameterCount(block), seconds(t0));
    } catch (TrainingLoop.DivergedException e) {
      throw new NasException("training diverged: " + e.getMessage(), e);
    }
  }

  private void initialize(Block block, Model model) {
    Shape in = inputShape();
    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, in.get(0), in.get(1), in.get(2)));
  }

  /** {@link #trainFinal(Architecture, long, int, Path, Path, TrialListener)} without checkpoints or progress reports. */
  public TrainedModel trainFinal(Architecture arch, long seed, int epochs, Path saveDir) {
    return trainFinal(arch, seed, epochs, saveDir, null, TrialListener.NONE);
  }

  /**
   * Retrains {@code arch} on the whole training set (no validation split, no subset), measures
   * the test set (when there is one, normalised as the training set), and saves into {@code
   * saveDir} the weights ({@code Model.save(saveDir, "model")}, DJL's format) and a {@code
   * model.json} that describes everything needed to rebuild and run the model without the
   * experiment: the space and its parameters (when the evaluator has a {@link SpaceSpec}), the
   * canonical architecture, input shape, normalisation, class names, the settings and epochs
   * actually trained, seed and test accuracy. Load it with {@link SavedModel#load}. Every file is
   * written atomically.
   *
   * @param epochs epochs to train; {@code <= 0} takes {@link TrainingSettings#epochs()}
   * @param checkpointDir where the state after each epoch is kept (with more than one epoch), so
   *     that a call with the same arguments after a crash continues from the last epoch; deleted
   *     once the model is saved; null: no checkpoints
   * @param listener progress (trial id 0); may be {@link TrialListener#NONE}; epochs restored from
   *     a checkpoint are reported again first
   * @throws NasException when the architecture cannot be built, training diverges or saving fails
   */
  public TrainedModel trainFinal(
      Architecture arch, long seed, int epochs, Path saveDir, Path checkpointDir, TrialListener listener) {
    return trainFinal(arch, seed, epochs, saveDir, checkpointDir, listener, b -> {});
  }

  /**
   * {@link #trainFinal(Architecture, long, int, Path, Path, TrialListener)} from given weights:
   * {@code start} runs after the network's random initialization (a morphism search loads its
   * best network's trained weights there) and before a checkpoint is restored.
   */
  public TrainedModel trainFinal(
      Architecture arch, long seed, int epochs, Path saveDir, Path checkpointDir, TrialListener listener,
      java.util.function.Consumer<Block> start) {
    long t0 = System.nanoTime();
    int e = epochs > 0 ? epochs : settings.epochs();
    Block block = builder.build(arch, inputShape(), train.numClasses());
    long flops = builder.flops(arch, inputShape(), train.numClasses());
    Engine.getInstance().setRandomSeed(engineSeed(seed));
    try (Model model = Model.newInstance(MODEL_NAME)) {
      model.setBlock(block);
      initialize(block, model);
      start.accept(block);
      long params = TrainingLoop.parameterCount(block);
      BatchLoader trainLoader =
          new BatchLoader(train, settings.batchSize(), true, settings.augment(), Rng.derive(seed, 1));
      TrainingLoop loop =
          new TrainingLoop(block, model.getNDManager(), train.numClasses(), settings, e * trainLoader.batchesPerEpoch());
      Run run = new Run(model, loop, runKey("final training", arch, seed, e, trainLoader), checkpointDir, e);
      List<EpochMetrics> metrics = run.train(trainLoader, null, 0, listener, m -> false);
      TrainingLoop.LossAccuracy testMetrics =
          test == null ? new TrainingLoop.LossAccuracy(Double.NaN, Double.NaN) : loop.evaluate(testLoader());
      double trainAcc = metrics.isEmpty() ? Double.NaN : metrics.get(metrics.size() - 1).trainAccuracy();
      TrainedModel trained =
          new TrainedModel(saveDir, MODEL_NAME, metrics, trainAcc, testMetrics.accuracy(), testMetrics.loss(), params,
              flops, seconds(t0) + run.restoredSeconds);
      String weights = saveWeights(model, saveDir, e);
      AtomicFiles.writeJson(saveDir.resolve(SavedModel.INFO_FILE), describe(arch, seed, e, weights, trained));
      if (checkpointDir != null) {
        try {
          Folders.deleteTree(checkpointDir);
        } catch (NasException ex) {
          LOG.warn(ex.getMessage());
        }
      }
      return trained;
    } catch (TrainingLoop.DivergedException ex) {
      throw new NasException("final training of " + arch + " failed: " + ex.getMessage(), ex);
    }
  }

  /**
   * Saves the weights in DJL's format ({@code model-NNNN.params}, NNNN = epochs) through a scratch
   * folder, so the file appears atomically, and removes weights of an earlier save.
   *
   * @return the weights file's name
   */
  private static String saveWeights(Model model, Path saveDir, int epochs) {
    Path scratch = saveDir.resolve(".saving");
    try {
      Folders.deleteTree(scratch); // left by a killed process
      Files.createDirectories(scratch);
      model.setProperty("Epoch", Integer.toString(epochs));
      model.save(scratch, MODEL_NAME);
      String saved = null;
      try (Stream<Path> files = Files.list(scratch)) {
        for (Path f : files.toList()) {
          saved = f.getFileName().toString();
          AtomicFiles.write(saveDir.resolve(saved), Files.readAllBytes(f));
        }
      }
      if (saved == null) {
        throw new IOException("DJL wrote no file");
      }
      String keep = saved;
      try (Stream<Path> files = Files.list(saveDir)) {
        for (Path f : files.toList()) {
          String n = f.getFileName().toString();
          if (n.startsWith(MODEL_NAME + "-") && n.endsWith(".params") && !n.equals(keep)) {
            Files.delete(f);
          }
        }
      }
      return saved;
    } catch (IOException ex) {
      throw new NasException("cannot save the trained model to " + saveDir + ": " + AtomicFiles.describe(ex), ex);
    } finally {
      try {
        Folders.deleteTree(scratch);
      } catch (NasException ignored) {
        // a leftover scratch folder is removed by the next save
      }
    }
  }

  /** model.json: see {@link SavedModel}. */
  private ObjectNode describe(Architecture arch, long seed, int epochs, String weights, TrainedModel m) {
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("format", SavedModel.FORMAT);
    if (space == null) {
      info.putObject("space").put("name", arch.space());
    } else {
      info.set("space", space.spaceJson());
      if (space.model() != null && !space.model().isNull()) {
        info.set("model", space.model().deepCopy());
      }
      ObjectNode a = space.space().toJson(arch);
      info.put("architecture", space.space().encode(arch));
      if (a.has("decisions")) {
        info.set("decisions", a.get("decisions"));
      }
    }
    info.putPOJO("choices", arch.choices());
    info.putPOJO("input_shape", inputShape().getShape());
    info.put("num_classes", train.numClasses());
    info.putPOJO("class_names", train.classNames());
    ObjectNode norm = info.putObject("normalization");
    norm.put("formula", "(pixel / 255 - mean[c]) / std[c]");
    norm.putPOJO("mean", train.mean());
    norm.putPOJO("std", train.std());
    info.put("dataset", train.name());
    info.put("train_images", train.size());
    info.put("model_name", MODEL_NAME);
    info.put("weights", weights);
    info.put("epochs", epochs);
    info.put("seed", seed);
    ObjectNode used = Json.MAPPER.valueToTree(settings.withEpochs(epochs));
    // search-only settings: the final model trains on every training image and is measured on the test set
    used.remove(List.of("val_fraction", "train_subset", "split_seed", "reward", "eval_test"));
    info.set("training", used);
    putNumber(info, "test_accuracy", m.testAccuracy());
    putNumber(info, "test_loss", m.testLoss());
    putNumber(info, "train_accuracy", m.trainAccuracy());
    info.put("test_images", test == null ? 0 : test.size());
    info.put("params", m.params());
    info.put("flops", m.flops());
    return info;
  }

  private static void putNumber(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
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
