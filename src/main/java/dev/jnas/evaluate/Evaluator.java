package dev.jnas.evaluate;

import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;

/**
 * Measures an architecture. Takes the architecture, not a built network: a tabular benchmark
 * never builds one, a training evaluator builds it inside. Must be safe to call from several
 * threads at once when the experiment runs trials concurrently. Never throws for a bad
 * architecture or a diverging run: it returns a FAILED or INVALID result with the error.
 */
public interface Evaluator extends AutoCloseable {

  TrialResult evaluate(Architecture arch, TrialContext context);

  /** Rejects (with a BadInputException) a space this evaluator cannot evaluate. */
  default void validateSpace(SearchSpace space) {}

  @Override
  default void close() {}
}
