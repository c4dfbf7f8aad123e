package dev.jnas.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A bad value in a config, with the full path of the field it concerns ({@code
 * evaluator.training.batch_size}, {@code space.params.layers[2]}). Components that read a part of
 * the config throw it with a path relative to that part; whoever handed the part over prefixes
 * its own position ({@link #under}), and the config loader adds file and line ({@link #at}).
 */
public final class ConfigException extends BadInputException {
  private final List<String> path;
  private final String problem;
  private final boolean unknownField;
  /** The problem is a whole sentence of its own (from a component); the path only places it. */
  private final boolean sentence;
  /** Whether an outer part of the config was put in front of the path ({@link #under}). */
  private final boolean placed;

  private ConfigException(
      List<String> path, String problem, boolean unknownField, boolean sentence, boolean placed, String location,
      Throwable cause) {
    super((location == null ? "" : location + ": ") + render(path, problem, unknownField, sentence, placed), cause);
    this.path = List.copyOf(path);
    this.problem = problem;
    this.unknownField = unknownField;
    this.sentence = sentence;
    this.placed = placed;
  }

  /** {@code field} (a dotted path, may be empty) is wrong: {@code problem} says how. */
  public static ConfigException invalid(String field, String problem) {
    return new ConfigException(split(field), problem, false, false, true, null, null);
  }

  public static ConfigException invalid(String field, String problem, Throwable cause) {
    return new ConfigException(split(field), problem, false, false, true, null, cause);
  }

  /**
   * A component's complete message about its parameter {@code field} (e.g. "search space x:
   * unknown parameter 'y' (valid: ...)"): shown as it is, and once the component's section is put
   * in front ({@link #under}), as "in 'space.params.y': message", located at that line.
   */
  public static ConfigException sentence(String field, String message) {
    return new ConfigException(split(field), message, false, true, false, null, null);
  }

  /**
   * A component's own complete message about the config part at {@code field}: rendered as
   * "in 'field': message", and located at that part.
   */
  public static ConfigException within(String field, BadInputException e) {
    if (e instanceof ConfigException c) {
      return c.under(field);
    }
    return new ConfigException(split(field), e.getMessage(), false, true, true, null, e);
  }

  /** {@code field} is not a known field; {@code valid} lists the known ones at that level. */
  public static ConfigException unknownField(String field, List<String> valid) {
    String v = valid.isEmpty() ? "none" : String.join(", ", valid.stream().sorted().toList());
    return new ConfigException(split(field), "valid: " + v, true, false, true, null, null);
  }

  /** The same error seen from {@code prefix} (a dotted path) further up the config. */
  public ConfigException under(String prefix) {
    List<String> p = new ArrayList<>(split(prefix));
    p.addAll(path);
    return new ConfigException(p, problem, unknownField, sentence, true, null, getCause());
  }

  /** The same error with a location ({@code file:line:column}) in front. */
  public ConfigException at(String location) {
    return new ConfigException(path, problem, unknownField, sentence, placed, location, getCause());
  }

  /** The dotted path of the field, e.g. {@code evaluator.training.lr}; empty for the whole config. */
  public String field() {
    return join(path);
  }

  private static String render(List<String> path, String problem, boolean unknownField, boolean sentence, boolean placed) {
    String f = join(path);
    if (sentence) {
      return f.isEmpty() || !placed ? problem : "in '" + f + "': " + problem;
    }
    if (unknownField) {
      return "unknown field '" + f + "' (" + problem + ")";
    }
    return f.isEmpty() ? problem : "'" + f + "' " + problem;
  }

  static List<String> split(String dotted) {
    List<String> out = new ArrayList<>();
    if (dotted == null || dotted.isEmpty()) {
      return out;
    }
    StringBuilder cur = new StringBuilder();
    for (char c : dotted.toCharArray()) {
      if (c == '.' || c == '[') {
        if (cur.length() > 0) {
          out.add(cur.toString());
        }
        cur.setLength(0);
        if (c == '[') {
          cur.append('[');
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  private static String join(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String s : path) {
      if (sb.length() > 0 && !s.startsWith("[")) {
        sb.append('.');
      }
      sb.append(s);
    }
    return sb.toString();
  }
}
