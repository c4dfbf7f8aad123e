package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;

/** Building blocks shared by the builders; shapes are per example, {@code (C, H, W)}. */
final class Ops {
  private Ops() {}

  static int channels(Shape s) {
    return (int) s.get(0);
  }

  static int height(Shape s) {
    return (int) s.get(1);
  }

  static int width(Shape s) {
    return (int) s.get(2);
  }

  /** Output size of a convolution or pooling window along one axis (floor mode). */
  static int outSize(int size, int kernel, int stride, int pad, int dilation) {
    return Math.floorDiv(size + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
  }

  /** A bias-free convolution (a batch norm follows it everywhere here). */
  static Built conv(
      Shape in, int filters, int kh, int kw, int sh, int sw, int ph, int pw, int dilation, int groups) {
    return conv(in, filters, kh, kw, sh, sw, ph, pw, dilation, groups, false);
  }

  /** A convolution; the multiply-adds leave out the bias. */
  static Built conv(
      Shape in, int filters, int kh, int kw, int sh, int sw, int ph, int pw, int dilation, int groups, boolean bias) {
    Block b =
        Conv2d.builder()
            .setKernelShape(new Shape(kh, kw))
            .setFilters(filters)
            .optStride(new Shape(sh, sw))
            .optPadding(new Shape(ph, pw))
            .optDilation(new Shape(dilation, dilation))
            .optGroups(groups)
            .optBias(bias)
            .build();
    int ho = outSize(height(in), kh, sh, ph, dilation);
    int wo = outSize(width(in), kw, sw, pw, dilation);
    long flops = (long) kh * kw * (channels(in) / groups) * filters * ho * wo;
    return new Built(b, new Shape(filters, ho, wo), flops);
  }

  /** A square convolution with 'same' padding for odd kernels. */
  static Built conv(Shape in, int filters, int kernel, int stride) {
    return conv(in, filters, kernel, kernel, stride, stride, kernel / 2, kernel / 2, 1, 1);
  }

  static Built batchNorm(Shape in) {
    return new Built(new BatchNorm2d(), in, 0);
  }

  static Built relu(Shape in) {
    return new Built(new Stateless.Act("relu"), in, 0);
  }

  static Built identity(Shape in) {
    return new Built(new Stateless.Identity(), in, 0);
  }

  /** 3x3 average pooling with padding 1 that ignores the padding in the average. */
  static Built avgPool3(Shape in, int stride) {
    Block b = Stateless.Pool2d.avg(3, stride, 1, false, false);
    return new Built(b, pooled(in, 3, stride, 1), 0);
  }

  static Built maxPool3(Shape in, int stride) {
    Block b = Stateless.Pool2d.max(3, stride, 1, false);
    return new Built(b, pooled(in, 3, stride, 1), 0);
  }

  private static Shape pooled(Shape in, int k, int stride, int pad) {
    return new Shape(
        channels(in), outSize(height(in), k, stride, pad, 1), outSize(width(in), k, stride, pad, 1));
  }

  /** Global average pooling to {@code (C)} (see {@link Stateless.GlobalPool} for how). */
  static Built globalAvgPool(Shape in) {
    return new Built(Stateless.GlobalPool.avg(in), new Shape(channels(in)), 0);
  }

  static Built linear(Shape in, int units) {
    return new Built(Linear.builder().setUnits(units).build(), new Shape(units), in.get(0) * units);
  }

  /**
   * Chains parts into one sequential block. Each part must have been built for the previous part's
   * output shape; the chain reports the last shape and the summed flops.
   */
  static Built chain(List<Built> parts) {
    SequentialBlock seq = new Chain();
    long flops = 0;
    for (Built p : parts) {
      seq.add(p.block());
      flops += p.flops();
    }
    return new Built(seq, parts.get(parts.size() - 1).output(), flops);
  }

  /** ReLU, convolution ('same' padding), batch norm: NAS-Bench-201's and DARTS's ReLUConvBN. */
  static Built reluConvBn(Shape in, int filters, int kernel, int stride) {
    Built c = conv(in, filters, kernel, stride);
    return chain(List.of(relu(in), c, batchNorm(c.output())));
  }

  /** Zero-pads {@code x (N, C, h, w)} at the bottom and right to {@code (N, C, height, width)}. */
  static NDArray padTo(NDArray x, long height, long width) {
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    if (h == height && w == width) {
      return x;
    }
    // Pad widths are given from the last axis: (left, right, top, bottom).
    return x.pad(new Shape(0, width - w, 0, height - h), 0);
  }

  /** Shape of channel-concatenating inputs zero-padded to the largest height and width. */
  static Shape concatPadded(List<Shape> inputs) {
    long c = 0;
    long h = 0;
    long w = 0;
    for (Shape s : inputs) {
      c += s.get(0);
      h = Math.max(h, s.get(1));
      w = Math.max(w, s.get(2));
    }
    return new Shape(c, h, w);
  }
}
