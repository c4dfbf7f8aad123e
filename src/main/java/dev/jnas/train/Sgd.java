package dev.jnas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD as PyTorch's {@code torch.optim.SGD}: weight decay added to the gradient, momentum buffer
 * {@code buf = mu*buf + d}, optionally Nesterov; written with in-place ops because DJL's Nag is
 * not implemented by its PyTorch engine and its Sgd keeps momentum state (scaled by the learning
 * rate, MXNet style) that cannot be saved. The whole state is the momentum buffers ({@link
 * #state()}), so a checkpoint can continue a run exactly.
 *
 * <p>Like PyTorch, a step can leave parameters out ({@code skip}): a parameter that had no
 * gradient in a step (a supernet candidate the step did not use) keeps its weights and momentum,
 * where a zero gradient would still move it through momentum and weight decay.
 *
 * <p>The weights and gradients become views of one flat buffer each ({@link FlatParameters}), so
 * a step updates all parameters with a handful of ops instead of ~12 JNI calls per parameter
 * (the per-parameter step remains where that set-up is not possible, e.g. mixed dtypes; both give
 * the same numbers: SgdTest).
 *
 * <p>Not thread-safe. Grad mode must be off during {@link #step}.
 */
public final class Sgd {
  private final List<Parameter> params;
  private final List<String> names;
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final NDManager owner;
  private final NDArray[] buffers; // made at a parameter's first step
  private final FlatParameters flat; // null: per-parameter steps
  private final boolean[] started; // flat path: parameters stepped at least once (state() names them)
  private NDArray flatMomentum; // flat path: all momentum buffers, made at the first step
  private NDArray[] momentumViews; // flat path: views of flatMomentum per parameter, made on demand
  private NDArray muScalar;
  private NDArray wdScalar;

  /**
   * An optimiser for {@code params}, made before their first backward pass: their arrays are
   * replaced by views of a flat buffer (the values are kept; arrays fetched before are closed).
   *
   * @param params the parameters to update, named by {@code names} (their paths in the block)
   * @param owner the manager that keeps the momentum buffers (the model's)
   */
  public Sgd(List<Parameter> params, List<String> names, double momentum, boolean nesterov, double weightDecay, NDManager owner) {
    this(params, names, momentum, nesterov, weightDecay, owner, true);
  }

  /** As the public constructor; {@code flat == false} keeps the per-parameter step (tests compare them). */
  Sgd(List<Parameter> params, List<String> names, double momentum, boolean nesterov, double weightDecay, NDManager owner,
      boolean flat) {
    this.params = List.copyOf(params);
    this.names = List.copyOf(names);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.owner = owner;
    this.buffers = new NDArray[params.size()];
    this.started = new boolean[params.size()];
    this.flat = flat ? FlatParameters.tryCreate(this.params, owner) : null;
  }

  /** Whether steps update all parameters through flat buffers (false: per parameter). */
  boolean isFlat() {
    return flat != null;
  }

  /** Sets the gradients of every parameter to zero (those of parameters a step skips included). */
  public void zeroGradients() {
    if (flat != null) {
      flat.zeroGradients();
      return;
    }
    for (Parameter p : params) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }

  public List<Parameter> parameters() {
    return params;
  }

  /** The parameters' names, parallel to {@link #parameters()}. */
  public List<String> names() {
    return names;
  }

  /**
   * One step with learning rate {@code lr} on every parameter {@code i} with {@code skip == null ||
   * !skip[i]}; clears their gradients. Temporaries go to {@code step}, a manager closed by the caller.
   */
  public void step(NDManager step, float lr, boolean[] skip) {
    step(step, lr, skip, java.util.Map.of());
  }

  /**
   * As {@link #step(NDManager, float, boolean[])}, where parameter {@code i} in {@code partial}
   * changes (weights and momentum) only at the indices of its axis 1 marked true: the others had
   * no gradient in this step (a supernet read a slice of it) and stay exactly as they were.
   */
  public void step(NDManager step, float lr, boolean[] skip, java.util.Map<Integer, boolean[]> partial) {
    if (muScalar == null) {
      muScalar = owner.create((float) momentum);
      wdScalar = owner.create((float) weightDecay);
    }
    // scalar tensors: DJL turns every op with a Number into create + op + close
    NDArray lrScalar = step.create(lr);
    if (flat != null) {
      flatStep(step, lrScalar, skip, partial);
      return;
    }
    boolean withMomentum = momentum != 0;
    for (int i = 0; i < params.size(); i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      NDArray w = params.get(i).getArray();
      boolean[] slice = partial.get(i);
      NDArray keep = null;
      NDArray keepBuffer = null;
      if (slice != null) {
        keep = w.duplicate();
        keep.attach(step);
        if (buffers[i] != null) {
          keepBuffer = buffers[i].duplicate();
          keepBuffer.attach(step);
        }
      }
      NDArray g = w.getGradient();
      g.attach(step); // the gradient handle would otherwise pile up in the model's manager
      // d = g + wd*w;  buf = mu*buf + d;  w -= lr * (nesterov ? d + mu*buf : buf)
      if (weightDecay != 0) {
        try (NDArray decay = w.mul(wdScalar)) {
          g.addi(decay);
        }
      }
      if (withMomentum) {
        if (buffers[i] == null) {
          buffers[i] = w.zerosLike();
        }
        NDArray buf = buffers[i];
        buf.muli(muScalar).addi(g);
        if (nesterov) {
          try (NDArray look = buf.mul(muScalar)) {
            g.addi(look);
          }
        } else {
          try (NDArray delta = buf.mul(lrScalar)) {
            w.subi(delta);
          }
          restoreOutside(i, slice, keep, keepBuffer, step);
          JniUtils.zeroGrad((PtNDArray) w);
          continue;
        }
      }
      w.subi(g.muli(lrScalar));
      restoreOutside(i, slice, keep, keepBuffer, step);
      JniUtils.zeroGrad((PtNDArray) w);
    }
  }

  /**
   * The step on the flat buffers: the same element-wise arithmetic as the per-parameter step, in
   * the same order, so the numbers are identical. Parameters left out (and, for partially used
   * ones, the elements outside their slice) keep weights and momentum through a mask.
   */
  private void flatStep(NDManager step, NDArray lrScalar, boolean[] skip, java.util.Map<Integer, boolean[]> partial) {
    NDArray w = flat.weights;
    NDArray g = flat.gradients;
    NDArray mask = mask(step, skip, partial);
    for (int i = 0; i < started.length; i++) {
      started[i] |= skip == null || !skip[i];
    }
    if (weightDecay != 0) {
      try (NDArray decay = w.mul(wdScalar)) {
        g.addi(decay);
      }
    }
    NDArray update; // what is subtracted from the weights
    if (momentum != 0) {
      if (flatMomentum == null) {
        flatMomentum = w.zerosLike();
      }
      NDArray buf = flatMomentum;
      if (mask == null) {
        buf.muli(muScalar).addi(g);
      } else {
        NDArray next = buf.mul(muScalar);
        next.attach(step);
        next.addi(g);
        NDArray kept = NDArrays.where(mask, next, buf);
        kept.attach(step);
        buf.set(new NDIndex("..."), kept);
      }
      if (nesterov) {
        try (NDArray look = buf.mul(muScalar)) {
          g.addi(look);
        }
        update = g.muli(lrScalar);
      } else {
        update = buf.mul(lrScalar);
        update.attach(step);
      }
    } else {
      update = g.muli(lrScalar);
    }
    if (mask == null) {
      w.subi(update);
    } else {
      NDArray next = w.sub(update);
      next.attach(step);
      NDArray kept = NDArrays.where(mask, next, w);
      kept.attach(step);
      w.set(new NDIndex("..."), kept);
    }
    flat.zeroGradients();
  }

  /**
   * Which elements of the flat buffers a step changes (boolean), or null for all: parameters in
   * {@code skip} are out, parameters in {@code partial} are in at the indices of axis 1 marked true.
   */
  private NDArray mask(NDManager step, boolean[] skip, java.util.Map<Integer, boolean[]> partial) {
    boolean any = !partial.isEmpty();
    for (int i = 0; skip != null && !any && i < skip.length; i++) {
      any = skip[i];
    }
    if (!any) {
      return null;
    }
    long total = flat.weights.getShape().size();
    if (total > Integer.MAX_VALUE) {
      throw new IllegalStateException("more than 2^31 parameters");
    }
    boolean[] in = new boolean[(int) total];
    for (int i = 0; i < params.size(); i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      int from = (int) flat.offsets[i];
      int to = (int) (flat.offsets[i] + flat.sizes[i]);
      boolean[] slice = partial.get(i);
      if (slice == null) {
        java.util.Arrays.fill(in, from, to, true);
        continue;
      }
      // parameters are contiguous in logical order: axis 1's index of element e is (e / inner) % dim1
      Shape shape = params.get(i).getArray().getShape();
      long inner = shape.dimension() > 2 ? shape.slice(2).size() : 1;
      for (int e = from; e < to; e++) {
        in[e] = slice[(int) (((e - from) / inner) % slice.length)];
      }
    }
    return step.create(in);
  }

  /** Puts back parameter {@code i}'s weights and momentum outside {@code slice} (axis 1). */
  private void restoreOutside(int i, boolean[] slice, NDArray keep, NDArray keepBuffer, NDManager step) {
    if (slice == null) {
      return;
    }
    NDArray w = params.get(i).getArray();
    long[] shape = new long[(int) w.getShape().dimension()];
    java.util.Arrays.fill(shape, 1);
    shape[1] = slice.length;
    float[] m = new float[slice.length];
    for (int k = 0; k < m.length; k++) {
      m[k] = slice[k] ? 1f : 0f;
    }
    NDArray inside = step.create(m, new Shape(shape)).broadcast(w.getShape()).toType(ai.djl.ndarray.types.DataType.BOOLEAN, false);
    w.set(new NDIndex("..."), ai.djl.ndarray.NDArrays.where(inside, w, keep));
    if (buffers[i] != null) {
      NDArray old = keepBuffer != null ? keepBuffer : buffers[i].zerosLike();
      buffers[i].set(new NDIndex("..."), ai.djl.ndarray.NDArrays.where(inside, buffers[i], old));
    }
  }

  /**
   * Each parameter's momentum buffer by name (empty before the first step or without momentum).
   * The arrays are the live buffers; read them, do not keep them.
   */
  public Map<String, NDArray> state() {
    Map<String, NDArray> state = new LinkedHashMap<>();
    if (flat != null) {
      NDArray[] views = momentumViews();
      for (int i = 0; views != null && i < views.length; i++) {
        if (started[i]) {
          state.put(names.get(i), views[i]);
        }
      }
      return state;
    }
    for (int i = 0; i < buffers.length; i++) {
      if (buffers[i] != null) {
        state.put(names.get(i), buffers[i]);
      }
    }
    return state;
  }

  /** The flat momentum buffer's per-parameter views (null before it exists). */
  private NDArray[] momentumViews() {
    if (flatMomentum != null && momentumViews == null) {
      momentumViews = flat.views(flatMomentum);
    }
    return momentumViews;
  }

  /**
   * Continues from saved momentum buffers (copied: the caller keeps ownership of {@code saved}).
   *
   * @throws IllegalArgumentException when a buffer names no parameter or has another shape
   */
  public void restore(Map<String, NDArray> saved) {
    int[] index = new int[saved.size()];
    int k = 0;
    for (var e : saved.entrySet()) { // check all before changing anything
      int i = names.indexOf(e.getKey());
      if (i < 0) {
        throw new IllegalArgumentException("momentum of an unknown parameter " + e.getKey());
      }
      Shape shape = params.get(i).getArray().getShape();
      if (!shape.equals(e.getValue().getShape())) {
        throw new IllegalArgumentException(
            "momentum of " + e.getKey() + " has shape " + e.getValue().getShape() + ", the parameter " + shape);
      }
      index[k++] = i;
    }
    boolean gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      k = 0;
      if (flat != null && flatMomentum == null) {
        flatMomentum = flat.weights.zerosLike();
      }
      NDArray[] views = flat == null ? null : momentumViews();
      for (NDArray b : saved.values()) {
        int i = index[k++];
        if (views != null) {
          views[i].set(new NDIndex("..."), b);
          started[i] = true;
          continue;
        }
        if (buffers[i] == null) {
          buffers[i] = params.get(i).getArray().zerosLike();
        }
        buffers[i].set(new NDIndex("..."), b);
      }
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
  }
}
