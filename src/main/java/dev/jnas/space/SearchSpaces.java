package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ComponentRef;
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
    return provider(name).create(ComponentRef.emptyIfAbsent(params));
  }

  /**
   * A space of a user's class: a {@link SearchSpaceProvider} (public no-argument constructor), or
   * a {@link SearchSpace} with a public constructor taking the params {@link JsonNode} or, when
   * there are no params, nothing.
   *
   * @throws BadInputException naming the class and what is wrong with it
   */
  public static SearchSpace ofClass(String className, JsonNode params) {
    Class<?> c = spaceClass(className);
    JsonNode p = ComponentRef.emptyIfAbsent(params);
    if (SearchSpaceProvider.class.isAssignableFrom(c)) {
      Constructor<?> k = Plugins.constructor(c).orElseThrow(() -> noConstructor(c, "a public constructor without arguments"));
      return Plugins.construct(ROLE, k, SearchSpaceProvider.class).create(p);
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
    ComponentRef r = ComponentRef.of(section, "space");
    return r.className() != null ? ofClass(r.className(), r.params()) : create(r.name(), r.params());
  }

  /**
   * Checks a config section without creating the space: its form, and that the name is
   * registered or the class loads and is a space or space provider.
   */
  public static void check(JsonNode section) {
    ComponentRef r = ComponentRef.of(section, "space");
    if (r.className() == null) {
      checkName(r.name());
      return;
    }
    spaceClass(r.className());
  }

  /** The named class, which must be a space or a space provider. */
  private static Class<?> spaceClass(String className) {
    Class<?> c = Plugins.load(ROLE, className);
    if (!SearchSpace.class.isAssignableFrom(c) && !SearchSpaceProvider.class.isAssignableFrom(c)) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' is neither a " + SearchSpace.class.getName() + " nor a "
              + SearchSpaceProvider.class.getName());
    }
    return c;
  }
}
