package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Creates search spaces by name from their config parameters. */
public final class SearchSpaces {
  private static final Map<String, Function<JsonNode, SearchSpace>> FACTORIES = new LinkedHashMap<>();

  static {
    FACTORIES.put(NasBench201Space.NAME, NasBench201Space::fromParams);
    FACTORIES.put(NasRlMacroSpace.NAME, NasRlMacroSpace::fromParams);
    FACTORIES.put(CellSpace.NAME, CellSpace::fromParams);
    FACTORIES.put(TableSpace.NAME, TableSpace::fromJson);
  }

  private SearchSpaces() {}

  /** Fails with the list of valid names when {@code name} is not a registered space. */
  public static void checkName(String name) {
    factory(name);
  }

  private static Function<JsonNode, SearchSpace> factory(String name) {
    Function<JsonNode, SearchSpace> f = FACTORIES.get(name);
    if (f == null) {
      throw new BadInputException(
          "unknown search space '" + name + "' (valid: " + String.join(", ", FACTORIES.keySet()) + ")");
    }
    return f;
  }

  public static java.util.Set<String> names() {
    return FACTORIES.keySet();
  }

  /**
   * @param params the space's parameters from the config (may be null or empty: defaults)
   */
  public static SearchSpace create(String name, JsonNode params) {
    Function<JsonNode, SearchSpace> f = factory(name);
    return f.apply(params == null || params.isNull() ? Json.MAPPER.createObjectNode() : params);
  }
}
