package dev.jnas.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.RunSettings;
import dev.jnas.space.Architecture;
import dev.jnas.store.ExperimentInfo;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Java API: an experiment folder holding the SQLite store, {@code summary.json} and {@code
 * best/} (architecture and weights).
 *
 * <pre>{@code
 * try (Experiment e = Experiment.create(ExperimentConfig.load(Path.of("search.yaml")), Path.of("runs/x"))) {
 *   ObjectNode summary = e.run(ExperimentListener.NONE);
 * }
 * }</pre>
 */
public final class Experiment implements AutoCloseable {
  private final Path dir;
  private final ExperimentConfig config;
  private final SqliteTrialStore store;
  private final Components parts;

  private Experiment(Path dir, ExperimentConfig config, SqliteTrialStore store, Components parts) {
    this.dir = dir;
    this.config = config;
    this.store = store;
    this.parts = parts;
  }

  /**
   * Validates the whole config (space, strategy, evaluator and its data) and only then creates the
   * folder, so bad input leaves nothing behind and never touches an existing experiment.
   */
  public static Experiment create(ExperimentConfig config, Path dir) {
    config.validate();
    if (Files.exists(dir.resolve(SqliteTrialStore.FILE_NAME))) {
      throw new BadInputException(
          "experiment folder " + dir + " already holds an experiment; use 'jnas resume " + dir + "' or another --output");
    }
    Components parts = build(config);
    SqliteTrialStore store = null;
    try {
      store = SqliteTrialStore.open(dir);
      store.createExperiment(config.name(), config.toJson().toString(), Provenance.json(config.seedOrDefault()).toString());
      return new Experiment(dir, config, store, parts);
    } catch (RuntimeException e) {
      parts.close();
      if (store != null) {
        store.close();
      }
      throw e;
    }
  }

  /** Opens an experiment folder to continue it. */
  public static Experiment open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " does not exist");
    }
    SqliteTrialStore store = SqliteTrialStore.openExisting(dir);
    try {
      ExperimentInfo info =
          store.experiment().orElseThrow(() -> new BadInputException(dir + " holds no experiment"));
      ExperimentConfig config = ExperimentConfig.fromJson(info.config());
      return new Experiment(dir, config, store, build(config));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  static Components build(ExperimentConfig config) {
    // cheap checks first, so a misspelt name is reported before any data is read
    dev.jnas.space.SearchSpaces.check(config.space());
    dev.jnas.strategy.Strategies.provider(config.strategyName());
    return Evaluators.create(config);
  }

  public Path dir() {
    return dir;
  }

  public ExperimentConfig config() {
    return config;
  }

  public SqliteTrialStore store() {
    return store;
  }

  public int maxTrials() {
    var b = config.budget();
    return b.maxTrials() == null ? 0 : b.maxTrials();
  }

  public int epochsPerTrial() {
    var b = config.budget();
    return b.epochs() != null ? b.epochs() : parts.defaultEpochs();
  }

  /** Runs (or continues) the search, then the final retraining; returns the summary. */
  public ObjectNode run(ExperimentListener listener) {
    var b = config.budget();
    RunSettings settings =
        new RunSettings(
            maxTrials(),
            b.maxMinutes() == null ? null : Duration.ofMillis((long) (b.maxMinutes() * 60_000)),
            config.concurrencyOrDefault(),
            config.seedOrDefault(),
            epochsPerTrial());
    long t0 = System.nanoTime();
    FirstStep firstStep = new FirstStep(listener);
    List<TrialRecord> trials =
        new ExperimentRunner(parts.space(), parts.strategy(), parts.evaluator(), store, settings, firstStep).run();
    Optional<TrialRecord> best = ExperimentRunner.best(trials);
    FinalTrainer.FinalModel finalModel = null;
    if (best.isPresent()) {
      writeBestArchitecture(best.get());
      var f = config.finalTraining();
      boolean retrain = parts.finalTrainer() != null && (f == null || f.retrain() == null || f.retrain());
      if (retrain) {
        int epochs = f != null && f.epochs() != null ? f.epochs() : Math.max(1, epochsPerTrial());
        Architecture arch = parts.space().decode(best.get().architecture());
        store.setStatus("RETRAINING");
        finalModel = parts.finalTrainer().train(arch, best.get().seed(), epochs, dir.resolve("best"), listener);
      }
    }
    store.setStatus("FINISHED");
    ObjectNode summary = summary(trials, best.orElse(null), finalModel, (System.nanoTime() - t0) / 1e9);
    if (firstStep.atMillis > 0) {
      // start-up cost as a user sees it: from the JVM's start to the first trained batch
      summary.put("first_step_seconds", (firstStep.atMillis - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3);
    }
    writeJson(dir.resolve("summary.json"), summary);
    return summary;
  }

  /** Passes events on and notes when the first training batch finished. */
  private static final class FirstStep implements ExperimentListener {
    private final ExperimentListener inner;
    volatile long atMillis;

    FirstStep(ExperimentListener inner) {
      this.inner = inner;
    }

    @Override
    public void onStart(int finishedBefore, int maxTrials) {
      inner.onStart(finishedBefore, maxTrials);
    }

    @Override
    public void onTrialStart(TrialRecord trial) {
      inner.onTrialStart(trial);
    }

    @Override
    public void onEpoch(long trialId, dev.jnas.evaluate.EpochMetrics metrics, int totalEpochs) {
      inner.onEpoch(trialId, metrics, totalEpochs);
    }

    @Override
    public void onBatch(long trialId, int epoch, double fraction) {
      if (atMillis == 0) {
        atMillis = System.currentTimeMillis();
      }
      inner.onBatch(trialId, epoch, fraction);
    }

    @Override
    public void onTrialEnd(TrialRecord trial, TrialRecord best) {
      inner.onTrialEnd(trial, best);
    }

    @Override
    public void onEnd() {
      inner.onEnd();
    }
  }

  private void writeBestArchitecture(TrialRecord best) {
    Architecture arch = parts.space().decode(best.architecture());
    ObjectNode o = parts.space().toJson(arch);
    o.put("trial", best.id());
    putResult(o, best.result());
    writeJson(dir.resolve("best").resolve("architecture.json"), o);
  }

  private ObjectNode summary(List<TrialRecord> trials, TrialRecord best, FinalTrainer.FinalModel fin, double seconds) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("name", config.name());
    s.put("space", parts.space().name());
    s.put("strategy", parts.strategy().name());
    s.put("seed", config.seedOrDefault());
    s.put("trials", trials.size());
    s.put("complete", trials.stream().filter(t -> t.status() == TrialStatus.COMPLETE).count());
    s.put("failed", trials.stream().filter(t -> t.status() == TrialStatus.FAILED || t.status() == TrialStatus.INVALID).count());
    s.put("run_seconds", seconds);
    if (best != null) {
      ObjectNode b = s.putObject("best");
      b.put("trial", best.id());
      b.put("architecture", best.architecture());
      putResult(b, best.result());
    }
    if (fin != null) {
      ObjectNode f = s.putObject("final");
      f.put("test_accuracy", fin.testAccuracy());
      f.put("train_accuracy", fin.trainAccuracy());
      f.put("epochs", fin.epochs());
      f.put("seconds", fin.seconds());
      f.put("params", fin.params());
      f.put("flops", fin.flops());
      ArrayNode files = f.putArray("files");
      fin.files().forEach(files::add);
    }
    ArrayNode top = s.putArray("top");
    trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETE)
        .sorted((x, y) -> Double.compare(y.result().reward(), x.result().reward()))
        .filter(distinctArchitecture()) // strategies may re-evaluate an architecture: list it once
        .limit(5)
        .forEach(t -> {
          ObjectNode o = top.addObject();
          o.put("trial", t.id());
          o.put("architecture", t.architecture());
          putResult(o, t.result());
        });
    return s;
  }

  private static java.util.function.Predicate<TrialRecord> distinctArchitecture() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return t -> seen.add(t.architecture());
  }

  static void putResult(ObjectNode o, TrialResult r) {
    if (r == null) {
      return;
    }
    o.put("status", r.status().name());
    putNumber(o, "reward", r.reward());
    putNumber(o, "val_accuracy", r.valAccuracy());
    putNumber(o, "test_accuracy", r.testAccuracy());
    o.put("params", r.params());
    o.put("flops", r.flops());
    putNumber(o, "wall_seconds", r.wallSeconds());
    if (r.error() != null) {
      o.put("error", r.error());
    }
  }

  static void putNumber(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
    }
  }

  static void writeJson(Path file, ObjectNode node) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Json.MAPPER.writeValue(tmp.toFile(), node);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new NasException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      parts.close();
    } finally {
      store.close();
    }
  }
}
