package dev.jnas.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The implementations of a plugin interface found with {@link ServiceLoader} (listed in {@code
 * META-INF/services/<interface>} of any jar on the class path), by name. Two providers of one
 * name are reported when that name is used, not silently shadowed.
 *
 * @param <P> the provider interface
 */
public final class Registry<P> {
  private final String role;
  private final Map<String, List<P>> byName;

  private Registry(String role, Map<String, List<P>> byName) {
    this.role = role;
    this.byName = byName;
  }

  /**
   * @param role what the providers make, for messages: {@code search space}
   * @throws BadInputException when a listed provider class cannot be loaded or constructed
   */
  public static <P> Registry<P> load(Class<P> type, Function<P, String> name, String role) {
    Map<String, List<P>> byName = new TreeMap<>();
    try {
      for (P p : ServiceLoader.load(type, loader())) {
        byName.computeIfAbsent(name.apply(p), k -> new ArrayList<>()).add(p);
      }
    } catch (ServiceConfigurationError e) {
      throw new BadInputException(
          "a " + role + " listed in META-INF/services/" + type.getName() + " cannot be loaded: " + e.getMessage(), e);
    }
    return new Registry<>(role, Collections.unmodifiableMap(byName));
  }

  /** The registered names, sorted. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every provider by name (the first of a name registered twice). */
  public Map<String, P> all() {
    Map<String, P> out = new TreeMap<>();
    byName.forEach((n, ps) -> out.put(n, ps.get(0)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * @throws BadInputException naming the valid names when {@code name} is unknown, or the
   *     classes when two providers claim it
   */
  public P get(String name) {
    List<P> ps = byName.get(name);
    if (ps == null) {
      throw new BadInputException(
          "unknown " + role + " '" + name + "' (valid: " + String.join(", ", byName.keySet()) + ")");
    }
    if (ps.size() > 1) {
      throw new BadInputException(
          "two " + role + "s are registered as '" + name + "': "
              + String.join(", ", ps.stream().map(p -> p.getClass().getName()).toList())
              + "; remove one jar from the class path");
    }
    return ps.get(0);
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : Registry.class.getClassLoader();
  }
}
