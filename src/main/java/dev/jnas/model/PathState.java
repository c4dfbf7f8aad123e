package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What a supernet's mixed ops compute in the next forward pass, shared by all of them, and what
 * they record while computing it (the candidates that ran; ProxylessNAS's probes). Not
 * thread-safe: one supernet is trained by one thread.
 */
final class PathState {
  /** A mixed op's input, output and zero leaf in a probing forward pass. */
  record Probe(MixedOp op, NDArray input, NDArray output, NDArray leaf) {}

  final List<MixedOp> ops = new ArrayList<>();
  /** Per label, the candidates to sum; used when {@link #weights} is null. */
  boolean[][] active;
  /** Per label, the candidates' mixing weights (DARTS), or null. */
  NDArray[] weights;
  /** Per mixed op and candidate, whether it ran since the last {@link #clearUsed()}. */
  boolean[][] used;
  boolean probing;
  final List<Probe> probes = new ArrayList<>();
  /**
   * Parameters outside mixed ops that the pass used only in part: per parameter, which indices
   * of its axis 1 (a projection's input channels) it read; the rest had no gradient.
   */
  final java.util.Map<ai.djl.nn.Parameter, boolean[]> partial = new java.util.IdentityHashMap<>();

  int register(MixedOp op) {
    ops.add(op);
    return ops.size() - 1;
  }

  void clearUsed() {
    if (used == null || used.length != ops.size()) {
      used = new boolean[ops.size()][];
      for (int i = 0; i < ops.size(); i++) {
        used[i] = new boolean[ops.get(i).candidates().size()];
      }
    } else {
      for (boolean[] u : used) {
        java.util.Arrays.fill(u, false);
      }
    }
    probes.clear();
    partial.clear();
  }
}
