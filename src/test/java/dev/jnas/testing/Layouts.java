package dev.jnas.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** Memory layouts of libtorch arrays, which DJL does not expose. */
public final class Layouts {
  private Layouts() {}

  /** libtorch's {@code is_contiguous()} (NCHW order for a 4-D array). */
  public static boolean contiguous(NDArray a) throws ReflectiveOperationException {
    Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
    Field instance = lib.getDeclaredField("LIB");
    instance.setAccessible(true);
    Method isContiguous = lib.getDeclaredMethod("torchIsContiguous", long.class);
    isContiguous.setAccessible(true);
    return (boolean) isContiguous.invoke(instance.get(null), ((PtNDArray) a).getHandle());
  }

  /** Whether a 4-D {@code (N, C, H, W)} array's memory is in NHWC order ("channels last"). */
  public static boolean channelsLast(NDArray a) throws ReflectiveOperationException {
    return contiguous(a.transpose(0, 2, 3, 1));
  }
}
