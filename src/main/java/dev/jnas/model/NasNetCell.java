package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.CellSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * A NASNet-style cell over the two previous cells' outputs h[-2], h[-1]. Each input is first
 * brought to {@code filters} channels at the cell's input size (ReLU-conv1x1-BN, or a {@link
 * FactorizedReduce} when h[-2] is twice h[-1]'s size). Block b computes op1(in1) + op2(in2); the
 * blocks no other block consumes are concatenated and a 1x1 conv + BN maps them back to {@code
 * filters} channels. In a reduction cell, ops applied to the cell's inputs use stride 2.
 */
public final class NasNetCell extends FixedShapeBlock implements OnnxExportable {
  private final List<CellSpace.Block> blocks;
  private final Block pre0;
  private final Block pre1;
  private final List<Block> ops1 = new ArrayList<>();
  private final List<Block> ops2 = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();
  private final Block combine;
  private final long flops;
  private final Shape output;

  /**
   * @param prevPrev per-example shape of h[-2]
   * @param prev per-example shape of h[-1]
   */
  public NasNetCell(List<CellSpace.Block> blocks, Shape prevPrev, Shape prev, int filters, boolean reduction) {
    this.blocks = List.copyOf(blocks);
    long total = 0;
    Shape in = new Shape(filters, Ops.height(prev), Ops.width(prev));
    Built p0 = preprocess0(prevPrev, prev, filters);
    Built p1 = preprocess1(prev, filters);
    pre0 = child("pre0", p0, prevPrev);
    pre1 = child("pre1", p1, prev);
    total += p0.flops() + p1.flops();

    // Node shapes: 0, 1 are the preprocessed inputs; 2 + b is block b.
    List<Shape> nodes = new ArrayList<>(List.of(in, in));
    boolean[] consumed = new boolean[blocks.size() + 2];
    for (int b = 0; b < blocks.size(); b++) {
      CellSpace.Block k = blocks.get(b);
      Built o1 = op(k.op1(), nodes.get(k.input1()), filters, stride(reduction, k.input1()));
      Built o2 = op(k.op2(), nodes.get(k.input2()), filters, stride(reduction, k.input2()));
      ops1.add(child("b" + b + "_op1", o1, nodes.get(k.input1())));
      ops2.add(child("b" + b + "_op2", o2, nodes.get(k.input2())));
      if (!o1.output().equals(o2.output())) {
        throw new IllegalStateException("block " + b + " sums shapes " + o1.output() + " and " + o2.output());
      }
      total += o1.flops() + o2.flops();
      nodes.add(o1.output());
      consumed[k.input1()] = true;
      consumed[k.input2()] = true;
    }
    long concatChannels = 0;
    for (int b = 0; b < blocks.size(); b++) {
      if (!consumed[b + 2]) {
        outputs.add(b + 2);
        concatChannels += nodes.get(b + 2).get(0);
      }
    }
    Shape last = nodes.get(nodes.size() - 1);
    Shape concat = new Shape(concatChannels, last.get(1), last.get(2));
    Built project = projection(concat, filters);
    Built c = Ops.chain(List.of(project, Ops.batchNorm(project.output())));
    combine = child("combine", c, concat);
    total += c.flops();
    flops = total;
    output = c.output();
    setExampleOutput(output);
  }

  /** h[-2] brought to {@code filters} channels at h[-1]'s size (shared with the supernet). */
  static Built preprocess0(Shape prevPrev, Shape prev, int filters) {
    if (Ops.height(prevPrev) != Ops.height(prev) || Ops.width(prevPrev) != Ops.width(prev)) {
      FactorizedReduce fr = new FactorizedReduce(prevPrev, filters);
      return new Built(fr, fr.output(), fr.flops());
    }
    return Ops.reluConvBn(prevPrev, filters, 1, 1);
  }

  /** h[-1] brought to {@code filters} channels. */
  static Built preprocess1(Shape prev, int filters) {
    return Ops.reluConvBn(prev, filters, 1, 1);
  }

  /** The stride of an op reading node {@code input}: 2 on a reduction cell's inputs, else 1. */
  static int stride(boolean reduction, int input) {
    return reduction && input < 2 ? 2 : 1;
  }

  /** The 1x1 convolution mapping the concatenated unused blocks back to {@code filters} channels (BN follows). */
  static Built projection(Shape concat, int filters) {
    return Ops.conv(concat, filters, 1, 1);
  }

  /** One op at {@code filters} channels; stride 2 halves the size (rounding up). */
  static Built op(String name, Shape in, int filters, int stride) {
    return switch (name) {
      case "identity" -> {
        if (stride == 1) {
          yield Ops.identity(in);
        }
        FactorizedReduce fr = new FactorizedReduce(in, filters);
        yield new Built(fr, fr.output(), fr.flops());
      }
      case "avg_pool_3x3" -> Ops.avgPool3(in, stride);
      case "max_pool_3x3" -> Ops.maxPool3(in, stride);
      case "conv_1x1" -> Ops.reluConvBn(in, filters, 1, stride);
      case "conv_3x3" -> Ops.reluConvBn(in, filters, 3, stride);
      case "conv_1x7_7x1" -> {
        Built a = Ops.conv(in, filters, 1, 7, 1, stride, 0, 3, 1, 1);
        Built b = Ops.conv(a.output(), filters, 7, 1, stride, 1, 3, 0, 1, 1);
        yield Ops.chain(List.of(Ops.relu(in), a, b, Ops.batchNorm(b.output())));
      }
      case "sep_conv_3x3" -> separable(in, filters, 3, stride, 1);
      case "sep_conv_5x5" -> separable(in, filters, 5, stride, 1);
      case "sep_conv_7x7" -> separable(in, filters, 7, stride, 1);
      case "dil_conv_3x3" -> separable(in, filters, 3, stride, 2);
      case "dil_conv_5x5" -> separable(in, filters, 5, stride, 2);
      default -> throw new IllegalArgumentException("unknown cell op " + name);
    };
  }

  /** ReLU, depthwise k x k (dilated when dilation > 1), pointwise 1x1, BN. */
  static Built separable(Shape in, int filters, int k, int stride, int dilation) {
    int pad = dilation * (k - 1) / 2;
    Built depthwise = Ops.conv(in, Ops.channels(in), k, k, stride, stride, pad, pad, dilation, Ops.channels(in));
    Built pointwise = Ops.conv(depthwise.output(), filters, 1, 1);
    return Ops.chain(List.of(Ops.relu(in), depthwise, pointwise, Ops.batchNorm(pointwise.output())));
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
    List<NDArray> nodes = new ArrayList<>();
    nodes.add(run(pre0, store, inputs.get(0), training));
    nodes.add(run(pre1, store, inputs.get(1), training));
    for (int b = 0; b < blocks.size(); b++) {
      CellSpace.Block k = blocks.get(b);
      NDArray a = run(ops1.get(b), store, nodes.get(k.input1()), training);
      nodes.add(a.add(run(ops2.get(b), store, nodes.get(k.input2()), training)));
    }
    NDList outs = new NDList();
    for (int n : outputs) {
      outs.add(nodes.get(n));
    }
    NDArray concat = outs.size() == 1 ? outs.get(0) : NDArrays.concat(outs, 1);
    return new NDList(run(combine, store, concat, training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    List<String> nodes = new ArrayList<>();
    nodes.add(o.emit(pre0, inputs.get(0)));
    nodes.add(o.emit(pre1, inputs.get(1)));
    for (int b = 0; b < blocks.size(); b++) {
      CellSpace.Block k = blocks.get(b);
      String a = o.emit(ops1.get(b), nodes.get(k.input1()));
      nodes.add(o.add(a, o.emit(ops2.get(b), nodes.get(k.input2()))));
    }
    List<String> outs = new ArrayList<>();
    for (int n : outputs) {
      outs.add(nodes.get(n));
    }
    return List.of(o.emit(combine, o.concat(outs, 1)));
  }
}
