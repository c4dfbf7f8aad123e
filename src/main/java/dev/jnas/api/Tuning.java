package dev.jnas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.FinalTuner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.space.Architecture;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.strategy.GridSearch;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.Strategy;
import dev.jnas.train.HyperparameterEvaluator;
import dev.jnas.train.HyperparameterSettings;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code final.tune}: the {@link FinalTuner} of a training search, checked when the experiment is
 * built (so a bad tuning space is refused before any trial runs). The tuning is an experiment of
 * its own in {@code <experiment>/tune}: a {@code hyperparameters} space on the best architecture,
 * the tuning strategy (grid by default), a budget of {@code trials} trials of {@code epochs}
 * epochs each, stored in its own {@code experiment.db} and continued like any experiment.
 */
final class Tuning implements FinalTuner {
  /** Most settings a tuning grid may list when {@code trials} is not given. */
  static final int MAX_GRID = 1_000;
  /** Where the tuning seed branches off the experiment's. */
  private static final long SEED_STREAM = 0x74756e65L; // "tune"

  private final ExperimentConfig config;
  private final SearchSpace netSpace;
  private final JsonNode netSection;
  private final TrainingEvaluator evaluator;
  private final JsonNode tune;
  private final String strategyName;
  private final JsonNode strategyParams;
  private final int trials;
  private final int epochs;
  private final long seed;

  private Tuning(ExperimentConfig config, SearchSpace netSpace, JsonNode netSection, TrainingEvaluator evaluator,
      String strategyName, JsonNode strategyParams, int trials, int epochs) {
    this.config = config;
    this.netSpace = netSpace;
    this.netSection = netSection;
    this.evaluator = evaluator;
    this.tune = config.finalTraining().tune();
    this.strategyName = strategyName;
    this.strategyParams = strategyParams;
    this.trials = trials;
    this.epochs = epochs;
    this.seed = Rng.derive(config.seedOrDefault(), SEED_STREAM);
  }

  /**
   * Checks {@code final.tune} (parameters, strategy, trials) against the training settings.
   *
   * @throws ConfigException at the {@code final.tune} field that is wrong
   */
  static Tuning create(ExperimentConfig config, SearchSpace netSpace, JsonNode netSection, TrainingEvaluator evaluator) {
    JsonNode t = config.finalTraining().tune();
    HyperparameterSpace probe;
    try {
      probe = HyperparameterSpace.fromParams(spaceParams(t, null));
      HyperparameterSettings.check(probe, evaluator.settings());
    } catch (ConfigException e) {
      throw e.under("final.tune");
    }
    JsonNode s = t.path("strategy");
    String name = s.isMissingNode() ? GridSearch.NAME : s.isTextual() ? s.asText() : s.path("name").asText(null);
    if (name == null || !(s.isMissingNode() || s.isTextual() || s.isObject())) {
      throw ConfigException.invalid("final.tune.strategy", "must be a strategy name or {name, params}");
    }
    JsonNode params = s.path("params").isObject() ? s.get("params") : Json.MAPPER.createObjectNode();
    try {
      if (Strategies.provider(name).oneShot()) {
        throw new BadInputException("'" + name + "' is a one-shot search; tuning trains networks trial by trial");
      }
      Strategy probeStrategy = Strategies.create(name, probe, params, 0);
      if (probeStrategy instanceof AutoCloseable c) {
        c.close();
      }
    } catch (ConfigException e) {
      throw e.under("final.tune.strategy.params");
    } catch (BadInputException e) {
      throw ConfigException.within("final.tune.strategy", e);
    } catch (Exception e) {
      throw new NasException("cannot close the tuning strategy: " + e.getMessage(), e);
    }
    int trials;
    if (t.has("trials")) {
      trials = t.get("trials").asInt();
    } else if (isGrid(probe)) {
      trials = probe.size().intValueExact();
    } else {
      throw ConfigException.invalid(
          "final.tune.trials", "is needed: the tuning space is not a grid of at most " + MAX_GRID
              + " settings (it has a continuous distribution or more settings)");
    }
    var b = config.budget();
    int epochs = t.has("epochs") ? t.get("epochs").asInt()
        : b != null && b.epochs() != null ? b.epochs() : Math.max(1, evaluator.settings().epochs());
    return new Tuning(config, netSpace, netSection, evaluator, name, params, trials, epochs);
  }

  /** Whether {@code s} lists its settings (choices and integers only, at most {@link #MAX_GRID}): a grid to run through. */
  private static boolean isGrid(HyperparameterSpace s) {
    for (int i = 0; i < s.decisions().size(); i++) {
      if (s.distribution(i).isPresent() && !s.distribution(i).get().discrete()) {
        return false;
      }
    }
    return s.isEnumerable() && s.size().compareTo(BigInteger.valueOf(MAX_GRID)) <= 0;
  }

  /** The tuning space's params, on {@code architecture} (null: none, for checking). */
  private static ObjectNode spaceParams(JsonNode tune, ObjectNode architecture) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    p.set("parameters", tune.get("parameters").deepCopy());
    if (tune.has("quantiles")) {
      p.set("quantiles", tune.get("quantiles").deepCopy());
    }
    if (architecture != null) {
      p.set("architecture", architecture);
    }
    return p;
  }

  @Override
  public Tuned tune(Architecture arch, Path dir, dev.jnas.experiment.ExperimentListener listener) {
    ObjectNode fixed = Json.MAPPER.createObjectNode();
    fixed.set("space", netSection.deepCopy());
    fixed.put("string", netSpace.encode(arch));
    ObjectNode params = spaceParams(tune, fixed);
    HyperparameterSpace space = HyperparameterSpace.fromParams(params);
    HyperparameterEvaluator e = new HyperparameterEvaluator(space, evaluator);
    Strategy strategy = Strategies.create(strategyName, space, strategyParams, seed);
    // the tuning's own config: `jnas show DIR/tune` reads it, and `jnas resume DIR/tune` could run it alone
    ObjectNode spaceSection = Json.MAPPER.createObjectNode().put("name", HyperparameterSpace.NAME);
    spaceSection.set("params", params);
    ObjectNode strategySection = Json.MAPPER.createObjectNode().put("name", strategyName);
    strategySection.set("params", strategyParams.deepCopy());
    ExperimentConfig own = new ExperimentConfig(
        config.name() + "-tune", seed, spaceSection, strategySection, config.evaluator(),
        new ExperimentConfig.Budget(trials, null, epochs), config.concurrency(),
        new ExperimentConfig.FinalTraining(false, null, null), config.model(), config.baseDir(), null);
    SqliteTrialStore store = Files.isDirectory(dir)
        ? SqliteTrialStore.openExisting(dir)
        : SqliteTrialStore.create(dir, own.name(), own.toJson().toString(), Provenance.json(seed, true).toString());
    try (store) {
      List<TrialRecord> done = new ExperimentRunner(space, strategy, e, store,
          new RunSettings(trials, null, config.concurrencyOrDefault(), seed, epochs, dir.resolve("checkpoints")), listener).run();
      TrialRecord best = ExperimentRunner.best(done).orElseThrow(() -> new NasException(
          "final.tune: " + Experiment.noneCompleted(done) + " (the tuning trials are in " + dir + ")"));
      Architecture setting = space.decode(best.architecture());
      FinalTrainer trainer = (a, s, ep, save, checkpoints, l) ->
          Training.finalModel(e.trainFinal(setting, s, ep, save, checkpoints, Training.forward(l)), ep, save);
      int finished = (int) done.stream().filter(x -> x.status().isFinished()).count();
      return new Tuned(best.architecture(), best.result().reward(), finished, trainer);
    } finally {
      if (strategy instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception x) {
          throw new NasException("cannot close the tuning strategy: " + x.getMessage(), x);
        }
      }
    }
  }
}
