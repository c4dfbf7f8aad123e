package dev.jnas.store;

import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;

/**
 * One trial as stored: what was asked ({@code architecture} is the canonical string) and, once
 * finished, its result.
 *
 * @param result null while RUNNING
 * @param startedAt epoch milliseconds
 * @param finishedAt epoch milliseconds, 0 while RUNNING
 */
public record TrialRecord(
    long id,
    String architecture,
    long seed,
    TrialStatus status,
    TrialResult result,
    long startedAt,
    long finishedAt) {

  public static TrialRecord running(long id, String architecture, long seed, long now) {
    return new TrialRecord(id, architecture, seed, TrialStatus.RUNNING, null, now, 0);
  }

  public TrialRecord finish(TrialResult r, long now) {
    return new TrialRecord(id, architecture, seed, r.status(), r, startedAt, now);
  }
}
