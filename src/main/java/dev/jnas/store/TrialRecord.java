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
 * @param lineage for a network grown from another trial's (morphism searches): JSON {@code
 *     {"parent": <trial id>, "morphisms": [...]}} ({@code parent} absent for a start network);
 *     null for trials of other searches
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
    long tellSeq,
    String lineage) {

  /** A trial without lineage. */
  public TrialRecord(
      long id, String architecture, long seed, TrialStatus status, TrialResult result, long startedAt, long finishedAt,
      long askSeq, long tellSeq) {
    this(id, architecture, seed, status, result, startedAt, finishedAt, askSeq, tellSeq, null);
  }

  public static TrialRecord running(long id, String architecture, long seed, long now, long askSeq) {
    return new TrialRecord(id, architecture, seed, TrialStatus.RUNNING, null, now, 0, askSeq, 0, null);
  }

  /** A RUNNING trial grown from another (see {@code lineage}). */
  public static TrialRecord running(long id, String architecture, long seed, long now, long askSeq, String lineage) {
    return new TrialRecord(id, architecture, seed, TrialStatus.RUNNING, null, now, 0, askSeq, 0, lineage);
  }

  public TrialRecord finish(TrialResult r, long now, long tellSeq) {
    return new TrialRecord(id, architecture, seed, r.status(), r, startedAt, now, askSeq, tellSeq, lineage);
  }
}
