package dev.jnas.morph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.experiment.SearchLoop;
import dev.jnas.model.GraphNetwork;
import dev.jnas.report.ParetoReport;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trial loop of a morphism search. Round by round it asks its {@link Growth} what to train,
 * and stores each network as a RUNNING trial with its lineage (parent trial and morphisms, {@link
 * TrialRecord#lineage}) and architecture (the child's whole layer graph) just before training it: the
 * parent's stored weights are loaded, the morphisms applied to graph and weights together, and the
 * child trained from there with the evaluator's settings (one learning-rate cycle per child:
 * SGDR's warm restart). Each trained network's weights are kept in {@code
 * trials/trial-<id>/weights.ndlist} of the experiment folder, where its children find them.
 *
 * <p>The search's state is the store: a round's proposals depend only on the trials of earlier
 * rounds and the round's seed, so after a crash the round is proposed again, its stored trials are
 * recognised (a difference means the config or jnas changed, and is refused), the one left RUNNING
 * is trained again (same id, seed and morphisms) and the search goes on as it would have. No new
 * network starts once the budget is spent; networks are trained one at a time.
 */
public final class MorphismSearch implements SearchLoop {
  private static final Logger LOG = LoggerFactory.getLogger(MorphismSearch.class);
  /** The folder, under the experiment's, of every trial's weights. */
  public static final String TRIALS_FOLDER = "trials";
  public static final String WEIGHTS_FILE = "weights.ndlist";

  private final GraphSpace space;
  private final MorphismStrategy strategy;
  private final TrainingEvaluator evaluator;
  private final LayerGraph.Shape input;
  private final int classes;
  /**
   * LEMONADE's latency objective: one image per forward pass, median of 20 after 5 warm-up passes,
   * with the threads training uses (ProxylessNAS's measurer, end to end).
   */
  private static final dev.jnas.oneshot.LatencyMeasurer LATENCY =
      new dev.jnas.oneshot.LatencyMeasurer(new dev.jnas.oneshot.LatencyMeasurer.Settings(1, 5, 20, 1));
  private final Map<String, Double> latencies = new java.util.HashMap<>();
  /** The experiment folder and trials of the last {@link #run}, for {@link #inheritance}. */
  private volatile Path lastDir;
  private volatile List<TrialRecord> lastTrials = List.of();

  public MorphismSearch(GraphSpace space, MorphismStrategy strategy, TrainingEvaluator evaluator) {
    this.space = space;
    this.strategy = strategy;
    this.evaluator = evaluator;
    ImageDataset d = evaluator.searchTrainData();
    this.input = new LayerGraph.Shape(d.channels(), d.height(), d.width());
    this.classes = d.numClasses();
  }

  /**
   * What a trial's lineage records (its JSON form: the declared {@code List<Morphism>} makes each
   * morphism carry its {@code "op"}; fields added when the trial finishes are ignored here).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record Lineage(int round, Long parent, List<Morphism> morphisms) {
    String toJson() {
      return Json.MAPPER.valueToTree(this).toString();
    }

    static Lineage of(TrialRecord t, TrialStore store) {
      if (t.lineage() == null) {
        throw store.damagedTrial(t.id(), "has no lineage (parent and morphisms), which a morphism search needs");
      }
      try {
        Lineage l = Json.MAPPER.readValue(t.lineage(), Lineage.class);
        return l.morphisms() == null ? new Lineage(l.round(), l.parent(), List.of()) : l;
      } catch (JsonProcessingException e) {
        throw store.damagedTrial(t.id(), "has a lineage that is not readable (" + e.getOriginalMessage() + ")");
      }
    }
  }

  @Override
  public List<TrialRecord> run(TrialStore store, RunSettings settings, Path dir, ExperimentListener listener) {
    long start = System.nanoTime();
    List<TrialRecord> known = store.trials();
    Map<Long, Growth.Node> trained = new LinkedHashMap<>();
    Map<Integer, List<TrialRecord>> byRound = new java.util.HashMap<>();
    int round = 0;
    for (TrialRecord t : known) {
      Lineage l = Lineage.of(t, store);
      round = Math.max(round, l.round());
      byRound.computeIfAbsent(l.round(), r -> new ArrayList<>()).add(t);
      if (t.status() == TrialStatus.COMPLETE) {
        trained.put(t.id(), node(t, l));
      }
    }
    int finished = (int) known.stream().filter(t -> t.status().isFinished()).count();
    TrialRecord best = ExperimentRunner.best(known).orElse(null);
    long nextId = known.stream().mapToLong(TrialRecord::id).max().orElse(-1) + 1; // from 0, as the ask/tell loop numbers
    store.setStatus("RUNNING");
    listener.onStart(finished, settings.maxTrials());
    Growth.Context context = new Growth.Context(space.start(), input, classes, this::latency);
    try {
      rounds:
      for (; ; round++) {
        // a round's proposals depend on the earlier rounds alone: a resumed search proposes the
        // same again and finds the ones it stored before it stopped
        int r = round;
        List<Growth.Node> earlier = trained.values().stream().filter(n -> n.round() < r).toList();
        List<Growth.Proposal> proposals =
            strategy.growth().propose(round, earlier, context, Rng.of(Rng.derive(settings.seed(), -1 - round)));
        List<TrialRecord> stored = byRound.getOrDefault(round, List.of());
        if (stored.size() > proposals.size()) {
          throw store.damagedTrial(stored.get(proposals.size()).id(), "is not among what strategy " + strategy.name()
              + " proposes in round " + round + " now (" + proposals.size() + " networks): the config or jnas changed since");
        }
        if (proposals.isEmpty()) {
          break;
        }
        for (int k = 0; k < proposals.size(); k++) {
          Growth.Proposal p = proposals.get(k);
          LayerGraph parent = p.parent() == null ? space.start() : trained.get(p.parent()).graph();
          String architecture = Growth.apply(parent, p.morphisms(), input).toString();
          Lineage lineage = new Lineage(round, p.parent(), p.morphisms());
          TrialRecord t;
          if (k < stored.size()) {
            t = stored.get(k);
            Lineage was = Lineage.of(t, store);
            if (!t.architecture().equals(architecture) || !was.equals(lineage)) {
              throw store.damagedTrial(t.id(), "differs from what strategy " + strategy.name() + " proposes in its place now ("
                  + architecture + " from " + (p.parent() == null ? "the start graph" : "trial " + p.parent())
                  + "): the config or jnas changed since");
            }
            if (t.status().isFinished()) {
              continue;
            }
            store.clearEpochs(t.id()); // asked before the process stopped: trained again
          } else {
            if (settings.maxTrials() > 0 && finished >= settings.maxTrials() || !timeLeft(settings, start)) {
              break rounds;
            }
            long id = nextId++;
            t = TrialRecord.running(id, architecture, Rng.derive(settings.seed(), id), System.currentTimeMillis(), round + 1,
                lineage.toJson());
            store.recordAsked(List.of(t), null);
          }
          listener.onTrialStart(t);
          Trained done = train(t, lineage, parent, dir, settings, store, listener);
          TrialResult res = done.result();
          TrialRecord f = withMeasurements(t.finish(res, System.currentTimeMillis(), t.id()), done.startAccuracy(), done.latency());
          store.recordFinished(f, null);
          finished++;
          if (res.status() == TrialStatus.COMPLETE) {
            trained.put(f.id(), node(f, lineage));
          } else {
            LOG.warn("trial {} {}: {}", f.id(), res.status(), res.error());
          }
          best = ExperimentRunner.best(best == null ? List.of(f) : List.of(best, f)).orElse(best);
          listener.onTrialEnd(f, best);
        }
      }
      store.setStatus("FINISHED");
    } catch (RuntimeException | Error e) {
      store.setStatus("FAILED");
      throw e;
    } finally {
      lastDir = dir;
      lastTrials = store.trials();
      afterRun(lastTrials, dir);
      listener.onEnd();
    }
    return lastTrials;
  }

  /**
   * What the final training of {@code architecture} starts from: after {@link #run}, the trained
   * weights of the best completed trial of that architecture (NASH trains its final model on from
   * them); nothing to load when no trial of it completed.
   */
  public java.util.function.Consumer<ai.djl.nn.Block> inheritance(dev.jnas.space.Architecture architecture) {
    String text = space.encode(architecture);
    var best = ExperimentRunner.best(lastTrials.stream().filter(t -> t.architecture().equals(text)).toList());
    if (best.isEmpty() || lastDir == null) {
      return b -> {};
    }
    Path f = weightsFile(lastDir, best.get().id());
    return b -> {
      try (NDManager m = NDManager.newBaseManager()) {
        ((GraphNetwork) b).load(read(f, m));
      }
    };
  }

  private boolean measuresLatency() {
    return strategy.growth() instanceof Lemonade l && l.params().objective() == Lemonade.Objective.LATENCY;
  }

  /** Writes what the strategy reports on the trials so far (LEMONADE's front). */
  private void afterRun(List<TrialRecord> trials, Path dir) {
    if (strategy.growth() instanceof Lemonade lemonade) {
      try {
        ParetoReport.Cost cost = ParetoReport.Cost.valueOf(lemonade.params().objective().name());
        ParetoReport.write(dir, "pareto", cost, List.of(new ParetoReport.Series(lemonade.name(), trials)));
      } catch (RuntimeException e) {
        LOG.warn("cannot write the Pareto front: {}", e.getMessage());
      }
    }
  }

  private static boolean timeLeft(RunSettings settings, long start) {
    return settings.maxWall() == null || System.nanoTime() - start < settings.maxWall().toNanos();
  }

  private Growth.Node node(TrialRecord t, Lineage l) {
    TrialResult r = t.result();
    return new Growth.Node(t.id(), l.round(), space.graph(space.decode(t.architecture())), l.parent(), r.reward(), r.params(), r.flops());
  }

  /**
   * A trained network's result, its validation accuracy before training and its measured latency
   * (NaN when it failed first, or when the strategy does not measure latency).
   */
  private record Trained(TrialResult result, double startAccuracy, double latency) {}

  /** Milliseconds of one image through a network of {@code g} (measured once per graph in a process). */
  private synchronized double latency(LayerGraph g) {
    return latencies.computeIfAbsent(g.toString(), k -> {
      GraphNetwork net = new GraphNetwork(g, new Shape(input.channels(), input.height(), input.width()), classes);
      try (ai.djl.Model m = ai.djl.Model.newInstance("latency")) {
        m.setBlock(net);
        net.initialize(m.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
        return LATENCY.measureEndToEnd(net, new Shape(input.channels(), input.height(), input.width()), 1);
      }
    });
  }

  /**
   * The record with what was measured added to its lineage: {@code start_accuracy}, what the
   * inherited weights scored before any training (for an exact morphism's child, its parent's
   * accuracy), and {@code latency_ms} when the search measures latency.
   */
  private static TrialRecord withMeasurements(TrialRecord t, double startAccuracy, double latency) {
    if (!Double.isFinite(startAccuracy) && !Double.isFinite(latency)) {
      return t;
    }
    try {
      ObjectNode o = (ObjectNode) Json.MAPPER.readTree(t.lineage());
      if (Double.isFinite(startAccuracy)) {
        o.put("start_accuracy", startAccuracy);
      }
      if (Double.isFinite(latency)) {
        o.put(ParetoReport.LATENCY_FIELD, latency);
      }
      return new TrialRecord(t.id(), t.architecture(), t.seed(), t.status(), t.result(), t.startedAt(), t.finishedAt(),
          t.askSeq(), t.tellSeq(), o.toString());
    } catch (JsonProcessingException e) {
      return t; // written by this class a moment ago: not expected
    }
  }

  /**
   * Trains one network: from scratch (no parent) or from its parent's morphed weights.
   *
   * @param parent the parent's graph, or the start graph
   */
  private Trained train(
      TrialRecord t, Lineage l, LayerGraph parent, Path dir, RunSettings settings, TrialStore store, ExperimentListener listener) {
    long t0 = System.nanoTime();
    int epochs = l.parent() == null && strategy.startEpochs() != null ? strategy.startEpochs() : settings.epochsPerTrial();
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerGraph g = parent; // the start graph for a network trained from scratch
      Map<String, NDArray> weights = l.parent() == null ? null : read(weightsFile(dir, l.parent()), manager);
      for (Morphism m : l.morphisms()) {
        if (weights == null) {
          g = m.graph(g, input);
        } else {
          Morphisms.Child c = m.apply(g, weights, input, manager);
          g = c.graph();
          weights = c.weights();
        }
      }
      if (!g.toString().equals(t.architecture())) {
        throw store.damagedTrial(t.id(), "has architecture " + t.architecture() + ", but its lineage makes " + g);
      }
      Map<String, NDArray> inherited = weights;
      TrialListener progress =
          new TrialListener() {
            @Override
            public void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {
              store.recordEpoch(t.id(), metrics);
              listener.onEpoch(t.id(), metrics, totalEpochs);
            }

            @Override
            public void onBatch(long trialId, int epoch, double fraction) {
              listener.onBatch(t.id(), epoch, fraction);
            }
          };
      AtomicReference<byte[]> saved = new AtomicReference<>();
      GraphNetwork net = new GraphNetwork(g, new Shape(input.channels(), input.height(), input.width()), classes);
      TrainingEvaluator.BlockRun run =
          evaluator.trainBlock(net, b -> {
            if (inherited != null) {
              ((GraphNetwork) b).load(inherited);
            }
          }, t.seed(), epochs, progress, b -> saved.set(encode(((GraphNetwork) b).weights(manager))));
      Path f = weightsFile(dir, t.id());
      try {
        Files.createDirectories(f.getParent());
      } catch (IOException e) {
        throw new NasException("cannot create " + f.getParent() + ": " + AtomicFiles.describe(e), e);
      }
      AtomicFiles.write(f, saved.get());
      double acc = run.accuracy();
      double latency = measuresLatency() ? latency(g) : Double.NaN;
      return new Trained(new TrialResult(
          TrialStatus.COMPLETE, run.epochs(), acc, Double.NaN, evaluator.settings().reward().apply(run.epochs(), acc),
          run.params(), net.flops(), (System.nanoTime() - t0) / 1e9, null), run.startAccuracy(), latency);
    } catch (BadInputException e) {
      throw e; // a damaged store: the user must repair it
    } catch (NasException | IllegalArgumentException | IllegalStateException e) {
      return new Trained(TrialResult.failed(e.getMessage(), (System.nanoTime() - t0) / 1e9), Double.NaN, Double.NaN);
    } catch (OutOfMemoryError e) {
      return new Trained(TrialResult.failed("out of memory: " + e.getMessage(), (System.nanoTime() - t0) / 1e9), Double.NaN, Double.NaN);
    }
  }

  /** Where trial {@code id}'s trained weights are kept. */
  public static Path weightsFile(Path experimentDir, long id) {
    return experimentDir.resolve(TRIALS_FOLDER).resolve("trial-" + id).resolve(WEIGHTS_FILE);
  }

  /** The weights by name, as one NDList whose arrays carry the names. */
  static byte[] encode(Map<String, NDArray> weights) {
    NDList list = new NDList();
    weights.forEach((name, a) -> {
      a.setName(name);
      list.add(a);
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      list.encode(out);
    } catch (IOException e) {
      throw new NasException("cannot encode weights: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Reads weights {@link #encode} wrote.
   *
   * @throws BadInputException naming the file when it is missing or unreadable
   */
  public static Map<String, NDArray> read(Path f, NDManager manager) {
    if (!Files.isRegularFile(f)) {
      throw new BadInputException(
          "the trained weights " + f + " are missing: a child cannot inherit them (restore the file, or start a new"
              + " experiment)");
    }
    try (InputStream in = Files.newInputStream(f)) {
      NDList list = NDList.decode(manager, in);
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (NDArray a : list) {
        if (a.getName() == null) {
          throw new BadInputException(f + " is not a weights file of jnas: an array has no name");
        }
        out.put(a.getName(), a);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadInputException b) {
        throw b;
      }
      throw new BadInputException("the trained weights " + f + " are unreadable (" + e.getMessage() + ")", e);
    }
  }
}
