package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Looks strategies up by name. */
public final class Strategies {
  private static final Map<String, StrategyProvider> PROVIDERS = new TreeMap<>();

  static {
    for (StrategyProvider p : ServiceLoader.load(StrategyProvider.class)) {
      PROVIDERS.put(p.name(), p);
    }
  }

  private Strategies() {}

  public static Map<String, StrategyProvider> providers() {
    return PROVIDERS;
  }

  /** Fails with the list of valid names when {@code name} is not a registered strategy. */
  public static StrategyProvider provider(String name) {
    StrategyProvider p = PROVIDERS.get(name);
    if (p == null) {
      throw new BadInputException(
          "unknown strategy '" + name + "' (valid: " + String.join(", ", PROVIDERS.keySet()) + ")");
    }
    return p;
  }

  public static Strategy create(String name, SearchSpace space, JsonNode params, long seed) {
    return provider(name).create(space, params == null ? Json.MAPPER.createObjectNode() : params, seed);
  }
}
