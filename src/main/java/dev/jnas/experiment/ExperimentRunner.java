package dev.jnas.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ask / evaluate / tell loop. Runs trials on a pool of {@code concurrency} threads and writes
 * every step to the store so that {@link #run()} on a store left by a killed process continues:
 * the strategy is restored from its last snapshot and replayed through the asks and tells stored
 * since (every ask batch and every tell carries an event number), trials still RUNNING are
 * evaluated again with their stored id and seed, and finished trials are never repeated.
 *
 * <p>Snapshots are written at most once per {@link #SNAPSHOT_INTERVAL_MS} (and at the end): a
 * snapshot can grow with the experiment (a de-duplicating random search remembers every
 * architecture), so writing one per trial made fast searches quadratic.
 */
public final class ExperimentRunner {
  private final SearchSpace space;
  private final Strategy strategy;
  private final Evaluator evaluator;
  private final TrialStore store;
  private final RunSettings settings;
  private final ExperimentListener listener;
  /** With concurrency 1 and an in-memory store the loop evaluates inline: no pool, no hand-off. */
  private final boolean inline;
  static final long SNAPSHOT_INTERVAL_MS = 1000;
  /** Event counter: one per ask batch and one per tell. */
  private long seq;
  private long lastSnapshotNanos;

  public ExperimentRunner(
      SearchSpace space,
      Strategy strategy,
      Evaluator evaluator,
      TrialStore store,
      RunSettings settings,
      ExperimentListener listener) {
    this.space = space;
    this.strategy = strategy;
    this.evaluator = evaluator;
    this.store = store;
    this.settings = settings;
    this.listener = listener == null ? ExperimentListener.NONE : listener;
    this.inline = settings.concurrency() == 1 && store instanceof InMemoryTrialStore;
  }

  /** Runs until the budget is spent or the strategy is exhausted; returns all trials. */
  public List<TrialRecord> run() {
    long start = System.nanoTime();
    List<TrialRecord> known = store.trials();
    restore(known);
    long nextId = known.stream().mapToLong(TrialRecord::id).max().orElse(-1) + 1;
    int finished = (int) known.stream().filter(t -> t.status().isFinished()).count();
    TrialRecord best = best(known).orElse(null);
    List<TrialRecord> pending = known.stream().filter(t -> t.status() == TrialStatus.RUNNING).toList();
    store.setStatus("RUNNING");
    listener.onStart(finished, settings.maxTrials());

    ExecutorService pool = inline ? null : Executors.newFixedThreadPool(settings.concurrency(), r -> {
      Thread t = new Thread(r, "jnas-trial");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<Done> done = inline ? null : new ExecutorCompletionService<>(pool);
    int running = 0;
    try {
      for (TrialRecord t : pending) {
        store.clearEpochs(t.id());
        submit(done, t);
        running++;
      }
      while (true) {
        boolean timeLeft = settings.maxWall() == null || System.nanoTime() - start < settings.maxWall().toNanos();
        int room = settings.concurrency() - running;
        if (settings.maxTrials() > 0) {
          room = Math.min(room, settings.maxTrials() - finished - running);
        }
        if (room > 0 && timeLeft && !strategy.isExhausted()) {
          List<Architecture> asked = strategy.ask(room);
          if (!asked.isEmpty()) {
            long now = System.currentTimeMillis();
            List<TrialRecord> records = new ArrayList<>(asked.size());
            for (Architecture a : asked) {
              long id = nextId++;
              records.add(TrialRecord.running(id, space.encode(a), Rng.derive(settings.seed(), id), now, seq + 1));
            }
            seq++;
            store.recordAsked(records, dueSnapshot());
            for (TrialRecord r : records) {
              if (inline) {
                TrialRecord f = finish(evaluate(r));
                finished++;
                best = better(best, f);
                listener.onTrialEnd(f, best);
              } else {
                submit(done, r);
                running++;
              }
            }
            continue;
          }
        }
        if (running == 0) {
          break;
        }
        Done d = take(done);
        running--;
        TrialRecord f = finish(d);
        finished++;
        best = better(best, f);
        listener.onTrialEnd(f, best);
      }
      store.saveSnapshot(snapshotText());
      store.setStatus("FINISHED");
    } catch (RuntimeException | Error e) {
      store.setStatus("FAILED");
      throw e;
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
      listener.onEnd();
    }
    return store.trials();
  }

  private record Done(TrialRecord trial, Architecture arch, TrialResult result) {}

  private void submit(ExecutorCompletionService<Done> done, TrialRecord t) {
    listener.onTrialStart(t);
    done.submit(() -> evaluate(t));
  }

  private Done evaluate(TrialRecord t) {
    if (inline) {
      listener.onTrialStart(t);
    }
    Architecture arch = space.decode(t.architecture());
    Optional<String> violation = space.violation(arch);
    if (violation.isPresent()) {
      return new Done(t, arch, TrialResult.invalid(violation.get()));
    }
    long t0 = System.nanoTime();
    TrialResult r;
    try {
      TrialListener progress =
          new TrialListener() {
            @Override
            public void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {
              store.recordEpoch(trialId, metrics);
              listener.onEpoch(trialId, metrics, totalEpochs);
            }

            @Override
            public void onBatch(long trialId, int epoch, double fraction) {
              listener.onBatch(trialId, epoch, fraction);
            }
          };
      r = evaluator.evaluate(arch, new TrialContext(t.id(), t.seed(), settings.epochsPerTrial(), progress));
      if (r.isComplete() && !Double.isFinite(r.reward())) {
        r = TrialResult.failed("evaluator returned a non-finite reward " + r.reward(), r.wallSeconds());
      }
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // Evaluators should not throw, but one trial must never end the search.
      r = TrialResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), (System.nanoTime() - t0) / 1e9);
    }
    return new Done(t, arch, r);
  }

  private TrialRecord finish(Done d) {
    TrialResult r = d.result();
    strategy.tell(d.arch(), r.isComplete() ? OptionalDouble.of(r.reward()) : OptionalDouble.empty());
    seq++;
    TrialRecord f = d.trial().finish(r, System.currentTimeMillis(), seq);
    store.recordFinished(f, dueSnapshot());
    return f;
  }

  private static Done take(ExecutorCompletionService<Done> done) {
    try {
      Future<Done> f = done.take();
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NasException("experiment interrupted", e);
    } catch (ExecutionException e) {
      throw new NasException("trial crashed: " + e.getCause(), e.getCause());
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
        throw store.damagedTrial(t.id(), "has an architecture that is not one of space " + space.name() + " ('" + t.architecture() + "': " + e.getMessage() + ")");
      }
    }
    // events after the snapshot, in the order they happened: ask batches and tells
    java.util.TreeMap<Long, List<TrialRecord>> asks = new java.util.TreeMap<>();
    java.util.TreeMap<Long, TrialRecord> tells = new java.util.TreeMap<>();
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
    java.util.TreeSet<Long> events = new java.util.TreeSet<>(asks.keySet());
    events.addAll(tells.keySet());
    for (long e : events) {
      List<TrialRecord> batch = asks.get(e);
      if (batch != null) {
        List<Architecture> again = strategy.ask(batch.size());
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
            r != null && r.isComplete() ? OptionalDouble.of(r.reward()) : OptionalDouble.empty());
      }
    }
  }

  /** The finished trial with the highest reward (ties: the earlier trial). */
  public static Optional<TrialRecord> best(List<TrialRecord> trials) {
    return trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETE)
        .max(Comparator.comparingDouble((TrialRecord t) -> t.result().reward()).thenComparing(t -> -t.id()));
  }

  private static TrialRecord better(TrialRecord best, TrialRecord t) {
    if (t.status() != TrialStatus.COMPLETE) {
      return best;
    }
    if (best == null || t.result().reward() > best.result().reward()) {
      return t;
    }
    return best;
  }
}
