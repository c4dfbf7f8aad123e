package dev.jnas.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;

/**
 * The LSTM baseline: libtorch's fused LSTM (through DJL's {@code NDArrayEx.lstm}) with PyTorch's
 * parameter layout, so the baseline is the LSTM every language-model paper compares with, not a
 * cell written here. State: h and c.
 */
public final class LstmCell extends RecurrentCell {
  private final Parameter wih;
  private final Parameter whh;
  private final Parameter bih;
  private final Parameter bhh;

  public LstmCell(int inputSize, int hiddenSize) {
    super(inputSize, hiddenSize);
    wih = weight("weight_ih", 4L * hiddenSize, inputSize);
    whh = weight("weight_hh", 4L * hiddenSize, hiddenSize);
    bih = weight("bias_ih", 4L * hiddenSize);
    bhh = weight("bias_hh", 4L * hiddenSize);
  }

  @Override
  public int stateArrays() {
    return 2;
  }

  @Override
  protected NDList unroll(NDArray x, NDList state, boolean training) {
    NDList hx = new NDList(state.get(0).expandDims(0), state.get(1).expandDims(0));
    NDList params = new NDList(wih.getArray(), whh.getArray(), bih.getArray(), bhh.getArray());
    NDList r = x.getNDArrayInternal().lstm(x, hx, params, true, 1, 0.0, training, false, true);
    // output (B, T, H), then h_n and c_n as (layers = 1, B, H)
    return new NDList(r.get(0), r.get(1).squeeze(0), r.get(2).squeeze(0));
  }

  /** Trainable parameters of an LSTM language-model cell of these sizes: 4H(E + H) + 8H. */
  public static long parameterCount(int inputSize, int hiddenSize) {
    return 4L * hiddenSize * (inputSize + hiddenSize) + 8L * hiddenSize;
  }
}
