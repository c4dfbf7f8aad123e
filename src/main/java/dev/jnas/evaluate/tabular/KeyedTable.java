package dev.jnas.evaluate.tabular;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.TableSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A benchmark table keyed by fixed-length strings of one-character choices ({@code 02012100}),
 * read from
 *
 * <ul>
 *   <li>JSON: {@code {"02012100": 91.2, ...}} (one metric, named {@code value}) or {@code
 *       {"02012100": {"acc": 91.2, "params": 1.3e6}, ...}} (every field holding a number is a
 *       metric; text fields are ignored), or
 *   <li>CSV (read by jackson-dataformat-csv: quoted cells, BOM, CRLF): a header, a {@code key}
 *       column (else the first column) and metric columns; an empty metric cell means "not
 *       recorded".
 * </ul>
 *
 * The space is inferred from the keys ({@link TableSpace#inferFrom}) unless declared. A key of the
 * space that the table lacks has no value: the evaluator reports it INVALID.
 */
public final class KeyedTable implements MetricTable {
  /** The metric of a JSON table whose values are plain numbers. */
  public static final String SINGLE_METRIC = "value";

  private final String name;
  private final TableSpace space;
  private final List<String> metrics;
  private final Map<String, double[]> rows;
  private final double[] optima;

  private KeyedTable(String name, TableSpace space, List<String> metrics, Map<String, double[]> rows) {
    this.name = name;
    this.space = space;
    this.metrics = List.copyOf(metrics);
    this.rows = rows;
    this.optima = new double[metrics.size()];
    Arrays.fill(optima, Double.NaN);
    for (double[] v : rows.values()) {
      for (int m = 0; m < v.length; m++) {
        if (!Double.isNaN(v[m]) && (Double.isNaN(optima[m]) || v[m] > optima[m])) {
          optima[m] = v[m];
        }
      }
    }
  }

  /** Reads a .json or (any other name) CSV table and infers its space from the keys. */
  public static KeyedTable load(Path file) {
    return load(file, null);
  }

  /**
   * Reads a .json or CSV table.
   *
   * @param declared the space the keys must belong to, or null to infer it from the keys
   * @throws BadInputException naming the file and line (or key) of what is wrong
   */
  public static KeyedTable load(Path file, TableSpace declared) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("table " + file + " does not exist or is not a file");
    }
    List<Row> rows;
    List<String> metrics = new ArrayList<>();
    try {
      rows = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
          ? readJson(file, metrics)
          : readCsv(file, metrics);
    } catch (IOException e) {
      throw new BadInputException("cannot read table " + file + ": " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new BadInputException("table " + file + " has no rows: a search over it could only report INVALID trials");
    }
    Map<String, double[]> byKey = new HashMap<>();
    Map<String, Integer> lineOfKey = new HashMap<>();
    String first = rows.get(0).key();
    for (Row r : rows) {
      if (r.key().length() != first.length()) {
        throw new BadInputException(
            file + ": line " + r.line() + ": key '" + r.key() + "' has length " + r.key().length() + ", expected "
                + first.length() + " like '" + first + "' on line " + rows.get(0).line());
      }
      Integer before = lineOfKey.putIfAbsent(r.key(), r.line());
      if (before != null) {
        throw new BadInputException(file + ": line " + r.line() + ": key '" + r.key() + "' repeats line " + before);
      }
      if (declared != null) {
        try {
          declared.decode(r.key());
        } catch (BadInputException e) {
          throw new BadInputException(file + ": line " + r.line() + ": " + e.getMessage(), e);
        }
      }
      byKey.put(r.key(), r.values());
    }
    TableSpace space = declared != null ? declared : TableSpace.inferFrom(lineOfKey.keySet().stream().sorted().toList());
    return new KeyedTable(file.getFileName().toString(), space, metrics, byKey);
  }

  /** One table row: its key, the line it starts on, and one value per metric (NaN = missing). */
  private record Row(String key, int line, double[] values) {}

  private static List<Row> readJson(Path file, List<String> metrics) throws IOException {
    record Entry(String key, int line, JsonNode value) {}
    List<Entry> entries = new ArrayList<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadInputException(file + ": line " + p.currentLocation().getLineNr()
            + ": expected a JSON object mapping keys to a number or to an object of metrics");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT && !t.isNumeric()) {
          throw new BadInputException(
              file + ": line " + line + ": key '" + key + "' maps to " + t.asString() + ", expected a number or an object of metrics");
        }
        entries.add(new Entry(key, line, p.readValueAsTree()));
      }
    } catch (JsonProcessingException e) {
      throw new BadInputException(
          file + ": line " + e.getLocation().getLineNr() + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (entries.isEmpty()) {
      return List.of();
    }
    boolean single = entries.get(0).value().isNumber();
    Set<String> names = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (e.value().isNumber() != single) {
        throw new BadInputException(file + ": line " + e.line() + ": key '" + e.key() + "' maps to "
            + (single ? "an object" : "a number") + " but key '" + entries.get(0).key() + "' to "
            + (single ? "a number" : "an object") + "; use one form for all keys");
      }
      if (!single) {
        for (Iterator<Map.Entry<String, JsonNode>> it = e.value().fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if (f.getValue().isNumber()) {
            names.add(f.getKey());
          }
        }
      }
    }
    metrics.addAll(single ? List.of(SINGLE_METRIC) : names);
    if (metrics.isEmpty()) {
      throw new BadInputException(file + ": no key maps to an object with a numeric field, so the table has no metric");
    }
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      double[] v = new double[metrics.size()];
      for (int m = 0; m < v.length; m++) {
        JsonNode x = single ? e.value() : e.value().get(metrics.get(m));
        if (x == null || x.isNull()) {
          v[m] = Double.NaN;
        } else if (x.isNumber()) {
          v[m] = x.doubleValue();
        } else {
          throw new BadInputException(
              file + ": line " + e.line() + ": key '" + e.key() + "': metric '" + metrics.get(m) + "' is " + x + ", not a number");
        }
      }
      rows.add(new Row(e.key(), e.line(), v));
    }
    return rows;
  }

  private static List<Row> readCsv(Path file, List<String> metrics) {
    List<Row> rows = new ArrayList<>();
    try (CsvText csv = CsvText.open(file, "table")) {
      List<String> columns = csv.header("key column, then metric columns");
      int keyColumn = Math.max(0, columns.indexOf("key"));
      if (columns.size() < 2) {
        throw new BadInputException(file + ": line 1: header '" + String.join(",", columns) + "' has no metric column besides the key");
      }
      int[] metricColumn = new int[columns.size() - 1];
      for (int c = 0, m = 0; c < columns.size(); c++) {
        if (c != keyColumn) {
          if (columns.get(c).isEmpty() || metrics.contains(columns.get(c))) {
            throw new BadInputException(file + ": line 1: column " + (c + 1) + " has an empty or repeated name '" + columns.get(c) + "'");
          }
          metrics.add(columns.get(c));
          metricColumn[m++] = c;
        }
      }
      String[] cells;
      while ((cells = csv.next()) != null) {
        int lineNo = csv.line();
        if (cells.length != columns.size()) {
          throw new BadInputException(file + ": line " + lineNo + ": " + cells.length + " cells, the header has " + columns.size());
        }
        String key = cells[keyColumn];
        if (key.isEmpty()) {
          throw new BadInputException(file + ": line " + lineNo + ": empty key");
        }
        double[] v = new double[metricColumn.length];
        for (int m = 0; m < v.length; m++) {
          String cell = cells[metricColumn[m]];
          v[m] = cell.isEmpty() ? Double.NaN : NasBench201Table.number(cell, file, lineNo, metrics.get(m));
        }
        rows.add(new Row(key, lineNo, v));
      }
    }
    return rows;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public TableSpace space() {
    return space;
  }

  @Override
  public List<String> metrics() {
    return metrics;
  }

  /** Number of keys in the table. */
  public int size() {
    return rows.size();
  }

  /** The recorded value for a key, or empty when the table lacks the key or the value. */
  public OptionalDouble value(String key, String metric) {
    int m = metrics.indexOf(checkMetric(metric));
    double[] v = rows.get(key);
    return v == null || Double.isNaN(v[m]) ? OptionalDouble.empty() : OptionalDouble.of(v[m]);
  }

  @Override
  public OptionalDouble value(Architecture arch, String metric) {
    if (!space.isValid(arch)) {
      checkMetric(metric);
      return OptionalDouble.empty();
    }
    return value(space.encode(arch), metric);
  }

  @Override
  public double optimum(String metric) {
    return optima[metrics.indexOf(checkMetric(metric))];
  }
}
