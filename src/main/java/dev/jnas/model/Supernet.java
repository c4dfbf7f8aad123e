package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One over-parameterised network for a whole search space: every candidate op's weights held
 * once, in {@link MixedOp}s grouped by decision ({@link #labels()}). Before each forward pass a
 * one-shot search says what the mixed ops compute: an architecture's sub-network ({@link
 * #useArchitecture}), any set of candidates per decision ({@link #useActive}), or a weighted sum
 * ({@link #useWeights}). A sub-network computes exactly what {@link ModelBuilder#build} builds for
 * the same architecture once {@link #copyTo} has given it the supernet's weights, so the derived
 * architecture is the network multi-trial search would train.
 *
 * <p>Not thread-safe: the path is shared state, set and used by one training thread.
 */
public abstract class Supernet {
  /** One decision: its name and the options its mixed ops choose among, in candidate order. */
  public record Label(String name, List<String> options) {
    public Label {
      options = List.copyOf(options);
    }
  }

  /**
   * A mixed op's input, output (null where the path's candidate is the zero op) and the zero leaf
   * added to the output in a probing pass; after the backward pass the leaf's gradient is {@code
   * dL/d(output)}.
   */
  public record Probe(MixedOp op, NDArray input, NDArray output, NDArray leaf) {}

  final PathState state = new PathState();
  private final SearchSpace space;
  private final ModelBuilder builder;
  private final List<Label> labels;
  private final Shape inputShape;
  private final int numClasses;
  private Block block;

  /** A supernet whose subclass builds its network (with {@link #state}'s mixed ops) and sets it. */
  protected Supernet(SearchSpace space, ModelBuilder builder, List<Label> labels, Shape inputShape, int numClasses) {
    this.space = space;
    this.builder = builder;
    this.labels = List.copyOf(labels);
    this.inputShape = inputShape;
    this.numClasses = numClasses;
  }

  /** Sets the network, once, from the subclass's constructor. */
  protected final void setBlock(Block block) {
    if (this.block != null) {
      throw new IllegalStateException("the supernet's network is set already");
    }
    this.block = block;
  }

  /** The space whose architectures this supernet holds. */
  public final SearchSpace space() {
    return space;
  }

  /** The network: a batch {@code (N, C, H, W)} to logits {@code (N, numClasses)}. */
  public final Block block() {
    return block;
  }

  /** The stand-alone networks' builder: {@code builder().build(arch, ...)} is arch's network. */
  public final ModelBuilder builder() {
    return builder;
  }

  public final List<Label> labels() {
    return labels;
  }

  public final Shape inputShape() {
    return inputShape;
  }

  public final int numClasses() {
    return numClasses;
  }

  public final List<MixedOp> mixedOps() {
    return Collections.unmodifiableList(state.ops);
  }

  /**
   * The candidates per label that make up {@code arch}'s sub-network. The default is for
   * supernets whose labels are the space's decisions in order: option {@code arch.get(l)} of
   * label l.
   */
  public boolean[][] activeFor(Architecture arch) {
    boolean[][] a = new boolean[labels.size()][];
    for (int l = 0; l < a.length; l++) {
      a[l] = new boolean[labels.get(l).options().size()];
      a[l][arch.get(l)] = true;
    }
    return a;
  }

  /**
   * The architecture that takes option {@code choices[l]} of every label (the argmax of a
   * ProxylessNAS or DARTS search); the default, for labels that are the space's decisions, is
   * that architecture in canonical form.
   */
  public Architecture fromChoices(int[] choices) {
    return space.canonical(new Architecture(space.name(), choices.clone()));
  }

  /**
   * The architecture a differentiable search ends in, from each label's option probabilities:
   * the default takes every label's most probable option other than {@code none} ({@link
   * #fromChoices}), as DARTS discretises: the zero op's weight only scales an edge in the
   * mixture, and choosing it can cut every path from input to output (a NAS-Bench-201 cell whose
   * edges out of the input are all {@code none} classifies at chance). Cell spaces keep the
   * strongest inputs per node instead.
   */
  public Architecture derive(List<float[]> probabilities) {
    int[] c = new int[labels.size()];
    for (int l = 0; l < c.length; l++) {
      c[l] = argMaxExcept(probabilities.get(l), labels.get(l).options().indexOf("none"));
    }
    return fromChoices(c);
  }

  /** The index of the largest of {@code v} other than {@code excluded} (-1: none excluded; ties: the first). */
  static int argMaxExcept(float[] v, int excluded) {
    int best = -1;
    for (int k = 0; k < v.length; k++) {
      if (k != excluded && (best < 0 || v[k] > v[best])) {
        best = k;
      }
    }
    return best < 0 ? 0 : best;
  }


  /** The next forward passes compute {@code arch}'s sub-network. */
  public final void useArchitecture(Architecture arch) {
    useActive(activeFor(arch));
  }

  /** The next forward passes sum, per label, the candidates marked in {@code active[label]}. */
  public final void useActive(boolean[][] active) {
    if (active.length != labels.size()) {
      throw new IllegalArgumentException(active.length + " rows of active candidates for " + labels.size() + " labels");
    }
    state.active = active;
    state.weights = null;
  }

  /**
   * The next forward passes output, at every mixed op, {@code sum_k weights[label][k] * o_k}
   * ({@code weights[label]} of shape {@code (K)}, e.g. softmax(alpha) with its gradient).
   */
  public final void useWeights(NDArray[] weights) {
    if (weights.length != labels.size()) {
      throw new IllegalArgumentException(weights.length + " weight rows for " + labels.size() + " labels");
    }
    state.weights = weights.clone();
  }

  /**
   * Starts recording which candidates run (see {@link #used()}) and, with {@code probing}, the
   * {@link #probes()} of every mixed op that computes a sampled path.
   */
  public final void beginPass(boolean probing) {
    state.clearUsed();
    state.probing = probing;
  }

  /** Per mixed op ({@link MixedOp#id()}) and candidate: whether it ran since {@link #beginPass}. */
  public final boolean[][] used() {
    return state.used;
  }

  /**
   * Parameters outside the mixed ops that the last pass read only in part (a cell's projection
   * reads the input channels of the blocks nothing else consumed): per parameter, the indices of
   * its axis 1 that were read since {@link #beginPass}. An optimiser leaves the others as they are.
   */
  public final java.util.Map<Parameter, boolean[]> partiallyUsed() {
    return java.util.Collections.unmodifiableMap(state.partial);
  }

  public final List<Probe> probes() {
    List<Probe> out = new ArrayList<>();
    for (PathState.Probe p : state.probes) {
      out.add(new Probe(p.op(), p.input(), p.output(), p.leaf()));
    }
    return out;
  }

  /**
   * The parameters of {@code arch}'s sub-network in the order the stand-alone network lists its
   * own: the supernet's parameters outside mixed ops and those of the active candidates. A
   * parameter appears once per use (a cell that applies one shared op twice lists it twice).
   */
  public List<Parameter> pathParameters(Architecture arch) {
    boolean[][] active = activeFor(arch);
    java.util.Map<Parameter, boolean[]> owner = new java.util.IdentityHashMap<>();
    for (MixedOp op : state.ops) {
      for (int k = 0; k < op.candidates().size(); k++) {
        MixedOp.Candidate c = op.candidates().get(k);
        if (c.block() != null) {
          boolean on = active[op.label()][k];
          for (Pair<String, Parameter> p : c.block().getParameters()) {
            owner.put(p.getValue(), new boolean[] {on});
          }
        }
      }
    }
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block().getParameters()) {
      boolean[] on = owner.get(p.getValue());
      if (on == null || on[0]) {
        out.add(p.getValue());
      }
    }
    return out;
  }

  /**
   * Copies the supernet's weights (and batch-norm statistics) for {@code arch} into {@code
   * standalone}, an initialised {@code builder().build(arch, ...)}.
   *
   * @throws IllegalArgumentException when the networks do not correspond
   */
  public final void copyTo(Architecture arch, Block standalone) {
    List<Pair<String, Parameter>> to = standalone.getParameters().stream().toList();
    boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false); // in-place writes to leaves that need gradients
    try (ai.djl.ndarray.NDManager scratch = block.getParameters().get(0).getValue().getArray().getManager().newSubManager()) {
      List<NDArray> from = pathArrays(arch, scratch);
      if (from.size() != to.size()) {
        throw new IllegalArgumentException(
            "the sub-network of " + arch + " has " + from.size() + " parameters, the stand-alone network " + to.size());
      }
      copyArrays(from, to);
    } finally {
      ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
    }
  }

  /**
   * The values of {@link #pathParameters} as the stand-alone network holds them; a supernet whose
   * parameter is wider than the stand-alone one's (a cell's projection) slices it into {@code scratch}.
   */
  protected List<NDArray> pathArrays(Architecture arch, ai.djl.ndarray.NDManager scratch) {
    return pathParameters(arch).stream().map(Parameter::getArray).toList();
  }

  private static void copyArrays(List<NDArray> from, List<Pair<String, Parameter>> to) {
    for (int i = 0; i < from.size(); i++) {
      NDArray src = from.get(i);
      NDArray dst = to.get(i).getValue().getArray();
      if (!src.getShape().equals(dst.getShape())) {
        throw new IllegalArgumentException(
            "parameter " + to.get(i).getKey() + " has shape " + dst.getShape() + " in the stand-alone network, "
                + src.getShape() + " in the supernet");
      }
      dst.set(new ai.djl.ndarray.index.NDIndex("..."), src);
    }
  }
}
