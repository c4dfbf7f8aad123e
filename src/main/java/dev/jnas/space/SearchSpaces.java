package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Plugins;
import dev.jnas.util.Registry;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates search spaces from configs: by registered name ({@link SearchSpaceProvider}s found with
 * ServiceLoader) or by class ({@code class: com.acme.MySpace}, a {@link SearchSpace} with a public
 * constructor taking the params {@link JsonNode} or nothing, or a {@link SearchSpaceProvider}).
 */
public final class SearchSpaces {
  private static final String ROLE = "search space";

  private SearchSpaces() {}

  /** Loaded on first use, so a broken plugin jar is reported as bad input, not a class-init error. */
  private static final class Holder {
    static final Registry<SearchSpaceProvider> REGISTRY =
        Registry.load(SearchSpaceProvider.class, SearchSpaceProvider::name, ROLE);
  }

  /** Every registered space by name, sorted. */
  public static Map<String, SearchSpaceProvider> providers() {
    return Holder.REGISTRY.all();
  }

  public static Set<String> names() {
    return Holder.REGISTRY.names();
  }

  /** Fails with the list of valid names when {@code name} is not a registered space. */
  public static SearchSpaceProvider provider(String name) {
    return Holder.REGISTRY.get(name);
  }

  /** Fails with the list of valid names when {@code name} is not a registered space. */
  public static void checkName(String name) {
    provider(name);
  }

  /**
   * @param params the space's parameters from the config (null or absent: defaults)
   */
  public static SearchSpace create(String name, JsonNode params) {
    return provider(name).create(orEmpty(params));
  }

  /**
   * A space of a user's class: a {@link SearchSpaceProvider} (public no-argument constructor), or
   * a {@link SearchSpace} with a public constructor taking the params {@link JsonNode} or, when
   * there are no params, nothing.
   *
   * @throws BadInputException naming the class and what is wrong with it
   */
  public static SearchSpace ofClass(String className, JsonNode params) {
    Class<?> c = Plugins.load(ROLE, className);
    JsonNode p = orEmpty(params);
    if (SearchSpaceProvider.class.isAssignableFrom(c)) {
      Constructor<?> k = Plugins.constructor(c).orElseThrow(() -> noConstructor(c, "a public constructor without arguments"));
      return Plugins.construct(ROLE, k, SearchSpaceProvider.class).create(p);
    }
    if (!SearchSpace.class.isAssignableFrom(c)) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' is neither a " + SearchSpace.class.getName() + " nor a "
              + SearchSpaceProvider.class.getName());
    }
    Optional<Constructor<?>> withParams = Plugins.constructor(c, p.getClass());
    if (withParams.isPresent()) {
      return Plugins.construct(ROLE, withParams.get(), SearchSpace.class, p);
    }
    Constructor<?> bare =
        Plugins.constructor(c).orElseThrow(() -> noConstructor(c, "a public constructor taking the params (a JsonNode) or nothing"));
    if (!p.isEmpty()) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' takes no params (it has no public constructor taking a JsonNode), got " + p);
    }
    return Plugins.construct(ROLE, bare, SearchSpace.class);
  }

  private static BadInputException noConstructor(Class<?> c, String needs) {
    return new BadInputException(ROLE + " class '" + c.getName() + "' needs " + needs);
  }

  /**
   * The space a config section describes: a name, {@code {name: N, params: {...}}} or {@code
   * {class: C, params: {...}}}.
   */
  public static SearchSpace fromConfig(JsonNode section) {
    Ref r = Ref.of(section);
    return r.className() != null ? ofClass(r.className(), r.params()) : create(r.name(), r.params());
  }

  /**
   * Checks a config section without creating the space: its form, and that the name is
   * registered or the class loads and is a space or space provider.
   */
  public static void check(JsonNode section) {
    Ref r = Ref.of(section);
    if (r.className() == null) {
      checkName(r.name());
      return;
    }
    Class<?> c = Plugins.load(ROLE, r.className());
    if (!SearchSpace.class.isAssignableFrom(c) && !SearchSpaceProvider.class.isAssignableFrom(c)) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' is neither a " + SearchSpace.class.getName() + " nor a "
              + SearchSpaceProvider.class.getName());
    }
  }

  private static JsonNode orEmpty(JsonNode params) {
    return params == null || params.isNull() || params.isMissingNode() ? Json.MAPPER.createObjectNode() : params;
  }

  /** A config section that names a component: exactly one of name and class, and params. */
  record Ref(String name, String className, JsonNode params) {
    static Ref of(JsonNode n) {
      if (n == null || n.isNull() || n.isMissingNode()) {
        throw new BadInputException("config: missing 'space'");
      }
      if (n.isTextual()) {
        return new Ref(n.asText(), null, orEmpty(null));
      }
      if (!n.isObject()) {
        throw new BadInputException("config: 'space' must be a name or an object with 'name' or 'class' (and optional 'params')");
      }
      n.fieldNames().forEachRemaining(f -> {
        if (!f.equals("name") && !f.equals("class") && !f.equals("params")) {
          throw new BadInputException("config: unknown field '" + f + "' in 'space' (valid: class, name, params)");
        }
      });
      JsonNode name = n.get("name");
      JsonNode cls = n.get("class");
      if ((name == null) == (cls == null)) {
        throw new BadInputException("config: 'space' needs exactly one of 'name' (a registered space) and 'class' (a Java class)");
      }
      JsonNode given = name != null ? name : cls;
      if (!given.isTextual()) {
        throw new BadInputException("config: space." + (name != null ? "name" : "class") + " must be a string, got " + given);
      }
      return new Ref(name == null ? null : name.asText(), cls == null ? null : cls.asText(), orEmpty(n.get("params")));
    }
  }
}
