package dev.jnas.store;

import dev.jnas.evaluate.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A store that lives in memory only: for tabular simulations and tests. */
public final class InMemoryTrialStore implements TrialStore {
  private ExperimentInfo info;
  private final Map<Long, TrialRecord> trials = new TreeMap<>();
  private final Map<Long, List<EpochMetrics>> epochs = new TreeMap<>();
  private String snapshot;
  /** Simulations only need the latest snapshot; keeping it as text would cost a serialisation per trial. */
  private final boolean keepSnapshots;

  public InMemoryTrialStore() {
    this(true);
  }

  public InMemoryTrialStore(boolean keepSnapshots) {
    this.keepSnapshots = keepSnapshots;
  }

  public boolean keepsSnapshots() {
    return keepSnapshots;
  }

  @Override
  public synchronized void createExperiment(String name, String configJson, String provenanceJson) {
    if (info != null) {
      throw new IllegalStateException("store already holds experiment " + info.name());
    }
    long now = System.currentTimeMillis();
    info = new ExperimentInfo(name, configJson, provenanceJson, "CREATED", now, now);
  }

  @Override
  public synchronized Optional<ExperimentInfo> experiment() {
    return Optional.ofNullable(info);
  }

  @Override
  public synchronized void setStatus(String status) {
    info = new ExperimentInfo(info.name(), info.config(), info.provenance(), status, info.createdAt(), System.currentTimeMillis());
  }

  @Override
  public synchronized void updateConfig(String configJson) {
    info = new ExperimentInfo(info.name(), configJson, info.provenance(), info.status(), info.createdAt(), System.currentTimeMillis());
  }

  @Override
  public synchronized void recordAsked(List<TrialRecord> asked, String strategySnapshot) {
    for (TrialRecord t : asked) {
      trials.put(t.id(), t);
    }
    if (keepSnapshots && strategySnapshot != null) {
      snapshot = strategySnapshot;
    }
  }

  @Override
  public synchronized void recordFinished(TrialRecord finished, String strategySnapshot) {
    trials.put(finished.id(), finished);
    if (keepSnapshots && strategySnapshot != null) {
      snapshot = strategySnapshot;
    }
  }

  @Override
  public synchronized void saveSnapshot(String strategySnapshot) {
    if (keepSnapshots && strategySnapshot != null) {
      snapshot = strategySnapshot;
    }
  }

  @Override
  public synchronized void recordEpoch(long trialId, EpochMetrics metrics) {
    epochs.computeIfAbsent(trialId, k -> new ArrayList<>()).add(metrics);
  }

  @Override
  public synchronized void clearEpochs(long trialId) {
    epochs.remove(trialId);
  }

  @Override
  public synchronized Optional<String> strategySnapshot() {
    return Optional.ofNullable(snapshot);
  }

  @Override
  public synchronized List<TrialRecord> trials() {
    return new ArrayList<>(trials.values());
  }

  @Override
  public synchronized List<EpochMetrics> epochs(long trialId) {
    return List.copyOf(epochs.getOrDefault(trialId, List.of()));
  }

  private final Map<Long, TrialWorker> trialWorkers = new java.util.TreeMap<>();
  private final Map<String, String> workerInfo = new java.util.LinkedHashMap<>();

  @Override
  public synchronized void recordTrialWorker(long trialId, String worker) {
    TrialWorker was = trialWorkers.get(trialId);
    trialWorkers.put(trialId, new TrialWorker(worker, was == null ? 1 : was.attempts() + 1));
  }

  @Override
  public synchronized Map<Long, TrialWorker> trialWorkers() {
    return Map.copyOf(trialWorkers);
  }

  @Override
  public synchronized void recordWorker(String worker, String infoJson) {
    workerInfo.put(worker, infoJson);
  }

  @Override
  public synchronized Map<String, String> workers() {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(workerInfo));
  }

  @Override
  public void close() {}
}
