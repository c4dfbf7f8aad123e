package dev.jnas.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.RewardTransform;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures how fast one architecture trains and infers: the trials' own training step ({@link
 * TrainingLoop}, SGD with Nesterov momentum 0.9, learning rate 0.05, weight decay 5e-4) on
 * synthetic images of a dataset's shape, fed through the same prefetching {@link BatchLoader}.
 *
 * <p>Training: {@code warmup + steps} steps of one epoch; the first {@code warmup} are not timed.
 * Each timed step is split into data / forward / backward / optimizer by {@link
 * TrainingLoop.StepTimer}. Inference: {@code warmup + steps} forward passes of one batch in eval
 * mode without autograd, the last {@code steps} timed.
 *
 * <p>libtorch's intra-op thread count is process-wide: call {@link #requestThreads(int)} before
 * anything starts the engine; {@link #run} enforces it again if the engine was already running.
 */
public final class TrainingBenchmark {
  /**
   * lr 0.05, Nesterov momentum 0.9, weight decay 5e-4, constant rate, no augmentation (the
   * supernet benchmark trains its weights with the same).
   */
  public static final TrainingSettings SETTINGS =
      new TrainingSettings(1, 128, 0.05, 0.9, true, 5e-4, false, 0.0, false, 0.1, 0, 0L, RewardTransform.ACCURACY, false, null);

  /** The image shape a benchmark's synthetic data takes. */
  public enum DatasetShape {
    FASHION_MNIST("fashion-mnist", 1, 28, 28, 10),
    CIFAR10("cifar10", 3, 32, 32, 10);

    private final String id;
    final int channels;
    final int height;
    final int width;
    final int classes;

    DatasetShape(String id, int channels, int height, int width, int classes) {
      this.id = id;
      this.channels = channels;
      this.height = height;
      this.width = width;
      this.classes = classes;
    }

    public String id() {
      return id;
    }

    /** One image's shape {@code (C, H, W)}. */
    public Shape imageShape() {
      return new Shape(channels, height, width);
    }

    public int classes() {
      return classes;
    }

    public static DatasetShape parse(String name) {
      for (DatasetShape d : values()) {
        if (d.id.equals(name)) {
          return d;
        }
      }
      throw new BadInputException("unknown dataset '" + name + "' (valid: fashion-mnist, cifar10)");
    }

    @Override
    public String toString() {
      return id + " (" + channels + "x" + height + "x" + width + ", " + classes + " classes)";
    }
  }

  /** Mean milliseconds per timed training step, by phase. */
  public record StepMillis(double forward, double backward, double optimizer, double data) {
    public double total() {
      return forward + backward + optimizer + data;
    }
  }

  /**
   * @param threads the libtorch threads asked for
   * @param minThreads the fewest a timed or warm-up step ran with ({@link ThreadGovernor} lowers the
   *     count while other processes keep cores busy)
   * @param peakRssMib the process's peak resident set (VmHWM), or NaN where /proc is missing
   * @param flops multiply-adds of one example's forward pass
   */
  public record Result(
      String space,
      String arch,
      String dataset,
      int batch,
      int steps,
      int warmup,
      int threads,
      int minThreads,
      double trainImagesPerS,
      double inferImagesPerS,
      StepMillis stepMs,
      double peakRssMib,
      long params,
      long flops,
      String engine,
      String device) {}

  private TrainingBenchmark() {}

  /** Asks libtorch for {@code threads} intra-op threads; effective when called before the engine starts. */
  public static void requestThreads(int threads) {
    if (threads < 1) {
      throw new BadInputException("--threads must be >= 1, got " + threads);
    }
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
  }

  /**
   * Refuses a batch under 2 (batch norm needs two examples), no timed steps or a negative warm-up.
   *
   * @throws BadInputException naming the flag
   */
  public static void checkRun(int batch, int steps, int warmup) {
    if (batch < 2) {
      throw new BadInputException("--batch must be >= 2 (batch norm needs two examples), got " + batch);
    }
    if (steps < 1) {
      throw new BadInputException("--steps must be >= 1, got " + steps);
    }
    if (warmup < 0) {
      throw new BadInputException("--warmup must be >= 0, got " + warmup);
    }
  }

  /**
   * Starts the engine (if it is not running) with {@code threads} intra-op threads and returns the
   * count libtorch reports; sets the count again when the engine was started before (e.g. in a
   * test JVM).
   */
  public static int startEngine(int threads) {
    requestThreads(threads);
    Engine.getInstance();
    if (JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
    return JniUtils.getNumThreads();
  }

  /**
   * Builds {@code arch} for {@code dataset}'s shape and measures it.
   *
   * @param profile where to write libtorch's operator profile of the timed training steps (Chrome
   *     trace JSON), or null
   * @throws BadInputException on a bad argument or an architecture the builder rejects
   */
  public static Result run(
      SearchSpace space, Architecture arch, DatasetShape dataset, int batch, int steps, int warmup, int threads,
      Path profile) {
    checkRun(batch, steps, warmup);
    requestThreads(threads);
    ModelBuilder builder = ModelBuilders.forSpace(space);
    Shape in = new Shape(dataset.channels, dataset.height, dataset.width);
    Block block;
    long flops;
    try {
      block = builder.build(arch, in, dataset.classes);
      flops = builder.flops(arch, in, dataset.classes);
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException("cannot build " + space.encode(arch) + " for " + dataset + ": " + e.getMessage());
    }
    int actualThreads = startEngine(threads);
    Engine engine = Engine.getInstance();
    engine.setRandomSeed(1);
    int total = warmup + steps;
    ImageDataset data =
        ImageDataset.synthetic(batch * total, dataset.channels, dataset.height, dataset.width, dataset.classes, 7);
    try (Model model = Model.newInstance("bench")) {
      model.setBlock(block);
      NDManager manager = model.getNDManager();
      block.initialize(manager, DataType.FLOAT32, new Shape(1, dataset.channels, dataset.height, dataset.width));
      long params = TrainingLoop.parameterCount(block);

      // training: one epoch of exactly warmup + steps full batches
      BatchLoader loader = new BatchLoader(data, batch, true, false, 11);
      TrainingLoop loop = new TrainingLoop(block, manager, dataset.classes, SETTINGS, total);
      PhaseTotals<TrainingLoop.Phase> phases = new PhaseTotals<>(TrainingLoop.Phase.class, warmup, profile != null);
      loop.timer(new TrainingLoop.StepTimer() {
        @Override
        public void add(TrainingLoop.Phase phase, long nanos) {
          phases.add(phase, nanos);
        }

        @Override
        public void stepEnd() {
          phases.stepEnd();
        }
      });
      try {
        loop.train(loader, null, 1, 0, TrialListener.NONE);
      } finally {
        loop.timer(null);
        phases.stopProfile(profile);
      }
      StepMillis stepMs =
          new StepMillis(
              phases.meanMillis(TrainingLoop.Phase.FORWARD, steps),
              phases.meanMillis(TrainingLoop.Phase.BACKWARD, steps),
              phases.meanMillis(TrainingLoop.Phase.OPTIMIZER, steps),
              phases.meanMillis(TrainingLoop.Phase.DATA, steps));
      double trainPerS = batch * 1000.0 / stepMs.total();

      // inference: the same batch size, eval mode, no autograd
      double inferPerS = inference(block, manager, loader, total, warmup, batch);
      return new Result(
          space.name(), space.encode(arch), dataset.id(), batch, steps, warmup, actualThreads,
          Math.min(actualThreads, loop.minThreads()), trainPerS, inferPerS, stepMs, peakRssMib(), params, flops,
          engine.getEngineName() + " " + engine.getVersion(), engine.defaultDevice().toString());
    }
  }

  private static double inference(Block block, NDManager manager, BatchLoader loader, int total, int warmup, int batch) {
    ParameterStore store = new ParameterStore(manager, false);
    boolean gradBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (BatchLoader.Epoch it = loader.epoch(1);
        NDManager im = manager.newSubManager()) {
      NDArray x = it.next().images(im);
      long t0 = 0;
      for (int i = 0; i < total; i++) {
        if (i == warmup) {
          t0 = System.nanoTime();
        }
        try (NDManager bm = im.newSubManager()) {
          x.tempAttach(bm); // outputs go to the input's manager: bm now, so they are freed; x returns to im
          NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
          logits.toFloatArray(); // waits for the device; a few KiB
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return (double) batch * (total - warmup) / seconds;
    } finally {
      JniUtils.setGradMode(gradBefore);
    }
  }

  /** Peak resident set size of this process in MiB (Linux's VmHWM), NaN where unavailable. */
  public static double peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) / 1024.0; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return Double.NaN;
  }
}
