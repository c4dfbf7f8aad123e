package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import java.util.List;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A residual block {@code act(branch(x) + shortcut(x))}: the shortcut is the identity or a
 * projection (1x1 convolution with the branch's stride, batch norm). The supernet puts mixed ops in
 * place of the branch and the activation, and keeps the shortcut outside them, so its children
 * list parameters in the stand-alone block's order: branch, then shortcut.
 */
final class ResidualBottleneck extends FixedShapeBlock implements OnnxExportable {
  private final Block branch;
  private final Block shortcut;
  private final Block activation;

  /**
   * @param shortcut null for the identity
   * @param input per-example input shape {@code (C, H, W)}
   */
  ResidualBottleneck(Shape input, Built branch, Built shortcut, Built activation) {
    this.branch = child("branch", branch, input);
    this.shortcut = shortcut == null ? null : child("shortcut", shortcut, input);
    this.activation = child("activation", activation, branch.output());
    setExampleOutput(branch.output());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray y = run(branch, store, x, training);
    NDArray s = shortcut == null ? x : run(shortcut, store, x, training);
    return new NDList(run(activation, store, y.add(s), training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String x = inputs.get(0);
    String y = o.emit(branch, x);
    String s = shortcut == null ? x : o.emit(shortcut, x);
    return List.of(o.emit(activation, o.add(y, s)));
  }
}
