package dev.jnas.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML or JSON config file is: maps dotted paths ({@code
 * evaluator.training.lr}, {@code space.params.filters[1]}) to {@code line:column}, so errors found
 * long after parsing, by the component that reads a part of the config, can still name the line.
 */
public final class ConfigLocator {
  private final Path file;
  private final Map<String, JsonLocation> where = new HashMap<>();

  private ConfigLocator(Path file) {
    this.file = file;
  }

  /** Reads {@code file}'s structure; an unreadable file gives a locator that knows no lines. */
  public static ConfigLocator of(Path file, JsonFactory factory) {
    ConfigLocator l = new ConfigLocator(file);
    try (JsonParser p = factory.createParser(file.toFile())) {
      l.scan(p);
    } catch (IOException | RuntimeException e) {
      // the file was parsed before; a locator is only an aid for messages
    }
    return l;
  }

  private void scan(JsonParser p) throws IOException {
    // one frame per open container: its path and, in arrays, the next index
    Deque<String> paths = new ArrayDeque<>();
    Deque<int[]> indices = new ArrayDeque<>();
    String pendingField = null;
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      if (t == JsonToken.FIELD_NAME) {
        String parent = paths.isEmpty() ? "" : paths.peek();
        pendingField = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
        where.putIfAbsent(pendingField, p.currentTokenLocation());
        continue;
      }
      String here = pendingField;
      pendingField = null;
      if (here == null && !indices.isEmpty() && indices.peek()[0] >= 0) {
        here = paths.peek() + "[" + indices.peek()[0]++ + "]";
        where.putIfAbsent(here, p.currentTokenLocation());
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        paths.push(here == null ? "" : here);
        indices.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        paths.pop();
        indices.pop();
      }
    }
  }

  /**
   * {@code file:line:column} of {@code field}, or of its nearest enclosing field that the file
   * has (a missing field is reported where its parent is); just the file when none is known.
   */
  public String locate(String field) {
    String f = field == null ? "" : field;
    while (!f.isEmpty()) {
      JsonLocation l = where.get(f);
      if (l != null && l.getLineNr() > 0) {
        return file + ":" + l.getLineNr() + ":" + l.getColumnNr();
      }
      int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
      f = cut < 0 ? "" : f.substring(0, cut);
    }
    return file.toString();
  }
}
