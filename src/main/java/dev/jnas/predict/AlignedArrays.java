package dev.jnas.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Arrays from Java values in memory libtorch allocated, so the predictors' sums repeat exactly. */
final class AlignedArrays {
  private AlignedArrays() {}

  /**
   * {@code values} in memory libtorch allocated. DJL's {@code create} wraps a Java direct buffer,
   * whose address alignment varies from run to run, and the matrix kernels then take other code
   * paths that round differently: the same seed gave different predictions, hence different
   * trials, from one run to the next (measured, 2 of 3 runs of PredictorSearchCliTest). A clone
   * lives in libtorch's own 64-byte-aligned memory.
   */
  static NDArray aligned(NDManager m, float[] values, Shape shape) {
    try (NDArray wrapped = m.create(values, shape)) {
      return wrapped.duplicate();
    }
  }
}
