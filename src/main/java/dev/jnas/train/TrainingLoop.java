package dev.jnas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import dev.jnas.data.BatchLoader;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;
import java.util.Map;

/**
 * Trains one initialised block with SGD on the low-level path: forward through a {@link
 * ParameterStore}, backward, optimiser update, with every temporary in a per-batch sub-manager.
 * DJL's {@code Trainer}/{@code EasyTrain} would add metric, listener and batch-splitting work per
 * step (about 2.4x slower than PyTorch on small networks); this loop does only what a step needs.
 *
 * <p>Autograd is driven through the PyTorch engine's {@link JniUtils} rather than DJL's {@code
 * GradientCollector}: that collector is a process-wide singleton ("only one can be collecting at
 * a time"), which would forbid concurrent trials, while PyTorch's grad mode is per thread.
 *
 * <p>The optimiser is {@link Sgd} (PyTorch's SGD); its whole state is the step counter and the
 * momentum buffers ({@link #optimizerState()}), so a checkpoint can continue a run exactly.
 *
 * <p>Not thread-safe: one loop per trial, used by the trial's thread.
 */
final class TrainingLoop {
  /** Loss and accuracy over a dataset. */
  record LossAccuracy(double loss, double accuracy) {}

  /** The parts of a training step that {@link StepTimer} tells apart. */
  enum Phase {
    /** Waiting for the next host batch and copying it (and its targets) into NDArrays. */
    DATA,
    /** Forward pass and loss, plus reading the loss and the predictions back. */
    FORWARD,
    /** Autograd's backward pass. */
    BACKWARD,
    /** The SGD update of every parameter and freeing the step's arrays. */
    OPTIMIZER
  }

  /**
   * Receives the time of each phase of each training step (for benchmarks). Phases are
   * contiguous, so a step's phases add up to its wall-clock time. Device work is asynchronous on
   * a GPU: there the split is only indicative; on the CPU every op completes before it returns.
   */
  interface StepTimer {
    /** {@code nanos} more of {@code phase} in the current step (a phase may be reported twice). */
    void add(Phase phase, long nanos);

    /** The current step is over. */
    void stepEnd();
  }

  /** Called after each epoch's metrics are known, before the listener hears of them. */
  interface EpochEnd {
    void accept(EpochMetrics metrics);
  }

  /** A non-finite training loss. */
  static final class DivergedException extends RuntimeException {
    DivergedException(String message) {
      super(message);
    }
  }

  private final Block block;
  private final NDManager manager;
  private final ParameterStore store;
  private final int numClasses;
  private final TrainingSettings settings;
  private final List<Parameter> trainable = new ArrayList<>();
  private final List<String> trainableNames = new ArrayList<>(); // the block's parameter paths
  private final Tracker learningRate;
  private final Sgd sgd;
  private int step;
  private StepTimer timer; // null on the normal path: one null check per phase boundary
  private long lapStart;

  TrainingLoop(Block block, NDManager manager, int numClasses, TrainingSettings settings, int totalSteps) {
    MallocSettings.warnIfMissing();
    this.block = block;
    this.manager = manager;
    this.store = new ParameterStore(manager, false);
    this.numClasses = numClasses;
    this.settings = settings;
    for (var pair : block.getParameters()) {
      if (pair.getValue().requiresGradient()) {
        trainable.add(pair.getValue());
        trainableNames.add(pair.getKey());
      }
    }
    sgd = new Sgd(trainable, trainableNames, settings.momentum(), settings.nesterov(), settings.weightDecay(), manager);
    learningRate = settings.learningRates(totalSteps);
  }

  /** Reports the phases of every following training step to {@code timer} (null: stop). */
  void timer(StepTimer timer) {
    this.timer = timer;
  }

  private void lap(Phase phase) {
    if (timer != null) {
      long now = System.nanoTime();
      timer.add(phase, now - lapStart);
      lapStart = now;
    }
  }

  /** Trainable parameter count. */
  static long parameterCount(Block block) {
    long n = 0;
    for (var pair : block.getParameters()) {
      Parameter p = pair.getValue();
      if (p.requiresGradient() && p.isInitialized()) {
        n += p.getArray().getShape().size();
      }
    }
    return n;
  }

  /** {@link #train(BatchLoader, BatchLoader, int, int, long, TrialListener, EpochEnd, Predicate)} from epoch 1. */
  List<EpochMetrics> train(
      BatchLoader train, BatchLoader val, int epochs, long trialId, TrialListener listener) {
    return train(train, val, 1, epochs, trialId, listener, null, m -> false);
  }

  /**
   * Trains epochs {@code first..epochs} (numbered from 1; {@code first > 1} continues a run whose
   * state was restored); after each, measures {@code val} (when not null), hands the metrics to
   * {@code end} (when not null), reports to the listener, and stops early when {@code stop} says so
   * (early stopping). Throws {@link DivergedException} on a NaN/Inf loss.
   */
  List<EpochMetrics> train(
      BatchLoader train, BatchLoader val, int first, int epochs, long trialId, TrialListener listener, EpochEnd end,
      Predicate<EpochMetrics> stop) {
    List<EpochMetrics> metrics = new ArrayList<>();
    boolean gradModeBefore = JniUtils.isGradMode();
    // spinning OpenMP threads, as many as the machine has free cores for (ThreadGovernor)
    try (ThreadGovernor.Lease threads = ThreadGovernor.system().enter()) {
      lease = threads;
      for (int e = first; e <= epochs; e++) {
        long t0 = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        int batches = train.batchesPerEpoch();
        int b = 0;
        lapStart = System.nanoTime();
        try (BatchLoader.Epoch it = train.epoch(e)) {
          while (it.hasNext()) {
            BatchLoader.HostBatch batch = it.next();
            b++;
            // batch norm cannot normalise a single example; a lone leftover image is skipped
            if (batch.size() < 2) {
              continue;
            }
            threads.apply();
            float loss = trainStep(batch, e);
            if (timer != null) {
              lap(Phase.OPTIMIZER); // the step's sub-manager has just been closed
              timer.stepEnd();
            }
            lossSum += (double) loss * batch.size();
            correct += lastCorrect;
            seen += batch.size();
            listener.onBatch(trialId, e, (double) b / batches);
          }
        }
        LossAccuracy v = val == null ? new LossAccuracy(Double.NaN, Double.NaN) : evaluate(val);
        EpochMetrics m =
            new EpochMetrics(
                e,
                seen == 0 ? Double.NaN : lossSum / seen,
                seen == 0 ? Double.NaN : (double) correct / seen,
                v.loss(),
                v.accuracy(),
                (System.nanoTime() - t0) / 1e9);
        metrics.add(m);
        if (end != null) {
          end.accept(m);
        }
        listener.onEpoch(trialId, m, epochs);
        if (stop.test(m)) {
          break;
        }
      }
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
    return metrics;
  }

  private long lastCorrect;
  private ThreadGovernor.Lease lease; // the last train()'s, which keeps its fewest threads

  /**
   * The fewest libtorch threads a training step of the last {@link #train} ran with ({@link
   * ThreadGovernor} lowers the count while other processes keep cores busy); {@code
   * Integer.MAX_VALUE} before the first.
   */
  int minThreads() {
    return lease == null ? Integer.MAX_VALUE : lease.minThreads();
  }

  private float trainStep(BatchLoader.HostBatch batch, int epoch) {
    try (NDManager bm = manager.newSubManager()) {
      NDArray logits;
      NDArray loss;
      // The forward pass's arrays live in their own manager, closed before the backward pass:
      // autograd holds what backward needs, so (as in Python, where intermediates go out of
      // scope) each activation is freed as soon as backward has used it, not at the step's end.
      try (NDManager fm = bm.newSubManager()) {
        // the inputs belong to the step, not the forward pass: autograd reads them again in the
        // backward pass (the first layer's weight gradient), and an array made from Java data is
        // a direct buffer that only its open array keeps alive (GarbageCollectionTest)
        NDArray x = batch.images(bm);
        NDArray target = bm.create(targets(batch), new Shape(batch.size(), numClasses));
        lap(Phase.DATA);
        JniUtils.setGradMode(true);
        logits = block.forward(store, new NDList(x), true).singletonOrThrow();
        // cross-entropy against (smoothed) one-hot targets (DJL's loss has no label smoothing):
        // the targets carry the mean's -1/n, so the loss is three operators each way, not five
        loss = logits.logSoftmax(1).mul(target).sum();
        logits.attach(bm);
        loss.attach(bm);
      }
      lap(Phase.FORWARD);
      JniUtils.backward((PtNDArray) loss, (PtNDArray) bm.ones(loss.getShape()), false, false);
      JniUtils.setGradMode(false);
      lap(Phase.BACKWARD);
      float value = loss.getFloat();
      if (!Float.isFinite(value)) {
        throw new DivergedException(
            "loss diverged (" + (Float.isNaN(value) ? "NaN" : "Inf") + ") at epoch " + epoch);
      }
      lastCorrect = correct(logits.toFloatArray(), batch.labels(), numClasses);
      lap(Phase.FORWARD);
      update(bm);
      return value;
    }
  }

  /**
   * One-hot targets with label smoothing, {@code (1 - s) * onehot + s / K}, times {@code -1/n} for
   * a batch of {@code n}: the loss is then the sum of their products with the log-probabilities.
   */
  private float[] targets(BatchLoader.HostBatch batch) {
    float s = (float) settings.labelSmoothing();
    float scale = -1f / batch.size();
    float off = s / numClasses * scale;
    float on = (1f - s + s / numClasses) * scale;
    float[] t = new float[batch.size() * numClasses];
    if (off != 0f) {
      java.util.Arrays.fill(t, off);
    }
    for (int i = 0; i < batch.size(); i++) {
      t[i * numClasses + batch.labels()[i]] = on;
    }
    return t;
  }

  /** How many rows of {@code logits} ({@code labels.length x k}, row-major) peak at the label. */
  private static long correct(float[] logits, int[] labels, int k) {
    long c = 0;
    for (int i = 0; i < labels.length; i++) {
      if (argMax(logits, i * k, k) == labels[i]) {
        c++;
      }
    }
    return c;
  }

  /** One SGD step on every trainable parameter (grad mode is off here). */
  private void update(NDManager bm) {
    float lr = learningRate.getNewValue(step);
    step++;
    sgd.step(bm, lr, null);
  }

  /**
   * The optimiser's state besides the step counter: each trainable parameter's momentum buffer by
   * the parameter's path in the block (empty before the first step or without momentum). The
   * arrays are the live buffers; read them, do not keep them.
   */
  Map<String, NDArray> optimizerState() {
    return sgd.state();
  }

  /** SGD steps taken so far (the learning-rate schedule's position). */
  int steps() {
    return step;
  }

  /**
   * Continues a run from saved state: {@code steps} taken and the momentum buffers of {@link
   * #optimizerState()} (copied, so the caller keeps ownership of {@code buffers}).
   *
   * @throws IllegalArgumentException when a buffer names no trainable parameter or has another shape
   */
  void restore(int steps, Map<String, NDArray> saved) {
    sgd.restore(saved);
    step = steps;
  }

  /** Copies {@code from} into {@code to} in place (an exact copy; grad mode must be off). */
  static void copyInto(NDArray from, NDArray to) {
    to.set(new NDIndex("..."), from);
  }

  /** The index (from 0) of the largest of {@code v[from..from+n)}; ties: the first. */
  static int argMax(float[] v, int from, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      if (v[from + k] > v[from + best]) {
        best = k;
      }
    }
    return best;
  }

  /** Mean cross-entropy (no smoothing) and accuracy of the block on all of {@code data}. */
  LossAccuracy evaluate(BatchLoader data) {
    boolean gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    try (BatchLoader.Epoch it = data.epoch(0)) {
      while (it.hasNext()) {
        BatchLoader.HostBatch batch = it.next();
        try (NDManager bm = manager.newSubManager()) {
          NDArray logits = block.forward(store, new NDList(batch.images(bm)), false).singletonOrThrow();
          float[] lp = logits.logSoftmax(1).toFloatArray();
          int[] labels = batch.labels();
          for (int i = 0; i < batch.size(); i++) {
            int base = i * numClasses;
            lossSum -= lp[base + labels[i]];
            if (argMax(lp, base, numClasses) == labels[i]) {
              correct++;
            }
          }
          seen += batch.size();
        }
      }
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
    return seen == 0
        ? new LossAccuracy(Double.NaN, Double.NaN)
        : new LossAccuracy(lossSum / seen, (double) correct / seen);
  }
}
