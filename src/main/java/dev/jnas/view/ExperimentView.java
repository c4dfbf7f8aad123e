package dev.jnas.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.store.ExperimentInfo;
import dev.jnas.store.ExperimentLock;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Pareto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment folder as one JSON document ({@link #read}), and the pieces of it the CLI's text
 * output prints. The document's fields: {@code name, status, stored_status, folder, created_at,
 * updated_at, config, provenance, best_trial, trials[]} (each with {@code id, architecture,
 * status, seed, metrics{reward, val_accuracy, test_accuracy, params, flops, wall_seconds,
 * epochs[]}, error}, and where they apply {@code lineage, worker, attempts, seconds,
 * pruned_after_epoch}), {@code workers[]}, {@code one_shot}, {@code pnas_levels[]}, {@code
 * best_so_far[]} ({@code trial, seconds, reward} after each finished trial, in finishing order)
 * and {@code pareto{params, flops}} (the ids of the completed trials no other completed trial
 * beats in both validation error and size).
 */
public final class ExperimentView {
  /** The status of a search whose process is gone (killed, crashed) while it was working. */
  public static final String INTERRUPTED = "INTERRUPTED";

  private ExperimentView() {}

  /**
   * The document of the experiment in {@code dir}.
   *
   * @throws BadInputException when the folder does not exist or holds no experiment
   */
  public static ObjectNode read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " does not exist");
    }
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      return document(s, dir);
    }
  }

  /** The document of the experiment {@code s} holds ({@code dir}: its folder). */
  public static ObjectNode document(SqliteTrialStore s, Path dir) {
    ExperimentInfo info = s.experiment().orElseThrow(() -> new BadInputException(dir + " holds no experiment"));
    List<TrialRecord> trials = s.trials();
    Map<Long, TrialStore.TrialWorker> ranOn = s.trialWorkers();
    boolean lm = isLanguageModel(info.config());
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", info.name());
    o.put("status", status(info.status(), dir));
    o.put("stored_status", info.status());
    o.put("folder", dir.toAbsolutePath().normalize().toString());
    o.put("created_at", info.createdAt());
    o.put("updated_at", info.updatedAt());
    o.set("config", parse(info.config()));
    o.set("provenance", parse(info.provenance()));
    ExperimentRunner.best(trials).ifPresent(b -> o.put("best_trial", b.id()));
    ArrayNode arr = o.putArray("trials");
    for (TrialRecord t : trials) {
      arr.add(trial(t, s.epochs(t.id()), ranOn.get(t.id()), lm));
    }
    if (!ranOn.isEmpty()) {
      ArrayNode ws = o.putArray("workers");
      for (WorkerRow row : workerRows(trials, ranOn, s.workers())) {
        ObjectNode wo = ws.addObject().put("name", row.name()).put("trials", row.trials());
        wo.set("info", row.info());
        num(wo, "mean_trial_seconds", row.meanSeconds());
      }
    }
    JsonNode oneShot = oneShot(info.config(), s);
    if (oneShot != null) {
      o.set("one_shot", oneShot);
    }
    ArrayNode levels = pnasLevels(s);
    if (levels != null) {
      o.set("pnas_levels", levels);
    }
    o.set("best_so_far", bestSoFar(trials));
    ObjectNode pareto = o.putObject("pareto");
    pareto.set("params", front(trials, r -> r.params()));
    pareto.set("flops", front(trials, r -> r.flops()));
    return o;
  }

  private static ObjectNode trial(TrialRecord t, List<EpochMetrics> epochs, TrialStore.TrialWorker w, boolean lm) {
    ObjectNode j = Json.MAPPER.createObjectNode();
    j.put("id", t.id());
    j.put("architecture", t.architecture());
    j.put("status", t.status().name());
    j.put("seed", t.seed());
    TrialResult r = t.result();
    if (t.status() == TrialStatus.PRUNED) {
      j.put("pruned_after_epoch", r.epochs().size());
    }
    ObjectNode m = j.putObject("metrics");
    if (r != null) {
      num(m, "reward", r.reward());
      num(m, "val_accuracy", r.valAccuracy());
      if (lm) {
        num(m, "val_perplexity", 1 / r.reward());
      }
      num(m, "test_accuracy", r.testAccuracy());
      m.put("params", r.params());
      m.put("flops", r.flops());
      num(m, "wall_seconds", r.wallSeconds());
    }
    ArrayNode ep = m.putArray("epochs");
    for (EpochMetrics e : epochs) {
      ObjectNode eo = ep.addObject();
      eo.put("epoch", e.epoch());
      num(eo, "train_loss", e.trainLoss());
      num(eo, "train_accuracy", e.trainAccuracy());
      num(eo, "val_loss", e.valLoss());
      num(eo, "val_accuracy", e.valAccuracy());
      num(eo, "seconds", e.seconds());
    }
    if (r != null && r.error() != null) {
      j.put("error", r.error());
    } else {
      j.putNull("error");
    }
    if (t.lineage() != null) {
      j.set("lineage", parse(t.lineage()));
    }
    if (w != null) {
      j.put("worker", w.worker());
      j.put("attempts", w.attempts());
      num(j, "seconds", elapsed(t));
    }
    return j;
  }

  /**
   * The best reward after each finished trial, in the order trials finished, with the seconds
   * since the first trial started.
   */
  static ArrayNode bestSoFar(List<TrialRecord> trials) {
    List<TrialRecord> done = new ArrayList<>(trials.stream().filter(t -> t.finishedAt() > 0).toList());
    done.sort(Comparator.comparingLong(TrialRecord::finishedAt).thenComparingLong(TrialRecord::id));
    long start = trials.stream().mapToLong(TrialRecord::startedAt).filter(v -> v > 0).min().orElse(0);
    ArrayNode out = Json.MAPPER.createArrayNode();
    double best = Double.NaN;
    for (TrialRecord t : done) {
      var told = t.result() == null ? java.util.OptionalDouble.empty() : t.result().toldReward();
      if (told.isPresent() && (Double.isNaN(best) || told.getAsDouble() > best)) {
        best = told.getAsDouble();
      }
      ObjectNode p = out.addObject().put("trial", t.id()).put("seconds", (t.finishedAt() - start) / 1000.0);
      num(p, "reward", best);
    }
    return out;
  }

  /** The completed trials on the front of validation error against {@code size} (known sizes only). */
  private static ArrayNode front(List<TrialRecord> trials, java.util.function.ToLongFunction<TrialResult> size) {
    List<TrialRecord> points = trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETE && Double.isFinite(t.result().valAccuracy()) && size.applyAsLong(t.result()) > 0)
        .toList();
    ArrayNode ids = Json.MAPPER.createArrayNode();
    Pareto.front(points, t -> size.applyAsLong(t.result()), t -> -t.result().valAccuracy()).forEach(t -> ids.add(t.id()));
    return ids;
  }

  /** Whether the config's evaluator is a language model (whose reward is 1 / validation perplexity). */
  public static boolean isLanguageModel(String configJson) {
    return parse(configJson).path("evaluator").path("task").asText().equals("language-model");
  }

  /**
   * The stored status, except that a run whose process is gone (killed, crashed, power loss: it
   * no longer holds the folder's lock) is {@value #INTERRUPTED}.
   */
  public static String status(String stored, Path dir) {
    boolean working = stored.equals("CREATED") || stored.equals("RUNNING") || stored.equals("RETRAINING");
    return working && !ExperimentLock.isHeld(dir) ? INTERRUPTED : stored;
  }

  /** Seconds from a trial's start to its result as the coordinator saw them (dispatch, queueing, training). */
  public static double elapsed(TrialRecord t) {
    return t.finishedAt() > 0 ? (t.finishedAt() - t.startedAt()) / 1000.0 : Double.NaN;
  }

  /** A worker of a cluster run: what it announced and the trials it finished. */
  public record WorkerRow(String name, JsonNode info, int trials, double meanSeconds) {}

  /** Every worker of a cluster run with its announced description and finished trials. */
  public static List<WorkerRow> workerRows(
      List<TrialRecord> trials, Map<Long, TrialStore.TrialWorker> ranOn, Map<String, String> infos) {
    Map<String, double[]> byWorker = new LinkedHashMap<>();
    infos.keySet().forEach(n -> byWorker.put(n, new double[2]));
    for (TrialRecord t : trials) {
      var w = ranOn.get(t.id());
      if (w != null && t.result() != null && t.finishedAt() > 0) {
        double[] a = byWorker.computeIfAbsent(w.worker(), k -> new double[2]);
        a[0]++;
        a[1] += elapsed(t);
      }
    }
    List<WorkerRow> rows = new ArrayList<>();
    for (var e : byWorker.entrySet()) {
      String info = infos.get(e.getKey());
      rows.add(new WorkerRow(e.getKey(), info == null ? Json.MAPPER.createObjectNode() : parse(info),
          (int) e.getValue()[0], e.getValue()[0] > 0 ? e.getValue()[1] / e.getValue()[0] : Double.NaN));
    }
    return rows;
  }

  /** A PNAS search's levels from its strategy snapshot (without their trials), or null. */
  public static ArrayNode pnasLevels(SqliteTrialStore s) {
    try {
      var snapshot = s.strategySnapshot();
      if (snapshot.isEmpty()) {
        return null;
      }
      JsonNode strategy = Json.MAPPER.readTree(snapshot.get()).path("strategy");
      if (!strategy.path("strategy").asText().equals("pnas") || !strategy.path("levels").isArray()) {
        return null;
      }
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (JsonNode l : strategy.path("levels")) {
        ObjectNode copy = (ObjectNode) l.deepCopy();
        copy.remove("trials");
        out.add(copy);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null; // show what can be shown; the trials stand on their own
    }
  }

  /** A one-shot search's record (the strategy snapshot: method, labels, every epoch), or null. */
  public static JsonNode oneShot(String config, SqliteTrialStore s) {
    try {
      if (!ExperimentConfig.fromJson(config).oneShotStrategy()) {
        return null;
      }
      var snapshot = s.strategySnapshot();
      return snapshot.isEmpty() ? null : Json.MAPPER.readTree(snapshot.get());
    } catch (IOException | RuntimeException e) {
      return null; // show what can be shown; the trials stand on their own
    }
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(json); // shown as stored rather than not at all
    }
  }

  private static void num(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }
}
