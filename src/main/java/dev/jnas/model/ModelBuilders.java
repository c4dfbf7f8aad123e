package dev.jnas.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ComponentRef;
import dev.jnas.util.Plugins;
import dev.jnas.util.Registry;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the network builder for a space: the one a config's {@code model} section names (a
 * registered {@link ModelBuilderProvider}, a class, or a {@code layers} template), else the one
 * registered provider that {@link ModelBuilderProvider#builds builds} the space.
 */
public final class ModelBuilders {
  private static final String ROLE = "model builder";

  private ModelBuilders() {}

  /** Loaded on first use, so a broken plugin jar is reported as bad input, not a class-init error. */
  private static final class Holder {
    static final Registry<ModelBuilderProvider> REGISTRY =
        Registry.load(ModelBuilderProvider.class, ModelBuilderProvider::name, ROLE);
  }

  /** Every registered builder by name, sorted. */
  public static Map<String, ModelBuilderProvider> providers() {
    return Holder.REGISTRY.all();
  }

  /** Fails with the list of valid names when {@code name} is not a registered builder. */
  public static ModelBuilderProvider provider(String name) {
    return Holder.REGISTRY.get(name);
  }

  /**
   * The builder of {@code space} when the config names none.
   *
   * @throws BadInputException when no registered builder builds the space (e.g. a pure benchmark
   *     or a user's space without a model), or more than one does
   */
  public static ModelBuilder forSpace(SearchSpace space) {
    List<ModelBuilderProvider> found = providers().values().stream().filter(p -> p.builds(space)).toList();
    if (found.isEmpty()) {
      String trainable =
          providers().values().stream()
              .filter(p -> !p.name().equals(LayersBuilder.NAME))
              .map(ModelBuilderProvider::name)
              .collect(Collectors.joining(", "));
      throw new BadInputException(
          "search space '" + space.name() + "' has no network builder, so it cannot be trained (trainable: " + trainable
              + "); give the config a model: a layers template (model: {layers: [...]}) or a class"
              + " (model: {class: com.acme.MyBuilder})");
    }
    if (found.size() > 1) {
      throw new BadInputException(
          "several model builders build search space '" + space.name() + "' ("
              + found.stream().map(ModelBuilderProvider::name).collect(Collectors.joining(", "))
              + "); choose one with model: {name: ...}");
    }
    return found.get(0).create(space, ComponentRef.emptyIfAbsent(null));
  }

  /** The registered builder {@code name} for {@code space}. */
  public static ModelBuilder create(String name, SearchSpace space, JsonNode params) {
    return provider(name).create(space, ComponentRef.emptyIfAbsent(params));
  }

  /**
   * A builder of a user's class: a {@link ModelBuilderProvider} (public no-argument
   * constructor), or a {@link ModelBuilder} with a public constructor taking (the space, the
   * params), (the space), (the params) or nothing; the space parameter may be the space's own
   * class. Params given to a constructor that takes none are an error.
   *
   * @throws BadInputException naming the class and what is wrong with it
   */
  public static ModelBuilder ofClass(String className, SearchSpace space, JsonNode params) {
    Class<?> c = Plugins.load(ROLE, className);
    JsonNode p = ComponentRef.emptyIfAbsent(params);
    if (ModelBuilderProvider.class.isAssignableFrom(c)) {
      Constructor<?> k =
          Plugins.constructor(c)
              .orElseThrow(() -> new BadInputException(ROLE + " class '" + c.getName() + "' needs a public constructor without arguments"));
      return Plugins.construct(ROLE, k, ModelBuilderProvider.class).create(space, p);
    }
    if (!ModelBuilder.class.isAssignableFrom(c)) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' is neither a " + ModelBuilder.class.getName() + " nor a "
              + ModelBuilderProvider.class.getName());
    }
    Class<?> s = space.getClass();
    Class<?> j = p.getClass();
    Optional<Constructor<?>> k = Plugins.constructor(c, s, j);
    if (k.isPresent()) {
      return Plugins.construct(ROLE, k.get(), ModelBuilder.class, space, p);
    }
    k = Plugins.constructor(c, j);
    if (k.isPresent()) {
      return Plugins.construct(ROLE, k.get(), ModelBuilder.class, p);
    }
    Optional<Constructor<?>> withSpace = Plugins.constructor(c, s);
    Optional<Constructor<?>> bare = Plugins.constructor(c);
    if (withSpace.isEmpty() && bare.isEmpty()) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' needs a public constructor taking (the space, the params), (the space),"
              + " (the params) or nothing, where the space is a " + s.getName() + "; it has "
              + Arrays.stream(c.getConstructors())
                  .map(x -> Arrays.stream(x.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")")))
                  .collect(Collectors.joining(", ")).replaceFirst("^$", "no public constructor"));
    }
    if (!p.isEmpty()) {
      throw new BadInputException(
          ROLE + " class '" + c.getName() + "' takes no params (no public constructor takes a JsonNode), got " + p);
    }
    return withSpace.isPresent()
        ? Plugins.construct(ROLE, withSpace.get(), ModelBuilder.class, space)
        : Plugins.construct(ROLE, bare.get(), ModelBuilder.class);
  }

  /**
   * The builder a config's {@code model} section describes for {@code space}: absent = the
   * space's own ({@link #forSpace}); a name, {@code {name: N, params: {...}}} or {@code {class: C,
   * params: {...}}}; or a layers template, {@code {layers: [...]}} (short for {@code {name:
   * layers, params: {layers: [...]}}}).
   */
  public static ModelBuilder fromConfig(JsonNode section, SearchSpace space) {
    if (section == null || section.isNull() || section.isMissingNode()) {
      return forSpace(space);
    }
    if (section.isObject() && !section.has("name") && !section.has("class")) {
      return create(LayersBuilder.NAME, space, section);
    }
    ComponentRef r = ComponentRef.of(section, "model");
    return r.className() != null ? ofClass(r.className(), space, r.params()) : create(r.name(), space, r.params());
  }
}
