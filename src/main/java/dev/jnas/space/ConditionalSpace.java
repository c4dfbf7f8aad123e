package dev.jnas.space;

import java.util.Optional;

/**
 * What a space says about the structure of its decisions beyond their options, for strategies
 * that split a space into subspaces (SHADHO): which decisions switch others on and off, and which
 * decisions are grids of a distribution. A subspace is one combination of values of the active
 * switching decisions (a leaf of the choice tree); its other active decisions are its domains.
 */
public interface ConditionalSpace extends SearchSpace {

  /** Whether the activity of some decision depends on the value of decision {@code decision}. */
  boolean gates(int decision);

  /**
   * The distribution decision {@code decision}'s options are a grid of (see {@link
   * HyperparameterSpace}); empty for a plain choice.
   */
  default Optional<Distribution> distribution(int decision) {
    return Optional.empty();
  }
}
