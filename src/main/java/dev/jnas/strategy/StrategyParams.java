package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a strategy's parameters from config JSON: rejects unknown names (listing the valid ones)
 * and out-of-range values (naming the parameter), and records the resolved values so snapshots
 * can carry them.
 */
final class StrategyParams {
  private final String strategy;
  private final JsonNode params;
  private final List<String> valid;
  private final ObjectNode resolved = Json.MAPPER.createObjectNode();

  private StrategyParams(String strategy, JsonNode params, List<String> valid) {
    this.strategy = strategy;
    this.params = params;
    this.valid = valid;
  }

  /** Checks that {@code params} is an object whose every field is one of {@code valid}. */
  static StrategyParams of(String strategy, JsonNode params, String... valid) {
    List<String> names = List.of(valid);
    JsonNode p = params == null || params.isNull() ? Json.MAPPER.createObjectNode() : params;
    if (!p.isObject()) {
      throw new BadInputException(
          "strategy " + strategy + ": parameters must be an object, got " + p.getNodeType());
    }
    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new BadInputException(
            "strategy " + strategy + ": unknown parameter '" + name + "' (valid: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
      }
    }
    return new StrategyParams(strategy, p, names);
  }

  /** An integer in [min, max], or {@code def} when absent. */
  int integer(String name, int def, int min, int max) {
    JsonNode v = params.get(name);
    int value = def;
    if (v != null && !v.isNull()) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw bad(name, "must be an integer in [" + min + ", " + max + "]", v);
      }
      value = v.intValue();
    }
    if (value < min || value > max) {
      throw bad(name, "must be an integer in [" + min + ", " + max + "]", v);
    }
    resolved.put(name, value);
    return value;
  }

  /** A number in (0, 1], or {@code def} when absent. */
  double probability(String name, double def) {
    JsonNode v = params.get(name);
    double value = def;
    if (v != null && !v.isNull()) {
      if (!v.isNumber()) {
        throw bad(name, "must be a number in (0, 1]", v);
      }
      value = v.doubleValue();
    }
    if (!(value > 0 && value <= 1)) {
      throw bad(name, "must be a number in (0, 1]", v);
    }
    resolved.put(name, value);
    return value;
  }

  boolean bool(String name, boolean def) {
    JsonNode v = params.get(name);
    boolean value = def;
    if (v != null && !v.isNull()) {
      if (!v.isBoolean()) {
        throw bad(name, "must be true or false", v);
      }
      value = v.booleanValue();
    }
    resolved.put(name, value);
    return value;
  }

  /** The parameters with defaults filled in, in the order they were read. */
  ObjectNode resolved() {
    return resolved.deepCopy();
  }

  private BadInputException bad(String name, String rule, JsonNode got) {
    return new BadInputException(
        "strategy " + strategy + ": parameter '" + name + "' " + rule + ", got "
            + (got == null ? "(default)" : got.toString()) + " (valid parameters: "
            + String.join(", ", valid) + ")");
  }

  /** Rejects a snapshot of another strategy or of other parameters. */
  static void checkSnapshot(String strategy, ObjectNode expectedParams, ObjectNode snapshot) {
    JsonNode name = snapshot.get("strategy");
    if (name == null || !name.asText().equals(strategy)) {
      throw new BadInputException(
          "snapshot is of strategy '" + (name == null ? "?" : name.asText()) + "', not '" + strategy + "'");
    }
    JsonNode p = snapshot.get("params");
    if (p == null || !p.equals(expectedParams)) {
      throw new BadInputException(
          "strategy " + strategy + ": snapshot was taken with parameters " + p
              + ", this strategy has " + expectedParams);
    }
  }

  /** The text field {@code name} of a snapshot, or an exception naming it. */
  static JsonNode field(ObjectNode snapshot, String name) {
    JsonNode v = snapshot.get(name);
    if (v == null || v.isNull()) {
      throw new BadInputException("strategy snapshot lacks field '" + name + "'");
    }
    return v;
  }
}
