package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Declarative spaces for tests, written as a config would write them. */
public final class DeclarativeSpaces {
  /**
   * Hyperparameters with a two-level chain: momentum only for sgd and rmsprop, nesterov only for
   * momentum 0.9 or 0.99, beta2 only for adam; depth 3 x width 2 x (sgd 5 + rmsprop 5 + adam 2) =
   * 72 architectures.
   */
  public static final String CONDITIONAL = """
      decisions:
        - {name: depth, options: [1, 2, 3]}
        - {name: optimizer, options: [sgd, adam, rmsprop]}
        - {name: momentum, options: [0.5, 0.9, 0.99], when: {optimizer: [sgd, rmsprop]}}
        - {name: nesterov, options: [true, false], when: {momentum: [0.9, 0.99]}}
        - {name: beta2, options: [0.99, 0.999], when: {optimizer: adam}}
        - {name: width, options: [16, 32]}
      """;

  private DeclarativeSpaces() {}

  public static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DeclarativeSpace of(String paramsYaml) {
    return (DeclarativeSpace) SearchSpaces.create(DeclarativeSpace.NAME, yaml(paramsYaml));
  }

  /** {@link #CONDITIONAL}. */
  public static DeclarativeSpace conditional() {
    return of(CONDITIONAL);
  }
}
