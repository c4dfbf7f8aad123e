package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import java.util.List;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    PtNDArray meanNow = (PtNDArray) store.getValue(runningMean, device, training);
    PtNDArray varNow = (PtNDArray) store.getValue(runningVar, device, training);
    PtNDArray gammaNow = (PtNDArray) store.getValue(gamma, device, training);
    PtNDArray betaNow = (PtNDArray) store.getValue(beta, device, training);
    if (foldsChannels(x.getShape(), device)) {
      return new NDList(channelsLastNorm(x, meanNow, varNow, gammaNow, betaNow, training));
    }
    return new NDList(JniUtils.batchNorm(x, meanNow, varNow, gammaNow, betaNow, training, MOMENTUM, EPSILON));
  }

  /**
   * Whether {@link #channelsLastNorm} replaces libtorch's kernel: on the CPU, where activations are
   * channels-last, for channel counts that are not a multiple of 8 (libtorch 2.7.1's channels-last
   * batch norm takes 1.5-15x as long there, forward and backward, as the same normalisation written
   * as row operators; BENCHMARKS.md) and for 8 channels on planes of 32x32 or more (1.2-1.4x).
   */
  static boolean foldsChannels(Shape in, Device device) {
    if (in.dimension() != 4 || device.isGpu()) {
      return false;
    }
    long c = in.get(1);
    return c % 8 != 0 || (c == 8 && in.get(2) * in.get(3) >= 32 * 32);
  }

  /**
   * Batch normalisation of a channels-last {@code (N, C, H, W)} array written with row operators
   * that autograd differentiates: the {@code N*H*W} pixels' channel vectors, {@code k} to a row,
   * form a {@code (N*H*W/k, k*C)} view of the same memory, so every operator's inner loop runs
   * over {@code k*C} contiguous values (a multiple of 16, at least 64) instead of {@code C}. Same
   * function, statistics and running-statistics update as {@code batch_norm} (biased variance to
   * normalise, unbiased for the running variance). No operand the backward pass reads is made
   * from a Java number: DJL backs such an array with a direct buffer that is freed once the array
   * is closed, so {@code pow(-0.5)} would leave autograd its exponent in freed memory.
   */
  static NDArray channelsLastNorm(
      NDArray x, NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta, boolean training) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    long pixels = n * h * w;
    int k = rowWidth(c, pixels);
    NDManager step = x.getManager();
    NDArray rows = x.transpose(0, 2, 3, 1).reshape(pixels / k, k * c);
    NDArray y;
    if (training) {
      NDArray mean = channelMean(rows, k, c);
      NDArray centred = rows.sub(mean.tile(k));
      NDArray var = channelMean(centred.square(), k, c);
      NDArray scale = local(gamma.div(var.add(EPSILON).sqrt()), step);
      y = centred.mul(scale.tile(k)).add(local(beta.tile(k), step));
      // the running statistics take no part in the gradient (and no in-place operator touches
      // an array autograd holds: a detached array shares its version counter)
      try (NDArray batchMean = mean.stopGradient().mul(MOMENTUM);
          NDArray batchVar = var.stopGradient().mul(MOMENTUM * pixels / Math.max(1, pixels - 1))) {
        runningMean.muli(1 - MOMENTUM).addi(batchMean);
        runningVar.muli(1 - MOMENTUM).addi(batchVar);
      }
    } else {
      NDArray scale = local(gamma.div(local(runningVar.add(EPSILON), step).sqrt()), step);
      NDArray offset = local(beta.sub(local(runningMean.mul(scale), step)), step);
      y = rows.mul(scale.tile(k)).add(offset.tile(k));
    }
    return y.reshape(n, h, w, c).transpose(0, 3, 1, 2);
  }

  /** The mean of each channel over the rows of a {@code (pixels/k, k*C)} view. */
  private static NDArray channelMean(NDArray rows, int k, long c) {
    return rows.mean(new int[] {0}).reshape(k, c).mean(new int[] {0});
  }

  /**
   * Pixels per row: the smallest {@code k} with {@code k*C} a multiple of 16 and at least 64, or
   * the largest smaller one that divides the pixel count (1 at worst: still right, only slower).
   */
  static int rowWidth(long c, long pixels) {
    int k = 1;
    while ((k * c) % 16 != 0 || k * c < 64) {
      k++;
    }
    while (pixels % k != 0) {
      k--;
    }
    return k;
  }

  /** An operator's result on a parameter, moved to the step's manager (else it lives as long as the parameter). */
  private static NDArray local(NDArray a, NDManager step) {
    a.attach(step);
    return a;
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
