package dev.jnas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;

/** Flags whose value is a JSON object (space or strategy parameters). */
final class JsonFlags {
  private JsonFlags() {}

  /**
   * @param flag the flag's name for messages, e.g. {@code --space-params}
   * @return the object, or null for a missing or blank value
   */
  static ObjectNode object(String flag, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(text);
      if (!(n instanceof ObjectNode o)) {
        throw new BadInputException(flag + ": expected a JSON object, got " + text);
      }
      return o;
    } catch (JsonProcessingException e) {
      throw new BadInputException(flag + ": malformed JSON: " + e.getOriginalMessage());
    }
  }
}
