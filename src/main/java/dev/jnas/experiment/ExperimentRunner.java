package dev.jnas.experiment;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.pruning.EarlyStopping;
import dev.jnas.experiment.pruning.Pruner;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.Folders;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ask / evaluate / tell loop. Runs trials on a pool of {@code concurrency} threads; a {@link
 * TrialLedger} writes every step to the store, so that {@link #run()} on a store left by a killed
 * process continues: the strategy is restored, trials still RUNNING are evaluated again with their
 * stored id and seed, and finished trials are never repeated.
 *
 * <p>With a {@link RunSettings#checkpointRoot()} every trial gets the folder {@code
 * <root>/trial-<id>} for its evaluator's checkpoints (see {@link TrialContext}), so a trial run
 * again after a crash continues from its last epoch. Once a trial is finished its folder is deleted
 * unless it is the best so far; when a better trial arrives, the previous best's goes.
 *
 * <p>With a {@link Pruner} (early stopping) every trial's context carries an {@link
 * EarlyStopping} that the evaluator asks after each epoch; a trial it stops is recorded PRUNED
 * with the epochs it trained (see {@link TrialStatus#PRUNED}). On resume the finished trials'
 * curves are read back from the store first.
 */
public final class ExperimentRunner {
  private final SearchSpace space;
  private final Strategy strategy;
  private final TrialStore store;
  private final RunSettings settings;
  private final ExperimentListener listener;
  /** With concurrency 1 and an in-memory store the loop evaluates inline: no pool, no hand-off. */
  private final boolean inline;
  private final TrialLedger ledger;
  /** Null without early stopping. */
  private final EarlyStopping early;
  /** Runs the trials: the evaluator here, or a cluster's workers. */
  private final TrialExecutor executor;
  /** A trial's checkpoint folder under {@link RunSettings#checkpointRoot()}: {@code trial-<id>}. */
  public static final String TRIAL_FOLDER = "trial-";
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

  public ExperimentRunner(
      SearchSpace space,
      Strategy strategy,
      Evaluator evaluator,
      TrialStore store,
      RunSettings settings,
      ExperimentListener listener) {
    this(space, strategy, evaluator, store, settings, listener, null);
  }

  /** @param pruner early stopping's rule; null: none */
  public ExperimentRunner(
      SearchSpace space,
      Strategy strategy,
      Evaluator evaluator,
      TrialStore store,
      RunSettings settings,
      ExperimentListener listener,
      Pruner pruner) {
    this(space, strategy, evaluator, store, settings, listener, pruner, null);
  }

  /**
   * @param pruner early stopping's rule; null: none
   * @param executor where trials run; null: {@code evaluator} on {@code settings.concurrency()}
   *     threads of this process
   */
  public ExperimentRunner(
      SearchSpace space,
      Strategy strategy,
      Evaluator evaluator,
      TrialStore store,
      RunSettings settings,
      ExperimentListener listener,
      Pruner pruner,
      TrialExecutor executor) {
    this.executor = executor != null ? executor : TrialExecutor.local(evaluator, settings.concurrency());
    this.early = pruner == null ? null : new EarlyStopping(pruner, settings.epochsPerTrial());
    this.space = space;
    this.strategy = strategy;
    this.store = store;
    this.settings = settings;
    this.listener = listener == null ? ExperimentListener.NONE : listener;
    this.inline = executor == null && settings.concurrency() == 1 && store instanceof InMemoryTrialStore;
    this.ledger = new TrialLedger(space, strategy, store, settings.seed());
  }

  /** Runs until the budget is spent or the strategy is exhausted; returns all trials. */
  public List<TrialRecord> run() {
    long start = System.nanoTime();
    List<TrialRecord> known = ledger.open();
    int finished = (int) known.stream().filter(t -> t.status().isFinished()).count();
    TrialRecord best = best(known).orElse(null);
    List<TrialRecord> pending = known.stream().filter(t -> t.status() == TrialStatus.RUNNING).toList();
    if (early != null) {
      for (TrialRecord t : known) {
        if (t.status().isFinished()) {
          early.load(t, t.result() != null && !t.result().epochs().isEmpty() ? t.result().epochs() : store.epochs(t.id()));
        }
      }
    }
    sweepCheckpoints(pending, best);
    store.setStatus("RUNNING");
    listener.onStart(finished, settings.maxTrials());

    java.util.concurrent.ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "jnas-trial");
      t.setDaemon(true);
      return t;
    };
    // a cluster's slot count changes as workers come and go: one thread per trial in flight
    ExecutorService pool = inline ? null
        : executor.dynamic() ? Executors.newCachedThreadPool(daemons) : Executors.newFixedThreadPool(settings.concurrency(), daemons);
    ExecutorCompletionService<Done> done = inline ? null : new ExecutorCompletionService<>(pool);
    int running = 0;
    try {
      for (TrialRecord t : pending) {
        // an evaluator that continues from the trial's checkpoint reports the restored epochs again
        store.clearEpochs(t.id());
        submit(done, t, -1);
        running++;
      }
      while (true) {
        boolean timeLeft = settings.maxWall() == null || System.nanoTime() - start < settings.maxWall().toNanos();
        int room = executor.slots() - running;
        if (settings.maxTrials() > 0) {
          room = Math.min(room, settings.maxTrials() - finished - running);
        }
        if (room > 0 && timeLeft && !ledger.exhausted()) {
          List<TrialRecord> records = ledger.ask(room);
          if (!records.isEmpty()) {
            for (TrialRecord r : records) {
              if (inline) {
                TrialRecord f = finish(evaluate(r));
                finished++;
                best = keepBestCheckpoint(best, f);
                listener.onTrialEnd(f, best);
              } else {
                submit(done, r, plannedSlot(r));
                running++;
              }
            }
            continue;
          }
        }
        boolean more = timeLeft && !ledger.exhausted()
            && (settings.maxTrials() <= 0 || finished + running < settings.maxTrials());
        if (running == 0 && !(more && executor.dynamic())) {
          break;
        }
        Done d = executor.dynamic() ? poll(done) : take(done);
        if (d == null) {
          continue; // no trial ended: look again for free slots (a worker may have joined)
        }
        running--;
        TrialRecord f = finish(d);
        finished++;
        best = keepBestCheckpoint(best, f);
        listener.onTrialEnd(f, best);
      }
      ledger.close();
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

  private void submit(ExecutorCompletionService<Done> done, TrialRecord t, int slot) {
    listener.onTrialStart(t);
    done.submit(() -> evaluate(t, slot));
  }

  /** The worker slot the strategy planned for a trial it just proposed (asked on this thread), or -1. */
  private int plannedSlot(TrialRecord r) {
    return strategy instanceof dev.jnas.strategy.SlotPlanner p ? p.slotOf(space.decode(r.architecture())) : -1;
  }

  private Done evaluate(TrialRecord t) {
    return evaluate(t, -1);
  }

  private Done evaluate(TrialRecord t, int slot) {
    if (inline) {
      listener.onTrialStart(t);
    }
    Architecture arch = space.decode(t.architecture());
    Optional<String> violation = space.violation(arch);
    if (violation.isPresent()) {
      return new Done(t, arch, TrialResult.invalid(violation.get()));
    }
    long t0 = System.nanoTime();
    if (early != null) {
      early.start(t);
    }
    TrialResult r;
    try {
      TrialListener progress =
          new TrialListener() {
            @Override
            public void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {
              store.recordEpoch(trialId, metrics);
              if (early != null) {
                early.record(trialId, metrics);
              }
              listener.onEpoch(trialId, metrics, totalEpochs);
            }

            @Override
            public void onBatch(long trialId, int epoch, double fraction) {
              listener.onBatch(trialId, epoch, fraction);
            }
          };
      r = executor.evaluate(
          t, arch, new TrialContext(t.id(), t.seed(), settings.epochsPerTrial(), progress, checkpointDir(t.id()), early), slot);
      boolean scored = r.isComplete() || r.status() == TrialStatus.PRUNED;
      if (scored && !Double.isFinite(r.reward())) {
        r = TrialResult.failed("evaluator returned a non-finite reward " + r.reward(), r.wallSeconds());
      }
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // Evaluators should not throw, but one trial must never end the search.
      r = TrialResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), (System.nanoTime() - t0) / 1e9);
    }
    return new Done(t, arch, r);
  }

  private TrialRecord finish(Done d) {
    TrialRecord f = ledger.finish(d.trial(), d.arch(), d.result());
    if (early != null) {
      early.finish(f);
    }
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

  /** The next finished trial, or null when none finished within a quarter of a second. */
  private static Done poll(ExecutorCompletionService<Done> done) {
    try {
      Future<Done> f = done.poll(250, java.util.concurrent.TimeUnit.MILLISECONDS);
      return f == null ? null : f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NasException("experiment interrupted", e);
    } catch (ExecutionException e) {
      throw new NasException("trial crashed: " + e.getCause(), e.getCause());
    }
  }

  /** Trial {@code id}'s checkpoint folder, or null when this run keeps none. */
  private Path checkpointDir(long id) {
    return settings.checkpointRoot() == null ? null : settings.checkpointRoot().resolve(TRIAL_FOLDER + id);
  }

  /**
   * The best trial after {@code finished}; deletes the checkpoint of whichever of the two is not
   * the best, so only the best trial's checkpoint outlives its trial.
   */
  private TrialRecord keepBestCheckpoint(TrialRecord best, TrialRecord finished) {
    TrialRecord now = better(best, finished);
    if (now != finished) {
      deleteCheckpoint(finished.id());
    } else if (best != null) {
      deleteCheckpoint(best.id());
    }
    return now;
  }

  /**
   * Deletes checkpoint folders left by an earlier run for trials that have finished since (a crash
   * between recording a trial and deleting its folder) except the best's; those of trials about to
   * run again are kept, they continue from them.
   */
  private void sweepCheckpoints(List<TrialRecord> pending, TrialRecord best) {
    Path root = settings.checkpointRoot();
    if (root == null || !Files.isDirectory(root)) {
      return;
    }
    java.util.Set<String> keep = new java.util.HashSet<>();
    pending.forEach(t -> keep.add(TRIAL_FOLDER + t.id()));
    if (best != null) {
      keep.add(TRIAL_FOLDER + best.id());
    }
    try (Stream<Path> folders = Files.list(root)) {
      for (Path f : folders.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith(TRIAL_FOLDER) && !keep.contains(name)) {
          delete(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list checkpoint folder {}: {}", root, AtomicFiles.describe(e));
    }
  }

  private void deleteCheckpoint(long id) {
    Path dir = checkpointDir(id);
    if (dir != null) {
      delete(dir);
    }
  }

  /** A checkpoint that cannot be deleted costs disk space, not results: warn and go on. */
  private static void delete(Path dir) {
    try {
      Folders.deleteTree(dir);
    } catch (NasException e) {
      LOG.warn(e.getMessage());
    }
  }

  /**
   * The COMPLETE trial with the highest reward (ties: the earlier trial); when no trial completed,
   * the PRUNED one with the highest reward (its partial reward is not comparable with a complete
   * trial's, but the final retraining can still train it fully).
   */
  public static Optional<TrialRecord> best(List<TrialRecord> trials) {
    return trials.stream().filter(ExperimentRunner::rankable).max(BEST_ORDER);
  }

  /** Complete before pruned, then by reward, then the earlier trial. */
  private static final Comparator<TrialRecord> BEST_ORDER =
      Comparator.comparingInt((TrialRecord t) -> t.status() == TrialStatus.COMPLETE ? 1 : 0)
          .thenComparingDouble(t -> t.result().reward())
          .thenComparing(t -> -t.id());

  private static boolean rankable(TrialRecord t) {
    return (t.status() == TrialStatus.COMPLETE || t.status() == TrialStatus.PRUNED)
        && t.result() != null && Double.isFinite(t.result().reward());
  }

  private static TrialRecord better(TrialRecord best, TrialRecord t) {
    if (!rankable(t)) {
      return best;
    }
    return best == null || BEST_ORDER.compare(t, best) > 0 ? t : best;
  }
}
