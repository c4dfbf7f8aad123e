package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import java.util.List;
import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over the channel axis of {@code (N, C, H, W)} (or {@code (N, C)}), straight
 * to libtorch's {@code batch_norm}: epsilon 1e-5, running statistics updated with momentum 0.1
 * (DJL's 0.9), learnable scale and shift. Same parameters and numbers as DJL's {@code BatchNorm}
 * with axis 1, which on the PyTorch engine wraps every call in a sub-manager and two {@code
 * transpose(1, 1)} views (two more autograd nodes each way) to support other axes.
 */
final class BatchNorm2d extends AbstractBlock implements OnnxExportable {
  private static final byte VERSION = 1;
  private static final double EPSILON = 1e-5;
  private static final double MOMENTUM = 0.1; // weight of the new batch statistics

  private final Parameter gamma;
  private final Parameter beta;
  private final Parameter runningMean;
  private final Parameter runningVar;

  BatchNorm2d() {
    super(VERSION);
    gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
    runningMean =
        addParameter(
            Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN).optRequiresGrad(false).build());
    runningVar =
        addParameter(
            Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR).optRequiresGrad(false).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    PtNDArray x = (PtNDArray) inputs.singletonOrThrow();
    Device device = x.getDevice();
    return new NDList(
        JniUtils.batchNorm(
            x,
            (PtNDArray) store.getValue(runningMean, device, training),
            (PtNDArray) store.getValue(runningVar, device, training),
            (PtNDArray) store.getValue(gamma, device, training),
            (PtNDArray) store.getValue(beta, device, training),
            training,
            MOMENTUM,
            EPSILON));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public void prepare(Shape[] inputShapes) {
    Shape channels = new Shape(inputShapes[0].get(1));
    gamma.setShape(channels);
    beta.setShape(channels);
    runningMean.setShape(channels);
    runningVar.setShape(channels);
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    return List.of(o.op(
        "BatchNormalization",
        List.of(inputs.get(0), o.param(gamma), o.param(beta), o.param(runningMean), o.param(runningVar)),
        dev.jnas.export.onnx.OnnxGraph.Attr.f("epsilon", (float) EPSILON)));
  }
}
