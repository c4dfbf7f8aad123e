package dev.jnas.experiment;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an experiment runs.
 *
 * @param maxTrials stop asking after this many trials in all (0 = no limit)
 * @param maxWall stop asking once this much time has passed in this run (null = no limit);
 *     trials already running finish
 * @param concurrency trials evaluated at once
 * @param seed the experiment seed; trial seeds derive from it
 * @param epochsPerTrial training budget handed to the evaluator
 * @param checkpointRoot folder under which each trial gets its checkpoint folder {@code
 *     trial-<id>}; null for runs that keep nothing on disk (in-memory stores, tabular simulations)
 */
public record RunSettings(
    int maxTrials, Duration maxWall, int concurrency, long seed, int epochsPerTrial, Path checkpointRoot) {
  public RunSettings {
    if (maxTrials < 0) {
      throw new IllegalArgumentException("maxTrials < 0");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency < 1");
    }
    if (maxTrials == 0 && maxWall == null) {
      throw new IllegalArgumentException("an experiment needs max_trials or max_minutes");
    }
  }

  /** Settings without trial checkpoints. */
  public RunSettings(int maxTrials, Duration maxWall, int concurrency, long seed, int epochsPerTrial) {
    this(maxTrials, maxWall, concurrency, seed, epochsPerTrial, null);
  }
}
