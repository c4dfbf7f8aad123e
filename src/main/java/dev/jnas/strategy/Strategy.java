package dev.jnas.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import java.util.List;
import java.util.OptionalDouble;

/**
 * An ask/tell searcher. No threads, no I/O: the experiment loop asks for architectures, evaluates
 * them however it likes, and tells the rewards back (higher is better). All randomness comes from
 * the seed it was created with, and {@link #snapshot()} includes the random state, so a strategy
 * restored from a snapshot continues exactly as the original would have.
 */
public interface Strategy {

  /** Registered name, e.g. {@code evolution}. */
  String name();

  /**
   * Up to {@code n} architectures to evaluate next. May return fewer, even none, when the strategy
   * must first hear results (e.g. a controller waiting for its batch) or has nothing left (grid).
   */
  List<Architecture> ask(int n);

  /** The reward of an asked architecture; empty when its trial failed. */
  void tell(Architecture arch, OptionalDouble reward);

  /** True when the strategy will never propose anything again (a finished grid). */
  default boolean isExhausted() {
    return false;
  }

  /** Everything needed to continue: parameters, population/weights, and random state. */
  ObjectNode snapshot();

  /** Restores a snapshot taken by a strategy created with the same space and parameters. */
  void restore(ObjectNode snapshot);
}
