package dev.jnas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.tabular.MetricTable;
import dev.jnas.evaluate.tabular.MetricTables;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.space.TableSpace;
import dev.jnas.strategy.Strategies;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Builds the space, strategy and evaluator an experiment config asks for. */
final class Evaluators {
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

  static Components create(ExperimentConfig config) {
    JsonNode cfg = config.evaluator();
    String type = cfg.path("type").asText("");
    return switch (type) {
      case "tabular" -> {
        EngineThreads.forControllerOnly();
        yield tabular(config, read(cfg, TabularConfig.class));
      }
      case "training" -> Training.create(config);
      default -> throw new BadInputException(
          "config: evaluator.type '" + type + "' is unknown (valid: training, tabular)");
    };
  }

  static <T> T read(JsonNode node, Class<T> type) {
    try {
      return Json.MAPPER.copy()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadInputException(
          "config: unknown field '" + e.getPropertyName() + "' in evaluator (valid: "
              + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadInputException("config: evaluator: " + e.getOriginalMessage());
    }
  }

  private static Components tabular(ExperimentConfig config, TabularConfig t) {
    String benchmark = t.benchmark() == null ? "nasbench201" : t.benchmark();
    if (!benchmark.equals("nasbench201") && !benchmark.equals("table")) {
      throw new BadInputException("config: evaluator.benchmark '" + benchmark + "' is unknown (valid: nasbench201, table)");
    }
    if (t.data() == null) {
      throw new BadInputException("config: evaluator.data must name the benchmark's table file");
    }
    if (t.metric() == null) {
      throw new BadInputException("config: evaluator.metric must name the table column to maximise");
    }
    if (t.delayMs() != null && t.delayMs() < 0) {
      throw new BadInputException("config: evaluator.delay_ms must be >= 0");
    }
    TableSpace declared = null;
    if (config.spaceName().equals(TableSpace.NAME) && config.spaceParams().size() > 0) {
      declared = (TableSpace) SearchSpaces.create(TableSpace.NAME, config.spaceParams());
    }
    if (config.model() != null && !config.model().isNull()) {
      throw new BadInputException("config: 'model' applies to evaluator type training; a tabular evaluator trains no network");
    }
    MetricTable table = MetricTables.load(Path.of(t.data()), declared);
    // A keyed table's space comes from its keys unless the config declares it.
    SearchSpace space =
        config.spaceName().equals(TableSpace.NAME) && declared == null
            ? table.space()
            : SearchSpaces.fromConfig(config.space());
    Evaluator evaluator = new TabularEvaluator(table, t.metric());
    evaluator.validateSpace(space);
    if (t.delayMs() != null && t.delayMs() > 0) {
      evaluator = delayed(evaluator, t.delayMs());
    }
    var strategy = Strategies.create(config.strategyName(), space, config.strategyParams(), config.seedOrDefault());
    return new Components(space, strategy, evaluator, null, 0);
  }

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
