package dev.jnas.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlRnnSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * NAS-RL's recurrent cell (Zoph &amp; Le 2017, section 3.4): a tree of {@code 2 * base - 1}
 * computation steps. Leaf k combines {@code x_t W_k + b_k} and {@code h_{t-1} U_k} (add or
 * elementwise multiply), an inner node combines its two children's outputs, and each applies its
 * activation; h_t is the root's output. The cell memory: c_{t-1} is combined into the activated
 * output of node {@code inject_at} (with its own combination and activation), and c_t is the
 * output of node {@code cell_from} before its activation.
 */
public final class NasRlRnnCell extends RecurrentCell {
  private final NasRlRnnSpace space;
  private final Architecture arch;
  private final Parameter inputWeight;
  private final Parameter inputBias;
  private final Parameter hiddenWeight;

  public NasRlRnnCell(NasRlRnnSpace space, int inputSize, int hiddenSize, Architecture arch) {
    super(inputSize, hiddenSize);
    this.space = space;
    this.arch = arch;
    int b = space.base();
    // every leaf's W_k (and U_k) side by side: one product per step for all leaves
    inputWeight = weight("leaves_x", inputSize, (long) b * hiddenSize);
    inputBias = weight("leaves_bias", (long) b * hiddenSize);
    hiddenWeight = weight("leaves_h", hiddenSize, (long) b * hiddenSize);
  }

  @Override
  public int stateArrays() {
    return 2;
  }

  @Override
  protected NDList unroll(NDArray x, NDList state, boolean training) {
    long batch = x.getShape().get(0);
    int steps = (int) x.getShape().get(1);
    int base = space.base();
    int nodes = space.nodeCount();
    String[] combine = new String[nodes];
    String[] act = new String[nodes];
    for (int k = 0; k < nodes; k++) {
      combine[k] = space.combine(arch, k);
      act[k] = space.activation(arch, k);
    }
    int injectAt = space.injectAt(arch);
    int cellFrom = space.cellFrom(arch);
    String injectCombine = space.injectCombine(arch);
    String injectActivation = space.injectActivation(arch);
    NDArray xp =
        x.reshape(batch * steps, inputSize).matMul(inputWeight.getArray()).add(inputBias.getArray())
            .reshape(batch, steps, (long) base * hiddenSize).swapAxes(0, 1);
    NDArray h = state.get(0);
    NDArray c = state.get(1);
    List<NDArray> outs = new ArrayList<>(steps);
    NDArray[] out = new NDArray[nodes];
    for (int t = 0; t < steps; t++) {
      NDList xs = step(xp, t).split(base, 1);
      NDList hs = h.matMul(hiddenWeight.getArray()).split(base, 1);
      NDArray nextC = null;
      for (int k = 0; k < nodes; k++) {
        NDArray pre;
        if (space.isLeaf(k)) {
          pre = combine(combine[k], xs.get(k), hs.get(k));
        } else {
          int[] ch = space.children(k);
          pre = combine(combine[k], out[ch[0]], out[ch[1]]);
        }
        if (k == cellFrom) {
          nextC = pre;
        }
        NDArray a = activate(act[k], pre);
        if (k == injectAt) {
          a = activate(injectActivation, combine(injectCombine, a, c));
        }
        out[k] = a;
      }
      h = out[space.root()];
      c = nextC;
      outs.add(h);
    }
    return new NDList(stackSteps(outs), h, c);
  }

  private static NDArray combine(String how, NDArray a, NDArray b) {
    return how.equals("mul") ? a.mul(b) : a.add(b);
  }
}
