package dev.jnas.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.diagram.ArchitectureDiagram;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The SVG diagram of an architecture of an experiment's space, the space made once per config. */
final class Diagrams {
  private final Map<String, SearchSpace> spaces = new ConcurrentHashMap<>();

  /**
   * The diagram of {@code architecture} (canonical string) in the space of {@code config}.
   *
   * @throws BadInputException when the space cannot be made here or the string does not decode
   */
  String svg(JsonNode config, String architecture) {
    JsonNode section = config.path("space");
    SearchSpace space = spaces.computeIfAbsent(section.toString(), k -> SearchSpaces.fromConfig(section));
    try {
      return ArchitectureDiagram.svg(space, space.decode(architecture));
    } catch (NasException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException("cannot draw " + architecture + ": " + e.getMessage());
    }
  }
}
