package dev.jnas.oneshot;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import dev.jnas.data.BatchLoader;
import dev.jnas.model.MixedOp;
import dev.jnas.model.Supernet;
import dev.jnas.train.Sgd;
import dev.jnas.train.ThreadGovernor;
import dev.jnas.train.TrainingSettings;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a supernet's weights: forward and backward passes on whatever path the search has set,
 * and SGD (the evaluator's settings) that leaves out every candidate the pass did not run, so an
 * unused candidate keeps its weights and momentum exactly (PyTorch skips parameters without
 * gradients; a zero gradient would still move them through momentum and weight decay).
 *
 * <p>Uses the engine's autograd directly, like the multi-trial training loop. Not thread-safe.
 */
final class SupernetTrainer implements AutoCloseable {
  /** Loss and correct predictions of one batch. */
  record BatchResult(float loss, int correct, int size) {}

  /**
   * The parts of a search step that a benchmark's clock ({@link #timer}) tells apart. Phases are
   * contiguous, so a step's phases add up to its wall-clock time (on the CPU, where every op
   * completes before it returns).
   */
  enum Phase {
    /** Waiting for the next training batch and copying it (and its targets) into arrays. */
    DATA,
    /** Setting the weight step's path: softmax(alpha) as mixing weights, or a sampled path. */
    PATH,
    /** The weight step's forward pass and loss, plus reading the loss and predictions back. */
    FORWARD,
    /** The weight step's backward pass. */
    BACKWARD,
    /** The SGD update and freeing the step's arrays. */
    OPTIMIZER,
    /** The whole architecture step: its batch, passes and Adam update. */
    ARCH
  }

  private final Supernet net;
  private final Model model;
  private final NDManager manager;
  private final ParameterStore store;
  private final Sgd sgd;
  /** Per trainable parameter: the mixed op and candidate it belongs to, or -1 outside mixed ops. */
  private final int[] ownerOp;
  private final int[] ownerCandidate;
  private final Tracker learningRate;
  private final int numClasses;
  // spinning OpenMP threads, as many as the machine has free cores for
  private final ThreadGovernor.Lease threads = ThreadGovernor.system().enter();
  private int steps;
  private dev.jnas.train.PhaseTotals<Phase> timer; // null outside benchmarks: one null check per phase
  private long lapStart;
  private boolean inArchStep; // the architecture step's passes are not the weight step's phases

  /**
   * @param initSeed the engine seed for the initial weights (process-wide: set here, where the
   *     search runs, and recorded by the caller)
   * @param totalSteps weight steps of the whole search (the cosine schedule's length)
   */
  SupernetTrainer(Supernet net, TrainingSettings settings, int initSeed, int totalSteps) {
    this.net = net;
    this.numClasses = net.numClasses();
    this.model = Model.newInstance("supernet");
    try {
      model.setBlock(net.block());
      manager = model.getNDManager();
      store = new ParameterStore(manager, false);
      Engine.getInstance().setRandomSeed(initSeed);
      Shape in = net.inputShape();
      net.block().initialize(manager, DataType.FLOAT32, new Shape(1, in.get(0), in.get(1), in.get(2)));
      Map<Parameter, int[]> owners = new IdentityHashMap<>();
      for (MixedOp op : net.mixedOps()) {
        for (int k = 0; k < op.candidates().size(); k++) {
          MixedOp.Candidate c = op.candidates().get(k);
          if (c.block() != null) {
            for (var p : c.block().getParameters()) {
              owners.put(p.getValue(), new int[] {op.id(), k});
            }
          }
        }
      }
      List<Parameter> trainable = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (var p : net.block().getParameters()) {
        if (p.getValue().requiresGradient()) {
          trainable.add(p.getValue());
          names.add(p.getKey());
        }
      }
      ownerOp = new int[trainable.size()];
      ownerCandidate = new int[trainable.size()];
      for (int i = 0; i < trainable.size(); i++) {
        int[] o = owners.getOrDefault(trainable.get(i), new int[] {-1, -1});
        ownerOp[i] = o[0];
        ownerCandidate[i] = o[1];
      }
      sgd = new Sgd(trainable, names, settings.momentum(), settings.nesterov(), settings.weightDecay(), manager);
      learningRate = settings.learningRates(totalSteps);
    } catch (RuntimeException e) {
      threads.close();
      model.close();
      throw e;
    }
  }

  Supernet net() {
    return net;
  }

  NDManager manager() {
    return manager;
  }

  ParameterStore store() {
    return store;
  }

  Sgd sgd() {
    return sgd;
  }

  int steps() {
    return steps;
  }

  void setSteps(int steps) {
    this.steps = steps;
  }

  /** Reports the phases of the following steps to {@code timer} (null: stop). */
  void timer(dev.jnas.train.PhaseTotals<Phase> timer) {
    this.timer = timer;
    lapStart = System.nanoTime();
  }

  /** The time since the last lap was {@code phase} (when timed, outside an architecture step). */
  void lap(Phase phase) {
    if (timer != null && !inArchStep) {
      long now = System.nanoTime();
      timer.add(phase, now - lapStart);
      lapStart = now;
    }
  }

  /** A search step (weight and architecture step) is over. */
  void stepEnd() {
    if (timer != null) {
      timer.stepEnd();
    }
  }

  /** Runs a method's architecture step, timed as one {@link Phase#ARCH}. */
  void archStep(Runnable step) {
    inArchStep = true;
    try {
      step.run();
    } finally {
      inArchStep = false;
    }
    lap(Phase.ARCH);
  }

  /**
   * Forward and backward pass of {@code batch} on the current path in {@code step} (a
   * sub-manager the caller closes); leaves the gradients on the parameters that took part.
   */
  BatchResult forwardBackward(BatchLoader.HostBatch batch, NDManager step, boolean probing) {
    threads.apply();
    net.beginPass(probing);
    NDArray loss;
    NDArray logits;
    // The forward pass's arrays live in their own manager, closed before the backward pass:
    // autograd holds what backward needs, so each activation is freed as soon as backward has
    // used it instead of at the step's end (a supernet's activations are K times a network's).
    try (NDManager forward = step.newSubManager()) {
      // inputs in the step's manager: backward reads them again, and an array made from Java data
      // lives only as long as it is open (see train.TrainingLoop)
      NDArray x = batch.images(step);
      NDArray target = step.create(oneHot(batch), new Shape(batch.size(), numClasses));
      lap(Phase.DATA);
      JniUtils.setGradMode(true);
      try {
        logits = net.block().forward(store, new NDList(x), true).singletonOrThrow();
        loss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
      } finally {
        JniUtils.setGradMode(false);
      }
      logits.attach(step);
      loss.attach(step);
      for (Supernet.Probe p : net.probes()) { // ProxylessNAS reads them after the backward pass
        p.input().attach(step);
        if (p.output() != null) {
          p.output().attach(step);
        }
        p.leaf().attach(step);
      }
    }
    lap(Phase.FORWARD);
    JniUtils.setGradMode(true);
    try {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) step.ones(loss.getShape()), false, false);
    } finally {
      JniUtils.setGradMode(false);
    }
    lap(Phase.BACKWARD);
    float value = loss.getFloat();
    if (!Float.isFinite(value)) {
      throw new dev.jnas.util.NasException("the supernet's loss diverged (" + value + ") at weight step " + steps);
    }
    BatchResult result = new BatchResult(value, correct(logits, batch), batch.size());
    lap(Phase.FORWARD);
    return result;
  }

  /** An SGD step on the parameters of the last pass (the others are left exactly as they are). */
  void updateWeights(NDManager step) {
    java.util.Map<Integer, boolean[]> partial = new java.util.HashMap<>();
    List<Parameter> ps = sgd.parameters();
    if (!net.partiallyUsed().isEmpty()) {
      for (int i = 0; i < ps.size(); i++) {
        boolean[] slice = net.partiallyUsed().get(ps.get(i));
        if (slice != null) {
          partial.put(i, slice);
        }
      }
    }
    sgd.step(step, learningRate.getNewValue(steps), unused(), partial);
    steps++;
  }

  /** Drops the weight gradients of the last pass (an architecture step computed them too). */
  void discardWeightGradients() {
    sgd.zeroGradients();
  }

  /** Per trainable parameter: whether the last pass left it out. */
  boolean[] unused() {
    boolean[][] used = net.used();
    boolean[] skip = new boolean[ownerOp.length];
    for (int i = 0; i < skip.length; i++) {
      skip[i] = ownerOp[i] >= 0 && !used[ownerOp[i]][ownerCandidate[i]];
    }
    return skip;
  }

  /**
   * Accuracy and loss of the current path on {@code data} (up to {@code maxImages}; 0 = all),
   * without gradients. Batch norm uses the batch's statistics, as one-shot methods evaluate
   * sub-networks of shared weights (the running averages mix every path).
   */
  double[] evaluate(BatchLoader data, int maxImages) {
    long seen = 0;
    long correct = 0;
    double lossSum = 0;
    try (BatchLoader.Epoch it = data.epoch(0)) {
      while (it.hasNext() && (maxImages <= 0 || seen < maxImages)) {
        BatchLoader.HostBatch b = it.next();
        if (b.size() < 2) {
          continue;
        }
        double[] r = evaluate(b);
        lossSum += r[0] * b.size();
        correct += Math.round(r[1] * b.size());
        seen += b.size();
      }
    }
    return seen == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {lossSum / seen, (double) correct / seen};
  }

  /** Loss and accuracy of the current path on one batch, without gradients. */
  double[] evaluate(BatchLoader.HostBatch batch) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager step = manager.newSubManager()) {
      net.beginPass(false);
      NDArray logits = net.block().forward(store, new NDList(batch.images(step)), true).singletonOrThrow();
      NDArray target = step.create(oneHot(batch), new Shape(batch.size(), numClasses));
      float loss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg().getFloat();
      return new double[] {loss, (double) correct(logits, batch) / batch.size()};
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private float[] oneHot(BatchLoader.HostBatch batch) {
    float[] t = new float[batch.size() * numClasses];
    for (int i = 0; i < batch.size(); i++) {
      t[i * numClasses + batch.labels()[i]] = 1f;
    }
    return t;
  }

  private static int correct(NDArray logits, BatchLoader.HostBatch batch) {
    long[] predicted = logits.argMax(1).toLongArray();
    int c = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] == batch.labels()[i]) {
        c++;
      }
    }
    return c;
  }

  @Override
  public void close() {
    threads.close();
    model.close();
  }
}
