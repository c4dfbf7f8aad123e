package dev.jnas.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A recurrent cell unrolled over a sequence: inputs {@code (B, T, E)} and the state (one or more
 * {@code (B, H)} arrays) to outputs {@code (B, T, H)} and the state after the last step. Every
 * parameter's shape is fixed by the constructor, so the cell initialises without a sample input.
 * Weights start uniform in +-1/sqrt(H), as PyTorch's recurrent layers do.
 *
 * <p>Arrays an unrolled pass makes belong to the inputs' manager: parameters are always the
 * second operand, so nothing lands in the model's manager.
 */
public abstract class RecurrentCell extends AbstractBlock {
  protected final int inputSize;
  protected final int hiddenSize;

  protected RecurrentCell(int inputSize, int hiddenSize) {
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
  }

  public final int inputSize() {
    return inputSize;
  }

  public final int hiddenSize() {
    return hiddenSize;
  }

  /** Arrays in the state: 1 (h) or 2 (h and the cell memory c). */
  public abstract int stateArrays();

  /** The state before the first step: zeros. */
  public final NDList zeroState(NDManager manager, int batch) {
    NDList s = new NDList();
    for (int i = 0; i < stateArrays(); i++) {
      s.add(manager.zeros(new Shape(batch, hiddenSize)));
    }
    return s;
  }

  /** Runs the cell over {@code x (B, T, E)} from {@code state}; returns outputs {@code (B, T, H)} then the new state. */
  protected abstract NDList unroll(NDArray x, NDList state, boolean training);

  /** A weight of the given shape, registered under {@code name}. */
  protected final Parameter weight(String name, long... shape) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(shape.length == 1 ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
            .optShape(new Shape(shape))
            .optInitializer(new UniformInitializer((float) (1 / Math.sqrt(hiddenSize))))
            .build());
  }

  @Override
  protected final NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    NDList state = inputs.size() > 1 ? inputs.subNDList(1) : zeroState(x.getManager(), (int) x.getShape().get(0));
    return unroll(x, state, training);
  }

  @Override
  public final Shape[] getOutputShapes(Shape[] inputs) {
    long b = inputs[0].get(0);
    Shape[] out = new Shape[1 + stateArrays()];
    out[0] = new Shape(b, inputs[0].get(1), hiddenSize);
    for (int i = 1; i < out.length; i++) {
      out[i] = new Shape(b, hiddenSize);
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // parameters only; their shapes are fixed at construction
  }

  /** The activation named {@code name}: tanh, relu, sigmoid or identity. */
  static NDArray activate(String name, NDArray x) {
    return switch (name) {
      case "tanh" -> x.tanh();
      case "relu" -> Activation.relu(x);
      case "sigmoid" -> Activation.sigmoid(x);
      case "identity" -> x;
      default -> throw new IllegalArgumentException("unknown activation " + name);
    };
  }

  /** Time step {@code t} of a {@code (T, B, K)} array. */
  static NDArray step(NDArray timeMajor, int t) {
    return timeMajor.get(t);
  }

  /** Outputs of every step, {@code (B, H)} each, as {@code (B, T, H)}. */
  static NDArray stackSteps(List<NDArray> steps) {
    return ai.djl.ndarray.NDArrays.stack(new NDList(steps), 1);
  }
}
