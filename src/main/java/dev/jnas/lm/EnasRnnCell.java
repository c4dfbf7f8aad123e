package dev.jnas.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import dev.jnas.space.Architecture;
import dev.jnas.space.EnasRnnSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * ENAS's recurrent cell (Pham et al. 2018, section 2.1): node 1 reads x_t and h_{t-1}, node i
 * reads the node its decision names; every node is a highway layer {@code s_i = s_j + c_i *
 * (f_i(z) - s_j)} with {@code [c_i, z] = s_j W_{i,j}} (c_i through a sigmoid), and h_t is the
 * average of the nodes no other node reads.
 *
 * <p>As a supernet ({@code fixed == null}) it holds W_{i,j} for every earlier node j of every node
 * i, ENAS's shared weights, and computes the path last set by {@link #use}; as one architecture's
 * cell it holds only the weights that architecture reads, under the same names, so a supernet's
 * weights could be copied into it.
 */
public final class EnasRnnCell extends RecurrentCell {
  private final EnasRnnSpace space;
  private final Parameter inputWeight;
  private final Parameter hiddenWeight;
  /** weights[i][j]: node i (2..N) reading node j (1..i-1); null where this cell does not hold it. */
  private final Parameter[][] weights;
  private final boolean supernet;
  private Architecture path;

  /**
   * @param fixed the architecture this cell computes, or null for the supernet of the whole space
   */
  public EnasRnnCell(EnasRnnSpace space, int inputSize, int hiddenSize, Architecture fixed) {
    super(inputSize, hiddenSize);
    this.space = space;
    this.supernet = fixed == null;
    int n = space.nodes();
    inputWeight = weight("node1_x", inputSize, 2L * hiddenSize);
    hiddenWeight = weight("node1_h", hiddenSize, 2L * hiddenSize);
    weights = new Parameter[n + 1][];
    for (int i = 2; i <= n; i++) {
      weights[i] = new Parameter[i];
      for (int j = 1; j < i; j++) {
        if (supernet || space.input(fixed, i) == j) {
          weights[i][j] = weight("node" + i + "_from" + j, hiddenSize, 2L * hiddenSize);
        }
      }
    }
    this.path = fixed;
  }

  /** Sets the architecture a supernet computes until the next call. */
  public void use(Architecture arch) {
    if (!supernet) {
      throw new IllegalStateException("a fixed cell computes its own architecture only");
    }
    path = arch;
  }

  /** The parameters {@code arch}'s path reads (of a supernet: the ones its steps update). */
  public List<Parameter> pathParameters(Architecture arch) {
    List<Parameter> p = new ArrayList<>(List.of(inputWeight, hiddenWeight));
    for (int i = 2; i <= space.nodes(); i++) {
      p.add(weights[i][space.input(arch, i)]);
    }
    return p;
  }

  @Override
  public int stateArrays() {
    return 1;
  }

  @Override
  protected NDList unroll(NDArray x, NDList state, boolean training) {
    if (path == null) {
      throw new IllegalStateException("the supernet has no path: call use(architecture) first");
    }
    long b = x.getShape().get(0);
    int steps = (int) x.getShape().get(1);
    int n = space.nodes();
    String[] act = new String[n + 1];
    int[] in = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      act[i] = space.activation(path, i);
      in[i] = i == 1 ? 0 : space.input(path, i);
    }
    List<Integer> ends = space.outputs(path);
    // the input's share of node 1 for every step in one product, time-major
    NDArray xp = x.reshape(b * steps, inputSize).matMul(inputWeight.getArray()).reshape(b, steps, 2L * hiddenSize).swapAxes(0, 1);
    NDArray h = state.head();
    List<NDArray> outs = new ArrayList<>(steps);
    NDArray[] s = new NDArray[n + 1];
    // 1 / (loose ends) as a tensor libtorch owns: sum.div(int) would divide by a scalar wrapping a
    // Java buffer that DJL frees right after the op, while autograd keeps it for the backward pass
    // (a garbage collection in between changed the gradients)
    NDArray mean = ends.size() == 1 ? null : x.getManager().full(new Shape(), 1f / ends.size());
    for (int t = 0; t < steps; t++) {
      s[1] = highway(step(xp, t).add(h.matMul(hiddenWeight.getArray())), h, act[1]);
      for (int i = 2; i <= n; i++) {
        NDArray from = s[in[i]];
        s[i] = highway(from.matMul(weights[i][in[i]].getArray()), from, act[i]);
      }
      NDArray sum = s[ends.get(0)];
      for (int k = 1; k < ends.size(); k++) {
        sum = sum.add(s[ends.get(k)]);
      }
      h = mean == null ? sum : sum.mul(mean);
      outs.add(h);
    }
    return new NDList(stackSteps(outs), h);
  }

  /** {@code from + c * (f(z) - from)}: a highway layer, c and z the two halves of {@code cz}. */
  private NDArray highway(NDArray cz, NDArray from, String activation) {
    NDList halves = cz.split(2, 1);
    NDArray c = Activation.sigmoid(halves.get(0));
    return from.add(c.mul(activate(activation, halves.get(1)).sub(from)));
  }
}
