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

  /**
   * Re-enacts, when an experiment resumes, an ask whose trials the store already holds: {@code
   * stored} is what this strategy proposed at this point before the process stopped. Returns what
   * it proposes now; the experiment refuses to resume when that differs from {@code stored}.
   *
   * <p>The default asks again: a strategy computed in Java from its seed and the tells gives the
   * same answer, so a difference means that the config or the code changed. A strategy whose
   * arithmetic is not reproducible to the bit across processes (a controller on a native engine,
   * whose sums depend on the thread count) overrides this to take {@code stored} as its own
   * proposals, consuming what the ask would have, and returns them.
   */
  default List<Architecture> replayAsk(List<Architecture> stored) {
    return ask(stored.size());
  }

  /** The reward of an asked architecture; empty when its trial failed. */
  void tell(Architecture arch, OptionalDouble reward);

  /**
   * {@link #tell(Architecture, OptionalDouble)} with the seconds the trial took (NaN when
   * unknown), for strategies that schedule by measured speed (SHADHO). The experiment calls this
   * one, also when it replays stored trials on resume; the default ignores the time.
   */
  default void tell(Architecture arch, OptionalDouble reward, double seconds) {
    tell(arch, reward);
  }

  /** True when the strategy will never propose anything again (a finished grid). */
  default boolean isExhausted() {
    return false;
  }

  /** Everything needed to continue: parameters, population/weights, and random state. */
  ObjectNode snapshot();

  /** Restores a snapshot taken by a strategy created with the same space and parameters. */
  void restore(ObjectNode snapshot);
}
