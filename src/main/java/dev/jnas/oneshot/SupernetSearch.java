package dev.jnas.oneshot;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.OneShotRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.report.TrajectoryChart;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.train.TrainingSettings;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs a one-shot search as an experiment's search phase: builds the space's supernet for the
 * data, trains it with the chosen method on the evaluator's train/validation split and training
 * settings, and records everything in the experiment's store: the search is trial 0 (its epochs
 * are the supernet's; the strategy snapshot holds each epoch's record: derived architecture,
 * softmax(alpha) or controller statistics, skip count), finished with the derived architecture and
 * its validation accuracy under the shared weights. The supernet's checkpoint lives in {@code
 * <checkpoints>/supernet}.
 */
public final class SupernetSearch implements OneShotRunner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SupernetSearch.class);
  /** The supernet's checkpoint folder under the experiment's checkpoint root. */
  public static final String CHECKPOINT_FOLDER = "supernet";
  private static final int EVAL_BATCH = 256;

  private final SearchSpace space;
  private final OneShotParams params;
  private final ImageDataset train;
  private final ImageDataset val;
  private final TrainingSettings settings;
  private final LatencyTable latency;

  /**
   * @param train the training split the search trains weights on
   * @param val the validation split (architecture steps, rewards, measurements)
   * @param latency ProxylessNAS's latency table (checked against the supernet), or null
   */
  public SupernetSearch(
      SearchSpace space, OneShotParams params, ImageDataset train, ImageDataset val, TrainingSettings settings,
      LatencyTable latency) {
    this.space = space;
    this.params = params;
    this.train = train;
    this.val = val;
    this.settings = settings;
    this.latency = latency;
  }

  /** The supernet for this search's data (also for the latency table and tests). */
  public Supernet supernet() {
    return Supernets.create(space, new Shape(train.channels(), train.height(), train.width()), train.numClasses());
  }

  @Override
  public List<TrialRecord> run(TrialStore store, RunSettings run, Path experimentDir, ExperimentListener listener) {
    List<TrialRecord> known = store.trials();
    Optional<TrialRecord> done = known.stream().filter(t -> t.status().isFinished()).findFirst();
    if (done.isPresent()) {
      store.setStatus("FINISHED");
      return known;
    }
    long t0 = System.nanoTime();
    double rssBefore = dev.jnas.train.TrialMemoryBenchmark.rssMib();
    Supernet net = supernet();
    TrialRecord trial =
        known.isEmpty()
            ? TrialRecord.running(0, space.encode(net.derive(uniform(net))), Rng.derive(run.seed(), 0), System.currentTimeMillis(), 1)
            : known.get(0);
    if (known.isEmpty()) {
      store.recordAsked(List.of(trial), null);
    }
    store.setStatus("RUNNING");
    listener.onStart(0, 1);
    listener.onTrialStart(trial);
    store.clearEpochs(trial.id()); // the checkpoint's epochs are reported again
    int epochs = Math.max(1, run.epochsPerTrial());
    long seed = trial.seed();
    BatchLoader trainLoader = new BatchLoader(train, settings.batchSize(), true, settings.augment(), Rng.derive(seed, 1));
    BatchLoader valLoader = new BatchLoader(val, settings.batchSize(), true, false, Rng.derive(seed, 2));
    BatchLoader evalLoader = new BatchLoader(val, EVAL_BATCH, false, false, 0);
    int stepsPerEpoch = OneShotSearch.stepsPerEpoch(params, trainLoader);
    try (SupernetTrainer trainer = new SupernetTrainer(net, settings, engineSeed(seed), epochs * stepsPerEpoch);
        OneShotSearch search = method(trainer, trainLoader, valLoader, evalLoader, seed)) {
      Path dir = run.checkpointRoot() == null ? null : run.checkpointRoot().resolve(CHECKPOINT_FOLDER);
      OneShotSearch.Deadline deadline =
          run.maxWall() == null ? OneShotSearch.Deadline.NONE : new OneShotSearch.Deadline(t0, run.maxWall().toNanos());
      OneShotSearch.Outcome outcome =
          search.run(epochs, deadline, dir, key(seed, epochs, trainLoader), new OneShotSearch.Listener() {
            @Override
            public void onBatch(int epoch, double fraction) {
              listener.onBatch(trial.id(), epoch, fraction);
            }

            @Override
            public void onEpoch(EpochMetrics metrics, ObjectNode record, int totalEpochs) {
              store.recordEpoch(trial.id(), metrics);
              store.saveSnapshot(snapshot(search).toString());
              listener.onEpoch(trial.id(), metrics, totalEpochs);
              drawCharts(experimentDir, search);
            }
          });
      Architecture arch = outcome.architecture();
      long parameters = 0;
      for (var p : net.pathParameters(arch)) {
        if (p.requiresGradient()) {
          parameters += p.getArray().size();
        }
      }
      long flops = net.builder().flops(arch, net.inputShape(), net.numClasses());
      // every epoch's time (restored ones included) and the derivation: the search's wall time
      double seconds = outcome.epochs().stream().mapToDouble(EpochMetrics::seconds).sum() + outcome.deriveSeconds();
      TrialResult result =
          new TrialResult(TrialStatus.COMPLETE, outcome.epochs(), outcome.valAccuracy(), Double.NaN, outcome.valAccuracy(),
              parameters, flops, seconds, null);
      ObjectNode snapshot = snapshot(search);
      snapshot.put("derived", space.encode(arch));
      snapshot.put("stopped", outcome.stopReason());
      // the process's peak against its size before the supernet existed: what the method costs
      snapshot.put("peak_rss_mib", dev.jnas.train.TrainingBenchmark.peakRssMib());
      snapshot.put("rss_before_mib", rssBefore);
      if (latency != null) {
        // the table's prediction against the derived network measured end to end, as the table was
        ObjectNode l = snapshot.putObject("latency");
        l.put("predicted_ms", latency.predictedLatency(arch, net));
        var m = latency.meta();
        l.put("measured_ms", new LatencyMeasurer(new LatencyMeasurer.Settings(m.batch(), m.warmup(), m.repeats(), 1))
            .measureStandalone(net, arch));
        l.put("batch", m.batch());
        l.put("table_threads", m.threads());
      }
      TrialRecord finished =
          new TrialRecord(trial.id(), space.encode(arch), seed, TrialStatus.COMPLETE, result, trial.startedAt(),
              System.currentTimeMillis(), trial.askSeq(), 1);
      store.recordFinished(finished, snapshot.toString());
      listener.onTrialEnd(finished, finished);
      store.setStatus("FINISHED");
      return store.trials();
    } catch (RuntimeException | Error e) {
      store.setStatus("FAILED");
      throw e;
    } finally {
      listener.onEnd();
    }
  }

  private OneShotSearch method(SupernetTrainer trainer, BatchLoader t, BatchLoader v, BatchLoader e, long seed) {
    return switch (params.method()) {
      case OneShotParams.DARTS -> new Darts(trainer, params, t, v, e, seed, settings.learningRate());
      case OneShotParams.PROXYLESS ->
          new Proxyless(trainer, params, t, v, e, seed, latency);
      case OneShotParams.ENAS -> new Enas(trainer, params, t, v, e, seed);
      default -> throw new IllegalArgumentException("unknown one-shot method " + params.method());
    };
  }

  /** What the store keeps of the search: the method and every epoch's record. */
  private ObjectNode snapshot(OneShotSearch search) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("method", params.method());
    var labels = o.putArray("labels");
    for (Supernet.Label l : search.net.labels()) {
      var lo = labels.addObject();
      lo.put("name", l.name());
      lo.putPOJO("options", l.options());
    }
    o.set("epochs", search.history().deepCopy());
    return o;
  }

  /** The chart of softmax(alpha) per decision over the epochs so far (the seed's Fig. 3). */
  public static final String CHART = "alphas";

  /**
   * Draws {@value #CHART}.png and .svg into the experiment folder from every epoch's recorded
   * probabilities; a chart that cannot be drawn costs a warning, not the search.
   */
  private static void drawCharts(Path dir, OneShotSearch search) {
    if (dir == null || search.history().isEmpty() || !search.history().get(0).has("probabilities")) {
      return;
    }
    List<Supernet.Label> labels = search.net.labels();
    List<List<float[]>> perEpoch = new java.util.ArrayList<>();
    for (var record : search.history()) {
      List<float[]> rows = new java.util.ArrayList<>();
      for (var row : record.path("probabilities")) {
        float[] p = new float[row.size()];
        for (int k = 0; k < p.length; k++) {
          p[k] = (float) row.get(k).asDouble();
        }
        rows.add(p);
      }
      perEpoch.add(rows);
    }
    try {
      TrajectoryChart.writePerLabel(
          dir, CHART, labels.stream().map(Supernet.Label::name).toList(),
          labels.stream().map(Supernet.Label::options).toList(), perEpoch);
    } catch (RuntimeException e) {
      LOG.warn("cannot draw the architecture-parameter chart: {}", e.getMessage());
    }
  }

  /**
   * What identifies the search for its checkpoint: another space, method, seed, data or setting
   * starts afresh instead of continuing a checkpoint that is not its own.
   */
  private String key(long seed, int epochs, BatchLoader loader) {
    return "one-shot " + params + " on " + space.name() + " " + space.decisions() + ", seed " + seed + ", " + epochs + " epochs of "
        + loader.batchesPerEpoch() + " batches on " + loader.data().name() + " (" + loader.data().size() + " images), " + settings;
  }

  private static List<float[]> uniform(Supernet net) {
    return net.labels().stream()
        .map(l -> {
          float[] p = new float[l.options().size()];
          java.util.Arrays.fill(p, 1f / p.length);
          return p;
        })
        .toList();
  }

  private static int engineSeed(long seed) {
    return (int) (seed ^ (seed >>> 32));
  }
}
