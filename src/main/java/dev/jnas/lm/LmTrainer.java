package dev.jnas.lm;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.jnas.train.Sgd;
import dev.jnas.train.ThreadGovernor;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a {@link LanguageModelNetwork} by truncated backpropagation through time: the training
 * stream, cut into {@code batch_size} rows, is read in windows of {@code bptt} steps; the state
 * after a window starts the next one (detached from its graph) and goes back to zeros at each
 * epoch. Plain SGD with the global gradient norm clipped to {@code clip}; the learning rate is
 * divided by {@code lr_decay} by the caller ({@link #decay}) after an epoch without improvement.
 *
 * <p>Every array of a step lives in that step's sub-manager; the carried state in one that lives
 * for the epoch. Not thread-safe.
 */
public final class LmTrainer implements AutoCloseable {
  private final LanguageModelNetwork net;
  private final LmSettings settings;
  private final Model model;
  private final NDManager manager;
  private final ParameterStore store;
  private final List<Parameter> trainable = new ArrayList<>();
  private final Sgd sgd;
  private double learningRate;

  /** What a search does around each weight step (ENAS: choose the step's path). */
  public interface StepHook {
    /** Before step {@code s}: returns which parameters the step leaves alone (null: none). */
    boolean[] beforeStep(int s);
  }

  /** Epoch progress: the share of the epoch's steps done. */
  public interface Progress {
    void onBatch(double fraction);
  }

  /**
   * The summed loss, correct predictions and tokens of a pass.
   *
   * @param skipped training windows left out because their loss exploded (a supernet's tolerance)
   */
  public record Pass(double lossSum, long correct, long tokens, int skipped) {
    public Pass(double lossSum, long correct, long tokens) {
      this(lossSum, correct, tokens, 0);
    }

    public double meanLoss() {
      return tokens == 0 ? Double.NaN : lossSum / tokens;
    }

    public double accuracy() {
      return tokens == 0 ? Double.NaN : (double) correct / tokens;
    }

    public double perplexity() {
      return Math.exp(meanLoss());
    }
  }

  /**
   * @param initSeed the engine seed for the initial weights (process-wide: set here, where the
   *     trial runs; the caller records it)
   */
  public LmTrainer(LanguageModelNetwork net, LmSettings settings, int initSeed) {
    this.net = net;
    this.settings = settings;
    this.model = Model.newInstance("language-model");
    try {
      model.setBlock(net);
      manager = model.getNDManager();
      store = new ParameterStore(manager, false);
      Engine.getInstance().setRandomSeed(initSeed);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
      List<String> names = new ArrayList<>();
      for (var p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          trainable.add(p.getValue());
          names.add(p.getKey());
        }
      }
      sgd = new Sgd(trainable, names, 0, false, 0, manager);
      learningRate = settings.learningRate();
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public LanguageModelNetwork network() {
    return net;
  }

  public NDManager manager() {
    return manager;
  }

  /** The trainable parameters, in the order {@link StepHook#beforeStep}'s mask follows. */
  public List<Parameter> parameters() {
    return trainable;
  }

  public double learningRate() {
    return learningRate;
  }

  public void setLearningRate(double lr) {
    learningRate = lr;
  }

  /** Divides the learning rate by {@code lr_decay}. */
  public void decay() {
    learningRate /= settings.lrDecay();
  }

  /**
   * One epoch over {@code rows}; the engine seed (dropout) is set from {@code dropoutSeed} first,
   * so an epoch continued after a crash draws the same masks.
   *
   * @throws DivergedException on a non-finite loss
   */
  public Pass trainEpoch(int[][] rows, int dropoutSeed, StepHook hook, Progress progress) {
    return trainEpoch(rows, dropoutSeed, hook, progress, false);
  }

  /**
   * As {@link #trainEpoch(int[][], int, StepHook, Progress)}; with {@code tolerate}, a window whose
   * loss is not finite or above {@link #explodedLoss} is left out (no update, the state back to
   * zeros) instead of ending the run: a supernet samples cells whose activations explode (relu or
   * identity chains) while the shared weights are young, and one such path must not end the search.
   */
  public Pass trainEpoch(int[][] rows, int dropoutSeed, StepHook hook, Progress progress, boolean tolerate) {
    Engine.getInstance().setRandomSeed(dropoutSeed);
    int len = rows[0].length;
    int windows = windows(len, settings.bptt());
    double lossSum = 0;
    long correct = 0;
    long tokens = 0;
    int skipped = 0;
    double limit = explodedLoss(net.vocabulary());
    boolean grad = JniUtils.isGradMode();
    // spinning OpenMP threads, as many as the machine has free cores for
    try (NDManager epoch = manager.newSubManager();
        ThreadGovernor.Lease threads = ThreadGovernor.system().enter()) {
      NDList state = net.zeroState(epoch, rows.length);
      int s = 0;
      for (int start = 0; start + 1 < len; start += settings.bptt(), s++) {
        int t = Math.min(settings.bptt(), len - 1 - start);
        threads.apply();
        boolean[] skip = hook == null ? null : hook.beforeStep(s);
        try (NDManager step = manager.newSubManager()) {
          NDArray x = window(step, rows, start, t);
          NDArray y = window(step, rows, start + 1, t).reshape(-1, 1);
          NDList in = new NDList(x);
          in.addAll(state);
          JniUtils.setGradMode(true);
          NDList out = net.forward(store, in, true);
          NDArray logp = out.head().logSoftmax(1);
          NDArray loss = logp.gather(y, 1).mean().neg();
          JniUtils.backward((PtNDArray) loss, (PtNDArray) step.ones(loss.getShape()), false, false);
          JniUtils.setGradMode(false);
          float value = loss.getFloat();
          if (tolerate && !(value <= limit)) {
            skipped++;
            sgd.zeroGradients();
            state.close();
            state = net.zeroState(epoch, rows.length);
            continue;
          }
          if (!Float.isFinite(value)) {
            throw new DivergedException("loss diverged (" + (Float.isNaN(value) ? "NaN" : "Inf") + ") at step " + s);
          }
          long n = (long) rows.length * t;
          lossSum += (double) value * n;
          correct += logp.argMax(1).reshape(-1, 1).eq(y).sum().getLong();
          tokens += n;
          clip(step, skip);
          sgd.step(step, (float) learningRate, skip);
          // the state carries over, detached: backpropagation stops at the window's start
          NDList next = new NDList();
          for (NDArray a : out.subNDList(1)) {
            NDArray d = a.stopGradient();
            d.attach(epoch);
            next.add(d);
          }
          state.close();
          state = next;
        }
        if (progress != null) {
          progress.onBatch((double) (s + 1) / windows);
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    if (tolerate && tokens == 0) {
      throw new DivergedException("every training window's loss exploded (" + skipped + " windows)");
    }
    return new Pass(lossSum, correct, tokens, skipped);
  }

  /** A loss per token no trained model reaches: ten times a uniform guess's, plus 10 nats. */
  static double explodedLoss(int vocabulary) {
    return 10 * Math.log(vocabulary) + 10;
  }

  /** Scales the gradients of the parameters the step updates to a global norm of at most {@code clip}. */
  private void clip(NDManager step, boolean[] skip) {
    if (settings.clip() <= 0) {
      return;
    }
    List<NDArray> grads = new ArrayList<>();
    NDArray sq = null;
    for (int i = 0; i < trainable.size(); i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      NDArray g = trainable.get(i).getArray().getGradient();
      g.attach(step);
      grads.add(g);
      NDArray s = g.square().sum();
      sq = sq == null ? s : sq.add(s);
    }
    if (sq == null) {
      return;
    }
    double norm = Math.sqrt(sq.getFloat());
    if (norm > settings.clip()) {
      NDArray scale = step.create((float) (settings.clip() / (norm + 1e-6)));
      for (NDArray g : grads) {
        g.muli(scale); // the handle shares the parameter's gradient storage
      }
    }
  }

  /** Mean loss and accuracy over the whole of {@code rows}, the state carried through (no dropout). */
  public Pass evaluate(int[][] rows) {
    return evaluate(rows, 0, rows[0].length);
  }

  /** As {@link #evaluate(int[][])} over columns {@code [from, to)} of {@code rows}, from a zero state. */
  public Pass evaluate(int[][] rows, int from, int to) {
    double lossSum = 0;
    long correct = 0;
    long tokens = 0;
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager pass = manager.newSubManager()) {
      NDList state = net.zeroState(pass, rows.length);
      for (int start = from; start + 1 < to; start += settings.bptt()) {
        int t = Math.min(settings.bptt(), to - 1 - start);
        try (NDManager step = manager.newSubManager()) {
          NDArray x = window(step, rows, start, t);
          NDArray y = window(step, rows, start + 1, t).reshape(-1, 1);
          NDList in = new NDList(x);
          in.addAll(state);
          NDList out = net.forward(store, in, false);
          NDArray logp = out.head().logSoftmax(1);
          lossSum += -logp.gather(y, 1).sum().getFloat();
          correct += logp.argMax(1).reshape(-1, 1).eq(y).sum().getLong();
          tokens += (long) rows.length * t;
          NDList next = new NDList();
          for (NDArray a : out.subNDList(1)) {
            a.attach(pass);
            next.add(a);
          }
          state = next;
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    return new Pass(lossSum, correct, tokens);
  }

  /** Windows of a pass over rows of {@code len} tokens. */
  public static int windows(int len, int bptt) {
    return Math.max(0, (len - 2) / bptt + 1);
  }

  private static NDArray window(NDManager m, int[][] rows, int start, int t) {
    long[] ids = new long[rows.length * t];
    for (int b = 0; b < rows.length; b++) {
      for (int k = 0; k < t; k++) {
        ids[b * t + k] = rows[b][start + k];
      }
    }
    return m.create(ids, new Shape(rows.length, t));
  }

  @Override
  public void close() {
    model.close();
  }

  /** A training run whose loss stopped being a number. */
  public static final class DivergedException extends RuntimeException {
    public DivergedException(String message) {
      super(message);
    }
  }
}
