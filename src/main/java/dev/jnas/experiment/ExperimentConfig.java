package dev.jnas.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.pruning.Pruners;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ComponentRef;
import dev.jnas.util.ConfigBinding;
import dev.jnas.util.ConfigException;
import dev.jnas.util.ConfigLocator;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * An experiment as the user writes it in YAML or JSON. Parts whose shape depends on a choice (the
 * space's, strategy's and evaluator's parameters) stay JSON trees and are bound by the component
 * that reads them (with {@link ConfigBinding}, so their errors name the full field path too).
 *
 * @param space a name ({@code nasbench201}), {name: ..., params: {...}} or {class: ..., params: {...}}
 * @param strategy a name ({@code evolution}) or {name: ..., params: {...}}
 * @param evaluator {type: training|tabular, ...}; see README
 * @param finalTraining retraining of the best architecture on the full training set
 * @param model the network of a training search (absent: the space's own): a name, {name|class:
 *     ..., params: {...}}, or a layers template {layers: [...]}; read by {@code
 *     dev.jnas.model.ModelBuilders#fromConfig}
 * @param baseDir the folder relative paths in the config resolve against; {@link #load} sets it
 *     to the config file's folder, absent means the working directory
 * @param earlyStopping the pruner that stops unpromising trials after an epoch (absent: none): a
 *     name ({@code median}) or {name: ..., params: {...}}; read by {@link Pruners#create}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentConfig(
    String name,
    Long seed,
    JsonNode space,
    JsonNode strategy,
    JsonNode evaluator,
    Budget budget,
    Integer concurrency,
    @JsonProperty("final") FinalTraining finalTraining,
    JsonNode model,
    @JsonProperty("base_dir") String baseDir,
    @JsonProperty("early_stopping") JsonNode earlyStopping) {

  /** Longest experiment name: it becomes a folder name, and file systems allow 255 bytes. */
  public static final int MAX_NAME_LENGTH = 120;
  /** Ten years: longer budgets are typos, and larger values overflow the clock arithmetic. */
  public static final double MAX_MINUTES = 10 * 365 * 24 * 60;
  public static final int MAX_EPOCHS = 100_000;
  public static final int MAX_CONCURRENCY = 256;

  /**
   * @param maxTrials trials in all (0 or absent: no limit)
   * @param maxMinutes minutes of searching per run (absent: no limit)
   * @param epochs training epochs per trial (absent: the evaluator's own setting)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Budget(
      @JsonProperty("max_trials") Integer maxTrials,
      @JsonProperty("max_minutes") Double maxMinutes,
      @JsonProperty("epochs") Integer epochs) {}

  /**
   * @param retrain retrain the best architecture on all training data and report test accuracy
   * @param epochs epochs of that retraining
   * @param tune a hyperparameter search on the best architecture before the retraining (see
   *     {@link FinalTuner}): {@code {parameters: {...}, strategy: grid, trials, epochs, quantiles}}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  /**
   * @param inherit for a morphism search: whether the final training starts from the best
   *     network's trained weights (null: yes); other searches retrain from scratch
   */
  public record FinalTraining(
      @JsonProperty("retrain") Boolean retrain, @JsonProperty("epochs") Integer epochs, @JsonProperty("tune") JsonNode tune,
      @JsonProperty("inherit") Boolean inherit) {
    public FinalTraining(Boolean retrain, Integer epochs, JsonNode tune) {
      this(retrain, epochs, tune, null);
    }

    /** The fields {@code final.tune} may hold. */
    public static final java.util.List<String> TUNE_FIELDS = java.util.List.of("parameters", "strategy", "trials", "epochs", "quantiles");
  }

  public long seedOrDefault() {
    return seed == null ? 0L : seed;
  }

  public int concurrencyOrDefault() {
    return concurrency == null ? 1 : concurrency;
  }

  /** The registered space name, or the class name when the space is given by {@code class}. */
  public String spaceName() {
    ComponentRef r = spaceRef();
    return r.name() != null ? r.name() : r.className();
  }

  public JsonNode spaceParams() {
    return spaceRef().params();
  }

  private ComponentRef spaceRef() {
    return ComponentRef.of(space, "space");
  }

  public String strategyName() {
    return strategyRef().name();
  }

  public JsonNode strategyParams() {
    return strategyRef().params();
  }

  /** This config with the strategy's parameters replaced by {@code params} (its name kept). */
  public ExperimentConfig withStrategyParams(JsonNode params) {
    ObjectNode s = Json.MAPPER.createObjectNode().put("name", strategyName());
    s.set("params", params);
    return new ExperimentConfig(name, seed, space, s, evaluator, budget, concurrency, finalTraining, model, baseDir, earlyStopping);
  }

  /** The strategy section; strategies are registered by name (a jar adds them), not given by class. */
  private ComponentRef strategyRef() {
    ComponentRef r = ComponentRef.of(strategy, "strategy");
    if (r.className() != null) {
      throw ConfigException.invalid("strategy.class", "is not supported: register the strategy through"
          + " META-INF/services/dev.jnas.strategy.StrategyProvider and give its name");
    }
    return r;
  }

  /** Whether the strategy is a one-shot search (an unknown name is not: it fails elsewhere). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean oneShotStrategy() {
    var p = dev.jnas.strategy.Strategies.providers().get(strategyName());
    return p != null && p.oneShot();
  }

  /** A copy with another budget (resume with more trials or minutes). */
  public ExperimentConfig withBudget(Budget b) {
    return new ExperimentConfig(name, seed, space, strategy, evaluator, b, concurrency, finalTraining, model, baseDir,
        earlyStopping);
  }

  /** A copy whose relative paths resolve against {@code dir}. */
  public ExperimentConfig withBaseDir(Path dir) {
    return new ExperimentConfig(name, seed, space, strategy, evaluator, budget, concurrency, finalTraining, model,
        dir == null ? null : dir.toAbsolutePath().normalize().toString(), earlyStopping);
  }

  /**
   * A path from the config: {@code ~/} is the home folder, a relative path resolves against
   * {@link #baseDir} (the config file's folder), as users of other tools expect.
   */
  public Path resolve(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(path.substring(Math.min(2, path.length())));
    }
    Path p = Path.of(path);
    return p.isAbsolute() || baseDir == null ? p : Path.of(baseDir).resolve(p).normalize();
  }

  /** Checks what can be checked without building components; throws {@link ConfigException}. */
  public ExperimentConfig validate() {
    if (name == null || name.isBlank()) {
      throw ConfigException.invalid("name", "is missing");
    }
    if (!name.matches("[A-Za-z0-9._-]+") || name.equals(".") || name.equals("..")) {
      throw ConfigException.invalid("name", "'" + name + "' may hold only letters, digits, '.', '_' and '-'");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw ConfigException.invalid("name", "is " + name.length() + " characters long; at most " + MAX_NAME_LENGTH);
    }
    spaceName();
    strategyName();
    if (evaluator == null || !evaluator.isObject()) {
      throw ConfigException.invalid("evaluator", "is missing: an object with 'type: training' or 'type: tabular'");
    }
    boolean oneShot = oneShotStrategy();
    if (oneShot && budget != null && budget.maxTrials() != null) {
      throw ConfigException.invalid(
          "budget.max_trials", "does not apply to one-shot strategy " + strategyName()
              + ": it trains one supernet for budget.epochs (and/or budget.max_minutes)");
    }
    if (oneShot && (budget == null || (budget.epochs() == null && budget.maxMinutes() == null))) {
      throw ConfigException.invalid("budget", "needs epochs (supernet epochs, > 0) and/or max_minutes for one-shot strategy " + strategyName());
    }
    if (!oneShot && (budget == null || ((budget.maxTrials() == null || budget.maxTrials() <= 0) && budget.maxMinutes() == null))) {
      throw ConfigException.invalid("budget", "needs max_trials (> 0) and/or max_minutes");
    }
    if (budget.maxTrials() != null && budget.maxTrials() < 0) {
      throw ConfigException.invalid("budget.max_trials", "must be >= 0, got " + budget.maxTrials());
    }
    if (budget.maxMinutes() != null && !(budget.maxMinutes() > 0 && budget.maxMinutes() <= MAX_MINUTES)) {
      throw ConfigException.invalid("budget.max_minutes", "must be in (0, " + (long) MAX_MINUTES + "] (ten years), got " + budget.maxMinutes());
    }
    if (budget.epochs() != null && (budget.epochs() < 1 || budget.epochs() > MAX_EPOCHS)) {
      throw ConfigException.invalid("budget.epochs", "must be in 1.." + MAX_EPOCHS + ", got " + budget.epochs());
    }
    if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
      throw ConfigException.invalid("concurrency", "must be in 1.." + MAX_CONCURRENCY + ", got " + concurrency);
    }
    if (finalTraining != null && finalTraining.epochs() != null
        && (finalTraining.epochs() < 1 || finalTraining.epochs() > MAX_EPOCHS)) {
      throw ConfigException.invalid("final.epochs", "must be in 1.." + MAX_EPOCHS + ", got " + finalTraining.epochs());
    }
    if (finalTraining != null && finalTraining.inherit() != null) {
      var provider = dev.jnas.strategy.Strategies.providers().get(strategyName());
      if (provider != null && !provider.growsNetworks()) {
        throw ConfigException.invalid("final.inherit", "applies to strategies that train networks from their parents' weights"
            + " (hill-climbing, lemonade), not " + strategyName() + ", whose best architecture is retrained from scratch");
      }
    }
    if (finalTraining != null && finalTraining.tune() != null) {
      validateTune(finalTraining);
    }
    validateEarlyStopping(oneShot);
    return this;
  }

  /** The shape of {@code final.tune}; its parameters and strategy are checked when the evaluator is built. */
  private static void validateTune(FinalTraining f) {
    JsonNode t = f.tune();
    if (!t.isObject() || !t.path("parameters").isObject()) {
      throw ConfigException.invalid(
          "final.tune", "must be a mapping with 'parameters' (a hyperparameter space, e.g. {learning_rate: [0.1, 0.05],"
              + " weight_decay: [5.0e-4, 1.0e-4], schedule: [cosine, step]}) and optionally strategy, trials, epochs, quantiles");
    }
    for (var it = t.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!FinalTraining.TUNE_FIELDS.contains(k)) {
        throw ConfigException.unknownField("final.tune." + k, FinalTraining.TUNE_FIELDS);
      }
    }
    for (String k : List.of("trials", "epochs")) {
      JsonNode v = t.get(k);
      int max = k.equals("trials") ? 100_000 : MAX_EPOCHS;
      if (v != null && (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > max)) {
        throw ConfigException.invalid("final.tune." + k, "must be an integer in 1.." + max + ", got " + v);
      }
    }
    if (Boolean.FALSE.equals(f.retrain())) {
      throw ConfigException.invalid("final.tune", "tunes the final retraining, but final.retrain is false");
    }
  }

  /**
   * The early stopping section's form and parameters, against budget.epochs when it is given (the
   * experiment checks again once it knows the evaluator's own epochs).
   */
  private void validateEarlyStopping(boolean oneShot) {
    if (earlyStopping == null || earlyStopping.isNull()) {
      return;
    }
    if (oneShot) {
      throw ConfigException.invalid("early_stopping", "does not apply to one-shot strategy " + strategyName()
          + ": it trains one supernet, not trials (see its stop_patience)");
    }
    var provider = dev.jnas.strategy.Strategies.providers().get(strategyName());
    if (provider != null && provider.growsNetworks()) {
      throw ConfigException.invalid("early_stopping", "does not apply to strategy " + strategyName()
          + ": it trains every network briefly from its parent's weights and ranks them all");
    }
    String type = evaluator.path("type").asText("");
    if (type.equals("tabular") || type.equals("none")) {
      throw ConfigException.invalid("early_stopping", "needs an evaluator that trains in epochs (type: training, or"
          + " your own evaluator from Java); evaluator type '" + type + "' reports no epochs");
    }
    Pruners.create(earlyStopping, budget.epochs() == null ? 0 : budget.epochs());
  }

  public ObjectNode toJson() {
    return Json.MAPPER.valueToTree(this);
  }

  /** Reads a config stored by jnas (the experiment database's copy). */
  public static ExperimentConfig fromJson(String json) {
    try {
      return ConfigBinding.bind(ConfigBinding.STRICT.readTree(json), ExperimentConfig.class).validate();
    } catch (JsonProcessingException e) {
      throw new BadInputException("the stored config is unreadable: " + e.getOriginalMessage(), e);
    } catch (BadInputException e) {
      throw new BadInputException("the stored config is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a YAML (or JSON, which is YAML) config file. Every error names the file, the line and
   * the full path of the field; duplicate keys and fractions where integers are meant are errors.
   * Relative paths in it resolve against the file's folder.
   */
  public static ExperimentConfig load(Path file) {
    JsonNode tree = readTree(file);
    ConfigLocator where = ConfigLocator.of(file, Json.YAML.getFactory());
    return located(where, () -> {
      if (tree == null || tree.isMissingNode() || tree.isNull() || (tree.isObject() && tree.isEmpty())) {
        throw new BadInputException(
            "config file " + file + " is empty: it needs name, space, strategy, evaluator and budget"
                + " (see README, 'Config reference')");
      }
      if (!tree.isObject()) {
        throw ConfigException.invalid("", "a config must be a mapping of fields (name, space, strategy, evaluator, budget...), got "
            + tree.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
      }
      ExperimentConfig c = ConfigBinding.bind(tree, ExperimentConfig.class);
      if (c.baseDir() == null) {
        c = c.withBaseDir(file.toAbsolutePath().getParent());
      }
      return c.validate();
    });
  }

  /**
   * Runs {@code work} (which reads parts of a config loaded from a file) and puts the file and
   * line of the field in front of any {@link ConfigException} it throws.
   */
  public static <T> T located(ConfigLocator where, Supplier<T> work) {
    try {
      return work.get();
    } catch (ConfigException e) {
      throw where == null ? e : e.at(where.locate(e.field()));
    }
  }

  private static JsonNode readTree(Path file) {
    if (Files.isDirectory(file)) {
      throw new BadInputException("config " + file + " is a folder; give the config file (.yaml or .json) itself");
    }
    if (!Files.exists(file)) {
      throw new BadInputException("config file " + file + " does not exist");
    }
    try {
      return Json.YAML.readTree(file.toFile());
    } catch (JsonParseException e) {
      String what = e.getOriginalMessage();
      if (what != null && what.startsWith("Duplicate field")) {
        what = "duplicate key " + what.substring("Duplicate field ".length()).replace('\'', '\'') + " (each key may appear once per mapping)";
      } else {
        what = "malformed YAML: " + what;
      }
      throw new BadInputException(file + where(e) + ": " + what, e);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file + where(e) + ": malformed YAML: " + e.getOriginalMessage(), e);
    } catch (java.nio.charset.CharacterCodingException | IllegalArgumentException e) {
      throw new BadInputException("config file " + file + " is not a text file (YAML or JSON)", e);
    } catch (IOException e) {
      throw new BadInputException("cannot read config file " + file + ": " + dev.jnas.util.AtomicFiles.describe(e), e);
    }
  }

  private static String where(JsonProcessingException e) {
    var l = e.getLocation();
    return l == null || l.getLineNr() < 0 ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr();
  }
}
