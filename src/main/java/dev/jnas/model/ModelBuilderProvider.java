package dev.jnas.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;

/**
 * Creates one kind of model builder by name. Found with {@link java.util.ServiceLoader}: list the
 * class in {@code META-INF/services/dev.jnas.model.ModelBuilderProvider} of a jar on the class
 * path, and a config uses it with {@code model: {name: <name>, params: {...}}}, or without any
 * {@code model} section for the spaces it {@link #builds}. A config may also name the class
 * directly: {@code model: {class: com.acme.MyBuilderProvider}}.
 */
public interface ModelBuilderProvider {
  /** The name configs use, e.g. {@code layers}. */
  String name();

  /** One line for help texts and error messages. */
  String description();

  /**
   * Whether this is the network of {@code space} when the config names no model (the built-in
   * spaces' own networks). A builder that needs params to build anything answers false.
   */
  boolean builds(SearchSpace space);

  /**
   * @param params the builder's parameters from the config, an object (empty when none)
   * @throws dev.jnas.util.BadInputException when it cannot build {@code space}'s architectures or
   *     a parameter is bad, naming it
   */
  ModelBuilder create(SearchSpace space, JsonNode params);
}
