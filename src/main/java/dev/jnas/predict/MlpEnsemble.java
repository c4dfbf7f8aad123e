package dev.jnas.predict;

import static dev.jnas.predict.AlignedArrays.aligned;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.jnas.train.FlatAdam;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * PNAS's MLP predictor as an ensemble: each token is embedded, a group's embeddings are
 * concatenated, the groups of a sequence averaged (so cells of any block count share one
 * network), and an MLP with ReLU maps the result to a score. Embedding, concatenating, averaging
 * and the first layer are together one linear map of the mean one-hot of each position in a
 * group, so they are learned as one matrix: one product fewer per step, the same functions. Member m trains on the data outside
 * fold m of {@code members} folds (each on (members-1)/members of it, as PNAS's ensemble of 5
 * on 4/5 each), so their spread says where the data is thin.
 *
 * <p>All members train at once: their weights are stacked along a leading member axis and every
 * layer is one batched matrix product, and each step is full-batch Adam on an L1 loss (PNAS's) of
 * standardised targets. A DJL op costs the same for 5 members as for one, so this is what makes
 * fitting hundreds of times per search affordable.
 *
 * <p>Every {@link #fit} starts from fresh weights drawn from its seed: on data this small a refit
 * from scratch costs a fraction of a second, and a search restored from a snapshot then predicts
 * exactly what the original did, without saving weights.
 */
public final class MlpEnsemble implements Predictor {

  /**
   * @param members ensemble size (1: one network on all data)
   * @param hidden width of each hidden layer
   * @param layers number of hidden layers (>= 1)
   * @param steps full-batch Adam steps per fit
   * @param learningRate Adam's learning rate
   */
  public record Settings(int members, int hidden, int layers, int steps, double learningRate) {
    public Settings {
      if (members < 1 || hidden < 1 || layers < 1 || steps < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("MLP ensemble settings must be positive: " + this);
      }
    }

    /** PNAS-like defaults: 5 members, two hidden layers of 64. */
    public static Settings defaults() {
      return new Settings(5, 64, 2, 300, 0.01);
    }
  }

  private final TokenSpec spec;
  private final Settings settings;
  private final NDManager manager = NDManager.newBaseManager(Device.cpu());
  /** The fitted weights (embedding, then weight and bias per layer), or null before a fit. */
  private NDManager weights;
  private List<NDArray> params;
  private double targetMean;
  private double targetScale;

  public MlpEnsemble(TokenSpec spec, Settings settings) {
    this.spec = spec;
    this.settings = settings;
  }

  @Override
  public int members() {
    return settings.members();
  }

  @Override
  public void fit(List<int[]> sequences, double[] targets, long seed) {
    int n = sequences.size();
    if (n == 0 || targets.length != n) {
      throw new IllegalArgumentException("fit needs as many targets as sequences, and at least one");
    }
    standardise(targets);
    if (weights != null) {
      weights.close();
    }
    weights = manager.newSubManager();
    Rng rng = Rng.of(seed);
    params = initialise(rng);
    int m = settings.members();
    try (NDManager fit = manager.newSubManager()) {
      float[] x = features(sequences);
      Shape xShape = new Shape(n, spec.groupSize(), spec.vocabulary());
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = (float) ((targets[i] - targetMean) / targetScale);
      }
      NDArray target = aligned(fit, y, new Shape(1, n, 1));
      NDArray mask = aligned(fit, memberMask(n, rng), new Shape(m, n, 1));
      NDArray counts = mask.sum(new int[] {1, 2}).maximum(1f).reshape(m, 1, 1);
      NDArray weightOfRow = mask.div(counts); // each member's loss is its own mean over its share
      // weights and moments as views of flat buffers in the weights' manager: one Adam update per step
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        ids.add("p" + i);
      }
      FlatAdam adam = FlatAdam.forArrays(params, ids, FlatAdam.Settings.of((float) settings.learningRate()), weights);
      params = adam.arrays();
      for (NDArray p : params) {
        p.setRequiresGradient(true);
      }
      for (int step = 0; step < settings.steps(); step++) {
        try (NDManager round = fit.newSubManager()) {
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // the input is created in this step's manager, so every intermediate lands there
            NDArray loss = forward(aligned(round, x, xShape)).sub(target).abs().mul(weightOfRow).sum();
            collector.backward(loss);
          }
          adam.step(round);
        }
      }
      for (NDArray p : params) {
        p.setRequiresGradient(false);
      }
    }
  }

  @Override
  public double[][] predict(List<int[]> sequences) {
    if (params == null) {
      throw new IllegalStateException("predict before fit");
    }
    int m = settings.members();
    int n = sequences.size();
    double[][] out = new double[m][n];
    if (n == 0) {
      return out;
    }
    float[] v;
    try (NDManager round = manager.newSubManager()) {
      v = forward(aligned(round, features(sequences), new Shape(n, spec.groupSize(), spec.vocabulary()))).toFloatArray();
      for (int k = 0; k < m; k++) {
        for (int i = 0; i < n; i++) {
          out[k][i] = v[k * n + i] * targetScale + targetMean;
        }
      }
    }
    return out;
  }

  /**
   * The mean one-hot of each position within a group over a sequence's groups, {@code [n, g, V]}:
   * embedding it is the same as averaging the groups' embeddings.
   */
  private float[] features(List<int[]> sequences) {
    int g = spec.groupSize();
    int v = spec.vocabulary();
    float[] f = new float[sequences.size() * g * v];
    for (int i = 0; i < sequences.size(); i++) {
      int[] s = sequences.get(i);
      if (s.length == 0 || s.length % g != 0) {
        throw new IllegalArgumentException("sequence " + i + " has " + s.length + " tokens, not a multiple of " + g);
      }
      float share = (float) g / s.length;
      for (int t = 0; t < s.length; t++) {
        if (s[t] < 0 || s[t] >= v) {
          throw new IllegalArgumentException("token " + s[t] + " of sequence " + i + " is outside [0, " + v + ")");
        }
        f[(i * g + t % g) * v + s[t]] += share;
      }
    }
    return f;
  }

  /** [members, n, 1] scores of the standardised target. */
  private NDArray forward(NDArray x) {
    int m = settings.members();
    long n = x.getShape().get(0);
    int g = spec.groupSize();
    // [1, n, g*V] x [m, g*V, hidden]: the tokens' embedding and the first layer in one product
    NDArray h = x.reshape(1, n, (long) g * spec.vocabulary());
    int last = params.size() - 2;
    // maximum(0f) would compare with a scalar wrapping a Java buffer DJL frees after the op, which
    // autograd reads again in the backward pass: a zero libtorch owns instead
    NDArray zero = last > 0 ? h.getManager().zeros(new ai.djl.ndarray.types.Shape()) : null;
    for (int i = 0; i < params.size(); i += 2) {
      h = h.matMul(params.get(i)).add(params.get(i + 1));
      if (i < last) {
        h = h.maximum(zero);
      }
    }
    return h;
  }

  /** Fresh weights: Glorot-uniform layers, zero biases, from {@code rng}. */
  private List<NDArray> initialise(Rng rng) {
    int m = settings.members();
    List<NDArray> p = new ArrayList<>();
    int in = spec.groupSize() * spec.vocabulary();
    for (int layer = 0; layer <= settings.layers(); layer++) {
      int out = layer == settings.layers() ? 1 : settings.hidden();
      double limit = Math.sqrt(6.0 / (in + out));
      float[] w = new float[m * in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
      }
      p.add(aligned(weights, w, new Shape(m, in, out)));
      p.add(weights.zeros(new Shape(m, 1, out)));
      in = out;
    }
    return p;
  }

  /** 1 where member k trains on row i: every row outside fold k of a random fold assignment. */
  private float[] memberMask(int n, Rng rng) {
    int m = settings.members();
    float[] mask = new float[m * n];
    java.util.Arrays.fill(mask, 1f);
    if (m == 1 || n < m) {
      return mask; // too few rows to hold any out
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int r = 0; r < n; r++) {
      mask[(r % m) * n + order[r]] = 0f;
    }
    return mask;
  }

  private void standardise(double[] targets) {
    double sum = 0;
    for (double t : targets) {
      sum += t;
    }
    targetMean = sum / targets.length;
    double sq = 0;
    for (double t : targets) {
      sq += (t - targetMean) * (t - targetMean);
    }
    double sd = Math.sqrt(sq / targets.length);
    targetScale = sd > 1e-12 ? sd : 1;
  }

  /** Arrays this predictor holds now (tests check that fits do not accumulate them). */
  int liveArrays() {
    return manager.getManagedArrays().size(); // sub-managers' arrays included
  }

  @Override
  public void close() {
    manager.close();
  }
}
