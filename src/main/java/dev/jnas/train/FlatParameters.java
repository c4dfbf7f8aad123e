package dev.jnas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameters whose weights are views of one flat weight buffer and whose gradients are views of
 * one flat gradient buffer, so an optimiser updates all of them with a handful of ops (PyTorch's
 * "flat parameters" or multi-tensor apply; DJL has neither, and a per-parameter update costs a
 * JNI call per tensor op per parameter).
 *
 * <p>How: the weights are copied into one buffer and each {@link Parameter} gets a view of it as
 * its array (DJL has no setter for an initialised parameter, so the field is written once by
 * reflection; the old arrays are closed, so a stale reference fails loudly). The gradients: one
 * backward pass of {@code cat(views)} with the flat gradient buffer as the incoming gradient hands
 * each view a slice of that buffer, which libtorch's gradient accumulation keeps as the
 * parameter's {@code .grad} (it adopts an incoming gradient it alone holds) and adds every later
 * backward into in place. The set-up checks that each gradient really is a view of the buffer.
 *
 * <p>Made before the parameters' first backward pass. Not thread-safe.
 */
final class FlatParameters {
  private static final Field ARRAY = arrayField();

  final NDArray weights;
  final NDArray gradients;
  /** A leaf whose gradient is {@link #gradients}: libtorch's zeroGrad on it zeroes them in one call (NaNs too). */
  private final NDArray gradientHolder;
  final long[] offsets;
  final long[] sizes;
  private final List<Shape> shapes;
  /** The views of {@link #weights} that train in place of the arrays given, in their order. */
  final NDArray[] leaves;

  private FlatParameters(
      NDArray weights, NDArray gradients, NDArray gradientHolder, long[] offsets, long[] sizes, List<Shape> shapes,
      NDArray[] leaves) {
    this.weights = weights;
    this.gradients = gradients;
    this.gradientHolder = gradientHolder;
    this.offsets = offsets;
    this.sizes = sizes;
    this.shapes = shapes;
    this.leaves = leaves;
  }

  /**
   * Turns {@code params} into views of flat buffers owned by {@code owner}; null (and nothing
   * changed) where that is not possible: no parameters, a parameter listed twice, another dtype
   * than float32, several devices, or a libtorch that does not adopt the gradients.
   */
  static FlatParameters tryCreate(List<Parameter> params, NDManager owner) {
    if (ARRAY == null || params.isEmpty()) {
      return null;
    }
    if (new java.util.HashSet<>(params).size() != params.size()) {
      return null; // a parameter listed twice (a block used twice): keep the per-parameter step's numbers
    }
    NDArray[] arrays = new NDArray[params.size()];
    for (int i = 0; i < arrays.length; i++) {
      if (!params.get(i).isInitialized()) {
        return null;
      }
      arrays[i] = params.get(i).getArray();
    }
    FlatParameters f = flatten(arrays, owner);
    if (f == null) {
      return null;
    }
    for (int i = 0; i < arrays.length; i++) {
      try {
        ARRAY.set(params.get(i), f.leaves[i]);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e); // setAccessible succeeded when the class loaded
      }
      arrays[i].close();
    }
    return f;
  }

  /**
   * As {@link #tryCreate(List, NDManager)} for plain arrays that are their own leaves (no {@link
   * Parameter}): the caller uses {@link #leaves} in their place; the arrays given are closed, so a
   * stale reference fails loudly. Null (nothing changed) where not possible.
   */
  static FlatParameters tryCreateArrays(List<NDArray> arrays, NDManager owner) {
    if (arrays.isEmpty()) {
      return null;
    }
    java.util.Set<NDArray> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    distinct.addAll(arrays);
    if (distinct.size() != arrays.size()) {
      return null;
    }
    NDArray[] given = arrays.toArray(new NDArray[0]);
    FlatParameters f = flatten(given, owner);
    if (f != null) {
      for (NDArray a : given) {
        a.close();
      }
    }
    return f;
  }

  /**
   * The flat buffers and their views for {@code arrays}, or null where that is not possible; the
   * arrays themselves are left unchanged (the callers retire them).
   */
  private static FlatParameters flatten(NDArray[] arrays, NDManager owner) {
    for (NDArray a : arrays) {
      if (a.getDataType() != DataType.FLOAT32 || !a.getDevice().equals(owner.getDevice()) || !(a instanceof PtNDArray)) {
        return null;
      }
    }
    int n = arrays.length;
    long[] offsets = new long[n];
    long[] sizes = new long[n];
    List<Shape> shapes = new ArrayList<>(n);
    long total = 0;
    for (int i = 0; i < n; i++) {
      Shape shape = arrays[i].getShape();
      shapes.add(shape);
      offsets[i] = total;
      sizes[i] = shape.size();
      total += sizes[i];
    }
    boolean gradMode = JniUtils.isGradMode();
    NDArray weights = null;
    NDArray gradients = null;
    NDArray holder = null;
    NDArray[] views = new NDArray[n];
    try {
      JniUtils.setGradMode(false);
      try (NDManager scratch = owner.newSubManager()) {
        weights = concatFlat(arrays, scratch).duplicate();
        weights.attach(owner);
      }
      gradients = weights.zerosLike();
      NDList parts = split(weights, offsets);
      for (int i = 0; i < n; i++) {
        views[i] = parts.get(i).reshape(shapes.get(i));
        parts.get(i).close();
        views[i].setRequiresGradient(true);
      }
      adoptGradients(views, gradients, owner);
      // a zero-stride view of one element: the holder costs no memory of its own
      try (NDArray zero = owner.zeros(new Shape(1))) {
        holder = zero.broadcast(new Shape(total));
      }
      holder.setRequiresGradient(true);
      adoptGradients(new NDArray[] {holder}, gradients, owner);
      if (!gradientsAreViews(views, gradients, owner) || !zeroes(holder, gradients, owner)) {
        throw new IllegalStateException("libtorch did not adopt the flat gradients");
      }
    } catch (RuntimeException e) {
      for (NDArray v : views) {
        if (v != null) {
          v.close();
        }
      }
      if (weights != null) {
        weights.close();
      }
      if (gradients != null) {
        gradients.close();
      }
      if (holder != null) {
        holder.close();
      }
      return null;
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    for (int i = 0; i < n; i++) {
      views[i].setName(arrays[i].getName());
    }
    return new FlatParameters(weights, gradients, holder, offsets, sizes, shapes, views);
  }

  /** Sets every gradient to zero (one libtorch call). */
  void zeroGradients() {
    JniUtils.zeroGrad((PtNDArray) gradientHolder);
  }

  /** Views of {@code flat} of the given shapes, one per parameter (the shapes' order). */
  NDArray[] views(NDArray flat) {
    NDList parts = split(flat, offsets);
    NDArray[] views = new NDArray[sizes.length];
    for (int i = 0; i < views.length; i++) {
      views[i] = parts.get(i).reshape(shapes.get(i));
      parts.get(i).close();
    }
    return views;
  }

  private static NDList split(NDArray flat, long[] offsets) {
    if (offsets.length == 1) {
      return new NDList(flat.reshape(-1));
    }
    return flat.split(java.util.Arrays.copyOfRange(offsets, 1, offsets.length), 0);
  }

  /** One backward pass of {@code cat(views)} with {@code gradients} as its incoming gradient. */
  private static void adoptGradients(NDArray[] views, NDArray gradients, NDManager owner) {
    try (NDManager scratch = owner.newSubManager()) {
      JniUtils.setGradMode(true);
      NDArray all = concatFlat(views, scratch);
      JniUtils.backward((PtNDArray) all, (PtNDArray) gradients, false, false);
    } finally {
      JniUtils.setGradMode(false);
    }
  }

  /** Whether writing ones into {@code gradients} shows in every view's gradient (then zeroed again). */
  private static boolean gradientsAreViews(NDArray[] views, NDArray gradients, NDManager owner) {
    try (NDManager scratch = owner.newSubManager()) {
      NDArray one = scratch.create(1f);
      gradients.addi(one);
      NDArray[] grads = new NDArray[views.length];
      for (int i = 0; i < views.length; i++) {
        grads[i] = views[i].getGradient();
        grads[i].attach(scratch);
      }
      return concatFlat(grads, scratch).eq(one).all().getBoolean();
    }
  }

  /** Whether zeroGrad on {@code holder} zeroes {@code gradients} (they hold ones when called). */
  private static boolean zeroes(NDArray holder, NDArray gradients, NDManager owner) {
    JniUtils.zeroGrad((PtNDArray) holder);
    try (NDManager scratch = owner.newSubManager()) {
      NDArray abs = gradients.abs();
      abs.attach(scratch);
      return abs.max().getFloat() == 0f;
    }
  }

  /** The arrays flattened and concatenated in order (in grad mode, a graph back to them), owned by {@code scratch}. */
  private static NDArray concatFlat(NDArray[] arrays, NDManager scratch) {
    NDList flat = new NDList(arrays.length);
    for (NDArray a : arrays) {
      NDArray f = a.reshape(-1);
      f.attach(scratch);
      flat.add(f);
    }
    NDArray all = arrays.length == 1 ? flat.get(0) : NDArrays.concat(flat);
    all.attach(scratch);
    return all;
  }

  private static Field arrayField() {
    try {
      Field f = Parameter.class.getDeclaredField("array");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // another DJL: the per-parameter step is used
    }
  }
}
