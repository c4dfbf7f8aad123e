package dev.jnas.predict;

import static dev.jnas.predict.AlignedArrays.aligned;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBaseBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.jnas.train.FlatAdam;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * PNAS's LSTM surrogate (Liu et al. 2018, section 3.3): each token (a block's in1, in2, op1, op2)
 * is looked up in one embedding table, an LSTM reads the sequence, and a linear layer with a
 * sigmoid reads its last hidden state; trained with Adam on the L1 loss. Rewards in [0, 1] (jnas's
 * accuracies) are fitted as they are; other ranges are mapped into [0.1, 0.9] by the minimum and
 * maximum of the targets of the latest fit (predictions are mapped back), since a sigmoid cannot
 * reach them.
 *
 * <p>Each fit is full-batch: every step runs each ensemble member once per sequence length
 * (sequences of one length form one LSTM batch), so a step costs a few LSTM calls whatever the
 * number of architectures. With more than one member, member m leaves out fold m of a split of the
 * data drawn from the fit's seed (PNAS's ensemble of 5, each on 4/5 of the data).
 *
 * <p>Autograd runs through the PyTorch engine's per-thread grad mode (as {@code TrainingLoop}
 * does), not DJL's process-wide gradient collector, so a fit may run while trials train in other
 * threads. Weights, Adam's moments and every array of a fit or prediction live in this
 * predictor's manager (the temporaries in sub-managers closed at once) until {@link #close()}.
 */
public final class LstmPredictor implements Predictor {
  /** PNAS's sizes: embeddings and LSTM state of 100. */
  public static final int DEFAULT_HIDDEN = 100;
  public static final int DEFAULT_LAYERS = 1;
  public static final int DEFAULT_MEMBERS = 1;
  public static final int DEFAULT_EPOCHS = 200;
  public static final double DEFAULT_LEARNING_RATE = 0.01;

  /**
   * @param hidden size of the token embeddings and of the LSTM state
   * @param layers stacked LSTM layers
   * @param members ensemble members
   * @param epochs full-batch Adam steps per {@link #fit}
   * @param learningRate Adam's step size
   */
  public record Settings(int hidden, int layers, int members, int epochs, double learningRate) {
    public Settings {
      if (hidden < 1 || layers < 1 || members < 1 || epochs < 1 || !(learningRate > 0 && Double.isFinite(learningRate))) {
        throw new IllegalArgumentException("LSTM predictor settings must be positive: " + this);
      }
    }

    public static Settings defaults() {
      return new Settings(DEFAULT_HIDDEN, DEFAULT_LAYERS, DEFAULT_MEMBERS, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE);
    }
  }

  /** Sequences scored per forward pass in {@link #predict}. */
  private static final int PREDICT_CHUNK = 4096;

  /** Half-width of the uniform initialisation (PyTorch's 1/sqrt(hidden) for hidden = 100). */
  private static final float INIT_RANGE = 0.1f;

  private final TokenSpec spec;
  private final Settings settings;
  private final NDManager manager;
  private final ParameterStore store;
  /** Null until the first fit draws the weights from its seed. */
  private List<Member> ensemble;
  /** The latest fit's map of targets into the sigmoid's range: {@code y' = y * scale + offset}. */
  private double scale = 1;
  private double offset;

  public LstmPredictor(TokenSpec spec, Settings settings) {
    this.spec = spec;
    this.settings = settings;
    this.manager = NDManager.newBaseManager(Device.cpu());
    this.store = new ParameterStore(manager, false);
  }

  /** One member's embedding table, LSTM and output layer. */
  private final class Member {
    final Parameter embedding;
    final LSTM lstm;
    final Linear head;
    final List<Parameter> parameters = new ArrayList<>();
    /** Adam on this member's parameters (views of one flat buffer from then on). */
    final FlatAdam adam;

    Member(int index, RandomGenerator rng) {
      Initializer uniform = seededUniform(rng);
      embedding =
          Parameter.builder()
              .setName("m" + index + ".embedding")
              .setType(Parameter.Type.WEIGHT)
              .optShape(new Shape(spec.vocabulary(), settings.hidden()))
              .optInitializer(uniform)
              .build();
      embedding.initialize(manager, DataType.FLOAT32);
      parameters.add(embedding);
      lstm = LSTM.builder().setNumLayers(settings.layers()).setStateSize(settings.hidden()).optBatchFirst(true).optReturnState(true).build();
      init(lstm, uniform, new Shape(1, 1, settings.hidden()));
      head = Linear.builder().setUnits(1).build();
      init(head, uniform, new Shape(1, settings.hidden()));
      adam = FlatAdam.forParameters(
          parameters, parameters.stream().map(Parameter::getId).toList(), FlatAdam.Settings.of((float) settings.learningRate()),
          manager);
    }

    private void init(AbstractBaseBlock block, Initializer initializer, Shape input) {
      block.setInitializer(initializer, p -> true);
      block.initialize(manager, DataType.FLOAT32, input);
      block.getParameters().forEach(p -> parameters.add(p.getValue()));
    }

    /** Sigmoid outputs [n] for {@code oneHot} [n * length, vocabulary] of n sequences of one length. */
    NDArray forward(NDManager m, NDArray oneHot, int n, int length, boolean training) {
      NDArray x = oneHot.matMul(embedding.getArray()).reshape(n, length, settings.hidden());
      NDArray zeros = m.zeros(new Shape(settings.layers(), n, settings.hidden()));
      // the last layer's final hidden state
      NDArray h = lstm.forward(store, new NDList(x, zeros, zeros), training).get(1).get(settings.layers() - 1);
      return Activation.sigmoid(head.forward(store, new NDList(h), training).singletonOrThrow().reshape(n));
    }
  }

  /** Uniform(-0.1, 0.1) from the fit's own generator, not DJL's global one. */
  private static Initializer seededUniform(RandomGenerator rng) {
    return (NDManager m, Shape shape, DataType type) -> {
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((rng.nextDouble() * 2 - 1) * INIT_RANGE);
      }
      return aligned(m, values, shape);
    };
  }

  /** Sequences of one length: their positions in the caller's list and their one-hot tokens. */
  private record Group(int length, int[] rows, NDArray oneHot) {}

  /** Groups {@code sequences} by length (in order of first appearance), one-hot arrays in {@code m}. */
  private List<Group> groups(NDManager m, List<int[]> sequences) {
    Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
    for (int i = 0; i < sequences.size(); i++) {
      int[] s = sequences.get(i);
      if (s.length == 0 || s.length % spec.groupSize() != 0) {
        throw new IllegalArgumentException(
            "sequence " + i + " has " + s.length + " tokens, not a positive multiple of " + spec.groupSize());
      }
      for (int t : s) {
        if (t < 0 || t >= spec.vocabulary()) {
          throw new IllegalArgumentException("sequence " + i + " holds token " + t + ", outside [0, " + spec.vocabulary() + ")");
        }
      }
      byLength.computeIfAbsent(s.length, k -> new ArrayList<>()).add(i);
    }
    List<Group> out = new ArrayList<>();
    int v = spec.vocabulary();
    byLength.forEach(
        (length, rows) -> {
          float[] oneHot = new float[rows.size() * length * v];
          for (int k = 0; k < rows.size(); k++) {
            int[] s = sequences.get(rows.get(k));
            for (int t = 0; t < length; t++) {
              oneHot[(k * length + t) * v + s[t]] = 1f;
            }
          }
          int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
          out.add(new Group(length, r, aligned(m, oneHot, new Shape((long) rows.size() * length, v))));
        });
    return out;
  }

  @Override
  public void fit(List<int[]> sequences, double[] targets, long seed) {
    if (sequences.size() != targets.length || targets.length == 0) {
      throw new IllegalArgumentException(
          "fit needs one target per sequence and at least one, got " + sequences.size() + " and " + targets.length);
    }
    Rng rng = Rng.of(seed);
    if (ensemble == null) {
      List<Member> members = new ArrayList<>();
      for (int k = 0; k < settings.members(); k++) {
        members.add(new Member(k, rng));
      }
      ensemble = members;
    }
    setScale(targets);
    int n = targets.length;
    int[] fold = folds(n, rng);
    boolean gradModeBefore = JniUtils.isGradMode();
    try (NDManager fitScope = manager.newSubManager()) {
      List<Group> groups = groups(fitScope, sequences);
      List<NDArray> y = new ArrayList<>();
      List<List<NDArray>> weights = new ArrayList<>(); // [member][group]: 1 on the member's share, over its size
      for (Group g : groups) {
        float[] t = new float[g.rows().length];
        for (int k = 0; k < t.length; k++) {
          t[k] = (float) scaled(targets[g.rows()[k]]);
        }
        y.add(aligned(fitScope, t, new Shape(t.length)));
      }
      for (int m = 0; m < ensemble.size(); m++) {
        int share = 0;
        for (int i = 0; i < n; i++) {
          share += fold[i] == m ? 0 : 1;
        }
        List<NDArray> w = new ArrayList<>();
        for (Group g : groups) {
          float[] wk = new float[g.rows().length];
          for (int k = 0; k < wk.length; k++) {
            wk[k] = fold[g.rows()[k]] == m ? 0f : 1f / Math.max(1, share);
          }
          w.add(aligned(fitScope, wk, new Shape(wk.length)));
        }
        weights.add(w);
      }
      for (int epoch = 0; epoch < settings.epochs(); epoch++) {
        for (int m = 0; m < ensemble.size(); m++) {
          step(fitScope, ensemble.get(m), groups, y, weights.get(m));
        }
      }
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
  }

  /**
   * Which member leaves each row out: fold {@code k} of a seeded split into {@code members} folds,
   * or -1 everywhere (every member sees everything) for a single model.
   */
  private int[] folds(int n, RandomGenerator rng) {
    int[] fold = new int[n];
    int members = ensemble.size();
    if (members == 1 || n < members) {
      java.util.Arrays.fill(fold, -1);
      return fold;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates with the fit's generator
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int i = 0; i < n; i++) {
      fold[order[i]] = i % members;
    }
    return fold;
  }

  /** One full-batch Adam step of one member on its weighted mean L1 loss. */
  private void step(NDManager scope, Member member, List<Group> groups, List<NDArray> y, List<NDArray> w) {
    try (NDManager round = scope.newSubManager()) {
      JniUtils.setGradMode(true);
      NDArray loss = null;
      for (int g = 0; g < groups.size(); g++) {
        Group group = groups.get(g);
        NDArray p = member.forward(round, group.oneHot(), group.rows().length, group.length(), true);
        NDArray part = p.sub(y.get(g)).abs().mul(w.get(g)).sum();
        loss = loss == null ? part : loss.add(part);
      }
      JniUtils.backward((PtNDArray) loss, (PtNDArray) round.ones(loss.getShape()), false, false);
      JniUtils.setGradMode(false);
      member.adam.step(round);
    }
  }

  private void setScale(double[] targets) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double t : targets) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("targets must be finite, got " + t);
      }
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    if (lo >= 0 && hi <= 1) {
      scale = 1;
      offset = 0;
    } else {
      scale = hi > lo ? 0.8 / (hi - lo) : 1;
      offset = 0.1 - lo * scale;
    }
  }

  private double scaled(double y) {
    return y * scale + offset;
  }

  @Override
  public double[][] predict(List<int[]> sequences) {
    if (ensemble == null) {
      throw new IllegalStateException("predict before fit: the LSTM predictor has no weights yet");
    }
    double[][] out = new double[ensemble.size()][sequences.size()];
    if (sequences.isEmpty()) {
      return out;
    }
    boolean gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      // in chunks: PNAS scores up to K x (b+2)^2 x ops^2 expansions, too many for one one-hot array
      for (int from = 0; from < sequences.size(); from += PREDICT_CHUNK) {
        int to = Math.min(sequences.size(), from + PREDICT_CHUNK);
        try (NDManager round = manager.newSubManager()) {
          for (Group g : groups(round, sequences.subList(from, to))) {
            for (int m = 0; m < ensemble.size(); m++) {
              float[] p = ensemble.get(m).forward(round, g.oneHot(), g.rows().length, g.length(), false).toFloatArray();
              for (int k = 0; k < p.length; k++) {
                out[m][from + g.rows()[k]] = (p[k] - offset) / scale;
              }
            }
          }
        }
      }
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
    return out;
  }

  @Override
  public int members() {
    return settings.members();
  }

  /** Arrays this predictor holds (weights, Adam's moments): for leak checks. */
  int ownedArrays() {
    return manager.getManagedArrays().size();
  }

  @Override
  public void close() {
    manager.close();
  }
}
