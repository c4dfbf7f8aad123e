package dev.jnas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.tabular.MetricTable;
import dev.jnas.evaluate.tabular.MetricTables;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.Architecture;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.space.TableSpace;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigBinding;
import dev.jnas.util.ConfigException;

/** Builds the space, strategy and evaluator an experiment config asks for. */
final class Evaluators {
  /** A simulated query may take up to an hour; more is a typo. */
  static final int MAX_DELAY_MS = 3_600_000;

  /** The training evaluator's default task: images to classes. */
  static final String IMAGES = "image-classification";

  private Evaluators() {}

  /**
   * evaluator: {type: tabular, benchmark: nasbench201|table, data: FILE, metric: NAME,
   * delay_ms: 0}.
   *
   * @param delayMs sleep per query, to mimic training time (demos, scheduling and resume tests)
   */
  record TabularConfig(
      String type,
      String benchmark,
      String data,
      String metric,
      @JsonProperty("delay_ms") Integer delayMs) {}

  /**
   * Parts the caller made in code, used instead of the config's names: either may be null.
   *
   * @param space the caller's search space
   * @param strategy makes the caller's strategy for the space and the experiment seed
   * @param model the caller's network builder for the space
   */
  record Given(SearchSpace space, StrategyFactory strategy, ModelBuilder model) {
    static final Given NONE = new Given(null, null, null);
  }

  static Components create(ExperimentConfig config, Given given) {
    JsonNode cfg = config.evaluator();
    String type = cfg.path("type").asText("");
    if (!type.equals("training") && config.finalTraining() != null && config.finalTraining().tune() != null) {
      throw ConfigException.invalid("final.tune", "trains networks: it needs evaluator type training");
    }
    return switch (type) {
      case "tabular" -> {
        refuseOneShot(config, given, "tabular");
        EngineThreads.forControllerOnly();
        yield tabular(config, read(cfg, TabularConfig.class), given);
      }
      case "none" -> {
        refuseOneShot(config, given, "none");
        yield callerEvaluates(config, given);
      }
      case "training" -> switch (cfg.path("task").asText(IMAGES)) {
        case IMAGES -> Training.create(config, given);
        case LanguageModelling.TASK -> LanguageModelling.create(config, given);
        default -> throw ConfigException.invalid(
            "evaluator.task", "'" + cfg.path("task").asText() + "' is unknown (valid: " + IMAGES + ", " + LanguageModelling.TASK + ")");
      };
      default -> throw ConfigException.invalid(
          "evaluator.type", type.isEmpty() ? "is missing (valid: training, tabular, none)" : "'" + type + "' is unknown (valid: training, tabular, none)");
    };
  }

  /** Binds the evaluator section; errors name the full field path ({@code evaluator.training.lr}). */
  static <T> T read(JsonNode node, Class<T> type) {
    try {
      return ConfigBinding.bind(node, type);
    } catch (ConfigException e) {
      throw e.under("evaluator");
    }
  }

  /** The config's space, or the caller's; parameter errors are placed at {@code space.params}. */
  static SearchSpace space(ExperimentConfig config, Given given) {
    if (given.space() != null) {
      return given.space();
    }
    config.spaceName(); // the section's own form first: its errors carry their full path
    try {
      return SearchSpaces.fromConfig(config.space());
    } catch (ConfigException e) {
      throw e.under("space.params");
    } catch (BadInputException e) {
      throw ConfigException.within("space", e);
    }
  }

  /** The config's network builder for {@code space} (its {@code model} section), or the caller's. */
  static ModelBuilder model(ExperimentConfig config, SearchSpace space, Given given) {
    if (given.model() != null) {
      return given.model();
    }
    try {
      return ModelBuilders.fromConfig(config.model(), space);
    } catch (ConfigException e) {
      throw e.under("model");
    } catch (BadInputException e) {
      throw ConfigException.within("model", e);
    }
  }

  /** The config's strategy for {@code space}, or the caller's; errors placed at {@code strategy.params}. */
  /** The strategies that search space graph supports: those that only sample, mutate or take neighbours. */
  static final java.util.List<String> GRAPH_STRATEGIES = java.util.List.of("hill-climbing", "lemonade", "evolution", "tournament", "random", "local");

  static Strategy strategy(ExperimentConfig config, SearchSpace space, Given given) {
    if (given.strategy() != null) {
      return given.strategy().create(space, config.seedOrDefault());
    }
    if (space instanceof dev.jnas.space.GraphSpace && !GRAPH_STRATEGIES.contains(config.strategyName())) {
      throw ConfigException.invalid(
          "strategy", "'" + config.strategyName() + "' chooses values of a space's decisions, and space graph has none (its"
              + " networks grow by morphisms): use one of " + String.join(", ", GRAPH_STRATEGIES));
    }
    try {
      return Strategies.create(config.strategyName(), space, config.strategyParams(), config.seedOrDefault());
    } catch (ConfigException e) {
      throw e.under("strategy.params");
    } catch (BadInputException e) {
      throw ConfigException.within("strategy", e);
    }
  }

  /** One-shot strategies train a supernet: only a training evaluator can. */
  static void refuseOneShot(ExperimentConfig config, Given given, String evaluatorType) {
    if (given.strategy() == null && Strategies.provider(config.strategyName()).oneShot()) {
      throw ConfigException.invalid(
          "strategy", "'" + config.strategyName() + "' is a one-shot search: it trains a supernet and needs evaluator type"
              + " training, not " + evaluatorType);
    }
    if (given.strategy() == null && Strategies.provider(config.strategyName()).growsNetworks()) {
      throw ConfigException.invalid(
          "strategy", "'" + config.strategyName() + "' trains every network from its parent's weights: it needs evaluator"
              + " type training, not " + evaluatorType);
    }
  }

  static boolean strategyUsesEngine(ExperimentConfig config, Given given) {
    // a caller's own strategy may or may not: only a registered one says
    return given.strategy() == null && Strategies.provider(config.strategyName()).usesEngine();
  }

  private static Components tabular(ExperimentConfig config, TabularConfig t, Given given) {
    String benchmark = t.benchmark() == null ? "nasbench201" : t.benchmark();
    if (!benchmark.equals("nasbench201") && !benchmark.equals("table")) {
      throw ConfigException.invalid("evaluator.benchmark", "'" + benchmark + "' is unknown (valid: nasbench201, table)");
    }
    if (t.data() == null) {
      throw ConfigException.invalid("evaluator.data", "is missing: it names the benchmark's table file");
    }
    if (t.metric() == null) {
      throw ConfigException.invalid("evaluator.metric", "is missing: it names the table column to maximise");
    }
    if (t.delayMs() != null && (t.delayMs() < 0 || t.delayMs() > MAX_DELAY_MS)) {
      throw ConfigException.invalid("evaluator.delay_ms", "must be in 0.." + MAX_DELAY_MS + " (one hour), got " + t.delayMs());
    }
    boolean tableSpace = given.space() == null && config.spaceName().equals(TableSpace.NAME);
    TableSpace declared = null;
    if (tableSpace && config.spaceParams().size() > 0) {
      declared = (TableSpace) space(config, given);
    } else if (given.space() instanceof TableSpace t0) {
      declared = t0;
    }
    if (config.model() != null && !config.model().isNull()) {
      throw ConfigException.invalid("model", "applies to evaluator type training; a tabular evaluator trains no network");
    }
    MetricTable table = MetricTables.load(config.resolve(t.data()), declared);
    // A keyed table's space comes from its keys unless the config declares it.
    SearchSpace space = tableSpace && declared == null ? table.space() : space(config, given);
    Evaluator evaluator = new TabularEvaluator(table, t.metric());
    evaluator.validateSpace(space);
    if (t.delayMs() != null && t.delayMs() > 0) {
      evaluator = delayed(evaluator, t.delayMs());
    }
    return new Components(space, strategy(config, space, given), evaluator, null, 0, strategyUsesEngine(config, given));
  }

  /** evaluator: {type: none}: no evaluator; the caller asks for trials and tells their results. */
  private static Components callerEvaluates(ExperimentConfig config, Given given) {
    read(config.evaluator(), NoEvaluator.class);
    EngineThreads.forControllerOnly();
    SearchSpace space = space(config, given);
    return new Components(space, strategy(config, space, given), null, null, 0, strategyUsesEngine(config, given));
  }

  record NoEvaluator(String type) {}

  private static Evaluator delayed(Evaluator inner, long ms) {
    return new Evaluator() {
      @Override
      public TrialResult evaluate(Architecture arch, TrialContext context) {
        try {
          Thread.sleep(ms);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return inner.evaluate(arch, context);
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
