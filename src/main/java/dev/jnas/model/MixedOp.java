package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One choice point of a {@link Supernet}: the candidates of one decision, each with its own
 * weights, all mapping the same input shape to the same output shape. What it computes is set on
 * the supernet before each forward pass: the sum of the active candidates (a sampled path, ENAS
 * and ProxylessNAS) or their weighted sum (DARTS). Mixed ops of the same {@link #label()} share one
 * decision (NAS-Bench-201 repeats its cell: every cell's edge 2 follows the same choice).
 *
 * <p>A candidate that is the zero op ({@code none}, an absent connection) is never computed; when
 * nothing else is active the op outputs an empty {@link NDList}, which its parent reads as zero.
 */
public final class MixedOp extends FixedShapeBlock {
  /** How a candidate computes: nothing (zero), its input (identity), or its block. */
  public enum Kind {
    ZERO,
    IDENTITY,
    BLOCK
  }

  /** One candidate: its name (the decision's option), kind, and block (null unless {@code BLOCK}). */
  public record Candidate(String name, Kind kind, Block block, long flops) {}

  private final PathState state;
  private final int label;
  private final int id;
  private final List<Candidate> candidates;
  private final Shape input;
  private final Shape output;

  MixedOp(PathState state, int label, Shape input, Shape output, List<String> names, List<Built> built) {
    this.state = state;
    this.label = label;
    this.input = input;
    this.output = output;
    this.id = state.register(this);
    List<Candidate> cs = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      Built b = built.get(k);
      Kind kind = b == null ? Kind.ZERO : b.block() == null ? Kind.IDENTITY : Kind.BLOCK;
      if (kind == Kind.BLOCK) {
        if (!b.output().equals(output)) {
          throw new IllegalArgumentException(
              "candidate " + names.get(k) + " outputs " + b.output() + ", the mixed op " + output);
        }
        child(names.get(k), b, input);
      }
      cs.add(new Candidate(names.get(k), kind, kind == Kind.BLOCK ? b.block() : null, b == null ? 0 : b.flops()));
    }
    this.candidates = Collections.unmodifiableList(cs);
    setExampleOutput(output);
  }

  /** A candidate that outputs its input unchanged (skip connection). */
  static Built identity(Shape shape) {
    return new Built(null, shape, 0);
  }

  /** The decision (row of the supernet's architecture parameters) this op follows. */
  public int label() {
    return label;
  }

  /** This op's index among its supernet's mixed ops. */
  public int id() {
    return id;
  }

  public List<Candidate> candidates() {
    return candidates;
  }

  /** Per-example input shape {@code (C, H, W)}. */
  public Shape inputShape() {
    return input;
  }

  /**
   * Candidate {@code k}'s output for {@code x}, or null for the zero op (for ProxylessNAS's
   * gradient estimate, which needs every candidate's output on the sampled path's input).
   */
  public NDArray candidateOutput(int k, ParameterStore store, NDArray x, boolean training) {
    Candidate c = candidates.get(k);
    return switch (c.kind()) {
      case ZERO -> null;
      case IDENTITY -> x;
      case BLOCK -> run(c.block(), store, x, training);
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray sum = null;
    if (state.weights != null) {
      NDArray w = state.weights[label];
      for (int k = 0; k < candidates.size(); k++) {
        NDArray v = candidateOutput(k, store, x, training);
        if (v == null) {
          continue;
        }
        state.used[id][k] = true;
        v = v.mul(w.get(k));
        sum = sum == null ? v : sum.add(v);
      }
    } else {
      boolean[] active = state.active[label];
      for (int k = 0; k < candidates.size(); k++) {
        if (!active[k]) {
          continue;
        }
        NDArray v = candidateOutput(k, store, x, training);
        if (v == null) {
          continue;
        }
        state.used[id][k] = true;
        sum = sum == null ? v : sum.add(v);
      }
      if (state.probing) {
        // A zero leaf added to the output: its gradient is dL/d(output), which ProxylessNAS's
        // estimator needs; libtorch keeps gradients of leaves only. Where the path's candidate
        // is the zero op, the leaf is the output: the other candidates' gates have a gradient
        // there too (the paper's binary gates), so the op cannot drop out of the pass.
        NDArray z = sum != null ? FixedShapeBlock.zerosLike(sum) : zeros(x, output);
        z.setRequiresGradient(true);
        state.probes.add(new PathState.Probe(this, x, sum, z));
        sum = sum == null ? z : sum.add(z);
      }
    }
    return sum == null ? new NDList() : new NDList(sum);
  }

  /** The output, or null when the op computed nothing (zero). */
  static NDArray outputOrNull(NDList out) {
    return out.isEmpty() ? null : out.singletonOrThrow();
  }
}
