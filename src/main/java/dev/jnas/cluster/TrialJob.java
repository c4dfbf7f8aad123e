package dev.jnas.cluster;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * One trial sent to a worker: everything the worker needs to build the experiment's evaluator
 * (the stored config) and to run the trial as the coordinator's own process would (id, seed,
 * architecture, epochs). Returns the worker's outcome as JSON (see {@link WorkerRuntime}).
 */
final class TrialJob implements IgniteCallable<String> {
  private static final long serialVersionUID = 1L;

  final String key;
  final String configJson;
  final long trialId;
  final long seed;
  final String architecture;
  final int epochs;
  final int attempt;

  @IgniteInstanceResource private transient Ignite ignite;

  TrialJob(String key, String configJson, long trialId, long seed, String architecture, int epochs, int attempt) {
    this.key = key;
    this.configJson = configJson;
    this.trialId = trialId;
    this.seed = seed;
    this.architecture = architecture;
    this.epochs = epochs;
    this.attempt = attempt;
  }

  /** The key of this trial in the cluster's caches. */
  String runKey() {
    return runKey(key, trialId);
  }

  static String runKey(String experimentKey, long trialId) {
    return experimentKey + "/" + trialId;
  }

  @Override
  public String call() throws Exception {
    WorkerRuntime runtime = (WorkerRuntime) ignite.cluster().nodeLocalMap().get(WorkerRuntime.KEY);
    // a node is visible to the cluster a moment before its start-up returns and installs the runtime
    for (int i = 0; runtime == null && i < 600; i++) {
      Thread.sleep(50);
      runtime = (WorkerRuntime) ignite.cluster().nodeLocalMap().get(WorkerRuntime.KEY);
    }
    if (runtime == null) {
      return Outcome.refused("the node is not running jnas's worker runtime");
    }
    return runtime.run(this);
  }
}
