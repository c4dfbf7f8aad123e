package dev.jnas.cluster;

import dev.jnas.api.Experiment;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.PruneCheck;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.space.Architecture;
import dev.jnas.util.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs trials on a node: {@code slots} at once, on threads of its own rather than Ignite's job
 * threads, so a trial whose coordinator died goes on to its end; its outcome is then kept in the
 * cluster's replicated {@code jnas-results} cache for the coordinator that resumes the experiment.
 * While a trial runs, {@code jnas-running} names the node and attempt, so that coordinator can wait
 * for it instead of starting it again.
 *
 * <p>Each experiment's evaluator is built once per node from the config the first trial brings
 * (with its data paths: every worker must see the same dataset path). A node that cannot build it
 * answers that trial {@link Outcome#CANNOT_RUN} with the reason and refuses the experiment's
 * later trials.
 */
final class WorkerRuntime implements AutoCloseable {
  static final String KEY = "jnas.worker";
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  private final Ignite ignite;
  private final String name;
  private final int slots;
  private final ExecutorService pool;
  private final Map<String, Experiment.Evaluation> evaluations = new HashMap<>();
  private final Map<String, String> cannotRun = new ConcurrentHashMap<>();

  /** Where a worker says what it runs (one line per trial started and ended); null: nowhere. */
  private volatile java.io.PrintWriter console;

  void console(java.io.PrintWriter out) {
    this.console = out;
  }

  private void say(String line) {
    java.io.PrintWriter out = console;
    if (out != null) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  WorkerRuntime(Ignite ignite, String name, int slots) {
    this.ignite = ignite;
    this.name = name;
    this.slots = slots;
    this.pool = slots == 0 ? null : Executors.newFixedThreadPool(slots, r -> {
      Thread t = new Thread(r, "jnas-worker-trial");
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code job} and returns its outcome; an interrupt (the coordinator left) leaves the trial running. */
  String run(TrialJob job) throws InterruptedException {
    if (pool == null) {
      return Outcome.refused("node " + name + " has no slots");
    }
    String why = cannotRun.get(job.key);
    if (why != null) {
      return Outcome.refused("node " + name + " cannot run experiment " + job.key + ": " + why);
    }
    Experiment.Evaluation evaluation;
    try {
      evaluation = evaluation(job);
    } catch (RuntimeException e) {
      String reason = e.getMessage() != null ? e.getMessage() : e.toString();
      cannotRun.put(job.key, reason);
      say("cannot run experiment " + job.key + " (taking none of its trials): " + reason);
      return Outcome.cannotRun(name, reason);
    }
    // asynchronous: the marker and the kept result serve a coordinator that resumes after dying,
    // and must not delay the trial or its answer to the live one
    ignite.cache(ClusterNode.RUNNING).putAsync(job.runKey(), ignite.cluster().localNode().id() + " " + job.attempt);
    Future<String> trial = pool.submit(() -> execute(job, evaluation));
    try {
      return trial.get();
    } catch (ExecutionException e) {
      return Outcome.done(name, TrialResult.failed("worker " + name + ": " + e.getCause(), Double.NaN));
    }
  }

  private synchronized Experiment.Evaluation evaluation(TrialJob job) {
    String k = job.key + "#" + job.configJson.hashCode();
    Experiment.Evaluation e = evaluations.get(k);
    if (e == null) {
      e = Experiment.evaluation(job.configJson);
      evaluations.put(k, e);
    }
    return e;
  }

  private String execute(TrialJob job, Experiment.Evaluation evaluation) {
    long t0 = System.nanoTime();
    say("trial " + job.trialId + " of " + job.key + " (attempt " + job.attempt + "): started");
    TrialResult r;
    try {
      Architecture arch = evaluation.space().decode(job.architecture);
      Reporter reporter = new Reporter(job);
      r = evaluation.evaluator().evaluate(
          arch, new TrialContext(job.trialId, job.seed, job.epochs, reporter, null, reporter));
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      r = TrialResult.failed("worker " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - t0) / 1e9);
    }
    say(String.format(java.util.Locale.ROOT, "trial %d of %s (attempt %d): %s in %.1f s", job.trialId, job.key, job.attempt,
        r.status(), (System.nanoTime() - t0) / 1e9));
    String outcome = Outcome.done(name, r);
    try {
      // kept for a coordinator that resumes after dying while this trial ran
      ignite.cache(ClusterNode.RESULTS).putAsync(job.runKey(), outcome)
          .listen(f -> ignite.cache(ClusterNode.RUNNING).removeAsync(job.runKey()));
    } catch (RuntimeException e) {
      LOG.warn("cannot keep the result of trial {} in the cluster: {}", job.runKey(), e.getMessage());
    }
    return outcome;
  }

  /**
   * Sends each epoch to whichever node coordinates the experiment now (it may have been restarted)
   * and remembers its answer to "prune?"; when no coordinator answers, the trial goes on.
   */
  private final class Reporter implements TrialListener, PruneCheck {
    private final TrialJob job;
    private volatile int prunedAt = -1;

    Reporter(TrialJob job) {
      this.job = job;
    }

    @Override
    public void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {
      try {
        String coordinator = ignite.<String, String>cache(ClusterNode.COORDINATORS).get(job.key);
        if (coordinator == null) {
          return;
        }
        var node = ignite.cluster().forNodeId(UUID.fromString(coordinator));
        if (node.nodes().isEmpty()) {
          return;
        }
        boolean prune = ignite.compute(node).withNoFailover().call(
            new EpochReport(job.key, trialId, job.attempt, Json.MAPPER.writeValueAsString(metrics), totalEpochs));
        if (prune) {
          prunedAt = metrics.epoch();
        }
      } catch (Exception e) {
        LOG.debug("epoch {} of trial {} not reported: {}", metrics.epoch(), job.runKey(), e.getMessage());
      }
    }

    @Override
    public boolean shouldPrune(long trialId, EpochMetrics latest) {
      return prunedAt == latest.epoch();
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    synchronized (this) {
      evaluations.values().forEach(e -> {
        try {
          e.close();
        } catch (RuntimeException ignored) {
          // closing on the way out
        }
      });
      evaluations.clear();
    }
  }
}
