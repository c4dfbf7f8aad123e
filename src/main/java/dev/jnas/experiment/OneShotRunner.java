package dev.jnas.experiment;

import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import java.util.List;

/**
 * A search that trains one supernet instead of many trials (ENAS, DARTS, ProxylessNAS). It is
 * recorded as one trial: RUNNING while the supernet trains (its epochs are the supernet's), then
 * COMPLETE with the derived architecture, which the experiment retrains from scratch like any
 * search's best. Running it again on a store left by a killed process continues from the last
 * finished supernet epoch.
 */
public interface OneShotRunner extends SearchLoop {
  /**
   * Runs or continues the search; {@link RunSettings#epochsPerTrial()} counts supernet epochs and
   * {@link RunSettings#maxWall()} limits the wall time.
   *
   * @param dir the experiment folder (charts of the search are drawn there)
   * @return all trials of the store
   */
  @Override
  List<TrialRecord> run(TrialStore store, RunSettings settings, java.nio.file.Path dir, ExperimentListener listener);
}
