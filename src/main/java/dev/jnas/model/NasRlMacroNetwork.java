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
import dev.jnas.space.NasRlMacroSpace.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * The NAS-RL CNN: each layer is conv(kh x kw, filters, stride, 'same') + BN + ReLU over the depth
 * concatenation of its input layers. The paper's three fixes for "compilation failures": a layer
 * without inputs takes the image; inputs of different sizes are zero-padded (bottom, right) to the
 * largest; outputs no later layer consumes are concatenated with the last layer's before global
 * average pooling and the linear classifier.
 */
public final class NasRlMacroNetwork extends FixedShapeBlock implements OnnxExportable {
  private final List<Layer> layers;
  private final List<Block> convs = new ArrayList<>();
  private final Shape[] shapes;
  private final List<Integer> finalInputs = new ArrayList<>();
  private final Shape finalShape;
  private final Block pool;
  private final Block classifier;
  private final long flops;

  /**
   * @param input per-example image shape {@code (C, H, W)}
   */
  public NasRlMacroNetwork(List<Layer> layers, Shape input, int numClasses) {
    this.layers = List.copyOf(layers);
    this.shapes = new Shape[layers.size()];
    boolean[] consumed = new boolean[layers.size()];
    long total = 0;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      List<Shape> ins = new ArrayList<>();
      for (int j : l.inputs()) {
        ins.add(shapes[j]);
        consumed[j] = true;
      }
      Shape in = ins.isEmpty() ? input : Ops.concatPadded(ins);
      Built conv =
          Ops.conv(in, l.filters(), l.kernelHeight(), l.kernelWidth(), l.stride(), l.stride(),
              l.kernelHeight() / 2, l.kernelWidth() / 2, 1, 1);
      Built layer = Ops.chain(List.of(conv, Ops.batchNorm(conv.output()), Ops.relu(conv.output())));
      convs.add(child("layer_" + i, layer, in));
      shapes[i] = layer.output();
      total += layer.flops();
    }
    List<Shape> outs = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if (i == layers.size() - 1 || !consumed[i]) {
        finalInputs.add(i);
        outs.add(shapes[i]);
      }
    }
    finalShape = Ops.concatPadded(outs);
    Built gap = Ops.globalAvgPool(finalShape);
    Built linear = Ops.linear(gap.output(), numClasses);
    pool = child("pool", gap, finalShape);
    classifier = child("classifier", linear, gap.output());
    flops = total + linear.flops();
    setExampleOutput(linear.output());
  }

  public long flops() {
    return flops;
  }

  /** Concatenates {@code xs} in depth after zero-padding them to the largest height and width. */
  private static NDArray concatPadded(List<NDArray> xs) {
    if (xs.size() == 1) {
      return xs.get(0);
    }
    long h = 0;
    long w = 0;
    for (NDArray x : xs) {
      h = Math.max(h, x.getShape().get(2));
      w = Math.max(w, x.getShape().get(3));
    }
    NDList padded = new NDList();
    for (NDArray x : xs) {
      padded.add(Ops.padTo(x, h, w));
    }
    return NDArrays.concat(padded, 1);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.singletonOrThrow();
    NDArray[] outs = new NDArray[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      List<NDArray> ins = new ArrayList<>();
      for (int j : layers.get(i).inputs()) {
        ins.add(outs[j]);
      }
      NDArray in = ins.isEmpty() ? image : concatPadded(ins);
      outs[i] = run(convs.get(i), store, in, training);
    }
    List<NDArray> last = new ArrayList<>();
    for (int i : finalInputs) {
      last.add(outs[i]);
    }
    NDArray features = run(pool, store, concatPadded(last), training);
    return new NDList(run(classifier, store, features, training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String[] outs = new String[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      List<Integer> from = layers.get(i).inputs();
      outs[i] = o.emit(convs.get(i), from.isEmpty() ? inputs.get(0) : concatPadded(o, from, outs));
    }
    return List.of(o.emit(classifier, o.emit(pool, concatPadded(o, finalInputs, outs))));
  }

  /** {@link #concatPadded(List)} of layers' outputs, whose sizes {@link #shapes} knows. */
  private String concatPadded(OnnxBlocks o, List<Integer> layerIds, String[] outs) {
    long h = 0;
    long w = 0;
    for (int j : layerIds) {
      h = Math.max(h, shapes[j].get(1));
      w = Math.max(w, shapes[j].get(2));
    }
    List<String> padded = new ArrayList<>();
    for (int j : layerIds) {
      padded.add(o.padBottomRight(outs[j], h - shapes[j].get(1), w - shapes[j].get(2)));
    }
    return o.concat(padded, 1);
  }
}
