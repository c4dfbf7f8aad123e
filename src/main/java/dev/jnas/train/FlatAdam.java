package dev.jnas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam over many small arrays in one update: the arrays become views of one flat weight buffer
 * and their gradients views of one flat gradient buffer ({@link FlatParameters}), and DJL's fused
 * Adam runs once on the buffers instead of once per array with its per-array bookkeeping. The
 * arithmetic is element-wise and every array takes every step, so the numbers are those of the
 * per-array update ({@code FlatAdamTest}); where the set-up is not possible (an array listed
 * twice, another dtype) the per-array update runs.
 *
 * <p>The state per array ({@link #moments}) reads and restores as {@link SavableAdam}'s does, so
 * snapshots written by either load into either.
 *
 * <p>Make it before the arrays' first backward pass. Not thread-safe; grad mode must be off
 * during {@link #step}.
 */
public final class FlatAdam {
  /** The id of the one flat parameter Adam sees on the flat path. */
  private static final String FLAT = "flat";

  /** Adam's hyperparameters (epsilon is DJL's 1e-8). */
  public record Settings(float learningRate, float beta1, float beta2, float weightDecay) {
    /** Betas (0.9, 0.999), no weight decay. */
    public static Settings of(float learningRate) {
      return new Settings(learningRate, 0.9f, 0.999f, 0f);
    }
  }

  private final List<String> ids;
  private final List<NDArray> leaves;
  private final FlatParameters flat; // null: one update per array
  /** Elements in all arrays together: the length of a given gradient and of the flat buffers. */
  private final long size;
  private final Settings settings;
  private final NDManager owner;
  private SavableAdam adam;
  private int steps;

  private FlatAdam(List<String> ids, List<NDArray> leaves, FlatParameters flat, Settings settings, NDManager owner) {
    this.ids = List.copyOf(ids);
    this.leaves = List.copyOf(leaves);
    this.flat = flat;
    this.size = leaves.stream().mapToLong(NDArray::size).sum();
    this.settings = settings;
    this.owner = owner;
    this.adam = newAdam(0, Map.of());
  }

  /**
   * Adam for {@code params}, whose arrays become views of a flat buffer (values kept; arrays
   * fetched from them before are closed).
   *
   * @param ids one id per parameter (its key in {@link #moments} and {@link #restore})
   * @param owner the manager that keeps the buffers and moments (the model's)
   */
  public static FlatAdam forParameters(List<Parameter> params, List<String> ids, Settings settings, NDManager owner) {
    checkIds(params.size(), ids);
    FlatParameters flat = FlatParameters.tryCreate(params, owner);
    List<NDArray> leaves = new ArrayList<>();
    params.forEach(p -> leaves.add(p.getArray()));
    return new FlatAdam(ids, leaves, flat, settings, owner);
  }

  /**
   * Adam for plain arrays that need gradients: use {@link #arrays()} in their place from now on
   * (the arrays given are closed when they became views).
   */
  public static FlatAdam forArrays(List<NDArray> arrays, List<String> ids, Settings settings, NDManager owner) {
    checkIds(arrays.size(), ids);
    FlatParameters flat = FlatParameters.tryCreateArrays(arrays, owner);
    return new FlatAdam(ids, flat == null ? arrays : List.of(flat.leaves), flat, settings, owner);
  }

  private static void checkIds(int n, List<String> ids) {
    if (ids.size() != n || new java.util.HashSet<>(ids).size() != n) {
      throw new IllegalArgumentException("Adam needs one distinct id per array: " + n + " arrays, ids " + ids);
    }
  }

  /** The arrays Adam updates, in the order given (views of the flat buffer on the flat path). */
  public List<NDArray> arrays() {
    return leaves;
  }

  /** Whether steps run on the flat buffers (false: one update per array). */
  public boolean isFlat() {
    return flat != null;
  }

  /** Steps taken (restored ones included). */
  public int steps() {
    return steps;
  }

  /**
   * One step from the gradients autograd left on the arrays, which it then clears. Temporaries
   * go to {@code round}, a manager the caller closes.
   */
  public void step(NDManager round) {
    if (flat != null) {
      adam.update(FLAT, flat.weights, flat.gradients);
      flat.zeroGradients();
    } else {
      for (int i = 0; i < leaves.size(); i++) {
        NDArray w = leaves.get(i);
        NDArray g = w.getGradient();
        g.attach(round); // the gradient handle would otherwise pile up in the weights' manager
        adam.update(ids.get(i), w, g);
        JniUtils.zeroGrad((PtNDArray) w);
      }
    }
    steps++;
  }

  /**
   * One step from gradients computed elsewhere: {@code gradient} holds every array's gradient,
   * flattened and concatenated in order.
   */
  public void step(float[] gradient, NDManager round) {
    if (gradient.length != size) {
      throw new IllegalArgumentException("gradient has " + gradient.length + " values, the arrays " + size);
    }
    if (flat != null) {
      adam.update(FLAT, flat.weights, round.create(gradient));
    } else {
      int at = 0;
      for (int i = 0; i < leaves.size(); i++) {
        NDArray w = leaves.get(i);
        int n = Math.toIntExact(w.size());
        float[] g = java.util.Arrays.copyOfRange(gradient, at, at + n);
        adam.update(ids.get(i), w, round.create(g, w.getShape()));
        at += n;
      }
    }
    steps++;
  }

  /** Array {@code id}'s first and second moments; empty before its first step. */
  public List<float[]> moments(String id) {
    int i = ids.indexOf(id);
    if (i < 0) {
      throw new IllegalArgumentException("no array with id " + id);
    }
    if (flat == null) {
      return adam.moments(id);
    }
    List<float[]> out = new ArrayList<>();
    int from = (int) flat.offsets[i];
    int to = (int) (flat.offsets[i] + flat.sizes[i]);
    for (float[] m : adam.moments(FLAT)) {
      out.add(java.util.Arrays.copyOfRange(m, from, to));
    }
    return out;
  }

  /**
   * Continues from a saved state: {@code steps} taken and each array's moments (by id; an array
   * missing from {@code moments}, or all of them, starts from zero moments).
   *
   * @throws IllegalArgumentException for an unknown id or a moment of the wrong size
   */
  public void restore(int steps, Map<String, List<float[]>> moments) {
    for (var e : moments.entrySet()) {
      int i = ids.indexOf(e.getKey());
      if (i < 0) {
        throw new IllegalArgumentException("Adam state of an unknown array " + e.getKey());
      }
      for (float[] m : e.getValue()) {
        if (m.length != leaves.get(i).size()) {
          throw new IllegalArgumentException(
              "Adam state of " + e.getKey() + " has " + m.length + " values, the array " + leaves.get(i).size());
        }
      }
    }
    Map<String, List<float[]>> state = moments;
    if (flat != null && !moments.isEmpty()) {
      List<float[]> joined = new ArrayList<>();
      for (int slot = 0; slot < 2; slot++) {
        float[] all = new float[Math.toIntExact(size)];
        boolean any = false;
        for (int i = 0; i < ids.size(); i++) {
          List<float[]> m = moments.getOrDefault(ids.get(i), List.of());
          if (slot < m.size()) {
            System.arraycopy(m.get(slot), 0, all, (int) flat.offsets[i], m.get(slot).length);
            any = true;
          }
        }
        if (any) {
          joined.add(all);
        }
      }
      state = joined.isEmpty() ? Map.of() : Map.of(FLAT, joined);
    }
    this.adam = newAdam(steps, state);
    this.steps = steps;
  }

  private SavableAdam newAdam(int steps, Map<String, List<float[]>> state) {
    return new SavableAdam(
        settings.learningRate(), settings.beta1(), settings.beta2(), settings.weightDecay(), steps, new HashMap<>(state), owner);
  }

  /** The flat buffers' shapes, for tests: weights and gradients have one element per array element. */
  Shape flatShape() {
    return flat == null ? null : flat.weights.getShape();
  }
}
