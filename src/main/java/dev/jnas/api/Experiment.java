package dev.jnas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.TrialExecutor;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.FinalTuner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.experiment.TrialLedger;
import dev.jnas.experiment.pruning.Pruner;
import dev.jnas.experiment.pruning.Pruners;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.ExperimentInfo;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.ConfigLocator;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An experiment: a search space, a strategy that proposes architectures, an evaluator that scores
 * them, and a budget, all recorded in one folder ({@code experiment.db}: SQLite with every trial;
 * {@code summary.json}; {@code best/}: the best architecture and, for trained models, its
 * weights). A killed experiment continues where it stopped with {@link #open}.
 *
 * <p>From a config file (what {@code jnas search} does):
 *
 * <pre>{@code
 * try (Experiment e = Experiment.create(Path.of("search.yaml"), Path.of("runs/x"))) {
 *   ObjectNode summary = e.run();
 *   e.best().ifPresent(t -> System.out.println(t.string() + " " + t.reward().orElseThrow()));
 * }
 * }</pre>
 *
 * <p>In code, with registered names or your own objects ({@link #builder()}), and with your own
 * evaluation loop ({@link #ask()} / {@link #tell} / {@link #fail}).
 *
 * <p>One process at a time may hold an experiment folder; an experiment is not thread-safe
 * except for {@link #markInterrupted()}.
 */
public final class Experiment implements AutoCloseable {
  /** Where an experiment stands, as stored in its folder. */
  public enum Status {
    /** Created, no trial run yet. */
    CREATED,
    /** A process is searching (or was, and was killed: see INTERRUPTED). */
    RUNNING,
    /** The best architecture is being retrained on the full training set. */
    RETRAINING,
    /** Done: the budget is spent and the summary written; {@link #extend} adds budget. */
    FINISHED,
    /** Stopped by an error (every trial failed, or the process failed). */
    FAILED,
    /** Stopped by the user (Ctrl-C) or killed; {@link #open} and {@link #run} continue it. */
    INTERRUPTED;

    static Status of(String stored) {
      try {
        return valueOf(stored);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new BadInputException("the experiment's stored status '" + stored + "' is unknown");
      }
    }
  }

  /** The folder, inside the experiment's, of the {@code final.tune} trials (an experiment of their own). */
  public static final String TUNE_FOLDER = "tune";

  private final Path dir;
  private ExperimentConfig config;
  private final SqliteTrialStore store;
  private final Components parts;
  /** The caller's own evaluation loop, once {@link #ask()} was first called. */
  private AskTell askTell;
  /** Where {@link #run} sends trials; null: this process. */
  private TrialExecutor.Factory executors;
  /** Where a distributed controller keeps its parameters, by experiment key; null: this process. */
  private java.util.function.Function<String, dev.jnas.strategy.rl.ParameterServer.Factory> parameterServers;

  private Experiment(Path dir, ExperimentConfig config, SqliteTrialStore store, Components parts) {
    this.dir = dir;
    this.config = config;
    this.store = store;
    this.parts = parts;
  }

  /** A builder for an experiment made in code. */
  public static ExperimentBuilder builder() {
    return new ExperimentBuilder();
  }

  /**
   * Creates an experiment from a YAML or JSON config file. Every config error names the file, the
   * line and the field's full path; relative paths in the file resolve against its folder.
   *
   * @param dir the experiment folder; null: {@code experiments/<name>}
   * @throws BadInputException for a bad config, data that cannot be read, or a folder that
   *     already holds an experiment; nothing is created then
   */
  public static Experiment create(Path configFile, Path dir) {
    ExperimentConfig config = ExperimentConfig.load(configFile);
    ConfigLocator where = ConfigLocator.of(configFile, Json.YAML.getFactory());
    Path d = dir != null ? dir : Path.of("experiments", config.name());
    return ExperimentConfig.located(where, () -> create(config, d));
  }

  /**
   * Validates the whole config (space, strategy, evaluator and its data) and only then creates the
   * folder, so bad input leaves nothing behind and never touches an existing experiment.
   */
  public static Experiment create(ExperimentConfig config, Path dir) {
    config.validate();
    SqliteTrialStore.checkNew(dir);
    Components parts = build(config);
    return create(config, dir, parts, List.of());
  }

  /** Creates the folder and its store for parts already built; closes them on failure. */
  static Experiment create(ExperimentConfig config, Path dir, Components parts, List<String> objects) {
    SqliteTrialStore store = null;
    try {
      // the pruner's parameters against the epochs a trial really trains (the evaluator's default too)
      pruner(config, config.budget().epochs() != null ? config.budget().epochs() : parts.defaultEpochs());
      SqliteTrialStore.checkNew(dir);
      ObjectNode provenance = Provenance.json(config.seedOrDefault(), parts.usesEngine());
      if (!objects.isEmpty()) {
        ArrayNode o = provenance.putArray("java_objects");
        objects.forEach(o::add);
      }
      store = SqliteTrialStore.create(dir, config.name(), config.toJson().toString(), provenance.toString());
      return new Experiment(dir, config, store, parts);
    } catch (RuntimeException e) {
      parts.close();
      if (store != null) {
        store.close();
      }
      throw e;
    }
  }

  /**
   * Opens an experiment folder to continue it (or to read it): the config stored in it rebuilds
   * the space, strategy and evaluator. An experiment built in code from your own objects is
   * reopened with {@link ExperimentBuilder#open()} instead.
   */
  public static Experiment open(Path dir) {
    return open(dir, null);
  }

  /** @param given parts built by a builder from the caller's objects; null: build from the config */
  static Experiment open(Path dir, Function<ExperimentConfig, Components> given) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " does not exist");
    }
    SqliteTrialStore store = SqliteTrialStore.openExisting(dir);
    try {
      ExperimentInfo info =
          store.experiment().orElseThrow(() -> new BadInputException(dir + " holds no experiment"));
      ExperimentConfig config = ExperimentConfig.fromJson(info.config());
      if (given == null) {
        JsonNode objects = Json.MAPPER.readTree(info.provenance() == null ? "{}" : info.provenance()).path("java_objects");
        if (!objects.isEmpty()) {
          throw new BadInputException(
              "experiment " + info.name() + " in " + dir + " was built in Java from objects (" + objects
                  + "): continue it from that program with Experiment.builder()...open()");
        }
      }
      Components parts = given == null ? buildAsStored(config, store) : given.apply(config);
      return new Experiment(dir, config, store, parts);
    } catch (IOException e) {
      store.close();
      throw new BadInputException("the stored provenance of " + dir + " is unreadable: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * The parts of a stored experiment, its strategy built with the parameters its last snapshot
   * was taken with where they agree with those the config gives: the config names only what the
   * user set, and a later jnas whose defaults changed would otherwise build another strategy than
   * the one that ran, which cannot take the snapshot (the search could not be continued). Where
   * this jnas refuses those parameters (one it no longer has), the config's are used.
   */
  private static Components buildAsStored(ExperimentConfig config, SqliteTrialStore store) {
    ExperimentConfig pinned = StrategyPinning.pin(config, store.strategySnapshot());
    if (pinned == config) {
      return build(config);
    }
    try {
      return build(pinned);
    } catch (ConfigException e) {
      if (e.field() != null && e.field().startsWith("strategy")) {
        return build(config);
      }
      throw e;
    }
  }

  static Components build(ExperimentConfig config) {
    // cheap checks first, so a misspelt name is reported before any data is read
    try {
      dev.jnas.space.SearchSpaces.check(config.space());
    } catch (BadInputException e) {
      throw ConfigException.within("space", e);
    }
    try {
      dev.jnas.strategy.Strategies.provider(config.strategyName());
    } catch (BadInputException e) {
      throw ConfigException.within("strategy", e);
    }
    return Evaluators.create(config, Evaluators.Given.NONE);
  }

  /**
   * The space and evaluator of an experiment's stored config, built as {@link #open} builds them:
   * what a cluster worker runs the experiment's trials with. Data that cannot be read fails here,
   * with the message a search would give. Close it to free the evaluator's data.
   */
  public static Evaluation evaluation(String configJson) {
    return new Evaluation(build(ExperimentConfig.fromJson(configJson)));
  }

  /** An experiment's space and evaluator outside the experiment (see {@link #evaluation}). */
  public static final class Evaluation implements AutoCloseable {
    private final Components parts;

    private Evaluation(Components parts) {
      if (parts.evaluator() == null) {
        parts.close();
        throw new BadInputException("the experiment has no evaluator (evaluator type 'none'): its trials cannot run on workers");
      }
      this.parts = parts;
    }

    public SearchSpace space() {
      return parts.space();
    }

    public dev.jnas.evaluate.Evaluator evaluator() {
      return parts.evaluator();
    }

    @Override
    public void close() {
      parts.close();
    }
  }

  /**
   * Makes {@link #run} send trials to executors from {@code factory} (a cluster's workers) instead
   * of evaluating them in this process. Only the ask/tell loop's strategies distribute: a one-shot
   * search trains one supernet and a morphism search trains children from their parents' stored
   * weights, both in this process.
   */
  public Experiment distributeWith(TrialExecutor.Factory factory) {
    return distributeWith(factory, null);
  }

  /**
   * {@link #distributeWith(TrialExecutor.Factory)}, and NAS-RL's controller with {@code replicas}
   * or {@code shards} keeps its shared parameters in servers from {@code parameterServers} (given
   * the experiment's key), e.g. spread over a cluster's nodes.
   */
  public Experiment distributeWith(TrialExecutor.Factory factory,
      java.util.function.Function<String, dev.jnas.strategy.rl.ParameterServer.Factory> parameterServers) {
    this.parameterServers = parameterServers;
    if (parts.loop() != null) {
      throw new BadInputException(
          "strategy " + config.strategyName() + " trains in one process (a one-shot or morphism search):"
              + " it cannot run on a cluster's workers; drop --cluster");
    }
    this.executors = factory;
    return this;
  }

  public Path dir() {
    return dir;
  }

  public ExperimentConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public SearchSpace space() {
    return parts.space();
  }

  /** The status stored in the folder. */
  public Status status() {
    return Status.of(store.experiment().orElseThrow().status());
  }

  /** True once the budget is spent and the summary written: {@link #run} then changes nothing. */
  public boolean isFinished() {
    return status() == Status.FINISHED;
  }

  /** Trials in all (0: no limit). */
  public int maxTrials() {
    var b = config.budget();
    return b.maxTrials() == null ? 0 : b.maxTrials();
  }

  public int epochsPerTrial() {
    var b = config.budget();
    return b.epochs() != null ? b.epochs() : parts.defaultEpochs();
  }

  /**
   * Gives a finished (or any) experiment more budget and stores it: {@code moreTrials} trials on
   * top of the current {@code max_trials} (or of the trials run so far when there was no limit),
   * and/or {@code minutes} of searching for the next run.
   *
   * @param moreTrials null or > 0
   * @param minutes null or > 0
   */
  public void extend(Integer moreTrials, Double minutes) {
    if (moreTrials == null && minutes == null) {
      throw new BadInputException("--extend needs trials=N and/or minutes=M");
    }
    if (config.oneShotStrategy()) {
      throw new BadInputException(
          "--extend: experiment " + name() + " is a one-shot search (" + config.strategyName() + "), which trains one"
              + " supernet for budget.epochs: start a new experiment with more epochs instead");
    }
    var b = config.budget();
    Integer trials = b.maxTrials();
    if (moreTrials != null) {
      if (moreTrials < 1) {
        throw new BadInputException("--extend trials=" + moreTrials + ": must be >= 1");
      }
      long base = trials != null && trials > 0 ? trials : store.trials().size();
      if (base + moreTrials > Integer.MAX_VALUE) {
        throw new BadInputException("--extend trials=" + moreTrials + ": the total would exceed " + Integer.MAX_VALUE);
      }
      trials = (int) (base + moreTrials);
    } else if (trials != null && trials > 0 && minutes != null) {
      // more time only: keep the trial limit out of the way of the new minutes
      trials = null;
    }
    ExperimentConfig extended =
        config.withBudget(new ExperimentConfig.Budget(trials, minutes != null ? minutes : b.maxMinutes(), b.epochs()));
    try {
      extended.validate();
    } catch (ConfigException e) {
      throw new BadInputException("--extend: " + e.getMessage(), e);
    }
    store.updateConfig(extended.toJson().toString());
    config = extended;
    if (isFinished()) {
      store.setStatus(Status.INTERRUPTED.name());
    }
  }

  /** {@link #run(ExperimentListener)} without progress reports. */
  public ObjectNode run() {
    return run(ExperimentListener.NONE);
  }

  /**
   * Runs (or continues) the search, then the final retraining; returns the summary (as written to
   * {@code summary.json}). A finished experiment is left as it is and its summary returned.
   *
   * @throws NasException when no trial completed (the message gives the most common error), or
   *     when this experiment has no evaluator (use {@link #ask()} / {@link #tell})
   */
  public ObjectNode run(ExperimentListener listener) {
    if (isFinished()) {
      return storedSummary();
    }
    if (parts.evaluator() == null) {
      throw new BadInputException(
          "experiment " + name() + " has no evaluator (evaluator type 'none'): evaluate its trials with ask() and tell()");
    }
    var b = config.budget();
    RunSettings settings =
        new RunSettings(
            parts.loop() instanceof dev.jnas.experiment.OneShotRunner ? 1 : maxTrials(), // a one-shot search is one trial
            b.maxMinutes() == null ? null : Duration.ofMillis(Math.round(b.maxMinutes() * 60_000)),
            config.concurrencyOrDefault(),
            config.seedOrDefault(),
            epochsPerTrial(),
            dir.resolve("checkpoints"));
    long t0 = System.nanoTime();
    FirstStep firstStep = new FirstStep(listener);
    List<TrialRecord> trials;
    if (parts.loop() != null) {
      trials = parts.loop().run(store, settings, dir, firstStep);
    } else {
      ExperimentInfo info = store.experiment().orElseThrow();
      String key = info.name() + "@" + info.createdAt(); // the experiment across restarts of its process
      if (parameterServers != null && parts.strategy() instanceof dev.jnas.strategy.rl.ReinforceController rc) {
        rc.moveParameterServer(parameterServers.apply(key));
      }
      try (TrialExecutor executor = executors == null ? null
          : executors.create(new TrialExecutor.Run(key, info.config(), epochsPerTrial()),
              parts.evaluator(), store)) {
        trials = new ExperimentRunner(parts.space(), parts.strategy(), parts.evaluator(), store, settings, firstStep,
            pruner(config, epochsPerTrial()), executor).run();
      }
    }
    Optional<TrialRecord> best = ExperimentRunner.best(trials);
    if (best.isEmpty()) {
      ObjectNode summary = summary(trials, null, null, (System.nanoTime() - t0) / 1e9);
      AtomicFiles.writeJson(dir.resolve("summary.json"), summary);
      store.setStatus(Status.FAILED.name());
      throw new NasException(noneCompleted(trials));
    }
    writeBestArchitecture(best.get());
    FinalTrainer.FinalModel finalModel = null;
    FinalTuner.Tuned tuned = null;
    var f = config.finalTraining();
    boolean retrain = parts.finalTrainer() != null && (f == null || f.retrain() == null || f.retrain());
    if (retrain) {
      int epochs = f != null && f.epochs() != null ? f.epochs() : Math.max(1, epochsPerTrial());
      Architecture arch = parts.space().decode(best.get().architecture());
      store.setStatus(Status.RETRAINING.name());
      FinalTrainer trainer = parts.finalTrainer();
      if (parts.tuner() != null) {
        // NAS-RL's closing search over the training hyperparameters of the best architecture
        tuned = parts.tuner().tune(arch, dir.resolve(TUNE_FOLDER), listener);
        trainer = tuned.trainer();
      }
      finalModel =
          trainer.train(arch, best.get().seed(), epochs, dir.resolve("best"), dir.resolve("checkpoints").resolve("final"), listener);
    }
    ObjectNode summary = summary(trials, best.get(), finalModel, (System.nanoTime() - t0) / 1e9);
    if (tuned != null) {
      ObjectNode t = summary.putObject("tune");
      t.put("folder", TUNE_FOLDER);
      t.put("trials", tuned.trials());
      t.put("best", tuned.setting());
      t.put("reward", tuned.reward());
    }
    if (firstStep.atMillis > 0) {
      // start-up cost as a user sees it: from the JVM's start to the first trained batch
      summary.put("first_step_seconds", (firstStep.atMillis - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3);
    }
    AtomicFiles.writeJson(dir.resolve("summary.json"), summary);
    store.setStatus(Status.FINISHED.name());
    writeReport();
    return summary;
  }

  /**
   * Writes {@code report.html} (the dashboard's page as one offline file); a report that cannot be
   * written costs a warning on stderr, never the finished search.
   */
  private void writeReport() {
    try {
      dev.jnas.web.HtmlReport.write(dir);
    } catch (RuntimeException e) {
      System.err.println("jnas: warning: cannot write " + dir.resolve(dev.jnas.web.HtmlReport.FILE) + ": " + e.getMessage());
    }
  }

  /** The config's early stopping for trials of {@code epochs} epochs, or null without it. */
  private static Pruner pruner(ExperimentConfig config, int epochs) {
    return Pruners.create(config.earlyStopping(), epochs);
  }

  /** Why no trial completed: the count and the most common error, for the user to act on. */
  static String noneCompleted(List<TrialRecord> trials) {
    if (trials.isEmpty()) {
      return "no trial ran: the strategy proposed nothing within the budget";
    }
    Map<String, Long> errors =
        trials.stream()
            .filter(t -> t.result() != null && t.result().error() != null)
            .collect(Collectors.groupingBy(t -> t.result().error(), LinkedHashMap::new, Collectors.counting()));
    var common = errors.entrySet().stream().max(Map.Entry.comparingByValue());
    return "all " + trials.size() + " trials failed, so there is no best architecture"
        + common.map(e -> "; most common error (" + e.getValue() + " of " + trials.size() + "): " + e.getKey()).orElse("");
  }

  private ObjectNode storedSummary() {
    Path f = dir.resolve("summary.json");
    try {
      if (Files.isRegularFile(f)) {
        return (ObjectNode) Json.MAPPER.readTree(f.toFile());
      }
    } catch (IOException | ClassCastException e) {
      // rebuilt below from the store, which is the record of truth
    }
    List<TrialRecord> trials = store.trials();
    return summary(trials, ExperimentRunner.best(trials).orElse(null), null, 0);
  }

  /**
   * The next trial for the caller to evaluate (Optuna's {@code study.ask()}): its architecture,
   * decisions and seed. It is stored as RUNNING at once, so after a crash the experiment opened
   * again hands out the trials that were never told first, with the same ids and seeds.
   *
   * @return empty when the budget's {@code max_trials} are all asked, when the strategy has no
   *     more architectures, or when it waits for results before proposing more (a controller's
   *     batch): tell what is outstanding, then ask again
   */
  public synchronized Optional<Trial> ask() {
    return askTell().ask().map(this::trial);
  }

  /** {@link #tell(Trial, TrialResult)} with just a value to maximise (e.g. validation accuracy). */
  public synchronized Trial tell(Trial trial, double value) {
    TrialResult r = Double.isFinite(value)
        ? new TrialResult(TrialStatus.COMPLETE, List.of(), value, Double.NaN, value, 0, 0, Double.NaN, null)
        : TrialResult.failed("told a non-finite value " + value, Double.NaN);
    return tell(trial, r);
  }

  /** Records that evaluating {@code trial} failed; the strategy hears no reward for it. */
  public synchronized Trial fail(Trial trial, String error) {
    return tell(trial, TrialResult.failed(error == null ? "failed" : error, Double.NaN));
  }

  /**
   * Records the result of an asked trial and tells the strategy; when it is the last trial of the
   * budget, the experiment is marked FINISHED and {@code best/architecture.json} and {@code
   * summary.json} are written.
   *
   * @return the finished trial
   * @throws IllegalArgumentException when the trial is not one this experiment is waiting for
   */
  public synchronized Trial tell(Trial trial, TrialResult result) {
    TrialRecord done = askTell().tell(trial.id(), trial.architecture(), result);
    return trial(done);
  }

  private AskTell askTell() {
    if (askTell == null) {
      askTell = new AskTell();
    }
    return askTell;
  }

  /** The ledger side of ask/tell: outstanding trials, the budget, the end of the experiment. */
  private final class AskTell {
    private final TrialLedger ledger = new TrialLedger(parts.space(), parts.strategy(), store, config.seedOrDefault());
    private final java.util.ArrayDeque<TrialRecord> again = new java.util.ArrayDeque<>();
    private final Map<Long, TrialRecord> outstanding = new LinkedHashMap<>();
    private int finished;

    AskTell() {
      for (TrialRecord t : ledger.open()) {
        if (t.status() == TrialStatus.RUNNING) {
          again.add(t); // asked before a crash and never told: hand it out again
        } else {
          finished++;
        }
      }
      store.setStatus(Status.RUNNING.name());
    }

    Optional<TrialRecord> ask() {
      TrialRecord t = again.poll();
      if (t == null) {
        if (maxTrials() > 0 && finished + outstanding.size() >= maxTrials() || ledger.exhausted()) {
          return Optional.empty();
        }
        List<TrialRecord> asked = ledger.ask(1);
        if (asked.isEmpty()) {
          return Optional.empty();
        }
        t = asked.get(0);
      }
      outstanding.put(t.id(), t);
      return Optional.of(t);
    }

    TrialRecord tell(long id, Architecture arch, TrialResult result) {
      TrialRecord t = outstanding.get(id);
      if (t == null) {
        throw new IllegalArgumentException(
            "trial " + id + " is not waiting for a result in experiment " + name() + " (told already, or not asked)");
      }
      if (!t.architecture().equals(parts.space().encode(arch))) {
        throw new IllegalArgumentException("trial " + id + " was asked for " + t.architecture() + ", not " + parts.space().encode(arch));
      }
      outstanding.remove(id);
      TrialRecord done = ledger.finish(t, arch, result);
      finished++;
      if (maxTrials() > 0 && finished >= maxTrials() && outstanding.isEmpty() && again.isEmpty()) {
        end();
      }
      return done;
    }

    private void end() {
      ledger.close();
      List<TrialRecord> trials = store.trials();
      Optional<TrialRecord> best = ExperimentRunner.best(trials);
      best.ifPresent(Experiment.this::writeBestArchitecture);
      AtomicFiles.writeJson(dir.resolve("summary.json"), summary(trials, best.orElse(null), null, 0));
      store.setStatus(Status.FINISHED.name());
      writeReport();
    }
  }

  /** All trials so far, in id order. */
  public List<Trial> trials() {
    return store.trials().stream().map(this::trial).toList();
  }

  /**
   * The completed trial with the highest reward (ties: the earlier one); a pruned one only when no
   * trial completed.
   */
  public Optional<Trial> best() {
    return ExperimentRunner.best(store.trials()).map(this::trial);
  }

  Trial trial(TrialRecord r) {
    SearchSpace space = parts.space();
    Architecture a;
    try {
      a = space.decode(r.architecture());
    } catch (BadInputException e) {
      throw new BadInputException("trial " + r.id() + " in " + dir + " holds an architecture that space "
          + space.name() + " cannot read: " + e.getMessage(), e);
    }
    Map<String, String> decisions = new LinkedHashMap<>();
    List<Decision> ds = space.decisions();
    for (int i = 0; i < ds.size(); i++) {
      if (space.isActive(a, i)) { // an inactive conditional decision is not part of the trial
        decisions.put(ds.get(i).name(), ds.get(i).label(a.get(i)));
      }
    }
    return new Trial(r.id(), a, r.architecture(), decisions, r.seed(), r.status(), r.result());
  }

  /**
   * Marks a running experiment as interrupted (for a Ctrl-C handler); trials in flight stay
   * RUNNING and run again on resume. Safe to call from another thread.
   */
  public void markInterrupted() {
    try {
      Status s = status();
      if (s == Status.RUNNING || s == Status.RETRAINING || s == Status.CREATED) {
        store.setStatus(Status.INTERRUPTED.name());
      }
    } catch (RuntimeException e) {
      // the process is going down; the lock tells the next reader that nobody runs it
    }
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
    AtomicFiles.writeJson(dir.resolve("best").resolve("architecture.json"), o);
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
    s.put("pruned", trials.stream().filter(t -> t.status() == TrialStatus.PRUNED).count());
    // what early stopping saved shows against the budget: a pruned trial trained fewer epochs
    s.put("epochs_trained", trials.stream().mapToLong(t -> t.result() == null ? 0 : t.result().epochs().size()).sum());
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
      fin.metrics().forEach((k, v) -> putNumber(f, k, v));
      ArrayNode files = f.putArray("files");
      fin.files().forEach(files::add);
    }
    ArrayNode top = s.putArray("top");
    trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETE)
        .sorted(Comparator.comparingDouble((TrialRecord t) -> -t.result().reward()))
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

  @Override
  public synchronized void close() {
    try {
      if (askTell != null && !isFinished()) {
        askTell.ledger.close(); // a snapshot, so the next open replays nothing
      }
      parts.close();
    } finally {
      store.close();
    }
  }
}
