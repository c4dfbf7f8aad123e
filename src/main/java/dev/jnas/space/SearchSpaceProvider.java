package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Creates one kind of search space by name. Found with {@link java.util.ServiceLoader}: list the
 * class in {@code META-INF/services/dev.jnas.space.SearchSpaceProvider} of a jar on the class
 * path and {@code space: {name: <name>, params: {...}}} finds it. A config may also name the
 * provider's class directly: {@code space: {class: com.acme.MySpaceProvider}}.
 */
public interface SearchSpaceProvider {
  /** The name configs use, e.g. {@code nasbench201}. */
  String name();

  /** One line for help texts and error messages. */
  String description();

  /**
   * @param params the space's parameters from the config, an object (empty when the config gives
   *     none); unknown or invalid ones raise {@link dev.jnas.util.BadInputException} naming the
   *     parameter
   */
  SearchSpace create(JsonNode params);
}
