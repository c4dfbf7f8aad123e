package dev.jnas.predict;

import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import dev.jnas.space.SearchSpace;
import java.util.List;

/**
 * Writes an architecture of any space as one group of tokens, one per decision: decision i's
 * token is its choice offset into a range of its own, and one more id in that range stands for
 * "inactive" (a conditional decision its architecture does not use). Embedding these tokens is a
 * one-hot encoding of the decisions, which needs nothing to know about the space: the predictor
 * searches then run on spaces nobody here has seen.
 */
public final class DecisionTokens {
  private final SearchSpace space;
  private final int[] offset;
  private final Predictor.TokenSpec spec;

  public DecisionTokens(SearchSpace space) {
    this.space = space;
    List<Decision> d = space.decisions();
    offset = new int[d.size()];
    int next = 0;
    for (int i = 0; i < d.size(); i++) {
      offset[i] = next;
      next += d.get(i).cardinality() + 1;
    }
    spec = new Predictor.TokenSpec(next, d.size());
  }

  public Predictor.TokenSpec spec() {
    return spec;
  }

  public int[] tokens(Architecture arch) {
    int[] t = new int[offset.length];
    for (int i = 0; i < offset.length; i++) {
      int inactive = space.decisions().get(i).cardinality();
      t[i] = offset[i] + (space.isActive(arch, i) ? arch.get(i) : inactive);
    }
    return t;
  }
}
