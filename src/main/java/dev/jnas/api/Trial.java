package dev.jnas.api;

import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import java.util.Map;
import java.util.Optional;

/**
 * One trial of an experiment: the architecture a strategy proposed, the seed its evaluation must
 * use, and once finished its result.
 *
 * @param id the trial's number in its experiment (0, 1, ...)
 * @param architecture the proposed architecture
 * @param string its canonical string in the space (what the store and the CLI show)
 * @param decisions each active decision's chosen label, in the space's order (e.g. {@code
 *     learning_rate=0.01}; a conditional decision whose condition does not hold is absent): what a
 *     caller's own evaluator reads
 * @param seed the trial's seed, derived from the experiment seed; all randomness of the
 *     evaluation should flow from it
 * @param status RUNNING until told
 * @param result null while RUNNING
 */
public record Trial(
    long id,
    Architecture architecture,
    String string,
    Map<String, String> decisions,
    long seed,
    TrialStatus status,
    TrialResult result) {

  public Trial {
    decisions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(decisions));
  }

  /** The reward of a COMPLETE trial, or the partial one of a PRUNED trial (see {@link TrialStatus#PRUNED}). */
  public Optional<Double> reward() {
    return result != null && result.toldReward().isPresent() ? Optional.of(result.reward()) : Optional.empty();
  }

  /** A decision's label by name; throws for a name the space does not have. */
  public String decision(String name) {
    String v = decisions.get(name);
    if (v == null) {
      throw new IllegalArgumentException("trial " + id + " has no decision '" + name + "' (it has " + decisions.keySet() + ")");
    }
    return v;
  }
}
