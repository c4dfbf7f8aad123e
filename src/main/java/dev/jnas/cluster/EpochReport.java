package dev.jnas.cluster;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * A worker's report of one finished epoch, run on the experiment's coordinator: the coordinator
 * stores it and answers whether early stopping ends the trial now.
 */
final class EpochReport implements IgniteCallable<Boolean> {
  private static final long serialVersionUID = 1L;

  final String key;
  final long trialId;
  final int attempt;
  final String metricsJson;
  final int totalEpochs;

  @IgniteInstanceResource private transient Ignite ignite;

  EpochReport(String key, long trialId, int attempt, String metricsJson, int totalEpochs) {
    this.key = key;
    this.trialId = trialId;
    this.attempt = attempt;
    this.metricsJson = metricsJson;
    this.totalEpochs = totalEpochs;
  }

  @Override
  public Boolean call() {
    ClusterExecutor coordinator = (ClusterExecutor) ignite.cluster().nodeLocalMap().get(ClusterExecutor.registryKey(key));
    return coordinator != null && coordinator.onEpoch(trialId, attempt, metricsJson, totalEpochs);
  }
}
