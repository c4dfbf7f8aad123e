package dev.jnas.store;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.util.BadInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable record of one experiment. Every state change that resume depends on is one atomic
 * write: the trials a strategy asked for (with their ask event number), and a finished trial (with
 * its tell event number), each optionally with the strategy snapshot taken right after. After a
 * crash the store holds a snapshot and the events since it, from which the strategy is replayed;
 * trials still RUNNING are simply run again.
 */
public interface TrialStore extends AutoCloseable {

  /** Creates the experiment header; fails if one exists. */
  void createExperiment(String name, String configJson, String provenanceJson);

  /** The header, or empty for a store that holds no experiment. */
  Optional<ExperimentInfo> experiment();

  void setStatus(String status);

  /** Replaces the stored config (a budget extended by {@code jnas resume --extend}). */
  void updateConfig(String configJson);

  /**
   * Atomically stores newly asked (RUNNING) trials and, when not null, the strategy snapshot taken
   * right after the ask.
   */
  void recordAsked(List<TrialRecord> asked, String strategySnapshot);

  /**
   * Atomically stores a finished trial and, when not null, the strategy snapshot taken right after
   * its tell.
   */
  void recordFinished(TrialRecord finished, String strategySnapshot);

  /** Replaces the strategy snapshot. */
  void saveSnapshot(String strategySnapshot);

  /** Per-epoch metrics of a running trial (for progress and reports; not needed for resume). */
  void recordEpoch(long trialId, EpochMetrics metrics);

  /** Replaces all epochs of a trial (a re-run after resume starts them afresh). */
  void clearEpochs(long trialId);

  Optional<String> strategySnapshot();

  /**
   * Records that trial {@code trialId} was sent to {@code worker} (a cluster run): the latest
   * attempt's worker is kept and the attempts counted, so a trial re-run after its worker died
   * shows both. Stores that keep no workers ignore it.
   */
  default void recordTrialWorker(long trialId, String worker) {}

  /** The worker of each trial sent to one (trials run in the coordinator's process have none). */
  default Map<Long, TrialWorker> trialWorkers() {
    return Map.of();
  }

  /** Records (or replaces) a worker's description, JSON such as {@code {"slots": 2, "gflops": 41.3}}. */
  default void recordWorker(String worker, String infoJson) {}

  /** Every worker's description by name, in the order first recorded. */
  default Map<String, String> workers() {
    return Map.of();
  }

  /**
   * Where a trial ran.
   *
   * @param worker the worker's name (host and process, or the name it was given)
   * @param attempts how many times it was sent out (more than 1: a worker died or refused it)
   */
  record TrialWorker(String worker, int attempts) {}

  /** All trials in id order, with results and epochs. */
  List<TrialRecord> trials();

  List<EpochMetrics> epochs(long trialId);

  /**
   * The error to raise when stored trial {@code trialId} cannot be used (its architecture does not
   * decode, its status or result is unreadable): names where the store keeps it and what the user
   * can do. Stores that persist override it with concrete repairs.
   */
  default BadInputException damagedTrial(long trialId, String problem) {
    return new BadInputException("stored trial " + trialId + " is damaged: " + problem);
  }

  /** As {@link #damagedTrial}, for the stored strategy snapshot. */
  default BadInputException damagedSnapshot(String problem) {
    return new BadInputException("the stored strategy snapshot is damaged: " + problem);
  }

  @Override
  void close();
}
