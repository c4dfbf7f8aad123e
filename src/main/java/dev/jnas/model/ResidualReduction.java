package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * NAS-Bench-201's reduction between stages: a ResNet basic block with stride 2 (ReLU-conv3x3s2-BN,
 * ReLU-conv3x3-BN) plus a shortcut of 2x2 average pooling and a 1x1 convolution.
 */
public final class ResidualReduction extends FixedShapeBlock implements OnnxExportable {
  private final Block first;
  private final Block second;
  private final Block shortcut;
  private final long flops;
  private final Shape output;

  /**
   * @param input per-example input shape {@code (C, H, W)}
   * @param filters output channels
   */
  public ResidualReduction(Shape input, int filters) {
    Built a = Ops.reluConvBn(input, filters, 3, 2);
    Built b = Ops.reluConvBn(a.output(), filters, 3, 1);
    // Ceil mode keeps the shortcut's size equal to the strided conv's, ceil(H/2), for odd sizes.
    Built pool =
        new Built(
            Stateless.Pool2d.avg(2, 2, 0, true, false),
            new Shape(Ops.channels(input), Ops.height(a.output()), Ops.width(a.output())),
            0);
    Built project = Ops.conv(pool.output(), filters, 1, 1);
    Built s = Ops.chain(List.of(pool, project));
    first = child("conv_a", a, input);
    second = child("conv_b", b, a.output());
    shortcut = child("shortcut", s, input);
    flops = a.flops() + b.flops() + s.flops();
    output = a.output();
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
    NDArray x = inputs.singletonOrThrow();
    NDArray y = run(second, store, run(first, store, x, training), training);
    return new NDList(y.add(run(shortcut, store, x, training)));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String x = inputs.get(0);
    String y = o.emit(second, o.emit(first, x));
    return List.of(o.add(y, o.emit(shortcut, x)));
  }
}
