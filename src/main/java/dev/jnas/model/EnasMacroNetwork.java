package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.NasRlMacroSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code nasrl-macro} network with ENAS's macro ops (Pham et al. 2018): stem conv3x3(W) + BN;
 * layer i applies its op to layer i-1's output (layer 0 to the stem's) and adds the outputs of
 * its skip inputs, in ascending order, to the op's output; layers after the first normalise that
 * sum with BN, as ENAS does; global average pooling and a linear classifier read the last layer.
 * Every layer has W channels at the input's size, so a skip connection is an identity whichever
 * layers it joins (the supernet mixes it over absent and present).
 *
 * <p>Ops: {@code conv3x3}, {@code conv5x5} are ReLU-conv-BN; {@code sep3x3}, {@code sep5x5} are
 * ReLU, depthwise, pointwise 1x1, BN; {@code max3x3}, {@code avg3x3} are stride-1 pools.
 */
public final class EnasMacroNetwork extends FixedShapeBlock implements OnnxExportable {
  /** Builds layer {@code index}, fed with the stem's and the earlier layers' outputs, all of {@code shape}. */
  @FunctionalInterface
  interface LayerFactory {
    Built layer(int index, Shape shape);
  }

  private final Block stem;
  private final List<Block> layers = new ArrayList<>();
  private final Block pool;
  private final Block classifier;
  private final long flops;

  /**
   * @param input per-example image shape {@code (C, H, W)}
   */
  public EnasMacroNetwork(List<NasRlMacroSpace.OpLayer> layers, int width, Shape input, int numClasses) {
    this(
        (i, shape) -> {
          Layer l = new Layer(i, layers.get(i), shape);
          return new Built(l, shape, l.flops);
        },
        layers.size(),
        width,
        input,
        numClasses);
  }

  /** The network around the layers that {@code factory} builds (shared with the supernet). */
  EnasMacroNetwork(LayerFactory factory, int count, int width, Shape input, int numClasses) {
    Built s = Ops.conv(input, width, 3, 1);
    Built stemBuilt = Ops.chain(List.of(s, Ops.batchNorm(s.output())));
    stem = child("stem", stemBuilt, input);
    Shape shape = stemBuilt.output();
    long total = stemBuilt.flops();
    for (int i = 0; i < count; i++) {
      Built l = factory.layer(i, shape);
      Shape[] ins = new Shape[i + 1];
      Arrays.fill(ins, shape);
      layers.add(child("layer_" + i, l, ins));
      total += l.flops();
    }
    Built gap = Ops.globalAvgPool(shape);
    Built linear = Ops.linear(gap.output(), numClasses);
    pool = child("pool", gap, shape);
    classifier = child("classifier", linear, gap.output());
    flops = total + linear.flops();
    setExampleOutput(linear.output());
  }

  public long flops() {
    return flops;
  }

  /** Op {@code name} at per-example shape {@code in}, keeping it (shared with the supernet). */
  static Built op(String name, Shape in) {
    int c = Ops.channels(in);
    return switch (name) {
      case "conv3x3" -> Ops.reluConvBn(in, c, 3, 1);
      case "conv5x5" -> Ops.reluConvBn(in, c, 5, 1);
      case "sep3x3" -> NasNetCell.separable(in, c, 3, 1, 1);
      case "sep5x5" -> NasNetCell.separable(in, c, 5, 1, 1);
      case "max3x3" -> Ops.maxPool3(in, 1);
      case "avg3x3" -> Ops.avgPool3(in, 1);
      default -> throw new IllegalArgumentException("unknown nasrl-macro op " + name);
    };
  }

  /** BN of a layer's sum: every layer but the first (shared with the supernet). */
  static Built norm(int index, Shape shape) {
    return index > 0 ? Ops.batchNorm(shape) : null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList outs = new NDList(run(stem, store, inputs.singletonOrThrow(), training));
    for (Block l : layers) {
      outs.add(l.forward(store, outs, training).singletonOrThrow());
    }
    NDArray last = outs.get(outs.size() - 1);
    return new NDList(run(classifier, store, run(pool, store, last, training), training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    List<String> outs = new ArrayList<>(List.of(o.emit(stem, inputs.get(0))));
    for (Block l : layers) {
      outs.add(o.emit(l, List.copyOf(outs)).get(0));
    }
    return List.of(o.emit(classifier, o.emit(pool, outs.get(outs.size() - 1))));
  }

  /** Layer i of a stand-alone network: inputs are the stem's and layers 0..i-1's outputs. */
  private static final class Layer extends FixedShapeBlock implements OnnxExportable {
    private final Block op;
    private final List<Integer> skips;
    private final Block norm;
    private final long flops;

    Layer(int index, NasRlMacroSpace.OpLayer layer, Shape shape) {
      Built o = op(layer.op(), shape);
      op = child("op", o, shape);
      skips = layer.inputs();
      Built n = norm(index, shape);
      norm = n == null ? null : child("bn", n, shape);
      flops = o.flops();
      setExampleOutput(shape);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray y = run(op, store, inputs.get(inputs.size() - 1), training);
      for (int j : skips) {
        y = y.add(inputs.get(j + 1));
      }
      return new NDList(norm == null ? y : run(norm, store, y, training));
    }

    @Override
    public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
      String y = o.emit(op, inputs.get(inputs.size() - 1));
      for (int j : skips) {
        y = o.add(y, inputs.get(j + 1));
      }
      return List.of(norm == null ? y : o.emit(norm, y));
    }
  }
}
