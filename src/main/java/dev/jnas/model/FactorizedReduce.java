package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import java.util.List;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Halves height and width without discarding pixels: ReLU, then two 1x1 stride-2 convolutions,
 * the second over the input shifted by one pixel, concatenated in depth, then BN (ENAS/DARTS).
 * Output size is ceil(H/2) x ceil(W/2), as for the other stride-2 ops.
 */
public final class FactorizedReduce extends FixedShapeBlock implements OnnxExportable {
  private final Block even;
  private final Block odd; // null when filters == 1: one path gives all channels
  private final Block norm;
  private final long flops;
  private final Shape output;

  public FactorizedReduce(Shape input, int filters) {
    int half = filters / 2;
    Built a = Ops.conv(input, half > 0 ? half : filters, 1, 1, 2, 2, 0, 0, 1, 1);
    even = child("even", a, input);
    long f = a.flops();
    if (half > 0) {
      Built b = Ops.conv(input, filters - half, 1, 1, 2, 2, 0, 0, 1, 1);
      odd = child("odd", b, input);
      f += b.flops();
    } else {
      odd = null;
    }
    output = new Shape(filters, Ops.height(a.output()), Ops.width(a.output()));
    norm = child("bn", Ops.batchNorm(output), output);
    flops = f;
    setExampleOutput(output);
  }

  public long flops() {
    return flops;
  }

  public Shape output() {
    return output;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = Activation.relu(inputs.singletonOrThrow());
    NDArray y = run(even, store, x, training);
    if (odd != null) {
      // Shift by one pixel, padding the far edge so both paths see the same size.
      NDArray shifted = x.get(":, :, 1:, 1:").pad(new Shape(0, 1, 0, 1), 0);
      y = y.concat(run(odd, store, shifted, training), 1);
    }
    return new NDList(run(norm, store, y, training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String x = o.relu(inputs.get(0));
    String y = o.emit(even, x);
    if (odd != null) {
      long big = Long.MAX_VALUE;
      String shifted = o.padBottomRight(o.slice(x, new long[] {1, 1}, new long[] {big, big}, new long[] {2, 3}), 1, 1);
      y = o.concat(List.of(y, o.emit(odd, shifted)), 1);
    }
    return List.of(o.emit(norm, y));
  }
}
