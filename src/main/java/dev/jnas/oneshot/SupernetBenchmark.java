package dev.jnas.oneshot;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.space.SearchSpace;
import dev.jnas.train.PhaseTotals;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.train.TrainingBenchmark.DatasetShape;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.nio.file.Path;

/**
 * Measures how fast a one-shot search trains its supernet: the steps of a DARTS or ProxylessNAS
 * search as the search runs them ({@link Darts} or {@link Proxyless} over a {@link
 * SupernetTrainer}, the methods' default parameters, first-order DARTS, one path and an
 * architecture step after every weight step for ProxylessNAS), on synthetic images of a dataset's
 * shape. The weights train with the training benchmark's settings ({@link
 * TrainingBenchmark#SETTINGS}: SGD, Nesterov momentum 0.9, lr 0.05, weight decay 5e-4, constant).
 *
 * <p>One step is what one search iteration does: DARTS updates alpha on a validation batch (its
 * backward pass computes the weights' gradients too, which are dropped), then the weights on a
 * training batch under softmax(alpha); ProxylessNAS samples a path, updates the weights on it,
 * then samples another path for a validation batch and updates alpha by its gradient estimate.
 * The first {@code warmup} steps are not timed. Images per second count the training images of
 * the weight steps.
 */
public final class SupernetBenchmark {
  /** The methods measured here (ENAS's controller step is of another kind). */
  public static final String METHODS = "darts, proxyless";

  /**
   * Mean milliseconds per timed step by phase: the weight step's data, path, forward, backward
   * and optimizer, and the whole architecture step.
   */
  public record StepMillis(double data, double path, double forward, double backward, double optimizer, double arch) {
    /** The weight step without its data: path, forward, backward, optimizer. */
    public double weight() {
      return path + forward + backward + optimizer;
    }

    public double total() {
      return data + weight() + arch;
    }
  }

  /**
   * @param params the supernet's trainable weights (every candidate's; not the architecture parameters)
   * @param archParams the architecture parameters (alpha), one per option of every decision
   * @param peakRssMib the process's peak resident set (VmHWM), or NaN where /proc is missing
   */
  public record Result(
      String method,
      String space,
      String dataset,
      int batch,
      int steps,
      int warmup,
      int threads,
      double trainImagesPerS,
      StepMillis stepMs,
      double peakRssMib,
      long params,
      long archParams,
      String engine,
      String device) {}

  private SupernetBenchmark() {}

  /**
   * Builds {@code space}'s supernet for {@code dataset}'s shape and measures {@code method}'s steps.
   *
   * @param profile where to write libtorch's operator profile of the timed steps (Chrome trace
   *     JSON), or null
   * @throws BadInputException on a bad argument or a space without a supernet
   */
  public static Result run(
      String method, SearchSpace space, DatasetShape dataset, int batch, int steps, int warmup, int threads, Path profile) {
    if (!method.equals(OneShotParams.DARTS) && !method.equals(OneShotParams.PROXYLESS)) {
      throw new BadInputException("unknown --method '" + method + "' (valid: " + METHODS + ")");
    }
    TrainingBenchmark.checkRun(batch, steps, warmup);
    TrainingBenchmark.requestThreads(threads); // before building anything that could start the engine
    Shape image = dataset.imageShape();
    Supernet net = Supernets.create(space, image, dataset.classes());
    int actualThreads = TrainingBenchmark.startEngine(threads);
    int total = warmup + steps;
    int c = (int) image.get(0);
    int h = (int) image.get(1);
    int w = (int) image.get(2);
    // exactly one epoch of training batches; the validation batches of the architecture steps apart
    ImageDataset train = ImageDataset.synthetic(batch * total, c, h, w, dataset.classes(), 7);
    ImageDataset val = ImageDataset.synthetic(batch * total, c, h, w, dataset.classes(), 8);
    BatchLoader trainLoader = new BatchLoader(train, batch, true, false, 11);
    BatchLoader valLoader = new BatchLoader(val, batch, true, false, 12);
    ObjectNode given = Json.MAPPER.createObjectNode();
    given.put("steps_per_epoch", total);
    OneShotParams params = OneShotParams.fromJson(method, given); // architecture steps from the first step
    long seed = 1;
    try (SupernetTrainer trainer = new SupernetTrainer(net, TrainingBenchmark.SETTINGS, 1, total);
        DifferentiableSearch search =
            method.equals(OneShotParams.DARTS)
                ? new Darts(trainer, params, trainLoader, valLoader, valLoader, seed, TrainingBenchmark.SETTINGS.learningRate())
                : new Proxyless(trainer, params, trainLoader, valLoader, valLoader, seed, null)) {
      long weights = 0;
      for (Parameter p : trainer.sgd().parameters()) {
        weights += p.getArray().size();
      }
      long alphas = net.labels().stream().mapToLong(l -> l.options().size()).sum();
      PhaseTotals<SupernetTrainer.Phase> phases = new PhaseTotals<>(SupernetTrainer.Phase.class, warmup, profile != null);
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false); // as OneShotSearch.run: the steps turn it on where they need it
      trainer.timer(phases);
      try {
        search.trainEpoch(1, OneShotSearch.Deadline.NONE, NO_PROGRESS);
      } finally {
        trainer.timer(null);
        JniUtils.setGradMode(grad);
        phases.stopProfile(profile);
      }
      StepMillis ms =
          new StepMillis(
              phases.meanMillis(SupernetTrainer.Phase.DATA, steps),
              phases.meanMillis(SupernetTrainer.Phase.PATH, steps),
              phases.meanMillis(SupernetTrainer.Phase.FORWARD, steps),
              phases.meanMillis(SupernetTrainer.Phase.BACKWARD, steps),
              phases.meanMillis(SupernetTrainer.Phase.OPTIMIZER, steps),
              phases.meanMillis(SupernetTrainer.Phase.ARCH, steps));
      Engine engine = Engine.getInstance();
      return new Result(
          method, space.name(), dataset.id(), batch, steps, warmup, actualThreads, batch * 1000.0 / ms.total(), ms,
          TrainingBenchmark.peakRssMib(), weights, alphas, engine.getEngineName() + " " + engine.getVersion(),
          trainer.manager().getDevice().toString());
    }
  }

  private static final OneShotSearch.Listener NO_PROGRESS = new OneShotSearch.Listener() {
    @Override
    public void onBatch(int epoch, double fraction) {}

    @Override
    public void onEpoch(EpochMetrics metrics, ObjectNode record, int totalEpochs) {}
  };
}
