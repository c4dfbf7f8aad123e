package dev.jnas.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ComponentRef;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * An experiment as the user writes it in YAML or JSON. Parts whose shape depends on a choice (the
 * space's, strategy's and evaluator's parameters) stay JSON trees and are checked by the component
 * that reads them.
 *
 * @param space a name ({@code nasbench201}), {name: ..., params: {...}} or {class: ..., params: {...}}
 * @param strategy a name ({@code evolution}) or {name: ..., params: {...}}
 * @param evaluator {type: training|tabular, ...}; see README
 * @param finalTraining retraining of the best architecture on the full training set
 * @param model the network of a training search (absent: the space's own): a name, {name|class:
 *     ..., params: {...}}, or a layers template {layers: [...]}; read by {@code
 *     dev.jnas.model.ModelBuilders#fromConfig}
 */
public record ExperimentConfig(
    String name,
    Long seed,
    JsonNode space,
    JsonNode strategy,
    JsonNode evaluator,
    Budget budget,
    Integer concurrency,
    @JsonProperty("final") FinalTraining finalTraining,
    JsonNode model) {

  /**
   * @param maxTrials trials in all (0 or absent: no limit)
   * @param maxMinutes minutes of searching per run (absent: no limit)
   * @param epochs training epochs per trial (absent: the evaluator's own setting)
   */
  public record Budget(
      @JsonProperty("max_trials") Integer maxTrials,
      @JsonProperty("max_minutes") Double maxMinutes,
      @JsonProperty("epochs") Integer epochs) {}

  /**
   * @param retrain retrain the best architecture on all training data and report test accuracy
   * @param epochs epochs of that retraining
   */
  public record FinalTraining(@JsonProperty("retrain") Boolean retrain, @JsonProperty("epochs") Integer epochs) {}

  public long seedOrDefault() {
    return seed == null ? 0L : seed;
  }

  public int concurrencyOrDefault() {
    return concurrency == null ? 1 : concurrency;
  }

  /** The registered space name, or the class name when the space is given by {@code class}. */
  public String spaceName() {
    ComponentRef r = ComponentRef.of(space, "space");
    return r.name() != null ? r.name() : r.className();
  }

  public JsonNode spaceParams() {
    return ComponentRef.of(space, "space").params();
  }

  public String strategyName() {
    return nameOf(strategy, "strategy");
  }

  public JsonNode strategyParams() {
    return paramsOf(strategy);
  }

  private static String nameOf(JsonNode n, String field) {
    if (n == null || n.isNull()) {
      throw new BadInputException("config: missing '" + field + "'");
    }
    if (n.isTextual()) {
      return n.asText();
    }
    JsonNode name = n.get("name");
    if (!n.isObject() || name == null || !name.isTextual()) {
      throw new BadInputException("config: '" + field + "' must be a name or an object with 'name' (and optional 'params')");
    }
    n.fieldNames().forEachRemaining(f -> {
      if (!f.equals("name") && !f.equals("params")) {
        throw new BadInputException("config: unknown field '" + f + "' in '" + field + "' (valid: name, params)");
      }
    });
    return name.asText();
  }

  private static JsonNode paramsOf(JsonNode n) {
    JsonNode p = n == null || n.isTextual() ? null : n.get("params");
    return p == null || p.isNull() ? Json.MAPPER.createObjectNode() : p;
  }

  /** Checks what can be checked without building components; throws BadInputException. */
  public ExperimentConfig validate() {
    if (name == null || name.isBlank()) {
      throw new BadInputException("config: missing 'name'");
    }
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new BadInputException("config: name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
    }
    spaceName();
    strategyName();
    if (evaluator == null || !evaluator.isObject()) {
      throw new BadInputException("config: missing 'evaluator' (an object with 'type: training' or 'type: tabular')");
    }
    if (budget == null || ((budget.maxTrials() == null || budget.maxTrials() <= 0) && budget.maxMinutes() == null)) {
      throw new BadInputException("config: 'budget' needs max_trials (> 0) and/or max_minutes");
    }
    if (budget.maxTrials() != null && budget.maxTrials() < 0) {
      throw new BadInputException("config: budget.max_trials must be >= 0, got " + budget.maxTrials());
    }
    if (budget.maxMinutes() != null && !(budget.maxMinutes() > 0)) {
      throw new BadInputException("config: budget.max_minutes must be > 0, got " + budget.maxMinutes());
    }
    if (budget.epochs() != null && budget.epochs() < 1) {
      throw new BadInputException("config: budget.epochs must be >= 1, got " + budget.epochs());
    }
    if (concurrency != null && (concurrency < 1 || concurrency > 256)) {
      throw new BadInputException("config: concurrency must be in 1..256, got " + concurrency);
    }
    if (finalTraining != null && finalTraining.epochs() != null && finalTraining.epochs() < 1) {
      throw new BadInputException("config: final.epochs must be >= 1, got " + finalTraining.epochs());
    }
    return this;
  }

  public ObjectNode toJson() {
    return Json.MAPPER.valueToTree(this);
  }

  public static ExperimentConfig fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, ExperimentConfig.class).validate();
    } catch (JsonProcessingException e) {
      throw new BadInputException("stored config is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads a YAML (or JSON, which is YAML) config file with messages that name line and field. */
  public static ExperimentConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("config file " + file + " does not exist");
    }
    try {
      ExperimentConfig c = Json.YAML.readValue(file.toFile(), ExperimentConfig.class);
      if (c == null) {
        throw new BadInputException("config file " + file + " is empty");
      }
      return c.validate();
    } catch (UnrecognizedPropertyException e) {
      throw new BadInputException(
          file + where(e.getLocation()) + ": unknown field '" + e.getPropertyName() + "'" + path(e)
              + " (valid: " + valid(e.getKnownPropertyIds()) + ")", e);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException) {
        throw new BadInputException(file + where(e.getLocation()) + ": malformed YAML: " + e.getOriginalMessage(), e);
      }
      throw new BadInputException(file + where(e.getLocation()) + path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file + where(e.getLocation()) + ": malformed YAML: " + e.getOriginalMessage(), e);
    } catch (BadInputException e) {
      throw new BadInputException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BadInputException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String where(JsonLocation l) {
    return l == null || l.getLineNr() < 0 ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr();
  }

  private static String path(JsonMappingException e) {
    String p = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
    return p.isEmpty() ? "" : " at '" + p + "'";
  }

  private static String valid(Collection<Object> ids) {
    return ids == null ? "" : ids.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
  }
}
