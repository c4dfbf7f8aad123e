package dev.jnas.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bookkeeping half of a search, shared by {@link ExperimentRunner} (which also evaluates) and
 * by callers who evaluate trials themselves (ask/tell): it restores the strategy from the store,
 * numbers and seeds what the strategy asks for, records it, tells results back and records
 * finished trials, each step one atomic write with its event number, so a process killed at any
 * moment can be continued by a new ledger on the same store.
 *
 * <p>Resume: the strategy is restored from its last snapshot and replayed through the asks and
 * tells stored since (asks through {@link Strategy#replayAsk}, which may adopt the stored
 * architectures). Snapshots are written at most once per {@link #SNAPSHOT_INTERVAL_MS} (and on
 * {@link #close}): a snapshot can grow with the experiment, so one per trial made fast searches
 * quadratic.
 *
 * <p>Not thread-safe: one thread (or a lock) at a time.
 */
public final class TrialLedger {
  static final long SNAPSHOT_INTERVAL_MS = 1000;

  private final SearchSpace space;
  private final Strategy strategy;
  private final TrialStore store;
  private final long seed;
  /** Event counter: one per ask batch and one per tell. */
  private long seq;
  private long nextId;
  private long lastSnapshotNanos;
  private boolean opened;

  /**
   * @param seed the experiment seed: trial {@code id}'s seed is {@code Rng.derive(seed, id)}
   */
  public TrialLedger(SearchSpace space, Strategy strategy, TrialStore store, long seed) {
    this.space = space;
    this.strategy = strategy;
    this.store = store;
    this.seed = seed;
  }

  /**
   * Restores the strategy to where the stored events leave it; call once, first.
   *
   * @return every stored trial, in id order (RUNNING ones were asked but never finished: run
   *     them again with their id and seed)
   */
  public List<TrialRecord> open() {
    if (opened) {
      throw new IllegalStateException("ledger already opened");
    }
    opened = true;
    List<TrialRecord> known = store.trials();
    restore(known);
    nextId = known.stream().mapToLong(TrialRecord::id).max().orElse(-1) + 1;
    return known;
  }

  /** Up to {@code n} new trials from the strategy, recorded as RUNNING; none when it has nothing now. */
  public List<TrialRecord> ask(int n) {
    List<Architecture> asked = strategy.ask(n);
    if (asked.isEmpty()) {
      return List.of();
    }
    long now = System.currentTimeMillis();
    List<TrialRecord> records = new ArrayList<>(asked.size());
    for (Architecture a : asked) {
      long id = nextId++;
      records.add(TrialRecord.running(id, space.encode(a), Rng.derive(seed, id), now, seq + 1));
    }
    seq++;
    store.recordAsked(records, dueSnapshot());
    return records;
  }

  /** Tells the strategy {@code result} of an asked trial and records the finished trial. */
  public TrialRecord finish(TrialRecord trial, Architecture arch, TrialResult result) {
    strategy.tell(
        arch, result.toldReward(), result.wallSeconds());
    seq++;
    TrialRecord f = trial.finish(result, System.currentTimeMillis(), seq);
    store.recordFinished(f, dueSnapshot());
    return f;
  }

  /** Whether the strategy will never propose anything again. */
  public boolean exhausted() {
    return strategy.isExhausted();
  }

  /** Writes a last snapshot, so the next open replays nothing. */
  public void close() {
    if (opened) {
      store.saveSnapshot(snapshotText());
    }
  }

  /** The snapshot with the event number it follows: {"seq": n, "strategy": {...}}. */
  private String snapshotText() {
    if (store instanceof InMemoryTrialStore m && !m.keepsSnapshots()) {
      return null;
    }
    lastSnapshotNanos = System.nanoTime();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("seq", seq);
    o.set("strategy", strategy.snapshot());
    return o.toString();
  }

  private String dueSnapshot() {
    return System.nanoTime() - lastSnapshotNanos >= SNAPSHOT_INTERVAL_MS * 1_000_000 ? snapshotText() : null;
  }

  /** Restores the last snapshot, then replays the asks and tells stored after it. */
  private void restore(List<TrialRecord> known) {
    long from = 0;
    Optional<String> snap = store.strategySnapshot();
    if (snap.isPresent()) {
      try {
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(snap.get());
        from = o.get("seq").asLong();
        strategy.restore((ObjectNode) o.get("strategy"));
      } catch (JsonProcessingException e) {
        throw store.damagedSnapshot("is not readable JSON (" + e.getOriginalMessage() + ")");
      } catch (RuntimeException e) {
        throw store.damagedSnapshot("cannot be restored into the " + strategy.name() + " strategy (" + e + ")");
      }
    }
    for (TrialRecord t : known) {
      try {
        space.decode(t.architecture());
      } catch (RuntimeException e) {
        throw store.damagedTrial(
            t.id(), "has an architecture that is not one of space " + space.name() + " ('" + t.architecture() + "': " + e.getMessage() + ")");
      }
    }
    // events after the snapshot, in the order they happened: ask batches and tells
    TreeMap<Long, List<TrialRecord>> asks = new TreeMap<>();
    TreeMap<Long, TrialRecord> tells = new TreeMap<>();
    for (TrialRecord t : known) {
      if (t.askSeq() > from) {
        asks.computeIfAbsent(t.askSeq(), k -> new ArrayList<>()).add(t);
      }
      if (t.tellSeq() > from) {
        tells.put(t.tellSeq(), t);
      }
      seq = Math.max(seq, Math.max(t.askSeq(), t.tellSeq()));
    }
    seq = Math.max(seq, from);
    TreeSet<Long> events = new TreeSet<>(asks.keySet());
    events.addAll(tells.keySet());
    for (long e : events) {
      List<TrialRecord> batch = asks.get(e);
      if (batch != null) {
        List<Architecture> again =
            strategy.replayAsk(batch.stream().map(t -> space.decode(t.architecture())).toList());
        for (int i = 0; i < batch.size(); i++) {
          String expected = batch.get(i).architecture();
          String got = i < again.size() ? space.encode(again.get(i)) : "nothing";
          if (!expected.equals(got)) {
            throw new NasException(
                "cannot resume: replaying the strategy diverged at trial " + batch.get(i).id() + " (stored " + expected
                    + ", replay gave " + got + "); were the config or jnas changed since the experiment started?");
          }
        }
      } else {
        TrialRecord t = tells.get(e);
        TrialResult r = t.result();
        strategy.tell(
            space.decode(t.architecture()),
            r != null ? r.toldReward() : OptionalDouble.empty(),
            r != null ? r.wallSeconds() : Double.NaN);
      }
    }
  }
}
