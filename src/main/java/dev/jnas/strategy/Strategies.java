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

  public static Strategy create(String name, SearchSpace space, JsonNode params, long seed) {
    StrategyProvider p = PROVIDERS.get(name);
    if (p == null) {
      throw new BadInputException(
          "unknown strategy '" + name + "' (valid: " + String.join(", ", PROVIDERS.keySet()) + ")");
    }
    return p.create(space, params == null ? Json.MAPPER.createObjectNode() : params, seed);
  }
}
