package dev.jnas.store;

import dev.jnas.evaluate.EpochMetrics;
import java.util.List;
import java.util.Optional;

/**
 * Durable record of one experiment. Every state change that resume depends on is one atomic
 * write: the trials a strategy asked for together with the strategy snapshot taken right after the
 * ask, and a finished trial together with the snapshot taken right after its tell. After a crash
 * the store therefore holds a snapshot consistent with the trials it lists; trials still RUNNING
 * are simply run again.
 */
public interface TrialStore extends AutoCloseable {

  /** Creates the experiment header; fails if one exists. */
  void createExperiment(String name, String configJson, String provenanceJson);

  /** The header, or empty for a store that holds no experiment. */
  Optional<ExperimentInfo> experiment();

  void setStatus(String status);

  /** Atomically stores newly asked (RUNNING) trials and the strategy snapshot after the ask. */
  void recordAsked(List<TrialRecord> asked, String strategySnapshot);

  /** Atomically stores a finished trial and the strategy snapshot after its tell. */
  void recordFinished(TrialRecord finished, String strategySnapshot);

  /** Per-epoch metrics of a running trial (for progress and reports; not needed for resume). */
  void recordEpoch(long trialId, EpochMetrics metrics);

  /** Replaces all epochs of a trial (a re-run after resume starts them afresh). */
  void clearEpochs(long trialId);

  Optional<String> strategySnapshot();

  /** All trials in id order, with results and epochs. */
  List<TrialRecord> trials();

  List<EpochMetrics> epochs(long trialId);

  @Override
  void close();
}
