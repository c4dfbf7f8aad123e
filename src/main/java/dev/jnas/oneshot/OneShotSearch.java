package dev.jnas.oneshot;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.model.Supernet;
import dev.jnas.space.Architecture;
import dev.jnas.train.Checkpoint;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop every one-shot method shares: train the supernet for an epoch (the method's
 * weight and architecture steps), measure the architecture it would derive now, record the epoch
 * (metrics, the method's state such as softmax(alpha), the skip count), checkpoint, and stop at
 * the budget or at a stopping rule; then derive the final architecture.
 *
 * <p>With a checkpoint folder, the state after every epoch (weights, momentum, architecture
 * parameters or controller, history) is written there and a search started again with the same
 * inputs continues after the last finished epoch.
 */
abstract class OneShotSearch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OneShotSearch.class);

  /** Hears about progress. */
  interface Listener {
    void onBatch(int epoch, double fraction);

    /** An epoch is done: its metrics and its record (see {@link #history()}). */
    void onEpoch(EpochMetrics metrics, ObjectNode record, int totalEpochs);
  }

  /** The search's outcome: the architecture and what the supernet says of it. */
  /** @param deriveSeconds the time of deriving and measuring after the last epoch */
  record Outcome(
      Architecture architecture, double valAccuracy, double valLoss, List<EpochMetrics> epochs, String stopReason,
      double deriveSeconds) {}

  protected final SupernetTrainer trainer;
  protected final Supernet net;
  protected final OneShotParams params;
  protected final BatchLoader train;
  protected final BatchLoader val;
  protected final BatchLoader eval;
  protected final long seed;
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private final ArrayNode history = Json.MAPPER.createArrayNode();
  private int unchanged;

  /**
   * @param train the training split (shuffled, augmented per the settings)
   * @param val the validation split, shuffled: batches for architecture or controller steps
   * @param eval the validation split in order: the per-epoch and final measurements
   */
  OneShotSearch(SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed) {
    this.trainer = trainer;
    this.net = trainer.net();
    this.params = params;
    this.train = train;
    this.val = val;
    this.eval = eval;
    this.seed = seed;
  }

  /** Weight steps per epoch: {@code steps_per_epoch}, at most (and by default) a pass over {@code train}. */
  static int stepsPerEpoch(OneShotParams params, BatchLoader train) {
    int all = train.batchesPerEpoch();
    return params.stepsPerEpoch() > 0 ? Math.min(params.stepsPerEpoch(), all) : all;
  }

  /** Trains one epoch; returns {loss sum, correct, seen} over its weight steps. */
  protected abstract double[] trainEpoch(int epoch, Deadline deadline, Listener listener);

  /** The architecture the search would end in now (cheap: after every epoch). */
  protected abstract Architecture current(int epoch);

  /** The final architecture. */
  protected abstract Architecture deriveFinal();

  /**
   * Sets the path whose validation accuracy is the search's measure: by default {@code arch}'s
   * sub-network with the shared weights.
   */
  protected void useForEvaluation(Architecture arch) {
    net.useArchitecture(arch);
  }

  /** The method's state to continue from (architecture parameters, controller). */
  protected abstract JsonNode state();

  protected abstract void restore(JsonNode state);

  /** Adds what the method records per epoch (probabilities, controller statistics). */
  protected abstract void describeEpoch(ObjectNode record);

  /** Option probabilities per label, or null for a method without them (ENAS). */
  protected List<float[]> probabilities() {
    return null;
  }

  /** Every finished epoch's record: epoch, architecture, skips, and the method's own fields. */
  final ArrayNode history() {
    return history;
  }

  /** Runs (or continues) the search for {@code totalEpochs} epochs. */
  final Outcome run(int totalEpochs, Deadline deadline, Path checkpointDir, String key, Listener listener) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      int first = 1;
      if (checkpointDir != null) {
        first = restoreCheckpoint(checkpointDir, key, listener, totalEpochs) + 1;
      }
      String stop = first > totalEpochs && !history.isEmpty() ? stopReason(history.get(history.size() - 1)) : null;
      for (int e = first; e <= totalEpochs && stop == null; e++) {
        long t0 = System.nanoTime();
        double[] t = trainEpoch(e, deadline, listener);
        Architecture arch = current(e);
        useForEvaluation(arch);
        double[] v = trainer.evaluate(eval, params.evalImages());
        EpochMetrics m =
            new EpochMetrics(e, t[2] == 0 ? Double.NaN : t[0] / t[2], t[2] == 0 ? Double.NaN : t[1] / t[2], v[0], v[1],
                (System.nanoTime() - t0) / 1e9);
        epochs.add(m);
        ObjectNode record = record(e, arch);
        if (deadline.passed()) {
          record.put("stopped", "budget.max_minutes reached");
        } else if (e >= totalEpochs) {
          record.put("stopped", "budget.epochs reached");
        } else {
          String rule = stoppingRule(record);
          if (rule != null) {
            record.put("stopped", rule);
          }
        }
        history.add(record);
        if (checkpointDir != null) {
          ObjectNode extra = Json.MAPPER.createObjectNode();
          extra.set("history", history);
          extra.set("method", state());
          try {
            Checkpoint.save(checkpointDir, key, trainer.steps(), epochs, extra, net.block(), trainer.sgd().state());
          } catch (NasException ex) {
            LOG.warn("no checkpoint after supernet epoch {}: {}", e, ex.getMessage());
          }
        }
        listener.onEpoch(m, record, totalEpochs);
        stop = stopReason(record);
      }
      long derive0 = System.nanoTime();
      Architecture fin = deriveFinal();
      useForEvaluation(fin);
      double[] v = trainer.evaluate(eval, 0);
      return new Outcome(fin, v[1], v[0], List.copyOf(epochs), stop == null ? "budget.epochs reached" : stop,
          (System.nanoTime() - derive0) / 1e9);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private static String stopReason(JsonNode record) {
    return record.hasNonNull("stopped") ? record.get("stopped").asText() : null;
  }

  /** The epochs restored from the checkpoint (reported to the listener again); 0 when none. */
  private int restoreCheckpoint(Path dir, String key, Listener listener, int totalEpochs) {
    Checkpoint.Restored r = Checkpoint.restore(dir, key, net.block(), trainer.sgd()::restore, trainer.manager());
    if (r == null || r.extra() == null) {
      return 0;
    }
    try {
      restore(r.extra().path("method"));
    } catch (RuntimeException e) {
      throw new NasException("the supernet checkpoint in " + dir + " cannot be continued: " + e.getMessage()
          + "; delete the folder to start the search again", e);
    }
    trainer.setSteps(r.steps());
    epochs.addAll(r.epochs());
    for (JsonNode h : r.extra().path("history")) {
      history.add(h);
    }
    for (int i = 0; i < epochs.size(); i++) {
      listener.onEpoch(epochs.get(i), (ObjectNode) history.get(i), totalEpochs);
    }
    unchanged = history.isEmpty() ? 0 : history.get(history.size() - 1).path("unchanged_epochs").asInt();
    return epochs.size();
  }

  private ObjectNode record(int epoch, Architecture arch) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("epoch", epoch);
    String encoded = net.space().encode(arch);
    r.put("architecture", encoded);
    r.put("skips", skips(arch));
    List<float[]> p = probabilities();
    if (p != null) {
      r.put("mean_entropy", meanEntropy(p));
      ArrayNode rows = r.putArray("probabilities");
      for (float[] row : p) {
        ArrayNode a = rows.addArray();
        for (float x : row) {
          a.add(Math.round(x * 1e6) / 1e6);
        }
      }
    }
    describeEpoch(r);
    if (!history.isEmpty() && history.get(history.size() - 1).path("architecture").asText().equals(encoded)) {
      unchanged++;
    } else {
      unchanged = 0;
    }
    r.put("unchanged_epochs", unchanged);
    return r;
  }

  /** The stopping rule that fires after this epoch, or null. */
  private String stoppingRule(ObjectNode record) {
    if (params.maxSkips() != null && record.path("skips").asInt() > params.maxSkips()) {
      return "DARTS+: " + record.path("skips").asInt() + " skip connections > max_skips " + params.maxSkips();
    }
    if (params.stopPatience() > 0 && unchanged >= params.stopPatience()) {
      double h = record.path("mean_entropy").asDouble(0);
      if (h <= params.stopEntropy()) {
        return "architecture unchanged for " + unchanged + " epochs, mean entropy " + String.format("%.3f", h)
            + " <= " + params.stopEntropy();
      }
    }
    return null;
  }

  /** Labels of {@code arch}'s sub-network whose active option is a skip connection. */
  final int skips(Architecture arch) {
    boolean[][] active = net.activeFor(arch);
    int n = 0;
    for (int l = 0; l < active.length; l++) {
      List<String> options = net.labels().get(l).options();
      for (int k = 0; k < options.size(); k++) {
        if (active[l][k] && isSkip(options.get(k))) {
          n++;
        }
      }
    }
    return n;
  }

  static boolean isSkip(String option) {
    return option.equals("skip_connect") || option.equals("identity") || option.equals("skip");
  }

  /** Mean over labels of the entropy of the option probabilities, divided by log(K) (so in [0, 1]). */
  static double meanEntropy(List<float[]> probabilities) {
    double sum = 0;
    for (float[] p : probabilities) {
      double h = 0;
      for (float x : p) {
        if (x > 0) {
          h -= x * Math.log(x);
        }
      }
      sum += p.length > 1 ? h / Math.log(p.length) : 0;
    }
    return probabilities.isEmpty() ? 0 : sum / probabilities.size();
  }

  /** A wall-clock limit (none when {@code nanos} is 0). */
  record Deadline(long startNanos, long nanos) {
    static final Deadline NONE = new Deadline(0, 0);

    boolean passed() {
      return nanos > 0 && System.nanoTime() - startNanos >= nanos;
    }
  }

  /** Batches of a loader without end: epoch after epoch, numbered from {@code base}. */
  static final class Endless implements AutoCloseable {
    private final BatchLoader loader;
    private int epoch;
    private BatchLoader.Epoch it;

    Endless(BatchLoader loader, int base) {
      this.loader = loader;
      this.epoch = base;
    }

    BatchLoader.HostBatch next() {
      while (true) {
        if (it == null) {
          it = loader.epoch(epoch++);
        }
        if (it.hasNext()) {
          BatchLoader.HostBatch b = it.next();
          if (b.size() >= 2) { // batch norm cannot normalise one example
            return b;
          }
        } else {
          it.close();
          it = null;
        }
      }
    }

    @Override
    public void close() {
      if (it != null) {
        it.close();
      }
    }
  }

  /** A stream of random numbers for one epoch, from the search seed alone (resume needs no state). */
  final Rng epochRng(int epoch, int purpose) {
    return Rng.of(Rng.derive(Rng.derive(seed, 1000 + purpose), epoch));
  }

  /**
   * Runs the epoch's weight steps: before each, {@code path} sets the supernet's path; reports
   * progress; stops early at the deadline.
   */
  final double[] weightSteps(int epoch, Deadline deadline, Listener listener, StepHook hook) {
    double lossSum = 0;
    double correct = 0;
    double seen = 0;
    int steps = stepsPerEpoch(params, train);
    try (Endless batches = new Endless(train, epoch)) {
      for (int s = 0; s < steps && !deadline.passed(); s++) {
        BatchLoader.HostBatch b = batches.next();
        trainer.lap(SupernetTrainer.Phase.DATA);
        try (NDManager step = trainer.manager().newSubManager()) {
          hook.beforeWeightStep(s, step);
          trainer.lap(SupernetTrainer.Phase.PATH);
          SupernetTrainer.BatchResult r = trainer.forwardBackward(b, step, false);
          trainer.updateWeights(step);
          lossSum += (double) r.loss() * r.size();
          correct += r.correct();
          seen += r.size();
        }
        trainer.lap(SupernetTrainer.Phase.OPTIMIZER); // the step's arrays have just been freed
        hook.afterWeightStep(s);
        trainer.stepEnd();
        listener.onBatch(epoch, (double) (s + 1) / steps);
      }
    }
    return new double[] {lossSum, correct, seen};
  }

  @Override
  public void close() {}

  /**
   * What a method does around each weight step; an architecture step runs in {@link
   * SupernetTrainer#archStep}, so that a benchmark times it apart from the weight step.
   */
  interface StepHook {
    /** Sets the path of the weight step (its arrays in {@code step}). */
    void beforeWeightStep(int s, NDManager step);

    default void afterWeightStep(int s) {}
  }
}
