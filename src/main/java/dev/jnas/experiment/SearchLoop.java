package dev.jnas.experiment;

import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import java.nio.file.Path;
import java.util.List;

/**
 * A search that runs its own loop over the store instead of the experiment's ask/tell loop: a
 * one-shot search (one supernet) or a morphism search (children trained from their parents'
 * stored weights). Like the ask/tell loop it records every trial in the store as it goes, so
 * running it again on a store left by a killed process continues the search.
 */
public interface SearchLoop {
  /**
   * Runs or continues the search within {@code settings}' budget.
   *
   * @param dir the experiment folder (what the search draws or keeps goes there)
   * @return all trials of the store
   */
  List<TrialRecord> run(TrialStore store, RunSettings settings, Path dir, ExperimentListener listener);
}
