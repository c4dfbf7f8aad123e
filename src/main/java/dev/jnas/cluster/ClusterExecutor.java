package dev.jnas.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.experiment.TrialExecutor;
import dev.jnas.space.Architecture;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of a cluster run: sends each trial to the worker with the most free
 * slots (ties: the faster, then the older node), records which worker runs it, takes its epochs as
 * they come ({@link EpochReport}) and its result. Only this process writes the experiment's store.
 *
 * <p><b>Failover.</b> When a worker leaves the cluster (killed, its machine gone) Ignite's
 * discovery notices and the call running its trial fails with a topology error: the trial is sent
 * to another worker and starts again (its epochs so far are dropped). A trial may so run more
 * than once, but it is recorded once: only the answer of the attempt the coordinator waits for
 * counts.
 *
 * <p><b>A coordinator that died.</b> Workers finish the trials they were running and keep each
 * outcome in the replicated cache {@code jnas-results}; {@code jnas resume DIR --cluster ...} then
 * takes those results without running the trials again, and waits for trials still running on a
 * live worker (named in {@code jnas-running}) instead of starting them elsewhere. These caches live
 * in the nodes' memory: they survive as long as one node that holds them stays up.
 */
public final class ClusterExecutor implements TrialExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutor.class);

  private final Ignite ignite;
  private final Run run;
  private final TrialStore store;
  private final Object lock = new Object();
  /** Trials in flight per worker node, as this coordinator sent them. */
  private final Map<UUID, Integer> busy = new HashMap<>();
  /** Workers that cannot run this experiment (e.g. they cannot read its data). */
  private final Set<UUID> excluded = new HashSet<>();
  private final Set<String> recordedWorkers = ConcurrentHashMap.newKeySet();
  private final Map<Long, Active> active = new ConcurrentHashMap<>();
  private boolean waitingNoticed;

  private record Active(int attempt, TrialContext context) {}

  private ClusterExecutor(dev.jnas.cluster.ClusterNode node, Run run, TrialStore store) {
    this.ignite = node.ignite();
    this.run = run;
    this.store = store;
    ignite.cluster().nodeLocalMap().put(registryKey(run.key()), this);
    ignite.<String, String>cache(dev.jnas.cluster.ClusterNode.COORDINATORS).put(run.key(), ignite.cluster().localNode().id().toString());
  }

  /** The executor factory of a coordinator whose node is {@code node}. */
  public static TrialExecutor.Factory on(dev.jnas.cluster.ClusterNode node) {
    return (run, local, store) -> new ClusterExecutor(node, run, store);
  }

  static String registryKey(String experimentKey) {
    return "jnas.coordinator:" + experimentKey;
  }

  @Override
  public boolean dynamic() {
    return true;
  }

  @Override
  public int slots() {
    synchronized (lock) {
      int total = workers().stream().mapToInt(ClusterExecutor::slotsOf).sum();
      if (total == 0 && !waitingNoticed) {
        LOG.warn("no worker in the cluster can take trials: waiting for one to join (jnas worker --join ...)");
        waitingNoticed = true;
      } else if (total > 0) {
        waitingNoticed = false;
      }
      return total;
    }
  }

  /** Nodes that may take this experiment's trials: with slots, not excluded. */
  private List<ClusterNode> workers() {
    return ignite.cluster().nodes().stream()
        .filter(n -> slotsOf(n) > 0 && !excluded.contains(n.id()))
        .toList();
  }

  private static int slotsOf(ClusterNode n) {
    Object s = n.attribute(dev.jnas.cluster.ClusterNode.SLOTS);
    return s instanceof Integer i ? i : 0;
  }

  private static double gflopsOf(ClusterNode n) {
    Object s = n.attribute(dev.jnas.cluster.ClusterNode.GFLOPS);
    return s instanceof Double d && Double.isFinite(d) ? d : 0;
  }

  static String nameOf(ClusterNode n) {
    Object s = n.attribute(dev.jnas.cluster.ClusterNode.NAME);
    return s != null ? s.toString() : n.id().toString();
  }

  @Override
  public TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context) {
    return evaluate(trial, arch, context, -1);
  }

  /**
   * Runs {@code trial} on a worker; with a planned {@code slot} (SHADHO's), on that slot's worker
   * when it has room: the workers' slots are numbered fastest first by their measured GFLOP/s.
   */
  @Override
  public TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context, int slot) {
    int attempt = 0;
    // After a coordinator restart: a result a worker kept, or a trial a live worker still runs.
    TrialResult kept = reattach(trial, context);
    if (kept != null) {
      return kept;
    }
    while (true) {
      ClusterNode worker = acquire(slot);
      attempt++;
      String name = nameOf(worker);
      recordWorker(worker);
      store.recordTrialWorker(trial.id(), name);
      active.put(trial.id(), new Active(attempt, context));
      TrialJob job = new TrialJob(run.key(), run.configJson(), trial.id(), trial.seed(), trial.architecture(), run.epochs(), attempt);
      String answer;
      try {
        answer = ignite.compute(ignite.cluster().forNode(worker)).withNoFailover().call(job);
      } catch (ClusterTopologyException e) {
        LOG.warn("worker {} left while running trial {}; running it again elsewhere", name, trial.id());
        store.clearEpochs(trial.id());
        continue;
      } catch (IgniteException e) {
        if (ignite.cluster().node(worker.id()) == null) {
          LOG.warn("worker {} left while running trial {}; running it again elsewhere", name, trial.id());
          store.clearEpochs(trial.id());
          continue;
        }
        return TrialResult.failed("worker " + name + ": " + dev.jnas.cluster.ClusterNode.rootMessage(e), Double.NaN);
      } finally {
        release(worker);
      }
      Outcome o = Outcome.parse(answer);
      switch (o.status()) {
        case Outcome.DONE:
          active.remove(trial.id());
          return o.result();
        case Outcome.CANNOT_RUN:
          exclude(worker);
          active.remove(trial.id());
          return TrialResult.failed("worker " + name + " cannot run this experiment (it takes no more of its trials): " + o.reason(), 0);
        default: // refused: try another worker
          LOG.warn("worker {} refused trial {}: {}", name, trial.id(), o.reason());
          exclude(worker);
          store.clearEpochs(trial.id());
      }
    }
  }

  /** A result kept in the cluster for {@code trial}, or its attempt still running on a live worker, awaited. */
  private TrialResult reattach(TrialRecord trial, TrialContext context) {
    IgniteCache<String, String> results = ignite.cache(dev.jnas.cluster.ClusterNode.RESULTS);
    IgniteCache<String, String> running = ignite.cache(dev.jnas.cluster.ClusterNode.RUNNING);
    String runKey = TrialJob.runKey(run.key(), trial.id());
    String marker = running.get(runKey);
    if (marker != null && results.get(runKey) == null) {
      String[] parts = marker.split(" ");
      UUID owner = UUID.fromString(parts[0]);
      active.put(trial.id(), new Active(Integer.parseInt(parts[1]), context));
      ClusterNode n = ignite.cluster().node(owner);
      if (n != null) {
        LOG.info("trial {} is still running on worker {}: waiting for it", trial.id(), nameOf(n));
        store.recordTrialWorker(trial.id(), nameOf(n));
      }
      while (results.get(runKey) == null && ignite.cluster().node(owner) != null) {
        sleep(200);
      }
    }
    String kept = results.get(runKey);
    if (kept == null) {
      active.remove(trial.id());
      return null;
    }
    Outcome o = Outcome.parse(kept);
    active.remove(trial.id());
    if (o.worker() != null && marker == null) {
      store.recordTrialWorker(trial.id(), o.worker());
    }
    if (!Outcome.DONE.equals(o.status()) || o.result() == null) {
      return null;
    }
    // the epochs the dead coordinator did not store
    store.clearEpochs(trial.id());
    for (EpochMetrics m : o.result().epochs()) {
      context.listener().onEpoch(trial.id(), m, run.epochs());
    }
    return o.result();
  }

  /** Called on this node for each epoch a worker reports; returns whether to prune the trial now. */
  boolean onEpoch(long trialId, int attempt, String metricsJson, int totalEpochs) {
    Active a = active.get(trialId);
    if (a == null || a.attempt() != attempt) {
      return false; // an attempt given up on (its worker was thought gone): its epochs do not count
    }
    EpochMetrics m;
    try {
      m = Json.MAPPER.readValue(metricsJson, EpochMetrics.class);
    } catch (JsonProcessingException e) {
      LOG.warn("worker sent unreadable epoch metrics for trial {}: {}", trialId, e.getOriginalMessage());
      return false;
    }
    a.context().listener().onEpoch(trialId, m, totalEpochs);
    return a.context().shouldPrune(m);
  }

  /** Blocks until a worker has a free slot (the planned slot's worker when it has one); takes it. */
  private ClusterNode acquire(int slot) {
    while (true) {
      synchronized (lock) {
        List<ClusterNode> nodes = workers();
        List<Candidate> candidates = nodes.stream()
            .map(n -> new Candidate(slotsOf(n), busy.getOrDefault(n.id(), 0), gflopsOf(n), n.order()))
            .toList();
        int chosen = place(candidates, slot);
        if (chosen >= 0) {
          ClusterNode best = nodes.get(chosen);
          busy.merge(best.id(), 1, Integer::sum);
          return best;
        }
      }
      sleep(100);
    }
  }

  /** A worker as placement sees it: its slots, those in use, its measured speed and its join order. */
  record Candidate(int slots, int busy, double gflops, long order) {
    int free() {
      return slots - busy;
    }
  }

  /**
   * Which worker takes the next trial: with a planned {@code slot} >= 0, the worker holding that
   * slot when the workers' slots are laid out fastest first (GFLOP/s, then join order), if it has
   * room; otherwise the worker with the most free slots (ties: the faster, then the older).
   *
   * @return the index of the chosen candidate, or -1 when none has room
   */
  static int place(List<Candidate> workers, int slot) {
    if (slot >= 0) {
      List<Integer> bySpeed = new java.util.ArrayList<>();
      for (int i = 0; i < workers.size(); i++) {
        bySpeed.add(i);
      }
      bySpeed.sort(Comparator.comparingDouble((Integer i) -> -workers.get(i).gflops()).thenComparingLong(i -> workers.get(i).order()));
      List<Integer> layout = new java.util.ArrayList<>();
      for (int i : bySpeed) {
        for (int k = 0; k < workers.get(i).slots(); k++) {
          layout.add(i);
        }
      }
      if (!layout.isEmpty()) {
        int planned = layout.get(slot % layout.size());
        if (workers.get(planned).free() > 0) {
          return planned;
        }
      }
    }
    int best = -1;
    for (int i = 0; i < workers.size(); i++) {
      Candidate c = workers.get(i);
      if (c.free() <= 0) {
        continue;
      }
      if (best < 0) {
        best = i;
        continue;
      }
      Candidate b = workers.get(best);
      if (c.free() > b.free() || c.free() == b.free()
          && (c.gflops() > b.gflops() || c.gflops() == b.gflops() && c.order() < b.order())) {
        best = i;
      }
    }
    return best;
  }

  private void release(ClusterNode n) {
    synchronized (lock) {
      busy.computeIfPresent(n.id(), (k, v) -> v > 1 ? v - 1 : null);
    }
  }

  private void exclude(ClusterNode n) {
    synchronized (lock) {
      excluded.add(n.id());
    }
  }

  private void recordWorker(ClusterNode n) {
    String name = nameOf(n);
    if (recordedWorkers.add(name)) {
      var info = Json.MAPPER.createObjectNode().put("slots", slotsOf(n));
      double g = gflopsOf(n);
      if (g > 0) {
        info.put("gflops", Math.round(g * 10) / 10.0);
      }
      info.put("addresses", String.join(",", n.addresses()));
      store.recordWorker(name, info.toString());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NasException("interrupted while waiting for the cluster", e);
    }
  }

  /** Deregisters this coordinator and drops the results its experiment kept in the cluster. */
  @Override
  public void close() {
    ignite.cluster().nodeLocalMap().remove(registryKey(run.key()));
    try {
      ignite.<String, String>cache(dev.jnas.cluster.ClusterNode.COORDINATORS).remove(run.key());
      String prefix = run.key() + "/";
      for (String name : List.of(dev.jnas.cluster.ClusterNode.RESULTS, dev.jnas.cluster.ClusterNode.RUNNING)) {
        IgniteCache<String, String> c = ignite.cache(name);
        Set<String> keys = new HashSet<>();
        try (var cursor = c.query(new ScanQuery<String, String>((k, v) -> k.startsWith(prefix)).setLocal(true))) {
          for (Cache.Entry<String, String> e : cursor) {
            keys.add(e.getKey());
          }
        }
        c.removeAll(keys);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot clean the cluster's caches: {}", e.getMessage());
    }
  }
}
