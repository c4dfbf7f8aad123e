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
 * @param askSeq the experiment event number of the ask that created the trial (trials asked
 *     together share it)
 * @param tellSeq the event number at which its result was told to the strategy, 0 while RUNNING;
 *     with askSeq it lets resume replay the strategy from an older snapshot
 */
public record TrialRecord(
    long id,
    String architecture,
    long seed,
    TrialStatus status,
    TrialResult result,
    long startedAt,
    long finishedAt,
    long askSeq,
    long tellSeq) {

  public static TrialRecord running(long id, String architecture, long seed, long now, long askSeq) {
    return new TrialRecord(id, architecture, seed, TrialStatus.RUNNING, null, now, 0, askSeq, 0);
  }

  public TrialRecord finish(TrialResult r, long now, long tellSeq) {
    return new TrialRecord(id, architecture, seed, r.status(), r, startedAt, now, askSeq, tellSeq);
  }
}
