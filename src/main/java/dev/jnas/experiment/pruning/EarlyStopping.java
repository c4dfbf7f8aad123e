package dev.jnas.experiment.pruning;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.PruneCheck;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.TrialRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An experiment's early stopping: keeps every trial's learning curve (validation accuracy per
 * epoch) and answers the evaluators' {@link PruneCheck} with its {@link Pruner}. Thread-safe:
 * concurrent trials report and ask from their own threads.
 *
 * <p>Resume: {@link #load} takes the finished trials' curves from the store; a trial run again
 * starts with an empty curve ({@link #start}) and its evaluator reports the epochs restored from
 * its checkpoint again, so the pruner sees what it saw before the crash.
 */
public final class EarlyStopping implements PruneCheck {
  private final Pruner pruner;
  private final int maxEpochs;
  private final Map<Long, Entry> trials = new TreeMap<>();

  private static final class Entry {
    final long seed;
    TrialStatus status = TrialStatus.RUNNING;
    final List<Double> values = new ArrayList<>();

    Entry(long seed) {
      this.seed = seed;
    }

    void set(EpochMetrics m) {
      int i = m.epoch() - 1;
      while (values.size() <= i) {
        values.add(Double.NaN);
      }
      values.set(i, m.valAccuracy());
    }

    LearningCurve curve(long id, int epochs) {
      return new LearningCurve(id, seed, status, values.subList(0, Math.min(epochs, values.size())));
    }
  }

  /** @param maxEpochs the epochs a trial trains when not stopped */
  public EarlyStopping(Pruner pruner, int maxEpochs) {
    this.pruner = pruner;
    this.maxEpochs = maxEpochs;
  }

  public Pruner pruner() {
    return pruner;
  }

  /** A finished trial from the store with its epochs; only COMPLETE and PRUNED ones count. */
  public synchronized void load(TrialRecord t, List<EpochMetrics> epochs) {
    if (t.status() != TrialStatus.COMPLETE && t.status() != TrialStatus.PRUNED) {
      return;
    }
    Entry e = new Entry(t.seed());
    e.status = t.status();
    epochs.forEach(e::set);
    trials.put(t.id(), e);
  }

  /** A trial starts (or starts again after a crash): an empty RUNNING curve. */
  public synchronized void start(TrialRecord t) {
    trials.put(t.id(), new Entry(t.seed()));
  }

  /** The trial's epoch {@code m.epoch()} (reported again after a resume: replaces the value). */
  public synchronized void record(long trialId, EpochMetrics m) {
    // a trial not announced by start() (an evaluator reporting another id) goes by its id as seed
    trials.computeIfAbsent(trialId, Entry::new).set(m);
  }

  /** A trial finished: its curve keeps counting with its final status (failed ones are dropped). */
  public synchronized void finish(TrialRecord t) {
    if (t.status() != TrialStatus.COMPLETE && t.status() != TrialStatus.PRUNED) {
      trials.remove(t.id());
      return;
    }
    Entry e = trials.computeIfAbsent(t.id(), id -> new Entry(t.seed()));
    e.status = t.status();
    if (t.result() != null && !t.result().epochs().isEmpty()) {
      e.values.clear();
      t.result().epochs().forEach(e::set);
    }
  }

  @Override
  public synchronized boolean shouldPrune(long trialId, EpochMetrics latest) {
    record(trialId, latest);
    if (latest.epoch() >= maxEpochs) {
      return false;
    }
    List<LearningCurve> others = new ArrayList<>();
    trials.forEach((id, e) -> {
      if (id != trialId && !e.values.isEmpty()) {
        others.add(e.curve(id, Integer.MAX_VALUE));
      }
    });
    return pruner.prune(trials.get(trialId).curve(trialId, latest.epoch()), others, maxEpochs);
  }

  /** Every trial's curve, in id order (for reports and tests). */
  public synchronized List<LearningCurve> curves() {
    List<LearningCurve> out = new ArrayList<>();
    trials.forEach((id, e) -> out.add(e.curve(id, Integer.MAX_VALUE)));
    return out;
  }
}
