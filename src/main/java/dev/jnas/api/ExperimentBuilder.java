package dev.jnas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds an experiment in code. Each part is given either by its registered name and parameters
 * (exactly what a YAML config says) or as your own object; the config the builder records is what
 * {@code jnas show} prints.
 *
 * <pre>{@code
 * try (Experiment e = Experiment.builder()
 *         .name("demo").folder(Path.of("runs/demo")).seed(42)
 *         .space("nasbench201", Map.of("cells_per_stage", 1, "channels", 16))
 *         .strategy("evolution", Map.of("population", 20, "sample", 5))
 *         .evaluator(new MyEvaluator())          // or .evaluator(Map.of("type", "training", ...))
 *         .maxTrials(100)
 *         .open()) {                             // creates it, or continues it after a crash
 *   e.run();
 * }
 * }</pre>
 *
 * Without an evaluator the caller evaluates trials itself with {@link Experiment#ask()} and
 * {@link Experiment#tell}.
 */
public final class ExperimentBuilder {
  private String name = "experiment";
  private Path folder;
  private long seed;
  private JsonNode space;
  private SearchSpace spaceObject;
  private JsonNode strategy = Json.MAPPER.getNodeFactory().textNode("random");
  private StrategyFactory strategyFactory;
  private JsonNode model;
  private dev.jnas.model.ModelBuilder modelObject;
  private JsonNode evaluator;
  private Evaluator evaluatorObject;
  private Integer maxTrials;
  private Double maxMinutes;
  private Integer epochs;
  private Integer concurrency;
  private ExperimentConfig.FinalTraining finalTraining;
  private Path baseDir;
  private JsonNode earlyStopping;

  ExperimentBuilder() {}

  /** The experiment's name (letters, digits, '.', '_', '-'); default {@code experiment}. */
  public ExperimentBuilder name(String name) {
    this.name = name;
    return this;
  }

  /** The experiment folder; default {@code experiments/<name>}. */
  public ExperimentBuilder folder(Path folder) {
    this.folder = folder;
    return this;
  }

  /** The experiment seed (default 0): every random choice derives from it. */
  public ExperimentBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** A registered search space with its default parameters. */
  public ExperimentBuilder space(String name) {
    return space(name, Map.of());
  }

  /** A registered search space with parameters, as in a config's {@code space.params}. */
  public ExperimentBuilder space(String name, Map<String, ?> params) {
    this.space = named(name, params);
    this.spaceObject = null;
    return this;
  }

  /** Your own search space. */
  public ExperimentBuilder space(SearchSpace space) {
    this.spaceObject = space;
    this.space = named(space.name(), Map.of());
    return this;
  }

  /** A registered strategy with its default parameters; default {@code random}. */
  public ExperimentBuilder strategy(String name) {
    return strategy(name, Map.of());
  }

  /** A registered strategy with parameters, as in a config's {@code strategy.params}. */
  public ExperimentBuilder strategy(String name, Map<String, ?> params) {
    this.strategy = named(name, params);
    this.strategyFactory = null;
    return this;
  }

  /** Your own strategy, made for the experiment's space and seed. */
  public ExperimentBuilder strategy(String name, StrategyFactory factory) {
    this.strategy = named(name, Map.of());
    this.strategyFactory = factory;
    return this;
  }

  /** A registered network builder with parameters, as in a config's {@code model} section. */
  public ExperimentBuilder model(String name, Map<String, ?> params) {
    this.model = named(name, params);
    this.modelObject = null;
    return this;
  }

  /**
   * A layers template, as in a config's {@code model: {layers: [...]}}: a list of layers whose
   * fields are literals or {@code $decision} references (README, "Your own search space").
   */
  public ExperimentBuilder layers(List<? extends Map<String, ?>> layers) {
    this.model = Json.MAPPER.createObjectNode().set("layers", Json.MAPPER.valueToTree(layers));
    this.modelObject = null;
    return this;
  }

  /** Your own network builder: turns each architecture into a DJL block (training evaluator). */
  public ExperimentBuilder model(dev.jnas.model.ModelBuilder builder) {
    this.modelObject = builder;
    this.model = Json.MAPPER.createObjectNode().put("class", builder.getClass().getName());
    return this;
  }

  /**
   * An evaluator described as in a config's {@code evaluator} section, e.g. {@code {type:
   * training, dataset: images, data_dir: ..., training: {...}}} or {@code {type: tabular, ...}}.
   */
  public ExperimentBuilder evaluator(Map<String, ?> config) {
    this.evaluator = Json.MAPPER.valueToTree(config);
    this.evaluatorObject = null;
    return this;
  }

  /** Your own evaluator: it gets each trial's architecture and seed and returns its result. */
  public ExperimentBuilder evaluator(Evaluator evaluator) {
    this.evaluatorObject = evaluator;
    this.evaluator = null;
    return this;
  }

  /** Trials in all, resumed runs included. */
  public ExperimentBuilder maxTrials(int maxTrials) {
    this.maxTrials = maxTrials;
    return this;
  }

  /** Minutes of searching per run; trials already running finish. */
  public ExperimentBuilder maxMinutes(double minutes) {
    this.maxMinutes = minutes;
    return this;
  }

  /** Training epochs per trial (default: the evaluator's own). */
  public ExperimentBuilder epochsPerTrial(int epochs) {
    this.epochs = epochs;
    return this;
  }

  /** Trials evaluated at once (default 1). */
  public ExperimentBuilder concurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  /** Whether and how long to retrain the best architecture on all training data (training evaluator). */
  public ExperimentBuilder finalTraining(boolean retrain, int epochs) {
    this.finalTraining = new ExperimentConfig.FinalTraining(retrain, epochs, null);
    return this;
  }

  /**
   * Early stopping, as in a config's {@code early_stopping} section: {@code median}, {@code curve},
   * {@code successive_halving} or {@code hyperband} with its parameters; your evaluator stops a
   * trial when {@link dev.jnas.evaluate.TrialContext#shouldPrune} says so.
   */
  public ExperimentBuilder earlyStopping(String name, Map<String, ?> params) {
    this.earlyStopping = named(name, params);
    return this;
  }

  /** The folder relative paths (data, tables) resolve against; default the working directory. */
  public ExperimentBuilder baseDir(Path dir) {
    this.baseDir = dir;
    return this;
  }

  /** The config this builder describes (what the experiment stores). */
  public ExperimentConfig config() {
    if (space == null) {
      throw new BadInputException("experiment " + name + ": no search space given (space(...))");
    }
    JsonNode ev = evaluatorObject != null
        ? Json.MAPPER.createObjectNode().put("type", "object").put("class", evaluatorObject.getClass().getName())
        : evaluator != null ? evaluator : Json.MAPPER.createObjectNode().put("type", "none");
    ExperimentConfig c = new ExperimentConfig(
        name, seed, space, strategy, ev, new ExperimentConfig.Budget(maxTrials, maxMinutes, epochs),
        concurrency, finalTraining, model, null, earlyStopping);
    return c.withBaseDir(baseDir);
  }

  /** Creates the experiment in a new folder; fails when the folder already holds one. */
  public Experiment create() {
    ExperimentConfig c = validated();
    return Experiment.create(c, folder(c), components(c), objects());
  }

  /**
   * Continues the experiment in the folder (after a crash, or to extend it) when there is one,
   * else creates it: the way to resume an experiment built from your own objects. The stored
   * config must describe the same experiment (name, space, strategy, seed).
   */
  public Experiment open() {
    ExperimentConfig c = validated();
    Path dir = folder(c);
    if (!Files.exists(dir.resolve(dev.jnas.store.SqliteTrialStore.FILE_NAME))) {
      return Experiment.create(c, dir, components(c), objects());
    }
    return Experiment.open(dir, stored -> {
      for (String part : List.of("name", "seed", "space", "strategy", "model")) {
        JsonNode was = stored.toJson().get(part);
        JsonNode now = c.toJson().get(part);
        if (was == null ? now != null : !was.equals(now)) {
          throw new BadInputException(
              "experiment folder " + dir + " holds another experiment: its " + part + " is " + was + ", this builder's is " + now);
        }
      }
      return components(stored);
    });
  }

  private ExperimentConfig validated() {
    ExperimentConfig c = config();
    c.validate();
    return c;
  }

  private Path folder(ExperimentConfig c) {
    return folder != null ? folder : Path.of("experiments", c.name());
  }

  private List<String> objects() {
    List<String> o = new ArrayList<>();
    if (spaceObject != null) {
      o.add("space " + spaceObject.getClass().getName());
    }
    if (strategyFactory != null) {
      o.add("strategy " + strategyFactory.getClass().getName());
    }
    if (evaluatorObject != null) {
      o.add("evaluator " + evaluatorObject.getClass().getName());
    }
    if (modelObject != null) {
      o.add("model " + modelObject.getClass().getName());
    }
    return o;
  }

  private Components components(ExperimentConfig c) {
    Evaluators.Given given = new Evaluators.Given(spaceObject, strategyFactory, modelObject);
    if (evaluatorObject == null) {
      if (spaceObject == null) {
        dev.jnas.space.SearchSpaces.checkName(c.spaceName());
      }
      return Evaluators.create(c, given);
    }
    SearchSpace s = Evaluators.space(c, given);
    evaluatorObject.validateSpace(s);
    var strategyObject = Evaluators.strategy(c, s, given);
    boolean engine = Evaluators.strategyUsesEngine(c, given) || evaluatorObject instanceof dev.jnas.train.TrainingEvaluator;
    return new Components(s, strategyObject, evaluatorObject, null, 1, engine);
  }

  private static JsonNode named(String name, Map<String, ?> params) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("name", name);
    if (params != null && !params.isEmpty()) {
      o.set("params", Json.MAPPER.valueToTree(params));
    }
    return o;
  }
}
