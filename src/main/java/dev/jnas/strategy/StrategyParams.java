package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;

/**
 * A strategy's parameters bound to its record (see {@link Params#bind}: unknown names and values
 * of the wrong type are rejected in the shared form), with range checks that name the parameter,
 * and the resolved values (defaults filled in) that snapshots carry.
 *
 * @param <T> the strategy's parameter record (boxed fields: null = absent)
 */
public final class StrategyParams<T> {
  private final String component;
  private final T values;
  private final ObjectNode resolved = Json.MAPPER.createObjectNode();

  private StrategyParams(String component, T values) {
    this.component = component;
    this.values = values;
  }

  /** Binds {@code params} (null or absent: all defaults) to {@code type}. */
  public static <T> StrategyParams<T> bind(String strategy, JsonNode params, Class<T> type) {
    String component = "strategy " + strategy;
    return new StrategyParams<>(component, Params.bind(component, params, type));
  }

  /** The bound record. */
  public T values() {
    return values;
  }

  /** {@code value} (or {@code def} when absent), which must lie in [min, max]. */
  public int integer(String name, Integer value, int def, int min, int max) {
    int v = value == null ? def : value;
    if (v < min || v > max) {
      throw Params.bad(component, name, "an integer in [" + min + ", " + max + "]", v);
    }
    resolved.put(name, v);
    return v;
  }

  /** {@code value} (or {@code def} when absent), which must lie in (0, 1]. */
  public double probability(String name, Double value, double def) {
    double v = value == null ? def : value;
    if (!(v > 0 && v <= 1)) {
      throw Params.bad(component, name, "a number in (0, 1]", v);
    }
    resolved.put(name, v);
    return v;
  }

  /** {@code value} (or {@code def} when absent), which must lie in [min, max]. */
  public double number(String name, Double value, double def, double min, double max) {
    double v = value == null ? def : value;
    if (!(v >= min && v <= max)) {
      throw Params.bad(component, name, "a number in [" + min + ", " + max + "]", v);
    }
    resolved.put(name, v);
    return v;
  }

  /** {@code value} (or {@code def} when absent), which must be one of {@code valid}. */
  public String choice(String name, String value, String def, java.util.List<String> valid) {
    String v = value == null ? def : value;
    if (!valid.contains(v)) {
      throw Params.bad(component, name, "one of " + String.join(", ", valid), v);
    }
    resolved.put(name, v);
    return v;
  }

  public boolean bool(String name, Boolean value, boolean def) {
    boolean v = value == null ? def : value;
    resolved.put(name, v);
    return v;
  }

  /** The parameters with defaults filled in, in the order they were read. */
  public ObjectNode resolved() {
    return resolved.deepCopy();
  }

  /**
   * Rejects a snapshot of another strategy or of other parameters. A snapshot that lacks one of the
   * strategy's {@link StrategyProvider#addedParams} (a parameter newer than it) ran with that
   * parameter's value there.
   */
  public static void checkSnapshot(String strategy, ObjectNode expectedParams, ObjectNode snapshot) {
    JsonNode name = snapshot.get("strategy");
    if (name == null || !name.asText().equals(strategy)) {
      throw new BadInputException(
          "snapshot is of strategy '" + (name == null ? "?" : name.asText()) + "', not '" + strategy + "'");
    }
    JsonNode p = snapshot.get("params");
    StrategyProvider provider = Strategies.providers().get(strategy);
    if (p != null && p.isObject() && provider != null) {
      p = withAdded((ObjectNode) p, provider.addedParams());
    }
    if (p == null || !p.equals(expectedParams)) {
      throw new BadInputException(
          "strategy " + strategy + ": snapshot was taken with parameters " + p
              + ", this strategy has " + expectedParams);
    }
  }

  /** A copy of {@code params} with each of {@code added} it lacks, at that parameter's value. */
  public static ObjectNode withAdded(ObjectNode params, ObjectNode added) {
    ObjectNode out = params.deepCopy();
    added.fields().forEachRemaining(e -> out.putIfAbsent(e.getKey(), e.getValue().deepCopy()));
    return out;
  }

  /** The text field {@code name} of a snapshot, or an exception naming it. */
  public static JsonNode field(ObjectNode snapshot, String name) {
    JsonNode v = snapshot.get(name);
    if (v == null || v.isNull()) {
      throw new BadInputException("strategy snapshot lacks field '" + name + "'");
    }
    return v;
  }

  /**
   * Writes evaluated architectures' rewards (canonical string to reward, NaN for a failed trial)
   * into {@code snapshot} as {@code name: [{arch, reward|null}, ...]}, in the map's order.
   */
  public static void putRewards(ObjectNode snapshot, String name, java.util.Map<String, Double> rewards) {
    com.fasterxml.jackson.databind.node.ArrayNode a = snapshot.putArray(name);
    rewards.forEach((k, v) -> {
      ObjectNode e = a.addObject().put("arch", k);
      if (v.isNaN()) {
        e.putNull("reward");
      } else {
        e.put("reward", v);
      }
    });
  }

  /** Reads {@link #putRewards} output, each architecture re-encoded canonically by {@code space}. */
  public static java.util.Map<String, Double> rewards(ObjectNode snapshot, String name, dev.jnas.space.SearchSpace space) {
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (JsonNode e : field(snapshot, name)) {
      String arch = space.encode(space.decode(e.path("arch").asText()));
      out.put(arch, e.path("reward").isNumber() ? e.path("reward").doubleValue() : Double.NaN);
    }
    return out;
  }
}
