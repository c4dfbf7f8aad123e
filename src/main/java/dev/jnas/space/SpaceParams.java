package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads one space's config parameters with strict checking: an unknown key or a value of the wrong
 * type or range is a BadInputException naming the space, the parameter and what would be valid.
 */
final class SpaceParams {
  private final String space;
  private final JsonNode params;

  /**
   * @param known every parameter the space accepts; anything else is rejected up front
   */
  SpaceParams(String space, JsonNode params, List<String> known) {
    this.space = space;
    this.params = params;
    if (params != null && !params.isNull() && !params.isMissingNode()) {
      if (!params.isObject()) {
        throw new BadInputException(
            "search space " + space + ": parameters must be an object of name: value, got " + params);
      }
      Iterator<String> names = params.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!known.contains(n)) {
          throw new BadInputException(
              "search space " + space + ": unknown parameter '" + n + "' (valid: "
                  + String.join(", ", known) + ")");
        }
      }
    }
  }

  private JsonNode node(String name) {
    if (params == null || params.isNull() || params.isMissingNode()) {
      return null;
    }
    JsonNode n = params.get(name);
    return n == null || n.isNull() ? null : n;
  }

  boolean has(String name) {
    return node(name) != null;
  }

  private BadInputException bad(String name, String what, JsonNode got) {
    return new BadInputException(
        "search space " + space + ": parameter '" + name + "' must be " + what + ", got " + got);
  }

  int intAtLeast(String name, int defaultValue, int min) {
    JsonNode n = node(name);
    if (n == null) {
      return defaultValue;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min) {
      throw bad(name, "an integer >= " + min, n);
    }
    return n.asInt();
  }

  boolean bool(String name, boolean defaultValue) {
    JsonNode n = node(name);
    if (n == null) {
      return defaultValue;
    }
    if (!n.isBoolean()) {
      throw bad(name, "true or false", n);
    }
    return n.asBoolean();
  }

  String oneOf(String name, String defaultValue, List<String> valid) {
    JsonNode n = node(name);
    if (n == null) {
      return defaultValue;
    }
    if (!n.isTextual() || !valid.contains(n.asText())) {
      throw bad(name, "one of " + String.join(", ", valid), n);
    }
    return n.asText();
  }

  /** A non-empty list of distinct integers, each passing {@code ok} (described by {@code what}). */
  List<Integer> distinctInts(
      String name, List<Integer> defaultValue, java.util.function.IntPredicate ok, String what) {
    JsonNode n = node(name);
    if (n == null) {
      return defaultValue;
    }
    String expected = "a non-empty list of distinct " + what;
    if (!n.isArray() || n.isEmpty()) {
      throw bad(name, expected, n);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isIntegralNumber() || !e.canConvertToInt() || !ok.test(e.asInt()) || out.contains(e.asInt())) {
        throw bad(name, expected, n);
      }
      out.add(e.asInt());
    }
    return List.copyOf(out);
  }

  /** A non-empty list of distinct strings, each one of {@code valid}. */
  List<String> distinctStrings(String name, List<String> defaultValue, List<String> valid) {
    JsonNode n = node(name);
    if (n == null) {
      return defaultValue;
    }
    String expected = "a non-empty list of distinct names from " + String.join(", ", valid);
    if (!n.isArray() || n.isEmpty()) {
      throw bad(name, expected, n);
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode e : n) {
      if (!e.isTextual() || !valid.contains(e.asText()) || !seen.add(e.asText())) {
        throw bad(name, expected, n);
      }
      out.add(e.asText());
    }
    return List.copyOf(out);
  }
}
